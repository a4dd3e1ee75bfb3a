//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

package import StorageCore

// Outcomes that are not failures. A missing or existing resource is something the Table service
// answers with a status code, so it is a result here; only database failures throw.
extension TableStore {
    /// The outcome of ``TableStore/createTable(account:name:)``.
    package enum TableCreation: Sendable, Hashable {
        /// The table was created with the name as given.
        case created
        /// A table with this name in any letter case exists; it keeps the spelling it was
        /// created with, which is given here.
        case alreadyExists(existingName: String)
    }

    /// The outcome of ``TableStore/deleteTable(account:name:)``.
    package enum TableDeletion: Sendable, Hashable {
        /// The table, its entities and its access policy are gone.
        case deleted
        /// No table has this name in any letter case.
        case notFound
    }

    /// The outcome of ``TableStore/setTableACL(account:name:signedIdentifiers:)``.
    package enum ACLUpdate: Sendable, Hashable {
        /// The access policy was stored, replacing any earlier one.
        case updated
        /// No table has this name in any letter case.
        case tableNotFound
    }

    /// The outcome of inserting an entity that must not exist yet.
    package enum EntityInsertion: Sendable, Hashable {
        /// The entity was stored with this timestamp (its `Timestamp`, and its ETag's source).
        case inserted(PreciseTimestamp)
        /// An entity with the same PartitionKey and RowKey exists; nothing was written.
        case alreadyExists
        /// The table does not exist; nothing was written.
        case tableNotFound
    }

    /// The outcome of writing an entity whether or not it exists (insert or replace).
    package enum EntityWrite: Sendable, Hashable {
        /// The entity was stored with this timestamp, replacing any earlier version.
        case written(PreciseTimestamp)
        /// The table does not exist; nothing was written.
        case tableNotFound
    }

    /// The outcome of deleting an entity.
    package enum EntityDeletion: Sendable, Hashable {
        /// The entity was deleted.
        case deleted
        /// The table exists but holds no entity with these keys.
        case notFound
        /// The table does not exist.
        case tableNotFound
    }

    /// One page of a table listing.
    package struct TablePage: Sendable, Hashable {
        /// Table names as they were created, in the order of their lowercase forms (UTF-8 bytes).
        package var names: [String]
        /// Where the next page starts: pass it as `after` to get the tables after it. `nil` when
        /// no further table matches.
        package var next: String?

        /// Creates a page.
        package init(names: [String], next: String?) {
            self.names = names
            self.next = next
        }
    }

    /// One page of an entity query.
    package struct EntityPage: Sendable, Hashable {
        /// The matching entities, in (PartitionKey, RowKey) order; possibly none.
        package var entities: [StoredEntity]
        /// The last entity this page examined, when more entities may follow: pass it as
        /// `after` to continue. `nil` when the scan reached the end of its ranges.
        ///
        /// A page can be empty and still carry a continuation, when its scan budget ran out
        /// before anything matched; Azure allows this and clients keep paging.
        package var continuation: EntityKey?

        /// Creates a page.
        package init(entities: [StoredEntity], continuation: EntityKey?) {
            self.entities = entities
            self.continuation = continuation
        }
    }
}
