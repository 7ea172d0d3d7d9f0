import BackstopCore
import Foundation
import NIOCore
import Synchronization

/// Backstop's metrics: state kept from the record, rendered to the text format when it
/// changes, so a scrape only hands out ready bytes (plus the cheap `process_*`).
///
/// Values come from a ``MetricsSnapshot``: loaded from the store at start, then advanced by
/// each recorded run, so counters never reset and series never vanish across restarts. No
/// client-library registry sits in between: creating one series per asset and label set there
/// cost time quadratic in the number of assets.
package final class BackstopMetrics: Sendable {
    struct State {
        var snapshot = MetricsSnapshot()
        var restoreDurations = HistogramCounts(bounds: MetricNames.restoreDurationBuckets)
        var incidents = IncidentCounts()
        /// Approval requests and decisions, by `decision` (each pre-created at 0).
        var approvals = Dictionary(uniqueKeysWithValues: BackstopMetrics.approvalDecisions.map { ($0, 0) })
        var cache = ExpositionCache()
    }

    let state = Mutex(State())
    /// The `sink` label of incidents opened: where incidents go (`none` when only logged).
    let incidentSink: String
    let record: RecordFamilies
    private let buildInfo: [String: [UInt8]]

    package init(version: String, revision: String, assets: [Asset], schedules: [String], incidentSink: SinkKind? = nil) {
        self.incidentSink = incidentSink?.rawValue ?? "none"
        record = RecordFamilies(assets: assets, schedules: schedules)
        var writer = ExpositionWriter()
        writer.begin(MetricNames.buildInfo, .gauge)
        writer.sample([("revision", revision), ("version", version)], .double(1))
        writer.end()
        buildInfo = writer.families
        state.withLock { state in
            state.cache.replace(buildInfo)
            rerenderRecord(&state)
            rerenderIncidents(&state)
            rerenderNotifications(&state)
            rerenderApprovals(&state)
        }
    }

    // MARK: - Updating

    /// Replaces the current state with one rebuilt from the store (at start).
    package func load(_ snapshot: MetricsSnapshot) {
        state.withLock { state in
            state.snapshot = snapshot
            state.restoreDurations = HistogramCounts(bounds: MetricNames.restoreDurationBuckets)
            for duration in snapshot.restoreDurations { state.restoreDurations.record(duration) }
            rerenderRecord(&state)
        }
    }

    /// Advances the metrics by one appended run.
    package func record(_ run: VerificationRun) {
        state.withLock { state in
            let observed = state.snapshot.restoreDurations.count
            state.snapshot.apply(run)
            for duration in state.snapshot.restoreDurations.dropFirst(observed) { state.restoreDurations.record(duration) }
            rerenderRecord(&state)
        }
    }

    /// The current snapshot (for the status board).
    package var snapshot: MetricsSnapshot { state.withLock { $0.snapshot } }

    // MARK: - Emitting

    /// The full exposition, in the Prometheus text format 0.0.4.
    package func exposition() -> [UInt8] {
        var bytes: [UInt8] = []
        for buffer in expositionBuffers() { bytes.append(contentsOf: buffer.readableBytesView) }
        return bytes
    }

    /// The exposition as buffers to send one after the other (no copy of the cached part).
    package func expositionBuffers() -> [ByteBuffer] {
        state.withLock { $0.cache.plain() } + [ByteBuffer(string: ProcessCollector.recentExposition())]
    }

    /// The exposition as one gzip member; nil if compression failed (the caller sends it plain).
    package func gzippedExposition() -> [ByteBuffer]? {
        let process = Array(ProcessCollector.recentExposition().utf8)
        guard let cached = state.withLock({ try? $0.cache.compressed() }) else { return nil }
        return try? cached.body(appending: process)
    }

    // MARK: - Private implementation

    private func rerenderRecord(_ state: inout State) {
        var writer = ExpositionWriter()
        record.render(state.snapshot, restoreDurations: state.restoreDurations, into: &writer)
        state.cache.replace(writer.families)
    }
}
