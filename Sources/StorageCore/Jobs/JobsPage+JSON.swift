//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension JobsPage {
    /// The page in the wire format, `{"data":[…],"total":n}`, `total` left out when `nil`.
    public var json: JSONValue {
        var members = [JSONMember("data", .array(self.data.map(\.json)))]
        if let total = self.total {
            members.append(JSONMember("total", .number(total)))
        }
        return .object(members)
    }

    /// Reads a page in the wire format.
    ///
    /// - Throws: JobsError (`INVALID_DATA`) when `data` is not an array of jobs.
    public init(json: JSONValue) throws(JobsError) {
        let object = try JobsJSONObject(json, path: "page")
        var jobs: [Job] = []
        if let data = object.value("data") {
            guard case .array(let elements) = data else {
                throw object.invalid("data", "must be an array")
            }
            for element in elements {
                jobs.append(try Job(json: element))
            }
        }
        self.init(data: jobs, total: try object.integer("total"))
    }
}
