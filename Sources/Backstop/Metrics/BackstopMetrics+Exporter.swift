import BackstopCore

/// Metrics that add up with several replicas. Every replica holds the record's metrics (its
/// record watcher applies every run, whoever recorded it), so all would show the same values and
/// any sum over instances would count each verification once per replica. Instead the record's
/// families are shown only by the replica holding the exporter lease (`backstop_exporter_leader`
/// 1); the others show 0 there and only what counts their own process's work: calls to sinks and
/// notifications they accepted or rejected, which do add up across instances.
extension BackstopMetrics {
    /// The families every replica shows.
    static let perProcessFamilies: Set<String> = [
        MetricNames.buildInfo.0, MetricNames.exporterLeader.0, MetricNames.sinkDeliveries.0, MetricNames.sinkFailures.0,
        MetricNames.alertmanagerNotifications.0, MetricNames.storeBufferDepth.0, MetricNames.storeBufferDrained.0,
        MetricNames.storeBufferRefused.0, MetricNames.storeBufferWindowPartsDropped.0,
    ]

    /// Whether this replica exports the record's families (the leader) or only its own.
    package func setExporterLeader(_ leader: Bool) {
        state.withLock { state in
            var writer = ExpositionWriter()
            writer.begin(MetricNames.exporterLeader, .gauge)
            writer.sample([], .int(leader ? 1 : 0))
            writer.end()
            state.cache.replace(writer.families)
            state.cache.show(only: leader ? nil : Self.perProcessFamilies)
        }
    }
}
