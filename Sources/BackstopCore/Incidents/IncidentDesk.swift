import Foundation
import Logging

/// The one place incidents are decided. Both paths end here: the backup path hands over
/// ``BackupFindings`` (verified, retried what was transient), the alert path ``AlertFindings``
/// (mapped, correlated). The desk builds the report, takes the ledger's decision, commits it with
/// the triage mark of the run or notification in one transaction, and publishes the committed
/// change as a value to its consumers (delivery, metrics).
///
/// Decisions are taken one at a time, in arrival order, by the desk itself: each reads the
/// ledger and commits before the next reads it, so the two paths never both open an incident
/// for the same key. Neither path holds or shares anything to get there.
package struct IncidentDesk: Sendable {
    let ledger: IncidentLedger
    let store: any IncidentStore
    let reporter: RunReporter
    /// Runbook links by cause, for alert reports (a backup report's come from its reporter).
    let runbooks: [FailureCause: String]
    /// The label that names an alert's asset, for resolutions of alerts that opened nothing.
    let assetLabel: String
    let clock: any WallClock
    let logger: Logger
    let consumers: [any LedgerChangeConsumer]
    /// One decision at a time: from reading the ledger to committing what was decided.
    let turn = AsyncSemaphore(permits: 1)
    /// The same across processes, when several share the store (nil for the embedded store).
    package var sharedLock: (any DecisionLock)?

    package init(
        ledger: IncidentLedger, store: any IncidentStore, reporter: RunReporter, runbooks: [FailureCause: String], assetLabel: String,
        clock: any WallClock, logger: Logger, consumers: [any LedgerChangeConsumer]
    ) {
        self.ledger = ledger
        self.store = store
        self.reporter = reporter
        self.runbooks = runbooks
        self.assetLabel = assetLabel
        self.clock = clock
        self.logger = logger
        self.consumers = consumers
    }

    /// How far back a recurring cause is looked for.
    package static var recurrenceDays: Int { 14 }

    /// Commits `change` with its triage mark, then hands it to every consumer.
    func commit(_ change: LedgerChange, mark: String) async throws(StoreError) {
        try await store.commit(change, triagedRunID: mark)
        for consumer in consumers { await consumer.consume(change) }
    }

    // MARK: - Backups

    /// Opens, updates or reopens an incident for each failure that retrying did not recover, with
    /// one report for the run; resolves the open incidents of assets that verified healthy.
    /// `mark` is the triage mark committed with it (the run's id unless said otherwise: an
    /// approved retry's outcome is marked by its approval, see ``Approval/finishedMark``).
    @discardableResult
    package func decide(_ findings: BackupFindings, mark: String? = nil) async throws(StoreError) -> LedgerChange {
        try await exclusively(mark: mark ?? findings.run.id) { () throws(StoreError) in try await decideAlone(findings, mark: mark) }
    }

    /// Runs `decision` holding the turn (and the shared lock). With other processes deciding too,
    /// a decision already committed under `mark` by one of them is not taken again.
    func exclusively(
        mark: String, _ decision: () async throws(StoreError) -> LedgerChange
    ) async throws(StoreError) -> LedgerChange {
        await turn.wait()
        defer { turn.signal() }
        guard let sharedLock else { return try await decision() }
        try await sharedLock.lock()
        do {
            let change = try await store.isTriaged(runID: mark) ? LedgerChange() : try await decision()
            await sharedLock.unlock()
            return change
        } catch {
            await sharedLock.unlock()
            throw error
        }
    }

    private func decideAlone(_ findings: BackupFindings, mark: String?) async throws(StoreError) -> LedgerChange {
        let run = findings.run
        let failed = run.failedOutcomes
        let recoveries = findings.recoveries
        var change = LedgerChange()
        change.recoveryAttempts = findings.attempts
        let now = clock.now
        let unrecovered = failed.filter { recoveries[$0.asset]?.recovered != true }
        if !unrecovered.isEmpty {
            change.merge(try await open(unrecovered, of: findings, now: now))
        }
        let healthyAssets =
            run.outcomes.filter { $0.state == .healthy }.map(\.asset)
            + failed.filter { recoveries[$0.asset]?.recovered == true }.map(\.asset)
        for asset in healthyAssets {
            change.merge(ledger.resolve(try await store.openIncidents(asset: asset), runID: run.id, now: now))
        }
        try await commit(change, mark: mark ?? run.id)
        for incident in change.incidents {
            logger.notice(
                "incident \(incident.state == .open ? "open" : "resolved")",
                metadata: [
                    "run": "\(run.id)", "incident": "\(incident.id)", "asset": "\(incident.asset)", "cause": "\(incident.cause.rawValue)",
                ])
        }
        return change
    }

    private func open(_ unrecovered: [VerificationOutcome], of findings: BackupFindings, now: Date) async throws(StoreError) -> LedgerChange
    {
        let run = findings.run
        var attemptedLines: [String] = []
        for outcome in run.failedOutcomes {
            for line in findings.recoveries[outcome.asset]?.attempted ?? [] { attemptedLines.append("\(outcome.asset): \(line)") }
        }
        var reportRun = run
        reportRun.outcomes = run.outcomes.filter { outcome in !outcome.state.isFailure || unrecovered.contains { $0.asset == outcome.asset }
        }
        // The ledger entry of each failure's key, read once: it decides both whether the report
        // calls out a recurrence and what the ledger does.
        var latestIncidents: [String: Incident] = [:]
        var recurrences: [String: IncidentReport.Recurrence] = [:]
        for outcome in unrecovered {
            let cause = outcome.cause ?? .unknown
            let latest = try await store.latestIncident(
                dedupKey: ledger.policy.dedupKey(asset: outcome.asset, cause: cause, schedule: outcome.schedule))
            latestIncidents[outcome.asset] = latest
            // An open incident is the same episode going on, not a recurrence.
            if latest?.state != .open, let recurrence = try await recurrence(asset: outcome.asset, cause: cause, now: now) {
                recurrences[outcome.asset] = recurrence
            }
        }
        let report = await reporter.report(for: reportRun, attempted: attemptedLines, recurrences: recurrences)
        let rendered = report.rendered
        var change = LedgerChange()
        for outcome in unrecovered {
            let latest = latestIncidents[outcome.asset]
            let failure = TriagedFailure(
                asset: outcome.asset, schedule: outcome.schedule, cause: outcome.cause ?? .unknown,
                evidence: outcome.diagnosis?.evidence ?? [], runID: run.id,
                failingSince: latest?.state == .open ? (latest?.openedAt ?? now) : (outcome.window?.closesAt ?? outcome.verifiedAt),
                occurredAt: outcome.verifiedAt, attempted: findings.recoveries[outcome.asset]?.attempted ?? [],
                logExcerpt: report.failures.first { $0.asset == outcome.asset }?.logs?.mostRelevantLines() ?? [],
                reportMarkdown: rendered.markdown, reportJSON: rendered.json)
            change.merge(ledger.record(failure, latest: latest, now: now))
        }
        return change
    }

    /// The incidents this asset and cause opened in the last `recurrenceDays`, when there were
    /// any: the report of a new one says "third time in 14 days".
    private func recurrence(asset: String, cause: FailureCause, now: Date) async throws(StoreError) -> IncidentReport.Recurrence? {
        let since = now.addingTimeInterval(-Double(Self.recurrenceDays) * 86_400)
        let earlier = try await store.incidentOpenings(asset: asset, cause: cause, since: since)
        guard !earlier.isEmpty else { return nil }
        return IncidentReport.Recurrence(count: earlier.count + 1, days: Self.recurrenceDays, previous: earlier)
    }

    // MARK: - Alerts

    /// Opens or joins an incident for each asset the firing alerts point at, with one report for
    /// the notification; resolves the incidents whose alerts all resolved.
    @discardableResult
    package func decide(_ findings: AlertFindings) async throws(StoreError) -> LedgerChange {
        try await exclusively(mark: findings.notification.id) { () throws(StoreError) in try await decideAlone(findings) }
    }

    private func decideAlone(_ findings: AlertFindings) async throws(StoreError) -> LedgerChange {
        var reads = PendingLedger(store: store)
        let change = try await change(for: findings, reads: &reads)
        try await commit(change, mark: findings.notification.id)
        logAlertDecisions(change, notification: findings.notification)
        return change
    }

    /// What a notification's findings decide, read from `reads` (the store, and what was
    /// decided before it in the same turn); not committed.
    func change(for findings: AlertFindings, reads: inout PendingLedger) async throws(StoreError) -> LedgerChange {
        var change = LedgerChange()
        if !findings.firing.isEmpty {
            change.merge(try await open(findings.firing, notification: findings.notification, reads: &reads))
        }
        if !findings.resolved.isEmpty {
            change.merge(try await resolve(findings.resolved, notification: findings.notification, reads: &reads))
        }
        return change
    }

    func logAlertDecisions(_ change: LedgerChange, notification: AlertNotification) {
        for transition in change.alertTransitions {
            logger.notice(
                "alert \(transition.key.status.rawValue): \(transition.action.rawValue)",
                metadata: [
                    "alert": "\(transition.alertName)", "asset": "\(transition.asset)", "incident": "\(transition.incidentID ?? "-")",
                    "notification": "\(notification.id)",
                ])
        }
    }
}

extension IncidentReport {
    /// The report as Markdown (the incident's page) and JSON (`report.json`), as stored with it.
    package var rendered: (markdown: String, json: String) {
        (MarkdownReport.render(self), (try? JSONEncoder.api.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}")
    }
}
