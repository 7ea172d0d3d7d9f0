import Foundation

/// The incident ledger's storage: current state (incidents, outbox) beside the append-only
/// record (incident events, recovery attempts, reports, triage marks).
package protocol IncidentStore: Sendable {
    /// The newest incident with this dedup key, open or resolved.
    func latestIncident(dedupKey: String) async throws(StoreError) -> Incident?
    func openIncidents(asset: String) async throws(StoreError) -> [Incident]
    func incident(id: String) async throws(StoreError) -> Incident?
    /// Newest first.
    func incidents(limit: Int, openOnly: Bool) async throws(StoreError) -> [Incident]
    func events(incidentID: String) async throws(StoreError) -> [IncidentEvent]
    func latestReport(incidentID: String) async throws(StoreError) -> IncidentReportSnapshot?

    /// Whether a run's failures have been triaged (committed); a run that was not is triaged
    /// again after a restart.
    func isTriaged(runID: String) async throws(StoreError) -> Bool
    /// Which of these runs or notifications have been triaged, in one read (a triage batch).
    func triagedIDs(among ids: [String]) async throws(StoreError) -> Set<String>
    /// Failed runs that were recorded but never triaged (a crash in between).
    func untriagedRunIDs() async throws(StoreError) -> [String]
    /// Writes a triage's decisions and marks the run triaged, in one transaction.
    func commit(_ change: LedgerChange, triagedRunID: String?) async throws(StoreError)
    /// Writes the decisions of a batch, each with its triage mark, in order and in one
    /// transaction where the store has them (one fsync for a storm's batch): all of them or none.
    func commit(batch: [MarkedChange]) async throws(StoreError)

    /// Incidents opened or reopened for this asset and cause since `since`, oldest first (one
    /// id per opening, so a reopened incident counts again).
    func incidentOpenings(asset: String, cause: FailureCause, since: Date) async throws(StoreError) -> [String]
    /// Which of these alert firings and resolutions have been acted on already.
    func handledAlertTransitions(_ keys: [AlertTransition.Key]) async throws(StoreError) -> [AlertTransition.Key: AlertTransition]
    /// Alerts that joined or opened the incident and have not resolved yet.
    func firingAlerts(incidentID: String) async throws(StoreError) -> [AlertTransition.Key]

    /// Retries already spent against a schedule's window.
    func recoveryAttempts(schedule: String, windowStart: Date?) async throws(StoreError) -> Int
    /// Appends one retry as soon as it has run, so the budget holds across a crash.
    func append(_ attempt: RecoveryAttempt) async throws(StoreError)
    /// The retries a run's triage made, in order.
    func recoveryAttempts(runID: String) async throws(StoreError) -> [RecoveryAttempt]

    // MARK: Outbox

    /// Pending messages that are due, at most one per incident and target (the oldest), so each
    /// incident's messages reach a target in order.
    func dueMessages(now: Date, limit: Int) async throws(StoreError) -> [OutboxMessage]
    /// The oldest pending message of one incident and target, due or not (``nextInLine(incidentID:target:now:)``),
    /// read without looking at any other line.
    func oldestPendingMessage(incidentID: String, target: SinkKind) async throws(StoreError) -> OutboxMessage?
    /// Marks that a send is about to start: if the process dies before the outcome is written,
    /// the message is in doubt and the sink checks before creating again.
    /// Before the request: the message is in doubt from now on, and `note` (what the sink noted
    /// before its first request) is kept unless an earlier attempt kept one. Should the process
    /// die during the request, the next attempt waits until `settledAt` (the send's start plus
    /// the request timeout): a tracker may still be handling the dead process's request, and a
    /// look-up before it has finished would miss what it is creating and send it again.
    func markSending(_ id: Int64, note: String?, settledAt: Date) async throws(StoreError)
    func markDelivered(_ id: Int64, reference: ExternalReference?, event: IncidentEvent) async throws(StoreError)
    func markRetry(_ id: Int64, nextAttemptAt: Date, error: String, inDoubt: Bool) async throws(StoreError)
    func markDead(_ id: Int64, error: String, event: IncidentEvent, fallback: OutboxMessage?) async throws(StoreError)
    func outboxStatus(now: Date) async throws(StoreError) -> OutboxStatus
    func deadLetters(limit: Int) async throws(StoreError) -> [OutboxMessage]
    /// The outbox messages of one incident (every message when nil), oldest first.
    func outboxMessages(incidentID: String?) async throws(StoreError) -> [OutboxMessage]
}

/// A ledger change and the triage mark committed with it.
package struct MarkedChange: Sendable {
    package var change: LedgerChange
    package var mark: String?

    package init(_ change: LedgerChange, mark: String?) {
        self.change = change
        self.mark = mark
    }
}

extension [MarkedChange] {
    /// Each incident the batch changes, as the last change of the batch left it, in the order the
    /// batch first changed it. A storm's batch updates one incident once per notification, and
    /// each version only overwrites the one before; the last carries every earlier version's
    /// references too (each decision starts from the one before it, ``PendingLedger``), so
    /// writing it alone leaves the same row.
    package var finalIncidents: [Incident] {
        var latest: [String: Incident] = [:]
        var order: [String] = []
        for incident in lazy.flatMap(\.change.incidents) {
            if latest.updateValue(incident, forKey: incident.id) == nil { order.append(incident.id) }
        }
        return order.compactMap { latest[$0] }
    }
}

extension IncidentStore {
    /// The oldest pending message of one incident and target when it is due at `now`, else nil:
    /// a later message never overtakes a head that waits for its retry. What goes next on a line
    /// whose head was just sent.
    package func nextInLine(incidentID: String, target: SinkKind, now: Date) async throws(StoreError) -> OutboxMessage? {
        try await oldestPendingMessage(incidentID: incidentID, target: target).flatMap { $0.nextAttemptAt <= now ? $0 : nil }
    }

    /// One transaction per change, in order, for a store without a batch transaction: each
    /// committed change stays committed if a later one fails.
    package func commit(batch: [MarkedChange]) async throws(StoreError) {
        for marked in batch { try await commit(marked.change, triagedRunID: marked.mark) }
    }
}

/// How the outbox stands, for metrics, readiness and the status board.
package struct OutboxStatus: Sendable, Equatable {
    package var pending: Int
    package var oldestPendingAge: Double
    package var dead: Int
    /// The earliest moment a pending message is due (to sleep until then).
    package var nextDue: Date?

    package init(pending: Int = 0, oldestPendingAge: Double = 0, dead: Int = 0, nextDue: Date? = nil) {
        self.pending = pending
        self.oldestPendingAge = oldestPendingAge
        self.dead = dead
        self.nextDue = nextDue
    }
}
