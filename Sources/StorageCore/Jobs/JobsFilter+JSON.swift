//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

extension JobsFilter {
    /// The text keys and the properties they fill, in wire order.
    private static var textKeys: [(name: String, property: WritableKeyPath<JobsFilter, String?>)] {
        [
            ("id", \.id), ("type", \.type), ("ref_id", \.refId),
        ]
    }
    /// The date keys and the properties they fill, in wire order.
    private static var dateKeys: [(name: String, property: WritableKeyPath<JobsFilter, Date?>)] {
        [
            ("created", \.created), ("created_from", \.createdFrom), ("created_to", \.createdTo),
            ("started", \.started), ("started_from", \.startedFrom), ("started_to", \.startedTo),
            ("locked_until", \.lockedUntil), ("locked_from", \.lockedFrom), ("locked_to", \.lockedTo),
            ("execute_until", \.executeUntil), ("execute_from", \.executeFrom), ("execute_to", \.executeTo),
            ("completed", \.completed), ("completed_from", \.completedFrom), ("completed_to", \.completedTo),
        ]
    }
    /// The integer keys and the properties they fill, in wire order.
    private static var integerKeys: [(name: String, property: WritableKeyPath<JobsFilter, Int?>)] {
        [
            ("retries", \.retries), ("min_retries", \.minRetries),
        ]
    }

    /// The filter in the wire format: an object with the set keys only, dates as ISO 8601 text,
    /// `retries` and `min_retries` as numbers.
    public var json: JSONValue {
        var members: [JSONMember] = []
        for key in Self.textKeys {
            if let text = self[keyPath: key.property] {
                members.append(JSONMember(key.name, .string(text)))
            }
        }
        for key in Self.dateKeys {
            if let date = self[keyPath: key.property] {
                members.append(JSONMember(key.name, .string(JobsDate.string(from: date))))
            }
        }
        for key in Self.integerKeys {
            if let integer = self[keyPath: key.property] {
                members.append(JSONMember(key.name, .number(integer)))
            }
        }
        return .object(members)
    }

    /// Reads a filter in the wire format. `retries` and `min_retries` may be numbers or numeric
    /// strings, as pip-services filter maps hold text; unknown keys are ignored, as the original
    /// did.
    ///
    /// - Throws: JobsError (`INVALID_DATA`) naming a key whose value has the wrong type or is
    ///   not a valid date.
    public init(json: JSONValue) throws(JobsError) {
        let object = try JobsJSONObject(json, path: "filter")
        self.init()
        for key in Self.textKeys {
            self[keyPath: key.property] = try object.string(key.name)
        }
        for key in Self.dateKeys {
            self[keyPath: key.property] = try object.date(key.name)
        }
        for key in Self.integerKeys {
            self[keyPath: key.property] = try object.integer(key.name, acceptingText: true)
        }
    }
}
