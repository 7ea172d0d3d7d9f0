/// How the outbox retries calls to PagerDuty, Jira and Linear.
package struct DeliveryPolicy: Sendable, Equatable {
    /// Attempts per message before it becomes a dead letter: with the default backoff, about
    /// five hours of a sink being down, the length of the longest SaaS outages on record.
    package var maxAttempts = 40
    /// The wait after the first failure; doubled after each further one (a sink's `Retry-After` wins).
    package var backoff: Duration = .seconds(5)
    package var maxBackoff: Duration = .seconds(600)
    /// The longest one call may take.
    package var timeout: Duration = .seconds(30)

    package init() {}

    package func delay(afterAttempt attempt: Int, jitter: Double) -> Duration {
        let base = min(backoff.seconds * Double(1 << min(20, max(0, attempt - 1))), maxBackoff.seconds)
        return .milliseconds(Int64(base * (0.5 + 0.5 * min(1, max(0, jitter))) * 1_000))
    }
}
