import Foundation
import Logging

/// What happens after a run is recorded: every failed backup is retried when its cause is
/// known-transient (bounded, with backoff and a budget), re-verified, and otherwise turned into
/// an incident with the full report; healthy backups resolve their open incidents. The
/// decisions of one run are committed in one transaction, so a crash either keeps them all or
/// leaves the run untriaged, to be triaged again at start.
package struct FailureTriage<Store: IncidentStore, Retrier: BackupRetrier>: Sendable {
    package var assets: [String: Asset]
    package var recovery: RecoveryPolicy
    package var ledger: IncidentLedger
    package var reporter: RunReporter
    package var store: Store
    package var retrier: Retrier
    /// Verifies one asset again after a retry; the re-verification is itself a recorded run.
    package var reverify: @Sendable (_ asset: String, _ window: BackupWindow?) async throws(StoreError) -> VerificationOutcome?
    /// Renders a report as Markdown and JSON.
    package var render: @Sendable (IncidentReport) -> (markdown: String, json: String)
    package var clock: any WallClock
    package var logger: Logger
    /// A number in 0…1 for each retry's jitter (injected so tests are reproducible).
    package var jitter: @Sendable () -> Double
    /// Called after a triage is committed (metrics).
    package var didCommit: @Sendable (LedgerChange) async -> Void
    private let retrySlots: AsyncSemaphore
    /// Held from reading the ledger to committing the decision; shared with the alert triage,
    /// so the two paths never both open an incident for the same key.
    private let ledgerLock: AsyncSemaphore

    package init(
        assets: [Asset], recovery: RecoveryPolicy, ledger: IncidentLedger, reporter: RunReporter, store: Store, retrier: Retrier,
        reverify: @escaping @Sendable (_ asset: String, _ window: BackupWindow?) async throws(StoreError) -> VerificationOutcome?,
        render: @escaping @Sendable (IncidentReport) -> (markdown: String, json: String), clock: any WallClock, logger: Logger,
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0...1) },
        ledgerLock: AsyncSemaphore = AsyncSemaphore(permits: 1),
        didCommit: @escaping @Sendable (LedgerChange) async -> Void = { _ in }
    ) {
        self.ledgerLock = ledgerLock
        self.assets = Dictionary(assets.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.recovery = recovery
        self.ledger = ledger
        self.reporter = reporter
        self.store = store
        self.retrier = retrier
        self.reverify = reverify
        self.render = render
        self.clock = clock
        self.logger = logger
        self.jitter = jitter
        self.didCommit = didCommit
        self.retrySlots = AsyncSemaphore(permits: max(1, recovery.concurrency))
    }

    /// Triages a recorded run once. Re-verification runs (trigger `retry`) and aborted runs are
    /// not triaged: the triage that started them owns their outcome.
    package func triage(_ run: VerificationRun) async throws(StoreError) {
        if case .retry = run.trigger { return }
        guard run.status != .aborted else { return }
        guard try await !store.isTriaged(runID: run.id) else { return }
        var logger = logger
        logger[metadataKey: "run"] = "\(run.id)"

        let failed = run.failedOutcomes
        var recoveries: [String: Recovery] = [:]
        let runLogger = logger
        await withTaskGroup(of: (String, Recovery).self) { group in
            for outcome in failed {
                group.addTask { (outcome.asset, await self.recover(outcome, runID: run.id, logger: runLogger)) }
            }
            for await (asset, recovery) in group { recoveries[asset] = recovery }
        }

        await ledgerLock.wait()
        defer { ledgerLock.signal() }
        var change = LedgerChange()
        let now = clock.now
        let unrecovered = failed.filter { recoveries[$0.asset]?.recovered != true }
        var attemptedLines: [String] = []
        for outcome in failed {
            for line in recoveries[outcome.asset]?.attempted ?? [] { attemptedLines.append("\(outcome.asset): \(line)") }
        }
        if !unrecovered.isEmpty {
            var reportRun = run
            reportRun.outcomes = run.outcomes.filter { outcome in
                !outcome.state.isFailure || unrecovered.contains { $0.asset == outcome.asset }
            }
            // The ledger entry of each failure's key, read once: it decides both whether the
            // report calls out a recurrence and what the ledger does.
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
            let rendered = render(report)
            for outcome in unrecovered {
                let cause = outcome.cause ?? .unknown
                let latest = latestIncidents[outcome.asset]
                let failure = TriagedFailure(
                    asset: outcome.asset, schedule: outcome.schedule, cause: cause, evidence: outcome.diagnosis?.evidence ?? [],
                    runID: run.id,
                    failingSince: latest?.state == .open ? (latest?.openedAt ?? now) : (outcome.window?.closesAt ?? outcome.verifiedAt),
                    occurredAt: outcome.verifiedAt, attempted: recoveries[outcome.asset]?.attempted ?? [],
                    logExcerpt: report.failures.first { $0.asset == outcome.asset }?.logs?.mostRelevantLines() ?? [],
                    reportMarkdown: rendered.markdown, reportJSON: rendered.json)
                change.merge(ledger.record(failure, latest: latest, now: now))
            }
        }
        let healthyAssets =
            run.outcomes.filter { $0.state == .healthy }.map(\.asset)
            + failed.filter { recoveries[$0.asset]?.recovered == true }.map(\.asset)
        for asset in healthyAssets {
            let open = try await store.openIncidents(asset: asset)
            change.merge(ledger.resolve(open, runID: run.id, now: now))
        }
        try await store.commit(change, triagedRunID: run.id)
        for incident in change.incidents {
            logger.notice(
                "incident \(incident.state == .open ? "open" : "resolved")",
                metadata: ["incident": "\(incident.id)", "asset": "\(incident.asset)", "cause": "\(incident.cause.rawValue)"])
        }
        await didCommit(change)
    }

    /// The incidents this asset and cause opened in the last `recurrenceDays`, when there were
    /// any: the report of a new one says "third time in 14 days".
    private func recurrence(asset: String, cause: FailureCause, now: Date) async throws(StoreError) -> IncidentReport.Recurrence? {
        let since = now.addingTimeInterval(-Double(Self.recurrenceDays) * 86_400)
        let earlier = try await store.incidentOpenings(asset: asset, cause: cause, since: since)
        guard !earlier.isEmpty else { return nil }
        return IncidentReport.Recurrence(count: earlier.count + 1, days: Self.recurrenceDays, previous: earlier)
    }

    /// How far back a recurring cause is looked for.
    package static var recurrenceDays: Int { 14 }

    struct Recovery: Sendable {
        var recovered = false
        var attempted: [String] = []
    }

    /// Retries one failed backup while its cause stays transient, within the attempt limit and
    /// the window's budget; each attempt is appended to the record as soon as it has run.
    private func recover(_ outcome: VerificationOutcome, runID: String, logger: Logger) async -> Recovery {
        var result = Recovery()
        var cause = outcome.cause ?? .unknown
        guard recovery.isTransient(cause) else {
            result.attempted.append("not retried: \(cause.rawValue) is not a transient cause")
            return result
        }
        guard let asset = assets[outcome.asset], let argv = asset.backup.retry, !argv.isEmpty else {
            result.attempted.append("not retried: the asset has no backup.retry command")
            return result
        }
        for attempt in 1...max(1, recovery.maxAttempts) {
            guard recovery.isTransient(cause) else {
                result.attempted.append("stopped retrying: the cause became \(cause.rawValue), which is not transient")
                break
            }
            let spent = (try? await store.recoveryAttempts(schedule: outcome.schedule, windowStart: outcome.window?.start)) ?? .max
            let startedAt = clock.now
            if spent >= recovery.budgetPerWindow {
                result.attempted.append("retry \(attempt) not run: the window's retry budget (\(recovery.budgetPerWindow)) is spent")
                await append(
                    outcome, cause: cause, runID: runID, attempt: attempt, startedAt: startedAt, result: .budgetExhausted,
                    detail: "budget spent")
                break
            }
            let delay = recovery.delay(beforeAttempt: attempt, jitter: jitter())
            do {
                try await clock.sleep(until: clock.now.addingTimeInterval(delay.seconds))
            } catch {
                result.attempted.append("retry \(attempt) not run: Backstop was shutting down")
                break
            }
            if ledger.policy.dryRun {
                let detail = "dry run: would run \(argv.joined(separator: " "))"
                logger.notice("\(detail)", metadata: ["asset": "\(asset.name)"])
                result.attempted.append(detail)
                await append(outcome, cause: cause, runID: runID, attempt: attempt, startedAt: startedAt, result: .dryRun, detail: detail)
                break
            }
            await retrySlots.wait()
            let command = await retrier.retry(asset, argv: argv, timeout: recovery.commandTimeout)
            retrySlots.signal()
            let verified = try? await reverify(asset.name, outcome.window)
            let healthy = verified?.state == .healthy
            if let newCause = verified?.cause { cause = newCause }
            let text =
                "retry \(attempt) after \(Int(delay.seconds)) s: \(command.detail); re-verified "
                + (healthy ? "healthy" : "still failing (\(verified?.cause?.rawValue ?? "not verified"))")
            result.attempted.append(text)
            logger.info("\(text)", metadata: ["asset": "\(asset.name)"])
            await append(
                outcome, cause: cause, runID: runID, attempt: attempt, startedAt: startedAt, result: healthy ? .recovered : .failed,
                detail: text)
            if healthy {
                result.recovered = true
                break
            }
        }
        return result
    }

    private func append(
        _ outcome: VerificationOutcome, cause: FailureCause, runID: String, attempt: Int, startedAt: Date, result: RecoveryAttempt.Result,
        detail: String
    ) async {
        let record = RecoveryAttempt(
            runID: runID, asset: outcome.asset, schedule: outcome.schedule, cause: cause, attempt: attempt, startedAt: startedAt,
            finishedAt: clock.now, result: result, detail: detail, windowStart: outcome.window?.start)
        do {
            try await store.append(record)
        } catch {
            logger.error("could not record a retry", metadata: ["asset": "\(outcome.asset)", "error": "\(error)"])
        }
        var change = LedgerChange()
        change.recoveryAttempts.append(record)
        await didCommit(change)
    }
}
