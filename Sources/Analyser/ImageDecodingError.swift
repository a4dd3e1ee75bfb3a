//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// Why an image header could not be read.
struct ImageDecodingError: Error, Sendable, Hashable {
    /// A sentence for the results table.
    let reason: String

    init(_ reason: String) {
        self.reason = reason
    }
}
