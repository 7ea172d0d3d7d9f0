import Foundation
import Synchronization

/// Allows at most `limit` calls per key within any `window` looking back from now, the way
/// PagerDuty describes its Events API limit. Time comes from `now`, so tests move it instead of
/// sleeping.
final class SlidingWindowRateLimiter: Sendable {
    let limit: Int
    let window: TimeInterval
    private let now: @Sendable () -> Date
    private let calls = Mutex<[String: [Date]]>([:])

    init(limit: Int, window: TimeInterval, now: @escaping @Sendable () -> Date) {
        self.limit = limit
        self.window = window
        self.now = now
    }

    /// Counts a call for `key` and returns nil, or returns the seconds until one would be allowed.
    func admit(_ key: String) -> Int? {
        let instant = now()
        return calls.withLock { calls -> Int? in
            var recent = (calls[key] ?? []).filter { instant.timeIntervalSince($0) < window }
            defer { calls[key] = recent }
            guard recent.count < limit else {
                let oldest = recent.first ?? instant
                return max(1, Int((window - instant.timeIntervalSince(oldest)).rounded(.up)))
            }
            recent.append(instant)
            return nil
        }
    }
}
