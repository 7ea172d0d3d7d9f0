import NIOCore

/// The exposition as ready bytes: one buffer per family, in name order, and the gzip form.
///
/// A change re-renders only the families it touches (an alert storm changes the incident
/// families a thousand times a second; the per-asset families change once per verification).
/// The gzip form is rebuilt by the first compressed scrape after a change, never per change,
/// so a storm costs no compression and scrapes between changes cost none either.
struct ExpositionCache {
    private var families: [String: ByteBuffer] = [:]
    /// The families in name order, rebuilt when one is replaced.
    private var ordered: [ByteBuffer]?
    private var gzip: GzipExposition?
    /// The only families shown while set: a replica that does not hold the exporter lease shows
    /// its own process's families, not the record's (``BackstopMetrics/setExporterLeader(_:)``).
    private var onlyShown: Set<String>?

    /// Shows only `names` (nil: every family).
    mutating func show(only names: Set<String>?) {
        guard names != onlyShown else { return }
        onlyShown = names
        ordered = nil
        gzip = nil
    }

    /// Replaces the rendered families (an empty one is removed: a family without samples is
    /// not shown).
    mutating func replace(_ rendered: [String: [UInt8]]) {
        for (name, bytes) in rendered {
            families[name] = bytes.isEmpty ? nil : ByteBuffer(bytes: bytes)
        }
        ordered = nil
        gzip = nil
    }

    /// The record's families in the order a scrape shows them (families by name).
    mutating func plain() -> [ByteBuffer] {
        if let ordered { return ordered }
        let next = families.filter { onlyShown?.contains($0.key) ?? true }.sorted { $0.key < $1.key }.map(\.value)
        ordered = next
        return next
    }

    /// The compressed form, built on first use after a change.
    mutating func compressed() throws -> GzipExposition {
        if let gzip { return gzip }
        let next = try GzipExposition(families: plain())
        gzip = next
        return next
    }
}
