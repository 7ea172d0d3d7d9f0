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
        /// Record renders handed out and kept: a render finished late never replaces a newer one.
        var recordVersion = 0
        var renderedRecordVersion = 0
        /// Notifications counted since the intake family was last rendered: it is rendered by
        /// the next scrape, not by each notification (``recordNotification(status:)``).
        var notificationsChanged = false

        /// What a render of the record's families needs, taken under the lock.
        struct RecordRender {
            var version: Int
            var snapshot: MetricsSnapshot
            var restoreDurations: HistogramCounts
        }

        mutating func nextRecordRender() -> RecordRender {
            recordVersion += 1
            return RecordRender(version: recordVersion, snapshot: snapshot, restoreDurations: restoreDurations)
        }
    }

    let state = Mutex(State())
    /// Whole scrape bodies, apart from `state` so handing one out never waits for a render.
    let scrapes = Mutex(ScrapeBodies())
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
        let next = state.withLock { state in
            state.snapshot = snapshot
            state.restoreDurations = HistogramCounts(bounds: MetricNames.restoreDurationBuckets)
            for duration in snapshot.restoreDurations { state.restoreDurations.record(duration) }
            return state.nextRecordRender()
        }
        renderRecord(next)
    }

    /// Advances the metrics by one appended run.
    package func record(_ run: VerificationRun) {
        let next = state.withLock { state in
            let observed = state.snapshot.restoreDurations.count
            state.snapshot.apply(run)
            for duration in state.snapshot.restoreDurations.dropFirst(observed) { state.restoreDurations.record(duration) }
            return state.nextRecordRender()
        }
        renderRecord(next)
    }

    /// The current snapshot (for the status board).
    package var snapshot: MetricsSnapshot { state.withLock { $0.snapshot } }

    // MARK: - Emitting

    /// The full exposition, in the Prometheus text format 0.0.4.
    package func exposition() -> [UInt8] { Array(plainScrape().readableBytesView) }

    /// The exposition as buffers to send one after the other.
    package func expositionBuffers() -> [ByteBuffer] { [plainScrape()] }

    /// The exposition as one gzip member; nil if compression failed (the caller sends it plain).
    package func gzippedExposition() -> [ByteBuffer]? { gzippedScrape().map { [$0] } }

    /// A scrape's whole plain body, one buffer, assembled only when the exposition or the
    /// `process_*` lines changed since the last (``ScrapeBodies``).
    package func plainScrape() -> ByteBuffer {
        let process = ProcessCollector.recentRead()
        let generation = currentGeneration()
        if let kept = scrapes.withLock({ $0.plain }), kept.isCurrent(generation: generation, processRead: process.at) {
            return kept.body
        }
        let (current, families) = state.withLock { ($0.cache.generation, $0.cache.plain()) }
        // Assembled outside the state's lock: a change being recorded does not wait for it.
        let body = ScrapeBodies.plain(families, process: process.text)
        scrapes.withLock { $0.plain = .init(generation: current, processRead: process.at, body: body) }
        return body
    }

    /// A scrape's whole gzip body, one buffer, assembled as ``plainScrape()`` is; nil if
    /// compression failed (the caller sends it plain).
    package func gzippedScrape() -> ByteBuffer? {
        let process = ProcessCollector.recentRead()
        let generation = currentGeneration()
        if let kept = scrapes.withLock({ $0.gzip }), kept.isCurrent(generation: generation, processRead: process.at) {
            return kept.body
        }
        // Compresses the families that changed since the last compressed scrape (not per change).
        let prepared = state.withLock { state in (state.cache.generation, try? state.cache.compressed()) }
        guard let exposition = prepared.1, let body = try? ScrapeBodies.gzip(exposition, process: process.text) else { return nil }
        scrapes.withLock { $0.gzip = .init(generation: prepared.0, processRead: process.at, body: body) }
        return body
    }

    // MARK: - Private implementation

    /// The exposition's generation once everything counted is rendered.
    private func currentGeneration() -> Int {
        state.withLock { state in
            if state.notificationsChanged { rerenderNotifications(&state) }
            return state.cache.generation
        }
    }

    private func rerenderRecord(_ state: inout State) {
        var writer = ExpositionWriter()
        record.render(state.snapshot, restoreDurations: state.restoreDurations, into: &writer)
        state.cache.replace(writer.families)
    }

    /// Renders the record's families outside the lock (at 10,000 assets a render takes long
    /// enough that a scrape waiting for the lock would show it), then keeps them unless a
    /// newer render got there first.
    private func renderRecord(_ next: State.RecordRender) {
        var writer = ExpositionWriter()
        record.render(next.snapshot, restoreDurations: next.restoreDurations, into: &writer)
        state.withLock { state in
            guard next.version > state.renderedRecordVersion else { return }
            state.renderedRecordVersion = next.version
            state.cache.replace(writer.families)
        }
    }
}
