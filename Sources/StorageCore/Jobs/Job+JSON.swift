//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension Job {
    /// The job in the wire format: `{"id", "type", "ref_id", "params", "created", "started",
    /// "locked_until", "execute_until", "completed", "retries", "lock_token"}`, absent values as
    /// `null`, dates as ISO 8601 with milliseconds.
    public var json: JSONValue {
        .object([
            JSONMember("id", .string(self.id)),
            JSONMember("type", .string(self.type)),
            JSONMember("ref_id", .string(self.refId)),
            JSONMember("params", self.params ?? .null),
            JSONMember("created", .date(orNull: self.created)),
            JSONMember("started", .date(orNull: self.started)),
            JSONMember("locked_until", .date(orNull: self.lockedUntil)),
            JSONMember("execute_until", .date(orNull: self.executeUntil)),
            JSONMember("completed", .date(orNull: self.completed)),
            JSONMember("retries", .number(self.retries)),
            JSONMember("lock_token", .string(orNull: self.lockToken)),
        ])
    }

    /// Reads a job in the wire format.
    ///
    /// `id`, `type` and `created` are required; a missing `ref_id` reads as "", missing
    /// `retries` as 0, and unknown members are ignored.
    ///
    /// - Throws: JobsError (`INVALID_DATA`) naming the first member that is missing or
    ///   malformed.
    public init(json: JSONValue) throws(JobsError) {
        let object = try JobsJSONObject(json, path: "job")
        self.init(
            id: try object.requiredString("id"),
            type: try object.requiredString("type"),
            refId: try object.string("ref_id") ?? "",
            params: object.value("params"),
            created: try object.requiredDate("created"),
            started: try object.date("started"),
            lockedUntil: try object.date("locked_until"),
            executeUntil: try object.date("execute_until"),
            completed: try object.date("completed"),
            retries: try object.integer("retries") ?? 0,
            lockToken: try object.string("lock_token"))
    }
}
