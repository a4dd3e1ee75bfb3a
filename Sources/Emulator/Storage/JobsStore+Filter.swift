//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore

extension JobsStore {
    /// The SQL condition and its parameters for `filter`; `1` when it matches everything.
    ///
    /// Exact keys compare with `=`, `…_from` with `>=`, `…_to` with `<` (the original MongoDB
    /// persistence's `$gte` and `$lt`), and `min_retries` with `>`.
    static func condition(for filter: JobsFilter) -> (sql: String, values: [SQLiteValue]) {
        var clauses: [String] = []
        var values: [SQLiteValue] = []
        func add(_ clause: String, _ value: SQLiteValue?) {
            guard let value else {
                return
            }
            clauses.append(clause)
            values.append(value)
        }
        func milliseconds(_ date: Date?) -> SQLiteValue? {
            date.map { .integer(JobsDate.milliseconds(from: $0)) }
        }
        add("id = ?", filter.id.map(SQLiteValue.text))
        add("type = ?", filter.type.map(SQLiteValue.text))
        add("ref_id = ?", filter.refId.map(SQLiteValue.text))
        let ranges: [(column: String, exact: Date?, from: Date?, to: Date?)] = [
            ("created", filter.created, filter.createdFrom, filter.createdTo),
            ("started", filter.started, filter.startedFrom, filter.startedTo),
            ("locked_until", filter.lockedUntil, filter.lockedFrom, filter.lockedTo),
            ("execute_until", filter.executeUntil, filter.executeFrom, filter.executeTo),
            ("completed", filter.completed, filter.completedFrom, filter.completedTo),
        ]
        for range in ranges {
            add("\(range.column) = ?", milliseconds(range.exact))
            add("\(range.column) >= ?", milliseconds(range.from))
            add("\(range.column) < ?", milliseconds(range.to))
        }
        add("retries = ?", filter.retries.map { .integer(Int64($0)) })
        add("retries > ?", filter.minRetries.map { .integer(Int64($0)) })
        return (clauses.isEmpty ? "1" : clauses.joined(separator: " AND "), values)
    }
}
