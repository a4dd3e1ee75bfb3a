//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension Duration {
    /// Whole milliseconds, rounded up so that a lock is never shorter than asked; the Jobs
    /// dialect's `timeout` and `ttl` unit.
    package var jobsMilliseconds: Int {
        let (seconds, attoseconds) = self.components
        let perMillisecond: Int64 = 1_000_000_000_000_000
        let (whole, rest) = attoseconds.quotientAndRemainder(dividingBy: perMillisecond)
        return Int(seconds) * 1000 + Int(whole) + (rest > 0 ? 1 : 0)
    }
}
