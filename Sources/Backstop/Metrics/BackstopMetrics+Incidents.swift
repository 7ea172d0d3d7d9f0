import BackstopCore
import Foundation
import Prometheus

/// Incident, recovery and outbox metrics: rebuilt from the store after every triage and
/// delivery, so they agree with the ledger and survive restarts. Sink call counters count this
/// process's calls (Prometheus' `rate()` handles their reset on restart).
extension BackstopMetrics {
    /// Reads the ledger's counts and the outbox's state from the store.
    package func loadIncidents(from store: SQLiteRunStore, now: Date) async {
        let after = state.withLock { $0.lastResolutionSeq }
        guard let next = try? await store.incidentMetrics(now: now, resolutionsAfter: after) else { return }
        state.withLock { state in
            let old = state.incidents
            for (cause, count) in next.opened {
                counter(MetricNames.incidentsOpened, ["cause": cause, "sink": incidentSink]).increment(
                    by: Int64(count - (old.opened[cause] ?? 0)))
            }
            for (key, count) in next.recoveryAttempts {
                counter(MetricNames.recoveryAttempts, ["cause": key.cause, "result": key.result])
                    .increment(by: Int64(count - (old.recoveryAttempts[key] ?? 0)))
            }
            let histogram = resolutionHistogram()
            for resolution in next.resolutions where resolution.seq > state.lastResolutionSeq {
                histogram.record(resolution.seconds)
                state.lastResolutionSeq = resolution.seq
            }
            gauge(MetricNames.incidentsOpen, [:]).set(Double(next.open))
            gauge(MetricNames.meanTimeToResolve, [:]).set(next.meanTimeToResolve ?? 0)
            gauge(MetricNames.outboxPending, [:]).set(Double(next.outbox.pending))
            gauge(MetricNames.outboxOldestAge, [:]).set(next.outbox.oldestPendingAge)
            gauge(MetricNames.outboxDead, [:]).set(Double(next.outbox.dead))
            var kept = next
            kept.resolutions = []
            state.incidents = kept
            state.exposition = render()
        }
    }

    /// Counts one call to a sink.
    package func recordDelivery(_ outcome: DeliveryOutcome) {
        state.withLock { state in
            if let failure = outcome.failure {
                counter(MetricNames.sinkFailures, ["sink": outcome.sink.rawValue, "reason": failure.rawValue]).increment()
            } else {
                counter(MetricNames.sinkDeliveries, ["sink": outcome.sink.rawValue]).increment()
            }
            state.exposition = render()
        }
    }

    func preCreateIncidentSeries() {
        for name in [
            MetricNames.incidentsOpen, MetricNames.meanTimeToResolve, MetricNames.outboxPending, MetricNames.outboxOldestAge,
            MetricNames.outboxDead,
        ] {
            gauge(name, [:]).set(0.0)
        }
        for status in ["firing", "resolved", "rejected"] {
            counter(MetricNames.alertmanagerNotifications, ["status": status]).increment(by: Int64(0))
        }
        _ = resolutionHistogram()
    }

    private func resolutionHistogram() -> ValueHistogram {
        registry.makeValueHistogram(
            descriptor: Self.descriptor(MetricNames.incidentResolution), labels: [], buckets: MetricNames.incidentResolutionBuckets)
    }
}

/// Alertmanager intake.
extension BackstopMetrics {
    /// Accepted notifications from the record (at start); rejected ones were never recorded and
    /// are counted by this process only.
    package func loadNotifications(_ counts: [String: Int]) {
        state.withLock { state in
            for status in ["firing", "resolved"] {
                let counter = counter(MetricNames.alertmanagerNotifications, ["status": status])
                counter.increment(by: Int64(counts[status] ?? 0))
            }
            state.exposition = render()
        }
    }

    package func recordNotification(status: String) {
        state.withLock { state in
            counter(MetricNames.alertmanagerNotifications, ["status": status]).increment()
            state.exposition = render()
        }
    }
}
