import BackstopCore
import Foundation
import Prometheus
import Synchronization

/// Owns Backstop's Prometheus registry. State changes only when a run is recorded, so the
/// exposition is rendered once per change and scrapes copy bytes (plus the cheap `process_*`).
///
/// Values come from a ``MetricsSnapshot``: loaded from the store at start, then advanced by
/// each recorded run, so counters never reset and series never vanish across restarts.
package final class BackstopMetrics: Sendable {
    struct State {
        var snapshot = MetricsSnapshot()
        var incidents = IncidentMetricsSnapshot()
        var lastResolutionSeq: Int64 = 0
        var exposition: [UInt8] = []
    }

    let registry = PrometheusCollectorRegistry()
    let state = Mutex(State())
    /// The `sink` label of incidents opened: where incidents go (`none` when only logged).
    let incidentSink: String
    /// Assets in the configuration; per-asset gauges are shown only for these.
    private let configuredAssets: Set<String>

    package init(version: String, revision: String, assets: [Asset], schedules: [String], incidentSink: SinkKind? = nil) {
        configuredAssets = Set(assets.map(\.name))
        self.incidentSink = incidentSink?.rawValue ?? "none"
        gauge(MetricNames.buildInfo, ["version": version, "revision": revision]).set(1.0)
        // Pre-create the bounded series at 0 so dashboards and rate() work from the first scrape.
        for asset in assets {
            for check in CheckKind.allCases where check.applies(to: asset.backup.source) {
                counter(MetricNames.checks, ["asset": asset.name, "check": check.rawValue]).increment(by: Int64(0))
                counter(MetricNames.checkFailures, ["asset": asset.name, "check": check.rawValue]).increment(by: Int64(0))
            }
            counter(MetricNames.checksumFailures, ["asset": asset.name]).increment(by: Int64(0))
            counter(MetricNames.restoreTests, ["asset": asset.name]).increment(by: Int64(0))
            counter(MetricNames.restoreTestFailures, ["asset": asset.name]).increment(by: Int64(0))
        }
        for schedule in schedules {
            for result in ["healthy", "failed"] {
                counter(MetricNames.windowRuns, ["schedule": schedule, "result": result]).increment(by: Int64(0))
            }
        }
        counter(MetricNames.checksumBytes, [:]).increment(by: Int64(0))
        _ = histogram()
        preCreateIncidentSeries()
        state.withLock { $0.exposition = render() }
    }

    // MARK: - Updating

    /// Replaces the current state with one rebuilt from the store (at start).
    package func load(_ snapshot: MetricsSnapshot) {
        state.withLock { state in
            sync(from: state.snapshot, to: snapshot)
            state.snapshot = snapshot
            state.exposition = render()
        }
    }

    /// Advances the metrics by one appended run.
    package func record(_ run: VerificationRun) {
        state.withLock { state in
            var next = state.snapshot
            next.apply(run)
            sync(from: state.snapshot, to: next)
            state.snapshot = next
            state.exposition = render()
        }
    }

    /// The current snapshot (for the status board).
    package var snapshot: MetricsSnapshot { state.withLock { $0.snapshot } }

    // MARK: - Emitting

    /// The full exposition, in the Prometheus text format 0.0.4.
    package func exposition() -> [UInt8] {
        state.withLock { $0.exposition } + Array(ProcessCollector.exposition().utf8)
    }

    // MARK: - Private implementation

    func render() -> [UInt8] {
        Array(ExpositionOrdering.sorted(registry.emitToString()).utf8)
    }

    /// Moves every series from `old` to `new`: counters by their increase, gauges to their value.
    private func sync(from old: MetricsSnapshot, to new: MetricsSnapshot) {
        for (key, counts) in new.checks {
            let before = old.checks[key] ?? .init()
            let labels = ["asset": key.asset, "check": key.check.rawValue]
            counter(MetricNames.checks, labels).increment(by: Int64(counts.total - before.total))
            counter(MetricNames.checkFailures, labels).increment(by: Int64(counts.failures - before.failures))
            if key.check == .checksum {
                counter(MetricNames.checksumFailures, ["asset": key.asset]).increment(by: Int64(counts.failures - before.failures))
            }
        }
        counter(MetricNames.checksumBytes, [:]).increment(by: new.checksumBytes - old.checksumBytes)
        for (key, count) in new.backupFailures {
            counter(MetricNames.backupFailures, ["asset": key.asset, "cause": key.cause])
                .increment(by: Int64(count - (old.backupFailures[key] ?? 0)))
        }
        for (asset, counts) in new.restoreTests {
            let before = old.restoreTests[asset] ?? .init()
            counter(MetricNames.restoreTests, ["asset": asset]).increment(by: Int64(counts.total - before.total))
            counter(MetricNames.restoreTestFailures, ["asset": asset]).increment(by: Int64(counts.failures - before.failures))
        }
        let histogram = histogram()
        for duration in new.restoreDurations.dropFirst(old.restoreDurations.count) { histogram.record(duration) }
        for (asset, latest) in new.assets where configuredAssets.contains(asset) {
            gauge(MetricNames.backupUp, ["asset": asset, "schedule": latest.schedule]).set(latest.up ? 1.0 : 0.0)
            if let previous = old.assets[asset], previous.schedule != latest.schedule {
                registry.unregisterGauge(gauge(MetricNames.backupUp, ["asset": asset, "schedule": previous.schedule]))
            }
            gauge(MetricNames.lastVerification, ["asset": asset]).set(latest.lastVerification.timeIntervalSince1970)
            if let success = latest.lastSuccess {
                gauge(MetricNames.lastSuccess, ["asset": asset]).set(success.timeIntervalSince1970)
            }
            if let size = latest.sizeBytes { gauge(MetricNames.sizeBytes, ["asset": asset]).set(Double(size)) }
            if let duration = latest.lastRestoreDuration {
                gauge(MetricNames.restoreLastDuration, ["asset": asset]).set(duration)
            }
        }
        for (key, count) in new.windowRuns {
            counter(MetricNames.windowRuns, ["schedule": key.schedule, "result": key.result])
                .increment(by: Int64(count - (old.windowRuns[key] ?? 0)))
        }
        for (schedule, window) in new.windows {
            gauge(MetricNames.windowLastRun, ["schedule": schedule]).set(window.lastRun.timeIntervalSince1970)
            gauge(MetricNames.windowExpected, ["schedule": schedule]).set(Double(window.expected))
            gauge(MetricNames.windowMissing, ["schedule": schedule]).set(Double(window.missing))
        }
    }

    func counter(_ metric: (String, String), _ labels: [String: String]) -> Counter {
        registry.makeCounter(descriptor: Self.descriptor(metric), labels: labels.sorted { $0.key < $1.key })
    }

    func gauge(_ metric: (String, String), _ labels: [String: String]) -> Gauge {
        registry.makeGauge(descriptor: Self.descriptor(metric), labels: labels.sorted { $0.key < $1.key })
    }

    private func histogram() -> ValueHistogram {
        registry.makeValueHistogram(
            descriptor: Self.descriptor(MetricNames.restoreDuration), labels: [], buckets: MetricNames.restoreDurationBuckets)
    }

    static func descriptor(_ metric: (String, String)) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: metric.0, unitName: "", helpText: metric.1)
    }
}
