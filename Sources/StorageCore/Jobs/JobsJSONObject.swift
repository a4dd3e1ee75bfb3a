//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

package import Foundation

/// Typed reads of one JSON object's members for the Jobs codecs, failing with
/// JobsError/invalidData(_:details:) that names the offending member.
///
/// A member whose value is `null` counts as absent, as in pip-services schemas.
package struct JobsJSONObject: Sendable {
    /// The members, in document order.
    private let members: [JSONMember]
    /// Where this object sits, such as `new_job`, for error messages; empty at the top.
    private let path: String

    /// Reads `value`, which must be an object.
    ///
    /// - Throws: JobsError when it is not an object.
    package init(_ value: JSONValue, path: String) throws(JobsError) {
        guard case .object(let members) = value else {
            throw JobsError.invalidData("\(path.isEmpty ? "The body" : path) must be a JSON object")
        }
        self.members = members
        self.path = path
    }

    /// The value of the first member called `name`, unless it is absent or `null`.
    package func value(_ name: String) -> JSONValue? {
        guard let value = self.members.first(where: { $0.name == name })?.value, value != .null else {
            return nil
        }
        return value
    }

    /// A string member; `nil` when absent.
    package func string(_ name: String) throws(JobsError) -> String? {
        guard let value = self.value(name) else {
            return nil
        }
        guard case .string(let text) = value else {
            throw self.invalid(name, "must be a string")
        }
        return text
    }

    /// A string member that must be present.
    package func requiredString(_ name: String) throws(JobsError) -> String {
        guard let text = try self.string(name) else {
            throw self.invalid(name, "is required")
        }
        return text
    }

    /// A whole-number member; `nil` when absent. With `acceptingText`, numeric strings count
    /// too, as in pip-services filter and paging maps.
    package func integer(_ name: String, acceptingText: Bool = false) throws(JobsError) -> Int? {
        guard let value = self.value(name) else {
            return nil
        }
        let lexeme: String
        switch value {
        case .number(let number): lexeme = number
        case .string(let text) where acceptingText: lexeme = text
        default: throw self.invalid(name, "must be an integer")
        }
        if let integer = Int(lexeme) {
            return integer
        }
        // `6e4` and `60000.0` are whole numbers too.
        guard let double = Double(lexeme), double.rounded() == double, abs(double) < 9.0e15 else {
            throw self.invalid(name, "must be an integer")
        }
        return Int(double)
    }

    /// A whole-number member that must be present.
    package func requiredInteger(_ name: String) throws(JobsError) -> Int {
        guard let integer = try self.integer(name) else {
            throw self.invalid(name, "is required")
        }
        return integer
    }

    /// A Boolean member; `nil` when absent. `"true"` and `"false"` count too.
    package func boolean(_ name: String) throws(JobsError) -> Bool? {
        switch self.value(name) {
        case nil: return nil
        case .bool(let flag): return flag
        case .string(let text) where text.lowercased() == "true": return true
        case .string(let text) where text.lowercased() == "false": return false
        default: throw self.invalid(name, "must be a Boolean")
        }
    }

    /// An ISO 8601 date member; `nil` when absent.
    package func date(_ name: String) throws(JobsError) -> Date? {
        guard let text = try self.string(name) else {
            return nil
        }
        guard let date = JobsDate.date(from: text) else {
            throw self.invalid(name, "must be an ISO 8601 UTC date such as 2026-12-04T17:00:38.123Z")
        }
        return date
    }

    /// An ISO 8601 date member that must be present.
    package func requiredDate(_ name: String) throws(JobsError) -> Date {
        guard let date = try self.date(name) else {
            throw self.invalid(name, "is required")
        }
        return date
    }

    /// An object member; `nil` when absent.
    package func object(_ name: String) throws(JobsError) -> JobsJSONObject? {
        guard let value = self.value(name) else {
            return nil
        }
        return try JobsJSONObject(value, path: self.qualified(name))
    }

    /// The error for member `name`, naming it with its path.
    package func invalid(_ name: String, _ problem: String) -> JobsError {
        let qualified = self.qualified(name)
        return JobsError.invalidData(
            "\(qualified) \(problem)", details: .object([JSONMember("property", .string(qualified))]))
    }

    private func qualified(_ name: String) -> String {
        self.path.isEmpty ? name : "\(self.path).\(name)"
    }
}
