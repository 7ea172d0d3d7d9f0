import BackstopCore

/// Renders the families that come from the record (per asset, per schedule) straight from a
/// ``MetricsSnapshot``, as node_exporter renders from state: one pass over the assets in sample
/// order, no registry and no sorting of rendered lines.
///
/// Which series exist is part of the contract with alerts and dashboards: configured assets
/// have their counters at 0 from the start (so `rate()` and `increase()` work from the first
/// failure); counters of assets no longer configured stay (counters never vanish while the
/// record has them); the per-asset gauges exist only for configured assets that were verified.
struct RecordFamilies {
    /// Configured assets and the checks that exist for their backup type.
    let configured: [String: Set<CheckKind>]
    let schedules: [String]
    /// How many configured assets each schedule has: a window with that many outcomes is complete.
    let assetsPerSchedule: [String: Int]

    init(assets: [Asset], schedules: [String]) {
        var configured: [String: Set<CheckKind>] = [:]
        var assetsPerSchedule: [String: Int] = [:]
        for asset in assets {
            assetsPerSchedule[asset.scheduleName, default: 0] += 1
            // A restore check exists only where a restore test is configured.
            configured[asset.name] = Set(
                CheckKind.allCases.filter { $0.applies(to: asset.backup.source) && ($0 != .restore || asset.restore != nil) })
        }
        self.configured = configured
        self.schedules = schedules
        self.assetsPerSchedule = assetsPerSchedule
    }

    func render(_ snapshot: MetricsSnapshot, restoreDurations: HistogramCounts, into writer: inout ExpositionWriter) {
        var checksOf: [String: [CheckKind: MetricsSnapshot.Counts]] = [:]
        for (key, counts) in snapshot.checks { checksOf[key.asset, default: [:]][key.check] = counts }
        var causesOf: [String: [String: Int]] = [:]
        for (key, count) in snapshot.backupFailures { causesOf[key.asset, default: [:]][key.cause] = count }
        var names = Set(configured.keys)
        names.formUnion(checksOf.keys)
        names.formUnion(causesOf.keys)
        names.formUnion(snapshot.restoreTests.keys)
        let assets = LabelOrder.sorted(names)
        // Gauges describe the current configuration: only configured assets that were verified.
        let verified = assets.compactMap { name in
            snapshot.assets[name].flatMap { configured[name] != nil ? (name, $0) : nil }
        }

        func gauge(
            _ metric: (String, String), _ rows: [(String, MetricsSnapshot.AssetLatest)], _ value: (MetricsSnapshot.AssetLatest) -> Double?
        ) {
            writer.begin(metric, .gauge)
            for (asset, latest) in rows {
                if let value = value(latest) { writer.sample([("asset", asset)], .double(value)) }
            }
            writer.end()
        }

        writer.begin(MetricNames.backupFailures, .counter)
        for asset in assets {
            guard let causes = causesOf[asset] else { continue }
            for cause in LabelOrder.sorted(causes.keys) {
                writer.sample([("asset", asset), ("cause", cause)], .int(causes[cause] ?? 0))
            }
        }
        writer.end()
        renderFailureTotals(snapshot, into: &writer)
        // Whole seconds: the alert's threshold is hours, and a fraction costs 7 bytes per asset.
        gauge(MetricNames.lastSuccess, verified) { $0.lastSuccess.map { $0.timeIntervalSince1970.rounded(.down) } }
        gauge(MetricNames.sizeBytes, verified) { $0.sizeBytes.map(Double.init) }
        writer.begin(MetricNames.backupUp, .gauge)
        for (asset, latest) in verified {
            writer.sample([("asset", asset), ("schedule", latest.schedule)], .int(latest.up ? 1 : 0))
        }
        writer.end()
        renderChecks(snapshot, checksOf: checksOf, assets: assets, into: &writer)

        writer.begin(MetricNames.restoreDuration, .histogram)
        writer.histogram(restoreDurations)
        writer.end()
        gauge(MetricNames.restoreLastDuration, verified) { $0.lastRestoreDuration }
        let restoreParts: [((String, String), KeyPath<MetricsSnapshot.Counts, Int>)] = [
            (MetricNames.restoreTestFailures, \.failures), (MetricNames.restoreTests, \.total),
        ]
        for (metric, value) in restoreParts {
            writer.begin(metric, .counter)
            for asset in assets where configured[asset]?.contains(.restore) == true || snapshot.restoreTests[asset] != nil {
                writer.sample([("asset", asset)], .int(snapshot.restoreTests[asset]?[keyPath: value] ?? 0))
            }
            writer.end()
        }
        renderWindows(snapshot, into: &writer)
    }

    /// Per window, not per run: with replicas a window is verified as several runs. A window is
    /// shown (gauges) and counted (`backstop_window_runs_total`) once it is complete, every
    /// configured asset of its schedule having an outcome, or once a later window has started;
    /// until then the gauges show the window before it. Counted once, the result never changes
    /// (a complete window takes no more parts), so the counter only goes up.
    private func renderWindows(_ snapshot: MetricsSnapshot, into writer: inout ExpositionWriter) {
        var runs = snapshot.windowRuns
        var shown: [(String, MetricsSnapshot.WindowLatest)] = []
        for name in LabelOrder.sorted(snapshot.windows.keys) {
            guard let latest = snapshot.windows[name] else { continue }
            if latest.expected >= assetsPerSchedule[name, default: 0] {
                runs[MetricsSnapshot.ScheduleResult(name, latest.result), default: 0] += 1
                shown.append((name, latest))
            } else {
                shown.append((name, snapshot.previousWindows[name] ?? latest))
            }
        }
        let parts: [((String, String), (MetricsSnapshot.WindowLatest) -> Double)] = [
            (MetricNames.windowExpected, { Double($0.expected) }),
            (MetricNames.windowLastRun, { $0.lastRun.timeIntervalSince1970 }),
            (MetricNames.windowMissing, { Double($0.missing) }),
        ]
        for (metric, value) in parts {
            writer.begin(metric, .gauge)
            for (schedule, window) in shown { writer.sample([("schedule", schedule)], .double(value(window))) }
            writer.end()
        }
        for schedule in schedules {
            for result in ["healthy", "failed"] { runs[MetricsSnapshot.ScheduleResult(schedule, result), default: 0] += 0 }
        }
        writer.begin(MetricNames.windowRuns, .counter)
        writer.sortedSamples(runs.map { ([("result", $0.key.result), ("schedule", $0.key.schedule)], .int($0.value)) })
        writer.end()
    }
}
