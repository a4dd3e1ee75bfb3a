//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

/// What a Queue service URL addresses, parsed from the path after the account.
enum QueueResource: Sendable, Equatable {
    /// `/` — List Queues and the service properties.
    case service
    /// `/queue` — one queue: create, delete, metadata, ACL.
    case queue(name: String)
    /// `/queue/messages` — a queue's messages: put, get, peek, clear.
    case messages(queue: String)
    /// `/queue/messages/id` — one message: delete, update.
    case message(queue: String, messageID: String)

    /// The queue addressed, if any.
    var queueName: String? {
        switch self {
        case .service: nil
        case .queue(let name), .messages(let name), .message(let name, _): name
        }
    }

    /// Parses the path that follows `/<account>`, still percent-encoded as sent, and checks
    /// the queue name.
    ///
    /// - Throws: 400 `InvalidUri` for a path of another shape; 400 `OutOfRangeInput` or
    ///   `InvalidResourceName` for a queue name that breaks the rules.
    init(encodedPath: String) throws(StorageError) {
        guard let path = PercentEncoding.decode(encodedPath) else {
            throw StorageError(
                status: 400, code: .invalidUri, message: "The request URI's path is not valid percent-encoding.")
        }
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let name = segments.first else {
            self = .service
            return
        }
        try QueueValidation.checkQueueName(name)
        switch segments.count {
        case 1:
            self = .queue(name: name)
        case 2 where segments[1] == "messages":
            self = .messages(queue: name)
        case 3 where segments[1] == "messages":
            self = .message(queue: name, messageID: segments[2])
        default:
            throw StorageError(
                status: 400, code: .invalidUri,
                message: "The requested URI does not represent any resource on the server.")
        }
    }
}
