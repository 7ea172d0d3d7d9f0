import Foundation
import Logging

/// The backup path up to its findings: every failed backup of a recorded run is retried while
/// its cause is known-transient (bounded, with backoff and a budget) and re-verified. The
/// ``IncidentDesk`` decides what the findings open, update or resolve; each retry is appended to
/// the record as soon as it has run, so the budget holds across a crash.
package struct FailureTriage<Store: IncidentStore, Retrier: BackupRetrier, Verifier: Reverifier>: Sendable {
    package var assets: [String: Asset]
    package var recovery: RecoveryPolicy
    /// Retries are recorded and logged, not run.
    package var dryRun: Bool
    package var store: Store
    package var retrier: Retrier
    package var verifier: Verifier
    package var clock: any WallClock
    package var logger: Logger
    /// A number in 0…1 for each retry's jitter (injected so tests are reproducible).
    package var jitter: @Sendable () -> Double
    private let retrySlots: AsyncSemaphore
    /// Where retries that need an approval are proposed (`recovery.approval`); nil when none do.
    package var approvals: (any ApprovalStore)?
    /// The API's address, for the approve call shown in reports.
    package var apiBase = "http://127.0.0.1:10027"

    package init(
        assets: [Asset], recovery: RecoveryPolicy, dryRun: Bool, store: Store, retrier: Retrier, verifier: Verifier, clock: any WallClock,
        logger: Logger, jitter: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }
    ) {
        self.assets = Dictionary(assets.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.recovery = recovery
        self.dryRun = dryRun
        self.store = store
        self.retrier = retrier
        self.verifier = verifier
        self.clock = clock
        self.logger = logger
        self.jitter = jitter
        self.retrySlots = AsyncSemaphore(permits: max(1, recovery.concurrency))
    }

    /// Nil when the run is not triaged: a re-verification (trigger `retry`) or an aborted run
    /// (the triage that started it, or nobody, owns its outcome), or a run triaged already.
    package func findings(for run: VerificationRun) async throws(StoreError) -> BackupFindings? {
        if case .retry = run.trigger { return nil }
        guard run.status != .aborted else { return nil }
        guard try await !store.isTriaged(runID: run.id) else { return nil }
        var logger = logger
        logger[metadataKey: "run"] = "\(run.id)"
        var recoveries: [String: Recovery] = [:]
        let runLogger = logger
        await withTaskGroup(of: (String, Recovery).self) { group in
            for outcome in run.failedOutcomes {
                group.addTask { (outcome.asset, await self.recover(outcome, runID: run.id, logger: runLogger)) }
            }
            for await (asset, recovery) in group { recoveries[asset] = recovery }
        }
        return BackupFindings(run: run, recoveries: recoveries)
    }

    /// Retries one failed backup while its cause stays transient, within the attempt limit and
    /// the window's budget; each attempt is appended to the record as soon as it has run.
    private func recover(_ outcome: VerificationOutcome, runID: String, logger: Logger) async -> Recovery {
        var result = Recovery()
        var cause = outcome.cause ?? .unknown
        if recovery.approval.proposes(transient: recovery.isTransient(cause)) {
            return await propose(outcome, cause: cause, runID: runID, logger: logger)
        }
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
                result.attempts.append(
                    await append(
                        outcome, cause: cause, runID: runID, attempt: attempt, startedAt: startedAt, result: .budgetExhausted,
                        detail: "budget spent"))
                break
            }
            let delay = recovery.delay(beforeAttempt: attempt, jitter: jitter())
            do {
                try await clock.sleep(until: clock.now.addingTimeInterval(delay.seconds))
            } catch {
                result.attempted.append("retry \(attempt) not run: Backstop was shutting down")
                break
            }
            if dryRun {
                let detail = "dry run: would run \(argv.joined(separator: " "))"
                logger.notice("\(detail)", metadata: ["asset": "\(asset.name)"])
                result.attempted.append(detail)
                result.attempts.append(
                    await append(
                        outcome, cause: cause, runID: runID, attempt: attempt, startedAt: startedAt, result: .dryRun, detail: detail))
                break
            }
            await retrySlots.wait()
            let command = await retrier.retry(asset, argv: argv, timeout: recovery.commandTimeout)
            retrySlots.signal()
            let verified = try? await verifier.reverify(asset: asset.name, window: outcome.window)
            let healthy = verified?.state == .healthy
            if let newCause = verified?.cause { cause = newCause }
            let text =
                "retry \(attempt) after \(Int(delay.seconds)) s: \(command.detail); re-verified "
                + (healthy ? "healthy" : "still failing (\(verified?.cause?.rawValue ?? "not verified"))")
            result.attempted.append(text)
            logger.info("\(text)", metadata: ["asset": "\(asset.name)"])
            result.attempts.append(
                await append(
                    outcome, cause: cause, runID: runID, attempt: attempt, startedAt: startedAt, result: healthy ? .recovered : .failed,
                    detail: text))
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
    ) async -> RecoveryAttempt {
        let record = RecoveryAttempt(
            runID: runID, asset: outcome.asset, schedule: outcome.schedule, cause: cause, attempt: attempt, startedAt: startedAt,
            finishedAt: clock.now, result: result, detail: detail, windowStart: outcome.window?.start)
        do {
            try await store.append(record)
        } catch {
            logger.error("could not record a retry", metadata: ["asset": "\(outcome.asset)", "error": "\(error)"])
        }
        return record
    }
}

extension VerificationRunner: Reverifier {
    package func reverify(asset: String, window: BackupWindow?) async throws(StoreError) -> VerificationOutcome? {
        try await run(VerificationRequest(trigger: .retry(asset), assets: [asset], window: window)).outcomes.first { $0.asset == asset }
    }
}
