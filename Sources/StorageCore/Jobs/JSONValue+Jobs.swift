//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

extension JSONValue {
    /// A string, or `null` for `nil`.
    static func string(orNull text: String?) -> JSONValue {
        text.map(JSONValue.string) ?? .null
    }

    /// An ISO 8601 date with milliseconds, or `null` for `nil`.
    static func date(orNull date: Date?) -> JSONValue {
        date.map { .string(JobsDate.string(from: $0)) } ?? .null
    }
}
