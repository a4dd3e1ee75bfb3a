//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// One of the storage services, which differ in how they sign requests and shape errors.
public enum StorageService: String, Sendable, Hashable, CaseIterable {
    /// The Table service: JSON bodies, its own SharedKey string-to-sign without `x-ms-*` headers.
    case table
    /// The Queue service: XML bodies, the Blob/Queue SharedKey string-to-sign.
    case queue
    /// The Blob service, signed like the Queue service.
    case blob
}
