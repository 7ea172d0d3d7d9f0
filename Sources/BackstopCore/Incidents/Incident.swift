import Foundation

/// One incident in Backstop's ledger: one per dedup key at a time, opened when a failure is not
/// recovered, updated on recurrence, resolved when the asset is healthy again, reopened when
/// the failure recurs soon after.
package struct Incident: Sendable, Equatable, Codable {
    package enum State: String, Sendable, Codable {
        case open
        case resolved
    }

    /// `inc_YYYYMMDD_HHMM_<6 hex>` (UTC of opening).
    package var id: String
    package var dedupKey: String
    package var asset: String
    package var cause: FailureCause
    package var schedule: String
    package var state: State
    package var title: String
    /// The one-paragraph page: what failed, cause, since when, what was tried.
    package var summary: String
    package var openedAt: Date
    package var updatedAt: Date
    package var resolvedAt: Date?
    /// Failures folded into this incident (the first one included).
    package var occurrences: Int
    /// The run whose failure last opened or updated it.
    package var lastRunID: String
    /// Where the incident lives in each tracker, once delivered.
    package var references: [SinkKind: ExternalReference]

    package init(
        id: String, dedupKey: String, asset: String, cause: FailureCause, schedule: String, state: State, title: String,
        summary: String, openedAt: Date, updatedAt: Date, resolvedAt: Date? = nil, occurrences: Int = 1, lastRunID: String,
        references: [SinkKind: ExternalReference] = [:]
    ) {
        self.id = id
        self.dedupKey = dedupKey
        self.asset = asset
        self.cause = cause
        self.schedule = schedule
        self.state = state
        self.title = title
        self.summary = summary
        self.openedAt = openedAt
        self.updatedAt = updatedAt
        self.resolvedAt = resolvedAt
        self.occurrences = occurrences
        self.lastRunID = lastRunID
        self.references = references
    }
}

/// An incident's identity in a tracker: Jira's `OPS-42`, Linear's issue id, PagerDuty's dedup key.
package struct ExternalReference: Sendable, Equatable, Codable {
    package var id: String
    /// The human key (`OPS-42`), when the tracker has one.
    package var key: String?
    package var url: String?

    package init(id: String, key: String? = nil, url: String? = nil) {
        self.id = id
        self.key = key
        self.url = url
    }
}

/// One entry of an incident's timeline, appended to the record.
package struct IncidentEvent: Sendable, Equatable, Codable {
    package enum Kind: String, Sendable, Codable {
        case opened, updated, reopened, resolved, retry, delivered
        /// A retry proposal was answered: approved, denied or expired (``Approval``).
        case approval
        case deliveryFailed = "delivery_failed"
        case deadLetter = "dead_letter"
    }

    package var incidentID: String
    package var at: Date
    package var kind: Kind
    package var text: String

    package init(incidentID: String, at: Date, kind: Kind, text: String) {
        self.incidentID = incidentID
        self.at = at
        self.kind = kind
        self.text = text
    }
}
