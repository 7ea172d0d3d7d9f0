import Foundation
import Logging

/// Plans the expected backups, verifies each, runs the sampled restore tests and appends the
/// run to the record. Failed backups are returned as values in the run.
package struct VerificationRunner<Inspector: ArtifactInspector, Tester: RestoreTester>: Sendable {
    package var assets: [Asset]
    package var schedules: [String: Schedule]
    package var verifier: BackupVerifier<Inspector>
    package var tester: Tester
    /// Any backend: SQLite, PostgreSQL or memory (an existential: a store call is I/O, not a hot path).
    package var store: any RunStore
    package var sampler: RestoreSampler
    package var diagnoser: OutcomeDiagnoser
    package var clock: any WallClock
    /// How many assets are verified (and hashed) at once.
    package var concurrency: Int
    /// Replicas sharing a store take a slot for each restore test (a cluster-wide limit); nil
    /// alone, where a run's restore tests run one after another anyway.
    package var restoreSlots: (any RestoreSlots)?
    package var logger: Logger
    /// Called after each run is appended (metrics, status board).
    package var didRecord: @Sendable (VerificationRun) async -> Void

    package init(
        assets: [Asset], schedules: [String: Schedule], inspector: Inspector, tester: Tester, store: any RunStore,
        sampling: RestoreSampling, diagnoser: OutcomeDiagnoser = OutcomeDiagnoser(), clock: any WallClock, concurrency: Int,
        logger: Logger, didRecord: @escaping @Sendable (VerificationRun) async -> Void = { _ in }
    ) {
        self.assets = assets
        self.schedules = schedules
        self.verifier = BackupVerifier(inspector: inspector)
        self.tester = tester
        self.store = store
        self.sampler = RestoreSampler(sampling: sampling)
        self.diagnoser = diagnoser
        self.clock = clock
        self.concurrency = max(1, concurrency)
        self.logger = logger
        self.didRecord = didRecord
    }

    /// Runs one verification and appends it to the record. Cancellation (shutdown) stops the
    /// work early; what was done is still appended, as an aborted run.
    package func run(
        _ request: VerificationRequest, progress: some VerificationProgress = SilentProgress()
    ) async throws(StoreError) -> VerificationRun {
        let startedAt = clock.now
        let runID = RecordID.make(prefix: "run", at: startedAt)
        let selected = select(request)
        progress.planned(assets: selected.count)
        var logger = logger
        logger[metadataKey: "run"] = "\(runID)"
        logger.info("verification started", metadata: ["trigger": "\(request.trigger.kind)", "assets": "\(selected.count)"])

        let store = store
        let names = selected.map(\.name)
        let history = try await Self.uncancelled { () throws(StoreError) in try await store.history(of: names, sizeSamples: 7) }
        var outcomes = await verifyAll(selected, request: request, history: history, progress: progress)

        var restoreTests: [RestoreOutcome] = []
        if !Task.isCancelled {
            restoreTests = await runRestoreTests(outcomes: outcomes, history: history, seed: UInt64(startedAt.timeIntervalSince1970))
        }
        for index in outcomes.indices {
            let name = outcomes[index].asset
            if let test = restoreTests.first(where: { $0.asset == name }) {
                outcomes[index].checks.append(test.check)
            } else if Task.isCancelled, outcomes[index].artifact != nil {
                outcomes[index].checks.append(.skipped(.restore, "no restore test finished: Backstop was shutting down"))
            } else if outcomes[index].artifact != nil {
                let configured = assets.first { $0.name == name }?.restore != nil
                outcomes[index].checks.append(
                    .skipped(.restore, configured ? "not sampled for a restore test this run" : "no restore command configured"))
            } else {
                outcomes[index].checks.append(.skipped(.restore, "no artifact"))
            }
        }

        await diagnoseFailures(&outcomes)

        let aborted = Task.isCancelled
        let run = VerificationRun(
            id: runID, trigger: request.trigger, startedAt: startedAt, finishedAt: clock.now,
            status: aborted ? .aborted : (outcomes.contains { $0.state.isFailure } ? .failed : .healthy),
            outcomes: outcomes, restoreTests: restoreTests)
        // The record must be written even when this task was cancelled by shutdown.
        try await Self.uncancelled { () throws(StoreError) in try await store.append(run) }
        await didRecord(run)
        log(run, logger: logger)
        return run
    }

    /// Runs store work in a task of its own, so a shutdown's cancellation cannot stop the record
    /// from being read or written (the store checks for cancellation).
    private static func uncancelled<Value: Sendable>(
        _ work: @escaping @Sendable () async throws(StoreError) -> Value
    ) async throws(StoreError) -> Value {
        let result = await Task { () -> Result<Value, StoreError> in
            do throws(StoreError) {
                return .success(try await work())
            } catch {
                return .failure(error)
            }
        }.value
        return try result.get()
    }

    // MARK: - Planning

    private func select(_ request: VerificationRequest) -> [Asset] {
        var chosen = assets
        if case .schedule(let name) = request.trigger { chosen = chosen.filter { $0.scheduleName == name } }
        if let names = request.assets { chosen = chosen.filter { names.contains($0.name) } }
        return chosen
    }

    private func window(for asset: Asset, request: VerificationRequest, now: Date) -> BackupWindow? {
        if let window = request.window, window.schedule == asset.scheduleName { return window }
        guard let schedule = schedules[asset.scheduleName] else { return nil }
        switch request.trigger {
        case .event:
            // The backup just finished: it belongs to the window that opened most recently.
            return schedule.cron.previousFire(atOrBefore: now, in: schedule.timeZone).map(schedule.window(openingAt:))
        case .schedule, .manual, .retry, .alert:
            return schedule.lastClosedWindow(at: now)
        }
    }

    // MARK: - Verifying

    private func verifyAll(
        _ selected: [Asset], request: VerificationRequest, history: [String: AssetHistory], progress: some VerificationProgress
    ) async -> [VerificationOutcome] {
        // One scope per run: a repository's listing and check are shared by its assets.
        let verifier = BackupVerifier(inspector: self.verifier.inspector.scopedToRun())
        return await withTaskGroup(of: (Int, VerificationOutcome)?.self) { group in
            var results = [VerificationOutcome?](repeating: nil, count: selected.count)
            var next = 0
            func addNext() {
                guard next < selected.count, !Task.isCancelled else { return }
                let index = next
                let asset = selected[index]
                next += 1
                group.addTask {
                    guard !Task.isCancelled else { return nil }
                    let now = clock.now
                    let outcome = await verifier.verify(
                        asset: asset, window: window(for: asset, request: request, now: now), now: now,
                        report: request.reports[asset.name], history: history[asset.name] ?? AssetHistory(),
                        lateness: { produced in schedules[asset.scheduleName]?.isLate(producedAt: produced) ?? false },
                        progress: { progress.hashed(bytes: $0) })
                    progress.finished(asset: asset.name)
                    // A check cut short by shutdown says nothing about the backup: not recorded.
                    return Task.isCancelled ? nil : (index, outcome)
                }
            }
            for _ in 0..<concurrency { addNext() }
            while let result = await group.next() {
                if let (index, outcome) = result { results[index] = outcome }
                addNext()
            }
            return results.compactMap { $0 }
        }
    }

    // MARK: - Restore tests

    private func runRestoreTests(
        outcomes: [VerificationOutcome], history: [String: AssetHistory], seed: UInt64
    ) async -> [RestoreOutcome] {
        let byName = Dictionary(assets.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let eligible = outcomes.filter { $0.artifact != nil && byName[$0.asset]?.restore != nil }.map(\.asset)
        let chosen = sampler.choose(eligible: eligible, history: history, seed: seed)
        var results: [RestoreOutcome] = []
        for name in chosen {
            guard !Task.isCancelled else { break }
            guard let asset = byName[name], let spec = asset.restore,
                let artifact = outcomes.first(where: { $0.asset == name })?.artifact
            else { continue }
            let result: RestoreOutcome
            if let restoreSlots {
                let tester = tester
                // Nil: cancelled (shutdown) while waiting for a slot; nothing ran.
                guard let held = await restoreSlots.holding({ await tester.test(asset: asset, spec: spec, artifact: artifact) })
                else { break }
                result = held
            } else {
                result = await tester.test(asset: asset, spec: spec, artifact: artifact)
            }
            // A restore killed by our own shutdown is neither passed nor failed: not recorded.
            guard !Task.isCancelled else { break }
            results.append(result)
        }
        return results
    }

    // MARK: - Diagnosis

    /// Gives every failed backup its cause before the run is recorded, so the record and the
    /// failure counters carry the cause from the start. Runs in a task of its own: a shutdown
    /// must not cut the probes short and leave a real failure without its cause.
    private func diagnoseFailures(_ outcomes: inout [VerificationOutcome]) async {
        let byName = Dictionary(assets.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let failed = outcomes.enumerated().filter { $0.element.state.isFailure }
        guard !failed.isEmpty else { return }
        let diagnoser = diagnoser
        let diagnoses = await Task {
            await withTaskGroup(of: (Int, Diagnosis)?.self) { group in
                for (index, outcome) in failed {
                    guard let asset = byName[outcome.asset] else { continue }
                    group.addTask { (index, await diagnoser.diagnose(outcome, asset: asset)) }
                }
                var results: [(Int, Diagnosis)] = []
                for await result in group { if let result { results.append(result) } }
                return results
            }
        }.value
        for (index, diagnosis) in diagnoses { outcomes[index].diagnosis = diagnosis }
    }

    // MARK: - Logging

    private func log(_ run: VerificationRun, logger: Logger) {
        for outcome in run.failedOutcomes {
            for check in outcome.failedChecks {
                logger.warning(
                    "backup check failed",
                    metadata: [
                        "asset": "\(outcome.asset)", "state": "\(outcome.state.rawValue)", "check": "\(check.kind.rawValue)",
                        "evidence": "\(check.evidence.message)", "cause": "\(outcome.cause?.rawValue ?? "unknown")",
                    ])
            }
        }
        logger.info(
            "verification finished",
            metadata: [
                "status": "\(run.status.rawValue)", "assets": "\(run.outcomes.count)", "failed": "\(run.failedOutcomes.count)",
                "restore_tests": "\(run.restoreTests.count)",
            ])
    }
}
