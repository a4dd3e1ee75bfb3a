//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The two shared-key authorization schemes, named as they appear in the `Authorization` header.
public enum SharedKeyScheme: String, Sendable, Hashable, CaseIterable {
    /// `SharedKey`: signs the method, the standard headers and the full canonicalized resource.
    case sharedKey = "SharedKey"
    /// `SharedKeyLite`: signs fewer parts; used by the .NET Table client among others.
    case sharedKeyLite = "SharedKeyLite"
}
