import BackstopCore
import Foundation
import Logging
import ServiceLifecycle

/// Acts on answered retry approvals in `serve`: expires requests whose timeout passed (also
/// those that passed while no `serve` ran: they expire at the next start and never run late),
/// and runs each approved retry once, re-verifies the asset and hands the outcome to the
/// incident desk like any retry (healthy resolves, still failing updates the open incident).
///
/// "Once" across kill -9: the retry's start is in the record before the command runs, and its
/// outcome is committed with the ledger change under the approval's mark. A retry that started
/// and never finished is not run again: the asset is only re-verified and the report says so.
package struct ApprovalService: Service {
    let store: SQLiteRunStore
    let runner: FileVerificationRunner
    let retrier: any BackupRetrier
    let desk: IncidentDesk
    let metrics: BackstopMetrics
    let recovery: RecoveryPolicy
    let assets: [String: Asset]
    let dryRun: Bool
    let clock: any WallClock
    let logger: Logger
    private let wake = WakeSignal()

    init(
        store: SQLiteRunStore, runner: FileVerificationRunner, retrier: any BackupRetrier, desk: IncidentDesk, metrics: BackstopMetrics,
        recovery: RecoveryPolicy, assets: [Asset], dryRun: Bool, clock: any WallClock, logger: Logger
    ) {
        (self.store, self.runner, self.retrier, self.desk, self.metrics) = (store, runner, retrier, desk, metrics)
        self.assets = Dictionary(assets.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        (self.recovery, self.dryRun, self.clock, self.logger) = (recovery, dryRun, clock, logger)
    }

    /// Something was proposed or answered (here or in another process): look again now.
    package func notify() { wake.signal() }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let next = await self.pass()
                await self.sleep(until: next ?? self.clock.now.addingTimeInterval(3_600))
            }
        }
    }

    /// Expires what is due, runs what was approved; returns the next request deadline.
    @discardableResult
    package func pass() async -> Date? {
        do {
            for expired in try await store.expireDue(now: clock.now) {
                logger.notice(
                    "retry approval expired unanswered; the incident stays open",
                    metadata: ["approval": "\(expired.id)", "asset": "\(expired.asset)"])
            }
            for approval in try await store.approvedUnfinished() {
                guard !Task.isCancelled else { break }
                await runApproved(approval)
            }
            metrics.loadApprovals(try await store.approvalCounts())
            return try await store.approvals(state: .pendingApproval, limit: -1).map(\.expiresAt).min()
        } catch {
            logger.error("could not read the approval record; trying again in a minute", metadata: ["error": "\(error)"])
            return clock.now.addingTimeInterval(60)
        }
    }

    private func runApproved(_ approval: Approval) async {
        var logger = logger
        logger[metadataKey: "approval"] = "\(approval.id)"
        logger[metadataKey: "asset"] = "\(approval.asset)"
        if dryRun {
            logger.notice("dry run: an approved retry is not run", metadata: ["command": "\(approval.argv.joined(separator: " "))"])
            return
        }
        guard let asset = assets[approval.asset] else {
            logger.error("an approved retry's asset is no longer configured; it is not run (add the asset back, or let it be)")
            return
        }
        do {
            let startedAt = clock.now
            var detail: String
            if approval.execution == nil, try await store.startRetry(id: approval.id, at: startedAt) {
                logger.notice("running an approved retry", metadata: ["approved_by": "\(approval.decidedBy ?? "-")"])
                // The command as approved, not as configured now.
                let command = await retrier.retry(asset, argv: approval.argv, timeout: recovery.commandTimeout)
                detail = "approved retry \(approval.id) (by \(approval.decidedBy ?? "-")): \(command.detail); re-verified "
            } else {
                logger.warning("an approved retry was interrupted by a stop; it is not run again, only re-verified")
                detail =
                    "approved retry \(approval.id) was interrupted by a Backstop stop (it may have run) and is not run again; re-verified "
            }
            try await reverify(approval, detail: detail, startedAt: startedAt, logger: logger)
        } catch {
            logger.error("an approved retry could not be completed; it is re-verified at the next pass", metadata: ["error": "\(error)"])
        }
    }

    /// Verifies the asset again and commits the outcome under the approval's mark.
    private func reverify(_ approval: Approval, detail: String, startedAt: Date, logger: Logger) async throws(StoreError) {
        let window = try await store.run(id: approval.runID)?.outcomes.first { $0.asset == approval.asset }?.window
        let run = try await runner.run(VerificationRequest(trigger: .retry(approval.asset), assets: [approval.asset], window: window))
        guard run.status != .aborted else { return }  // Shutting down: the next start re-verifies.
        let outcome = run.outcomes.first { $0.asset == approval.asset }
        let healthy = outcome?.state == .healthy
        let text = detail + (healthy ? "healthy" : "still failing (\(outcome?.cause?.rawValue ?? "not verified"))")
        let previous = try await store.recoveryAttempts(runID: approval.runID).filter { $0.asset == approval.asset }.count
        let attempt = RecoveryAttempt(
            runID: approval.runID, asset: approval.asset, schedule: approval.schedule, cause: outcome?.cause ?? approval.cause,
            attempt: previous + 1, startedAt: startedAt, finishedAt: clock.now, result: healthy ? .recovered : .failed, detail: text,
            windowStart: window?.start)
        try await store.append(attempt)
        var recovery = Recovery()
        recovery.recovered = healthy
        recovery.attempted = [text]
        recovery.attempts = [attempt]
        try await desk.decide(BackupFindings(run: run, recoveries: [approval.asset: recovery]), mark: approval.finishedMark)
        logger.notice("approved retry done", metadata: ["healthy": "\(healthy)"])
    }

    private func sleep(until deadline: Date) async {
        await wake.wait(until: deadline, on: clock)
    }
}
