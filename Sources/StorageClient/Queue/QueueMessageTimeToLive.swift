//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// How long a message lives in the queue before it expires unread.
public enum QueueMessageTimeToLive: Sendable, Hashable {
    /// Expires after this long (whole seconds, rounded up; at least 1 s).
    case after(Duration)
    /// Never expires (`messagettl=-1`, from service version 2017-07-29).
    case never

    /// The `messagettl` query value.
    var queryValue: String {
        switch self {
        case .after(let duration): String(max(QueueClient.wholeSeconds(duration), 1))
        case .never: "-1"
        }
    }
}
