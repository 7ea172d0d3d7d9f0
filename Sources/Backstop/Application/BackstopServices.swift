import AsyncHTTPClient
import BackstopCore
import Foundation
import Logging

/// Everything Backstop runs on, built once from the configuration. The only place real clients
/// are constructed; `serve`, `verify` and the tests all go through here.
package struct BackstopServices: Sendable {
    package let configuration: Configuration
    package let store: any RecordStore
    package let metrics: BackstopMetrics
    package let runner: FileVerificationRunner
    /// Composes incident reports (diagnosis, correlated logs, timeline) for recorded runs.
    package let reporter: RunReporter
    /// Verifies assets as their backup-completion events arrive.
    package let events: DurableQueueWorker<CompletionEventHandler>
    /// Retries transient failures of recorded runs and turns the rest into incidents.
    package let triage: DurableQueueWorker<RecordedRunHandler>
    /// Sends incidents to PagerDuty, Jira and Linear.
    package let delivery: OutboxDeliveryService
    /// Turns accepted Alertmanager notifications into incidents.
    package let alerts: DurableQueueWorker<NotificationHandler>
    /// Expires unanswered retry approvals and runs the approved ones.
    package let approvals: ApprovalService
    /// Brings what other processes append to the record into this one (`serve` runs it).
    package let watcher: RecordWatcher
    /// Set when replicas share the store (PostgreSQL): how the scheduler shares a window's assets.
    package let sharedWindows: SharedWindows?
    /// Set when replicas share the store: takes over the work a dead replica left.
    package let sweep: ReplicaSweep?
    /// Set when replicas share the store: decides which one exports the record's metrics.
    package let exporter: ExporterLease?
    /// Set with `storage.postgres.buffer`: drains writes buffered while PostgreSQL was down.
    package let bufferDrain: BufferDrainService?
    package let clock: any WallClock
    package let logger: Logger

    /// Accepted notifications held in memory for the triage at most (a few KB each, about
    /// 40 MB in all): past it, a sustained intake the triage cannot keep up with waits in the
    /// record, which the triage reads back in order (``WorkQueue``). A storm of 10,000 fits.
    package static let queuedNotificationsLimit = 10_000

    /// Opens the store, clears leftover restore tests, rebuilds metrics from the store and
    /// wires the runner.
    /// `observer` sees every run after it is recorded (tests await runs through it).
    package static func make(
        configuration: Configuration, logger: Logger, clock: any WallClock = SystemWallClock(),
        observer: @escaping @Sendable (VerificationRun) async -> Void = { _ in }
    ) async throws -> BackstopServices {
        // A configured sink without a client stops the start, before anything is opened.
        let sinks = try makeSinks(configuration)
        let store = try await RecordStores.open(configuration, logger: logger)
        // Replicas on one shared store claim each piece of work; alone on SQLite nothing is claimed.
        let shared = store as? any SharedStore
        let leases = shared?.workLeases(holder: ReplicaName.current, logger: logger)
        // Restore tests a killed Backstop left behind must not run on, nor fill the disk.
        await LeftoverRestores.clear(scratchRoot: configuration.scratchRoot, logger: logger)
        let metrics = BackstopMetrics(
            version: BackstopVersion.version, revision: BackstopVersion.revision, assets: configuration.assets,
            schedules: configuration.schedules.keys.sorted(), incidentSink: configuration.incidents.sink)
        let buffer = (store as? any BufferedStore)?.buffer
        // Started without PostgreSQL (on its buffer): what is read at start waits until it answers.
        let startedWithoutStore = buffer?.status.schemaPending == true
        let marks =
            startedWithoutStore
            ? RecordMarks() : try await StartReads.load(store: store, metrics: metrics, shared: shared != nil, now: clock.now)
        let recordedRuns = WorkQueue<VerificationRun>()
        let follower = RunFollower(
            store: store, metrics: metrics, queue: recordedRuns, appliedThrough: startedWithoutStore ? nil : marks.runs, logger: logger)
        let inspector = BackupAdapters(
            timeZones: configuration.schedules.mapValues(\.timeZone), runner: ProcessRunner(), postgres: configuration.postgres)
        let tester = CommandRestoreTester(
            runner: ProcessRunner(), scratchRoot: configuration.scratchRoot, outputLimit: configuration.restoreOutputLimit, logger: logger,
            planning: inspector)
        var runner = VerificationRunner(
            assets: configuration.assets, schedules: configuration.schedules, inspector: inspector, tester: tester, store: store,
            sampling: configuration.restoreSampling,
            diagnoser: OutcomeDiagnoser(
                classifier: FailureClassifier(userRules: configuration.diagnosisRules), probe: configuration.probes ? TargetProbe() : nil),
            clock: clock, concurrency: configuration.verifyConcurrency, logger: logger,
            didRecord: { run in
                recordedRuns.enqueue(run)
                await follower.recorded(run)
                await observer(run)
            })
        if let leases, let slots = configuration.restoreClusterConcurrency {
            runner.restoreSlots = ClusterRestoreSlots(leases: leases, count: slots, logger: logger)
        }
        let correlation = LogCorrelation(
            sources: configuration.logSources.map { makeLogSource($0, timeout: configuration.logTimeout) },
            paddingBefore: configuration.logPaddingBefore,
            paddingAfter: configuration.logPaddingAfter, timeout: configuration.logTimeout)
        let reporter = RunReporter(
            correlation: correlation, builder: ReportBuilder(assets: configuration.assets, runbooks: configuration.runbooks), clock: clock)
        let delivery = OutboxDeliveryService(
            store: store, sinks: sinks, fallbackPager: SinkRegistry.fallbackPager, policy: configuration.delivery,
            clock: clock, dryRun: configuration.dryRun, logger: logger, observe: { metrics.recordDelivery($0) },
            afterPass: { metrics.loadOutbox($0) }, leases: leases)
        // Both paths end at the desk; what it commits goes to delivery and metrics as a value.
        var desk = IncidentDesk(
            ledger: IncidentLedger(policy: configuration.incidents), store: store, reporter: reporter, runbooks: configuration.runbooks,
            assetLabel: (configuration.webhook?.mapping ?? AlertMapping()).assetLabel, clock: clock, logger: logger,
            consumers: [metrics, delivery])
        desk.sharedLock = shared?.decisionLock(logger: logger)
        var triage = FailureTriage(
            assets: configuration.assets, recovery: configuration.recovery, dryRun: configuration.dryRun, store: store,
            retrier: CommandBackupRetrier(runner: ProcessRunner()), verifier: runner, clock: clock, logger: logger)
        triage.approvals = store
        triage.apiBase = configuration.apiBase
        let approvals = ApprovalService(
            store: store, runner: runner, retrier: CommandBackupRetrier(runner: ProcessRunner()), desk: desk, metrics: metrics,
            recovery: configuration.recovery, assets: configuration.assets, dryRun: configuration.dryRun, clock: clock, logger: logger)
        let alertTriage = AlertTriage(
            assets: configuration.assets, mapping: configuration.webhook?.mapping ?? AlertMapping(), correlation: correlation,
            classifier: FailureClassifier(userRules: configuration.diagnosisRules), store: store, clock: clock)
        let events = DurableQueueWorker(
            name: "completion events", handler: CompletionEventHandler(record: store, runner: runner, leases: leases), logger: logger)
        let runs = DurableQueueWorker(
            name: "recorded runs", handler: RecordedRunHandler(record: store, ledger: store, triage: triage, desk: desk, leases: leases),
            queue: recordedRuns, logger: logger)
        let alerts = DurableQueueWorker(
            name: "Alertmanager notifications",
            handler: NotificationHandler(intake: store, triage: alertTriage, desk: desk, logger: logger, priority: IntakePriority()),
            queue: WorkQueue(memoryLimit: Self.queuedNotificationsLimit), logger: logger)
        let sharedWindows = shared.flatMap { shared in
            leases.map { leases in
                SharedWindows(
                    leases: leases,
                    verified: { schedule, start throws(StoreError) in
                        try await shared.verifiedAssets(schedule: schedule, windowStart: start)
                    },
                    assets: Dictionary(grouping: configuration.assets, by: \.scheduleName).mapValues { $0.map(\.name) },
                    chunk: configuration.verifyConcurrency * 4, poll: .seconds(1), buffer: buffer)
            }
        }
        return BackstopServices(
            configuration: configuration, store: store, metrics: metrics, runner: runner, reporter: reporter,
            events: events, triage: runs, delivery: delivery, alerts: alerts,
            approvals: approvals,
            watcher: RecordWatcher(
                store: store, follower: follower, metrics: metrics, delivery: delivery, approvals: approvals, clock: clock, logger: logger,
                start: marks),
            sharedWindows: sharedWindows,
            sweep: leases.map { ReplicaSweep(events: events, triage: runs, alerts: alerts, period: $0.lease) },
            exporter: leases.map { ExporterLease(leases: $0, metrics: metrics, logger: logger) },
            bufferDrain: BufferDrainService.make(
                store: store, metrics: metrics, events: events, triage: runs, alerts: alerts, logger: logger,
                startReads: startedWithoutStore
                    ? StartReads.deferred(store: store, metrics: metrics, follower: follower, clock: clock, logger: logger) : nil),
            clock: clock, logger: logger)
    }

    /// The configured sinks; one shared HTTP client, each call bounded by the delivery timeout.
    /// Fails with ``SinkClientMissing`` when configured settings have no registered sink that
    /// builds a client from them (settings made by hand; a parsed configuration always has one).
    private static func makeSinks(_ configuration: Configuration) throws(SinkClientMissing) -> [SinkKind: any IncidentSink] {
        let http = SinkHTTPClient(client: .shared, timeout: configuration.delivery.timeout)
        var sinks: [SinkKind: any IncidentSink] = [:]
        for (kind, settings) in configuration.sinks {
            guard let sink = SinkRegistry.plugin(kind)?.makeSink(configured: settings, http: http) else {
                throw SinkClientMissing(kind: kind)
            }
            sinks[kind] = sink
        }
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
