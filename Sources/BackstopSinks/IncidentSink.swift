import BackstopCore
import BackstopInput

/// A tracker or pager Backstop delivers incidents to. The outbox calls ``deliver(_:incident:)``
/// until it succeeds or the message becomes a dead letter, so every implementation must be safe
/// to call again for the same message: a create that may have reached the service
/// (`message.inDoubt`) looks for what it created before creating again.
package protocol IncidentSink: Sendable {
    var kind: SinkKind { get }

    /// Performs `message.action` for `incident`; `incident.references[kind]` holds what an
    /// earlier delivery to this sink returned. Returns the incident's identity in the sink when
    /// this call created or found it.
    func deliver(_ message: OutboxMessage, incident: Incident) async throws(SinkError) -> ExternalReference?

    /// Called before the first request for `message` goes out; what it returns is stored with
    /// the message before that request ("create sent") and handed back in `message.sinkNote` on
    /// every attempt, so a retry after a lost answer knows where to look. Nil: nothing to note.
    func checkpoint(_ message: OutboxMessage, incident: Incident) async throws(SinkError) -> String?

    /// Whether the service itself makes a repeated request harmless (PagerDuty's dedup key).
    /// Other sinks look up what an in-doubt request created, so after a crash their next attempt
    /// waits until a request of the dead process can no longer be in progress.
    var deduplicatesRepeats: Bool { get }
}

extension IncidentSink {
    package func checkpoint(_ message: OutboxMessage, incident: Incident) async throws(SinkError) -> String? { nil }
    package var deduplicatesRepeats: Bool { false }
}

/// Why a delivery failed, and whether trying again can help.
package struct SinkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A short, stable label for metrics (`backstop_sink_failures_total{reason}`).
    package enum Reason: String, Sendable, CaseIterable {
        case rateLimited = "rate_limited"
        case serverError = "server_error"
        case timeout
        case connection
        case unauthorized
        case rejected
        case notFound = "not_found"
        case invalidAnswer = "invalid_answer"
    }

    package var reason: Reason
    /// What went wrong, for the log and the status board; never contains a credential.
    package var message: String
    /// The service's `Retry-After`, which wins over the outbox's own backoff.
    package var retryAfter: Duration?
    /// The request may have reached the service (it timed out after being sent): the next
    /// attempt must check before creating again.
    package var mayHaveReached: Bool

    package init(_ reason: Reason, _ message: String, retryAfter: Duration? = nil, mayHaveReached: Bool = false) {
        self.reason = reason
        self.message = message
        self.retryAfter = retryAfter
        self.mayHaveReached = mayHaveReached
    }

    /// Rate limits, server errors and network trouble pass; a rejected request will be
    /// rejected again.
    package var isRetryable: Bool {
        switch reason {
        case .rateLimited, .serverError, .timeout, .connection: true
        case .unauthorized, .rejected, .notFound, .invalidAnswer: false
        }
    }

    package var description: String { message }
}
