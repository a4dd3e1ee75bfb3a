//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// Something a worker or the uploader wants to tell its operator; the command line decides
/// whether it becomes a text line or a JSON object.
public struct AnalyserEvent: Sendable {
    /// Who reports it: a worker id, or `upload`.
    public var source: String
    /// What happened, as one word: `analysed`, `duplicate`, `run`, `progress`, `error`, …
    public var kind: String
    /// Details, in order.
    public var fields: [(name: String, value: String)]

    /// Creates an event.
    public init(source: String, kind: String, fields: [(name: String, value: String)] = []) {
        self.source = source
        self.kind = kind
        self.fields = fields
    }
}
