import Foundation

/// An ``IncidentStore`` in memory, for core tests; it answers every question as the SQLite
/// store does (the store conformance suite runs both).
package actor InMemoryIncidentStore: IncidentStore {
    private let record: InMemoryRunStore?
    private var incidentsByID: [String: Incident] = [:]
    private var timeline: [IncidentEvent] = []
    private var reports: [IncidentReportSnapshot] = []
    private var triaged: [String] = []
    private var transitions: [AlertTransition] = []
    private var attempts: [RecoveryAttempt] = []
    private var outbox = InMemoryOutbox()

    /// `record` is the run record whose runs wait for triage (``untriagedRunIDs()``); without
    /// one, no run is ever waiting.
    package init(record: InMemoryRunStore? = nil) {
        self.record = record
    }

    // MARK: Ledger

    package func latestIncident(dedupKey: String) -> Incident? {
        incidentsByID.values.filter { $0.dedupKey == dedupKey }.max { $0.openedAt < $1.openedAt }
    }

    package func openIncidents(asset: String) -> [Incident] {
        incidentsByID.values.filter { $0.asset == asset && $0.state == .open }.sorted { $0.openedAt < $1.openedAt }
    }

    package func incident(id: String) -> Incident? { incidentsByID[id] }

    package func incidents(limit: Int, openOnly: Bool) -> [Incident] {
        let newestFirst = incidentsByID.values.sorted { ($0.openedAt, $0.id) > ($1.openedAt, $1.id) }
        return Array(newestFirst.filter { !openOnly || $0.state == .open }.prefix(max(0, limit)))
    }

    package func events(incidentID: String) -> [IncidentEvent] {
        timeline.filter { $0.incidentID == incidentID }
    }

    package func latestReport(incidentID: String) -> IncidentReportSnapshot? {
        reports.last { $0.incidentID == incidentID }
    }

    package func isTriaged(runID: String) -> Bool { triaged.contains(runID) }
    package func triagedIDs(among ids: [String]) -> Set<String> { Set(ids.filter(triaged.contains)) }

    package func untriagedRunIDs() async -> [String] {
        guard let record else { return [] }
        let done = Set(triaged)
        return await record.triageCandidates().filter { !done.contains($0) }
    }

    package func commit(_ change: LedgerChange, triagedRunID: String?) throws(StoreError) {
        // As the SQLite table's unique key: a second mark fails the whole change.
        if let triagedRunID, triaged.contains(triagedRunID) {
            throw StoreError("\(triagedRunID) is already triaged; its decisions were committed before")
        }
        for incident in change.incidents { upsert(incident) }
        timeline += change.events
        reports += change.reports
        for message in change.messages { outbox.insert(message) }
        transitions += change.alertTransitions
        if let triagedRunID { triaged.append(triagedRunID) }
    }

    /// As the SQLite row: what identifies an incident (key, asset, cause, title, opening) is kept
    /// from its first write; its state and counters follow the latest.
    private func upsert(_ incident: Incident) {
        guard var stored = incidentsByID[incident.id] else {
            incidentsByID[incident.id] = incident
            return
        }
        stored.state = incident.state
        stored.summary = incident.summary
        stored.updatedAt = incident.updatedAt
        stored.resolvedAt = incident.resolvedAt
        stored.occurrences = incident.occurrences
        stored.lastRunID = incident.lastRunID
        stored.references = incident.references
        incidentsByID[incident.id] = stored
    }

    package func incidentOpenings(asset: String, cause: FailureCause, since: Date) -> [String] {
        timeline.filter { event in
            guard event.kind == .opened || event.kind == .reopened, event.at >= since,
                let incident = incidentsByID[event.incidentID]
            else { return false }
            return incident.asset == asset && incident.cause == cause
        }.map(\.incidentID)
    }

    package func handledAlertTransitions(_ keys: [AlertTransition.Key]) -> [AlertTransition.Key: AlertTransition] {
        var found: [AlertTransition.Key: AlertTransition] = [:]
        for key in Set(keys) {
            if let transition = transitions.first(where: { $0.key == key }) { found[key] = transition }
        }
        return found
    }

    package func firingAlerts(incidentID: String) -> [AlertTransition.Key] {
        let resolved = Set(transitions.filter { $0.key.status == .resolved }.map { Self.firingKey(of: $0.key) })
        return transitions.filter { $0.incidentID == incidentID && $0.key.status == .firing && !resolved.contains($0.key) }.map(\.key)
    }

    private static func firingKey(of key: AlertTransition.Key) -> AlertTransition.Key {
        AlertTransition.Key(fingerprint: key.fingerprint, startsAtMilliseconds: key.startsAtMilliseconds, status: .firing)
    }

    package func recoveryAttempts(schedule: String, windowStart: Date?) -> Int {
        attempts.filter {
            $0.schedule == schedule && $0.windowStart == windowStart && ($0.result == .recovered || $0.result == .failed)
        }.count
    }

    package func append(_ attempt: RecoveryAttempt) { attempts.append(attempt) }

    package func recoveryAttempts(runID: String) -> [RecoveryAttempt] { attempts.filter { $0.runID == runID } }

    // MARK: Outbox

    package func dueMessages(now: Date, limit: Int) -> [OutboxMessage] { outbox.due(now: now, limit: limit) }

    package func oldestPendingMessage(incidentID: String, target: SinkKind) -> OutboxMessage? {
        outbox.oldestPending(incidentID: incidentID, target: target)
    }

    package func markSending(_ id: Int64, note: String?, settledAt: Date) {
        outbox.update(id) { message in
            message.inDoubt = true
            message.attempts += 1
            message.sinkNote = message.sinkNote ?? note
            message.nextAttemptAt = max(message.nextAttemptAt, settledAt)
        }
    }

    package func markDelivered(_ id: Int64, reference: ExternalReference?, event: IncidentEvent) {
        outbox.update(id) { message in
            message.state = .delivered
            message.inDoubt = false
            message.lastError = nil
        }
        if let reference, let target = outbox.message(id)?.target, var incident = incidentsByID[event.incidentID] {
            incident.references[target] = reference
            incidentsByID[incident.id] = incident
        }
        timeline.append(event)
    }

    package func markRetry(_ id: Int64, nextAttemptAt: Date, error: String, inDoubt: Bool) {
        outbox.update(id) { message in
            message.nextAttemptAt = nextAttemptAt
            message.lastError = error
            message.inDoubt = inDoubt
        }
    }

    package func markDead(_ id: Int64, error: String, event: IncidentEvent, fallback: OutboxMessage?) {
        outbox.update(id) { message in
            message.state = .dead
            message.lastError = error
        }
        timeline.append(event)
        if let fallback { outbox.insert(fallback) }
    }

    package func outboxStatus(now: Date) -> OutboxStatus { outbox.status(now: now) }

    package func deadLetters(limit: Int) -> [OutboxMessage] {
        Array(outbox.messages.filter { $0.state == .dead }.reversed().prefix(max(0, limit)))
    }

    package func outboxMessages(incidentID: String?) -> [OutboxMessage] {
        outbox.messages.filter { incidentID == nil || $0.incidentID == incidentID }
    }
}
