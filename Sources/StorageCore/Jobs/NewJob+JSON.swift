//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension NewJob {
    /// The request in the wire format: `{"type", "ref_id", "ttl", "params"}`, `params` left
    /// out when `nil`.
    public var json: JSONValue {
        var members = [
            JSONMember("type", .string(self.type)),
            JSONMember("ref_id", .string(self.refId)),
            JSONMember("ttl", .number(self.ttl)),
        ]
        if let params = self.params {
            members.append(JSONMember("params", params))
        }
        return .object(members)
    }

    /// Reads a request in the wire format, as the `NewJobV1` schema does: `type`, `ref_id`
    /// (strings) and `ttl` (an integer) are required, `params` may be anything.
    ///
    /// - Throws: JobsError (`INVALID_DATA`) naming the first member that is missing or
    ///   malformed.
    public init(json: JSONValue) throws(JobsError) {
        let object = try JobsJSONObject(json, path: "new_job")
        self.init(
            type: try object.requiredString("type"),
            refId: try object.requiredString("ref_id"),
            ttl: try object.requiredInteger("ttl"),
            params: object.value("params"))
    }
}
