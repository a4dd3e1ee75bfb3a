//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

// Queue service operations, after Azure's "Create an account SAS" and "Create a service SAS"
// tables. A queue SAS reaches its queue's metadata (read only) and messages.
extension SASAccessRequirement {
    /// Get Queue Service Properties: `srt=s`, `sp` with `r`.
    public static let getQueueServiceProperties = Self(resourceType: .service, accountPermissions: [.read])
    /// Set Queue Service Properties: `srt=s`, `sp` with `w`.
    public static let setQueueServiceProperties = Self(resourceType: .service, accountPermissions: [.write])
    /// Get Queue Service Stats: `srt=s`, `sp` with `r`.
    public static let getQueueServiceStatistics = Self(resourceType: .service, accountPermissions: [.read])
    /// List Queues: `srt=s`, `sp` with `l`.
    public static let listQueues = Self(resourceType: .service, accountPermissions: [.list])
    /// Create Queue: `srt=c`, `sp` with `a`, `c` or `w`.
    public static let createQueue = Self(resourceType: .container, accountPermissions: [.add, .create, .write])
    /// Delete Queue: `srt=c`, `sp` with `d`.
    public static let deleteQueue = Self(resourceType: .container, accountPermissions: [.delete])
    /// Get Queue Metadata and properties: `srt=c` with `r`; queue SAS `r`.
    public static let getQueueMetadata = Self(
        resourceType: .container, accountPermissions: [.read], queuePermissions: .read)
    /// Set Queue Metadata: `srt=c` with `w`; no queue SAS.
    public static let setQueueMetadata = Self(resourceType: .container, accountPermissions: [.write])
    /// Get or Set Queue ACL: no SAS may manage access policies.
    public static let queueAccessPolicy = Self(resourceType: .container, accountPermissions: [])
    /// Put Message: `srt=o` with `a`; queue SAS `a`.
    public static let putMessage = Self(resourceType: .object, accountPermissions: [.add], queuePermissions: .add)
    /// Get Messages: `srt=o` with `p`; queue SAS `p`.
    public static let getMessages = Self(
        resourceType: .object, accountPermissions: [.process], queuePermissions: .process)
    /// Peek Messages: `srt=o` with `r`; queue SAS `r`.
    public static let peekMessages = Self(
        resourceType: .object, accountPermissions: [.read], queuePermissions: .read)
    /// Delete Message: `srt=o` with `p`; queue SAS `p`.
    public static let deleteMessage = Self(
        resourceType: .object, accountPermissions: [.process], queuePermissions: .process)
    /// Update Message: `srt=o` with `u`; queue SAS `u`.
    public static let updateMessage = Self(
        resourceType: .object, accountPermissions: [.update], queuePermissions: .update)
    /// Clear Messages: `srt=o` with `d`; queue SAS `p`, the permission to delete messages.
    public static let clearMessages = Self(
        resourceType: .object, accountPermissions: [.delete], queuePermissions: .process)
}
