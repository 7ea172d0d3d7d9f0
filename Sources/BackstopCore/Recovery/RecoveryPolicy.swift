import Foundation

/// Which failures Backstop retries on its own, and how hard: bounded attempts with exponential
/// backoff and jitter, a global concurrency limit, and a budget per backup window so a wide
/// outage cannot start a retry storm.
package struct RecoveryPolicy: Sendable, Equatable {
    /// Causes that are known to pass on their own (a lock released, a network blip, a quota reset).
    package var transient: Set<FailureCause> = [.networkTimeout, .lockWait, .quotaExceeded]
    /// Retries per failed backup (not counting the original attempt).
    package var maxAttempts = 3
    /// The delay before the first retry; each further retry doubles it.
    package var backoff: Duration = .seconds(30)
    /// The longest delay between two retries, however many there were.
    package var maxBackoff: Duration = .seconds(900)
    /// Retries across all assets of one schedule window.
    package var budgetPerWindow = 20
    /// Retry commands running at once, across all assets.
    package var concurrency = 2
    /// The longest a retry command may run.
    package var commandTimeout: Duration = .seconds(3_600)
    /// Which retries wait for a human (`recovery.approval`).
    package var approval = ApprovalPolicy()

    package init() {}

    package func isTransient(_ cause: FailureCause) -> Bool { transient.contains(cause) }

    /// The wait before retry number `attempt` (1-based): `backoff × 2^(attempt-1)`, capped, then
    /// scaled by `jitter` in 0.5…1.0 ("equal jitter") so retries of many assets spread out.
    package func delay(beforeAttempt attempt: Int, jitter: Double) -> Duration {
        let base = backoff.seconds * pow(2, Double(max(0, attempt - 1)))
        let capped = min(base, maxBackoff.seconds)
        let factor = 0.5 + 0.5 * min(1, max(0, jitter))
        return .milliseconds(Int64((capped * factor * 1_000).rounded()))
    }
}
