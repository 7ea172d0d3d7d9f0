import AsyncHTTPClient
import BackstopCore
import Foundation
import Logging

/// The verification runner as wired for real use: every backup type's adapter, restore
/// commands as processes, the record in SQLite.
package typealias FileVerificationRunner = VerificationRunner<BackupAdapters, CommandRestoreTester<ProcessRunner>, SQLiteRunStore>

/// Everything Backstop runs on, built once from the configuration. The only place real clients
/// are constructed; `serve`, `verify` and the tests all go through here.
package struct BackstopServices: Sendable {
    package let configuration: Configuration
    package let store: SQLiteRunStore
    package let metrics: BackstopMetrics
    package let runner: FileVerificationRunner
    /// Composes incident reports (diagnosis, correlated logs, timeline) for recorded runs.
    package let reporter: RunReporter
    /// Retries transient failures and turns the rest into incidents.
    package let triage: TriageService
    /// Sends incidents to PagerDuty, Jira and Linear.
    package let delivery: OutboxDeliveryService
    /// Turns accepted Alertmanager notifications into incidents.
    package let alerts: AlertIntakeService
    /// Brings what other processes append to the record into this one (`serve` runs it).
    package let watcher: RecordWatcher
    package let clock: any WallClock
    package let logger: Logger

    /// Opens the store, clears leftover restore tests, rebuilds metrics from the store and
    /// wires the runner.
    /// `observer` sees every run after it is recorded (tests await runs through it).
    package static func make(
        configuration: Configuration, logger: Logger, clock: any WallClock = SystemWallClock(),
        observer: @escaping @Sendable (VerificationRun) async -> Void = { _ in }
    ) async throws(StoreError) -> BackstopServices {
        let store = try SQLiteRunStore(path: configuration.sqlitePath)
        // Restore tests a killed Backstop left behind must not run on, nor fill the disk.
        await LeftoverRestores.clear(scratchRoot: configuration.scratchRoot, logger: logger)
        let metrics = BackstopMetrics(
            version: BackstopVersion.version, revision: BackstopVersion.revision, assets: configuration.assets,
            schedules: configuration.schedules.keys.sorted(), incidentSink: configuration.incidents.sink)
        let (snapshot, marks) = try await store.metricsSnapshotWithMarks()
        metrics.load(snapshot)
        let queue = TriageQueue()
        let follower = RunFollower(store: store, metrics: metrics, queue: queue, appliedThrough: marks.runs, logger: logger)
        let inspector = BackupAdapters(
            timeZones: configuration.schedules.mapValues(\.timeZone), runner: ProcessRunner(), postgres: configuration.postgres)
        let tester = CommandRestoreTester(
            runner: ProcessRunner(), scratchRoot: configuration.scratchRoot, outputLimit: configuration.restoreOutputLimit, logger: logger,
            planning: inspector)
        let runner = VerificationRunner(
            assets: configuration.assets, schedules: configuration.schedules, inspector: inspector, tester: tester, store: store,
            sampling: configuration.restoreSampling,
            diagnoser: OutcomeDiagnoser(
                classifier: FailureClassifier(userRules: configuration.diagnosisRules), probe: configuration.probes ? TargetProbe() : nil),
            clock: clock, concurrency: configuration.verifyConcurrency, logger: logger,
            didRecord: { run in
                queue.enqueue(run)
                await follower.recorded(run)
                await observer(run)
            })
        let correlation = LogCorrelation(
            sources: configuration.logSources.map { makeLogSource($0, timeout: configuration.logTimeout) },
            paddingBefore: configuration.logPaddingBefore,
            paddingAfter: configuration.logPaddingAfter, timeout: configuration.logTimeout)
        let reporter = RunReporter(
            correlation: correlation, builder: ReportBuilder(assets: configuration.assets, runbooks: configuration.runbooks), clock: clock)
        let delivery = OutboxDeliveryService(
            store: store, sinks: makeSinks(configuration), policy: configuration.delivery, clock: clock, dryRun: configuration.dryRun,
            logger: logger, observe: { metrics.recordDelivery($0) }, afterPass: { await metrics.loadIncidents(from: store, now: clock.now) }
        )
        let render: @Sendable (IncidentReport) -> (markdown: String, json: String) = { report in
            (MarkdownReport.render(report), (try? JSONEncoder.api.encode(report)).map { String(decoding: $0, as: UTF8.self) } ?? "{}")
        }
        let ledgerLock = AsyncSemaphore(permits: 1)
        let triage = FailureTriage(
            assets: configuration.assets, recovery: configuration.recovery, ledger: IncidentLedger(policy: configuration.incidents),
            reporter: reporter, store: store, retrier: CommandBackupRetrier(runner: ProcessRunner()),
            reverify: { asset, window async throws(StoreError) in
                let run = try await runner.run(VerificationRequest(trigger: .retry(asset), assets: [asset], window: window))
                return run.outcomes.first { $0.asset == asset }
            },
            render: render, clock: clock, logger: logger, ledgerLock: ledgerLock,
            didCommit: { _ in
                await metrics.loadIncidents(from: store, now: clock.now)
                delivery.notify()
            })
        let alertTriage = AlertTriage(
            assets: configuration.assets, mapping: configuration.webhook?.mapping ?? AlertMapping(),
            ledger: IncidentLedger(policy: configuration.incidents), correlation: correlation,
            classifier: FailureClassifier(userRules: configuration.diagnosisRules), runbooks: configuration.runbooks, store: store,
            render: render, clock: clock, logger: logger, ledgerLock: ledgerLock,
            didCommit: { _ in
                await metrics.loadIncidents(from: store, now: clock.now)
                delivery.notify()
            })
        await metrics.loadIncidents(from: store, now: clock.now)
        metrics.loadNotifications(try await store.notificationCounts())
        return BackstopServices(
            configuration: configuration, store: store, metrics: metrics, runner: runner, reporter: reporter,
            triage: TriageService(triage: triage, queue: queue, store: store, logger: logger), delivery: delivery,
            alerts: AlertIntakeService(triage: alertTriage, store: store, logger: logger),
            watcher: RecordWatcher(
                store: store, follower: follower, metrics: metrics, delivery: delivery, clock: clock, logger: logger, start: marks),
            clock: clock, logger: logger)
    }

    /// The configured sinks; one shared HTTP client, each call bounded by the delivery timeout.
    private static func makeSinks(_ configuration: Configuration) -> [SinkKind: any IncidentSink] {
        let http = SinkHTTPClient(client: .shared, timeout: configuration.delivery.timeout)
        var sinks: [SinkKind: any IncidentSink] = [:]
        if let pagerDuty = configuration.pagerDuty { sinks[.pagerduty] = PagerDutySink(configuration: pagerDuty, http: http) }
        if let jira = configuration.jira { sinks[.jira] = JiraSink(configuration: jira, http: http) }
        if let linear = configuration.linear { sinks[.linear] = LinearSink(configuration: linear, http: http) }
        return sinks
    }

    private static func makeLogSource(_ source: LogSourceConfiguration, timeout: Duration) -> any LogSource {
        switch source {
        case .file(let path, let timeZone): FileLogSource(pathTemplate: path, timeZone: timeZone)
        case .journald(let unit, let directory, let files):
            JournaldLogSource(runner: ProcessRunner(), unitTemplate: unit, directory: directory, files: files)
        case .loki(let loki):
            LokiLogSource(
                client: .shared, baseURL: loki.url, queryTemplate: loki.query, tenant: loki.tenant, credentials: loki.credentials,
                pageSize: loki.pageSize, requestTimeout: timeout)
        }
    }
}
