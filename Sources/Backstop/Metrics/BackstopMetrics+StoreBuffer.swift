import BackstopCore

/// The PostgreSQL buffer (`storage.postgres.buffer`), per process: each replica has its own
/// buffer file, so these families are shown by every replica and add up across them.
extension BackstopMetrics {
    package func setStoreBuffer(_ status: StoreBuffer.Status) {
        state.withLock { state in
            var writer = ExpositionWriter()
            writer.begin(MetricNames.storeBufferDepth, .gauge)
            writer.sample([], .int(status.depth))
            writer.end()
            writer.begin(MetricNames.storeBufferDrained, .counter)
            writer.sample([], .int(status.drained))
            writer.end()
            writer.begin(MetricNames.storeBufferRefused, .gauge)
            writer.sample([], .int(status.refused))
            writer.end()
            writer.begin(MetricNames.storeBufferWindowPartsDropped, .counter)
            writer.sample([], .int(status.windowPartsDropped))
            writer.end()
            state.cache.replace(writer.families)
        }
    }
}

extension MetricNames {
    static let storeBufferDepth = (
        "backstop_store_buffer_depth",
        "Writes (notifications, events, runs) waiting in this process's local buffer for PostgreSQL; only with storage.postgres.buffer."
    )
    static let storeBufferDrained = (
        "backstop_store_buffer_drained_total", "Buffered writes this process has moved into PostgreSQL since it started."
    )
    static let storeBufferWindowPartsDropped = (
        "backstop_store_buffer_window_parts_dropped_total",
        "Assets of windows verified while PostgreSQL was down that this process's drain left out, because a run in PostgreSQL had verified them already."
    )
    static let storeBufferRefused = (
        "backstop_store_buffer_refused", "Buffered writes PostgreSQL refused, kept in the buffer's refused table for an operator."
    )
}
