//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The protocols a SAS may be used over (`spr`).
///
/// Azure has no HTTP-only value: a SAS either insists on HTTPS or allows both.
public enum SASProtocol: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `https`: requests over plain HTTP are refused.
    case httpsOnly = "https"
    /// `https,http`: either protocol.
    case httpsAndHTTP = "https,http"

    /// Parses an `spr` value.
    ///
    /// - Returns: `nil` for anything but `https`, `https,http` or `http,https` (Azure accepts
    ///   both orders of the pair and refuses `http` alone).
    public init?(parsing text: String) {
        switch text {
        case "https": self = .httpsOnly
        case "https,http", "http,https": self = .httpsAndHTTP
        default: return nil
        }
    }

    /// Whether a request over HTTPS (`true`) or plain HTTP (`false`) may use the SAS.
    public func allows(https: Bool) -> Bool {
        https || self == .httpsAndHTTP
    }

    /// The `spr` value.
    public var description: String { self.rawValue }
}
