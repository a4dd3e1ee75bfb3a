//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension PagingParams {
    /// The paging in the wire format, `{"skip", "take", "total"}`, with unset values left out.
    public var json: JSONValue {
        var members: [JSONMember] = []
        if let skip = self.skip {
            members.append(JSONMember("skip", .number(skip)))
        }
        if let take = self.take {
            members.append(JSONMember("take", .number(take)))
        }
        members.append(JSONMember("total", .bool(self.total)))
        return .object(members)
    }

    /// Reads paging in the wire format; numbers and Booleans may also be strings, as in
    /// pip-services.
    ///
    /// - Throws: JobsError (`INVALID_DATA`) for a value of the wrong type or a negative
    ///   `skip` or `take`.
    public init(json: JSONValue) throws(JobsError) {
        let object = try JobsJSONObject(json, path: "paging")
        let skip = try object.integer("skip", acceptingText: true)
        let take = try object.integer("take", acceptingText: true)
        if let skip, skip < 0 {
            throw object.invalid("skip", "must not be negative")
        }
        if let take, take < 0 {
            throw object.invalid("take", "must not be negative")
        }
        self.init(skip: skip, take: take, total: try object.boolean("total") ?? false)
    }
}
