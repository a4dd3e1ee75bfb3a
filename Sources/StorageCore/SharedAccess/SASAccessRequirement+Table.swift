//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

// Table service operations, after Azure's "Create an account SAS" and "Create a service SAS"
// tables. A table SAS only ever reaches the entities of its own table.
extension SASAccessRequirement {
    /// Get Table Service Properties: `srt=s`, `sp` with `r`.
    public static let getTableServiceProperties = Self(resourceType: .service, accountPermissions: [.read])
    /// Set Table Service Properties: `srt=s`, `sp` with `w`.
    public static let setTableServiceProperties = Self(resourceType: .service, accountPermissions: [.write])
    /// Get Table Service Stats: `srt=s`, `sp` with `r`.
    public static let getTableServiceStatistics = Self(resourceType: .service, accountPermissions: [.read])
    /// Query Tables: `srt=c`, `sp` with `l`.
    public static let queryTables = Self(resourceType: .container, accountPermissions: [.list])
    /// Create Table: `srt=c`, `sp` with `a`, `c` or `w`.
    public static let createTable = Self(resourceType: .container, accountPermissions: [.add, .create, .write])
    /// Delete Table: `srt=c`, `sp` with `d`.
    public static let deleteTable = Self(resourceType: .container, accountPermissions: [.delete])
    /// Get or Set Table ACL: no SAS may manage access policies.
    public static let tableAccessPolicy = Self(resourceType: .container, accountPermissions: [])
    /// Query Entities and getting one entity: `srt=o` with `r`; table SAS `r`.
    public static let queryEntities = Self(
        resourceType: .object, accountPermissions: [.read], tablePermissions: .read)
    /// Insert Entity: `srt=o` with `a`; table SAS `a`.
    public static let insertEntity = Self(resourceType: .object, accountPermissions: [.add], tablePermissions: .add)
    /// Insert Or Merge and Insert Or Replace Entity: `srt=o` with `a` and `u`; table SAS `au`.
    public static let upsertEntity = Self(
        resourceType: .object, accountPermissions: [[.add, .update]], tablePermissions: [.add, .update])
    /// Update (replace) and Merge Entity: `srt=o` with `u`; table SAS `u`.
    public static let updateEntity = Self(
        resourceType: .object, accountPermissions: [.update], tablePermissions: .update)
    /// Delete Entity: `srt=o` with `d`; table SAS `d`.
    public static let deleteEntity = Self(
        resourceType: .object, accountPermissions: [.delete], tablePermissions: .delete)
}
