import Foundation

/// What a message asks a sink to do about an incident.
package enum OutboxAction: String, Sendable, Codable, CaseIterable {
    /// Create the incident (tracker issue, or PagerDuty trigger).
    case open
    /// Add a comment: a recurrence or a new failure of the same key.
    case update
    /// Reopen a recently resolved incident.
    case reopen
    /// Close it: the asset verified healthy again.
    case resolve
    /// Page on-call: one paragraph and the link (PagerDuty).
    case page
}

/// Everything a sink needs to perform one action, frozen when the message is queued so a
/// delivery after a restart sends what was decided then.
package struct OutboxPayload: Sendable, Equatable, Codable {
    package var title: String
    /// The one-paragraph summary.
    package var summary: String
    /// The full incident report in Markdown (for create) or the comment text (for update/resolve).
    package var markdown: String
    package var dedupKey: String
    package var asset: String
    package var cause: FailureCause
    package var schedule: String
    /// Link to the full report in Backstop.
    package var reportURL: String?
    /// Facts for PagerDuty's `custom_details` and tracker fields.
    package var details: [String: String]
    package var occurredAt: Date

    package init(
        title: String, summary: String, markdown: String, dedupKey: String, asset: String, cause: FailureCause, schedule: String,
        reportURL: String?, details: [String: String], occurredAt: Date
    ) {
        self.title = title
        self.summary = summary
        self.markdown = markdown
        self.dedupKey = dedupKey
        self.asset = asset
        self.cause = cause
        self.schedule = schedule
        self.reportURL = reportURL
        self.details = details
        self.occurredAt = occurredAt
    }
}

/// A queued outbound call. Messages of one incident and target are delivered in order.
package struct OutboxMessage: Sendable, Equatable, Codable {
    package enum State: String, Sendable, Codable {
        case pending
        case delivered
        /// Gave up after the retry budget or a final rejection; shown on the status board.
        case dead
    }

    package var id: Int64
    package var incidentID: String
    package var target: SinkKind
    package var action: OutboxAction
    package var payload: OutboxPayload
    package var createdAt: Date
    package var state: State
    package var attempts: Int
    package var nextAttemptAt: Date
    /// A previous attempt may have reached the sink (crash or timeout mid-call): the sink must
    /// check before creating again.
    package var inDoubt: Bool
    package var lastError: String?
    /// What the sink noted before the first request went out (``IncidentSink`` `checkpoint`),
    /// kept across attempts: Jira's is where to look for an issue whose create answer was lost.
    package var sinkNote: String?

    package init(
        id: Int64 = 0, incidentID: String, target: SinkKind, action: OutboxAction, payload: OutboxPayload, createdAt: Date,
        state: State = .pending, attempts: Int = 0, nextAttemptAt: Date? = nil, inDoubt: Bool = false, lastError: String? = nil,
        sinkNote: String? = nil
    ) {
        self.id = id
        self.incidentID = incidentID
        self.target = target
        self.action = action
        self.payload = payload
        self.createdAt = createdAt
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt ?? createdAt
        self.inDoubt = inDoubt
        self.lastError = lastError
        self.sinkNote = sinkNote
    }
}
