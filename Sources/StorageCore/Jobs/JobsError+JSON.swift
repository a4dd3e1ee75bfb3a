//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension JobsError {
    /// The error in pip-services `ErrorDescription` form: `{"type", "category", "code",
    /// "status", "message", "details", "correlation_id"}`, absent values left out.
    public var json: JSONValue {
        var members = [
            JSONMember("type", .string(self.type)),
            JSONMember("category", .string(self.category)),
            JSONMember("code", .string(self.code)),
            JSONMember("status", .number(self.status)),
            JSONMember("message", .string(self.message)),
        ]
        if let details = self.details {
            members.append(JSONMember("details", details))
        }
        if let correlationId = self.correlationId {
            members.append(JSONMember("correlation_id", .string(correlationId)))
        }
        return .object(members)
    }

    /// Reads an error description, tolerating missing members: an error answer must always turn
    /// into some error.
    ///
    /// - Parameters:
    ///   - json: The response body, parsed.
    ///   - status: The response's HTTP status, used when the body has none.
    public init(json: JSONValue, status: Int) {
        func text(_ name: String) -> String? {
            json[name]?.stringValue
        }
        let statusMember = json["status"]?.numberLexeme.flatMap { Int($0) }
        self.init(
            type: text("type") ?? "UnknownException",
            category: text("category") ?? "Unknown",
            code: text("code") ?? "UNKNOWN",
            status: statusMember ?? status,
            message: text("message") ?? "The Jobs service answered with status \(status)",
            details: json["details"].flatMap { $0 == .null ? nil : $0 },
            correlationId: text("correlation_id"))
    }
}
