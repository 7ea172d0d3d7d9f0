import BackstopCore
import Foundation
import Logging

/// The verification runner as wired for real use: files on disk, restore commands as processes,
/// the record in SQLite.
package typealias FileVerificationRunner = VerificationRunner<FileArtifactInspector, CommandRestoreTester<ProcessRunner>, SQLiteRunStore>

/// Everything Backstop runs on, built once from the configuration. The only place real clients
/// are constructed; `serve`, `verify` and the tests all go through here.
package struct BackstopServices: Sendable {
    package let configuration: Configuration
    package let store: SQLiteRunStore
    package let metrics: BackstopMetrics
    package let runner: FileVerificationRunner
    package let clock: any WallClock
    package let logger: Logger

    /// Opens the store, rebuilds metrics from it and wires the runner.
    /// `observer` sees every run after it is recorded (tests await runs through it).
    package static func make(
        configuration: Configuration, logger: Logger, clock: any WallClock = SystemWallClock(),
        observer: @escaping @Sendable (VerificationRun) async -> Void = { _ in }
    ) async throws(StoreError) -> BackstopServices {
        let store = try SQLiteRunStore(path: configuration.sqlitePath)
        let metrics = BackstopMetrics(
            version: BackstopVersion.version, revision: BackstopVersion.revision, assets: configuration.assets,
            schedules: configuration.schedules.keys.sorted())
        metrics.load(try await store.metricsSnapshot())
        let inspector = FileArtifactInspector(timeZones: configuration.schedules.mapValues(\.timeZone))
        let tester = CommandRestoreTester(
            runner: ProcessRunner(), scratchRoot: configuration.scratchRoot, outputLimit: configuration.restoreOutputLimit, logger: logger)
        let runner = VerificationRunner(
            assets: configuration.assets, schedules: configuration.schedules, inspector: inspector, tester: tester, store: store,
            sampling: configuration.restoreSampling,
            diagnoser: OutcomeDiagnoser(
                classifier: FailureClassifier(userRules: configuration.diagnosisRules), probe: configuration.probes ? TargetProbe() : nil),
            clock: clock, concurrency: configuration.verifyConcurrency, logger: logger,
            didRecord: { run in
                metrics.record(run)
                await observer(run)
            })
        return BackstopServices(configuration: configuration, store: store, metrics: metrics, runner: runner, clock: clock, logger: logger)
    }
}
