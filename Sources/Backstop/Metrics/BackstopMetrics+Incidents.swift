import BackstopCore
import Foundation

/// Incident, recovery, outbox and intake values. Ledger counts are loaded from the store at start,
/// so they survive restarts, then advanced by each change the incident desk publishes
/// (``BackstopMetrics/consume(_:)``) and each delivery pass's outbox state. Sink call
/// counters and rejected notifications count this process's calls (Prometheus' `rate()`
/// handles their reset on restart).
struct IncidentCounts {
    var opened: [String: Int] = [:]
    var recoveryAttempts: [IncidentMetricsSnapshot.RecoveryKey: Int] = [:]
    var resolutions = HistogramCounts(bounds: MetricNames.incidentResolutionBuckets)
    var lastResolutionSeq: Int64 = 0
    /// When each open incident last opened or reopened (a resolution lasts from then).
    var openSince: [String: Date] = [:]
    /// Resolutions this process counted from the desk's changes and the record watcher has not
    /// read back yet (it then skips them, so none is counted twice).
    var observedResolutions: Set<String> = []
    /// Resolutions of the last 30 days, for the mean time to resolve.
    var recentResolutions: [(at: Date, seconds: Double)] = []
    var open = 0
    var meanTimeToResolve = 0.0
    var outbox = OutboxStatus()
    var notifications = ["firing": 0, "resolved": 0, "rejected": 0]
    var deliveries: [String: Int] = [:]
    /// By sink and reason.
    var deliveryFailures: [[String]: Int] = [:]
}

extension BackstopMetrics {
    /// Reads the ledger's counts and the outbox's state from the store: at start, and when the
    /// record watcher sees the ledger grow (another process's change, or this one's read back).
    package func loadIncidents(from store: any RecordStore, now: Date) async {
        let after = state.withLock { $0.incidents.lastResolutionSeq }
        guard let next = try? await store.incidentMetrics(now: now, resolutionsAfter: after) else { return }
        state.withLock { state in
            // Counts only grow; merging keeps a series that a racing older read lacks.
            state.incidents.opened.merge(next.opened) { $1 }
            state.incidents.recoveryAttempts.merge(next.recoveryAttempts) { $1 }
            for resolution in next.resolutions where resolution.seq > state.incidents.lastResolutionSeq {
                if state.incidents.observedResolutions.remove(resolution.key) == nil {
                    state.incidents.resolutions.record(resolution.seconds)
                }
                state.incidents.lastResolutionSeq = resolution.seq
            }
            state.incidents.open = next.open
            state.incidents.meanTimeToResolve = next.meanTimeToResolve ?? 0
            state.incidents.openSince = next.openSince
            state.incidents.recentResolutions = next.recentResolutions
            state.incidents.outbox = next.outbox
            rerenderIncidents(&state)
        }
    }

    /// Counts one call to a sink.
    package func recordDelivery(_ outcome: DeliveryOutcome) {
        state.withLock { state in
            if let failure = outcome.failure {
                state.incidents.deliveryFailures[[outcome.sink.rawValue, failure.rawValue], default: 0] += 1
            } else {
                state.incidents.deliveries[outcome.sink.rawValue, default: 0] += 1
            }
            rerenderIncidents(&state)
        }
    }

    /// Accepted notifications from the record (at start); rejected ones were never recorded and
    /// are counted by this process only.
    package func loadNotifications(_ counts: [String: Int]) {
        state.withLock { state in
            for status in ["firing", "resolved"] { state.incidents.notifications[status, default: 0] += counts[status] ?? 0 }
            rerenderNotifications(&state)
        }
    }

    /// Counts one notification; the next scrape renders the family. Notifications arrive
    /// thousands a second in a storm and scrapes every few seconds, so rendering the family
    /// for each one (about 1% of the intake's CPU, under the lock every request takes) made
    /// text no scrape would read.
    package func recordNotification(status: String) {
        state.withLock { state in
            state.incidents.notifications[status, default: 0] += 1
            state.notificationsChanged = true
        }
    }

    func rerenderIncidents(_ state: inout State) {
        let counts = state.incidents
        var writer = ExpositionWriter()
        writer.begin(MetricNames.incidentsOpened, .counter)
        writer.sortedSamples(counts.opened.map { ([("cause", $0.key), ("sink", incidentSink)], .int($0.value)) })
        writer.end()
        writer.begin(MetricNames.recoveryAttempts, .counter)
        writer.sortedSamples(counts.recoveryAttempts.map { ([("cause", $0.key.cause), ("result", $0.key.result)], .int($0.value)) })
        writer.end()
        writer.begin(MetricNames.incidentResolution, .histogram)
        writer.histogram(counts.resolutions)
        writer.end()
        for (metric, value) in [
            (MetricNames.incidentsOpen, Double(counts.open)), (MetricNames.meanTimeToResolve, counts.meanTimeToResolve),
            (MetricNames.outboxPending, Double(counts.outbox.pending)), (MetricNames.outboxOldestAge, counts.outbox.oldestPendingAge),
            (MetricNames.outboxDead, Double(counts.outbox.dead)),
        ] {
            writer.begin(metric, .gauge)
            writer.sample([], .double(value))
            writer.end()
        }
        writer.begin(MetricNames.sinkDeliveries, .counter)
        writer.sortedSamples(counts.deliveries.map { ([("sink", $0.key)], .int($0.value)) })
        writer.end()
        writer.begin(MetricNames.sinkFailures, .counter)
        writer.sortedSamples(counts.deliveryFailures.map { ([("reason", $0.key[1]), ("sink", $0.key[0])], .int($0.value)) })
        writer.end()
        state.cache.replace(writer.families)
    }

    /// Only the intake family: notifications arrive thousands a second in a storm.
    func rerenderNotifications(_ state: inout State) {
        var writer = ExpositionWriter()
        writer.begin(MetricNames.alertmanagerNotifications, .counter)
        writer.sortedSamples(state.incidents.notifications.map { ([("status", $0.key)], .int($0.value)) })
        writer.end()
        state.cache.replace(writer.families)
        state.notificationsChanged = false
    }
}
