import NIOCore

/// The exposition as ready bytes: one buffer per family, in name order, and the gzip form.
///
/// A change re-renders only the families it touches (an alert storm changes the incident
/// families a thousand times a second; the per-asset families change once per verification),
/// and a re-rendered family whose bytes did not change is kept as it was. The gzip form is kept
/// per family too: the first compressed scrape after a change compresses only the families that
/// changed (never per change, so a storm costs no compression), and joins the rest as they were.
struct ExpositionCache {
    private struct Family {
        var plain: ByteBuffer
        var deflated: DeflatedFamily?
    }

    private var families: [String: Family] = [:]
    /// The families in name order, rebuilt when one is replaced.
    private var ordered: [ByteBuffer]?
    private var gzip: GzipExposition?
    /// The only families shown while set: a replica that does not hold the exporter lease shows
    /// its own process's families, not the record's (``BackstopMetrics/setExporterLeader(_:)``).
    private var onlyShown: Set<String>?
    /// Grows whenever what a scrape shows changes, so a body assembled from the cache knows
    /// whether it is still current (``ScrapeBodies``).
    private(set) var generation = 0

    private func isShown(_ name: String) -> Bool { onlyShown?.contains(name) ?? true }

    /// Shows only `names` (nil: every family).
    mutating func show(only names: Set<String>?) {
        guard names != onlyShown else { return }
        onlyShown = names
        ordered = nil
        gzip = nil
        generation += 1
    }

    /// Replaces the rendered families (an empty one is removed: a family without samples is
    /// not shown).
    mutating func replace(_ rendered: [String: [UInt8]]) {
        for (name, bytes) in rendered {
            if bytes.isEmpty {
                guard families.removeValue(forKey: name) != nil else { continue }
            } else {
                let fresh = ByteBuffer(bytes: bytes)
                // ByteBuffer's == compares the bytes at once (memcmp), not one element at a time.
                if let kept = families[name], kept.plain == fresh { continue }
                families[name] = Family(plain: fresh)
            }
            ordered = nil
            gzip = nil
            generation += 1
        }
    }

    /// The record's families in the order a scrape shows them (families by name).
    mutating func plain() -> [ByteBuffer] {
        if let ordered { return ordered }
        let next = families.keys.sorted().filter(isShown).compactMap { families[$0]?.plain }
        ordered = next
        return next
    }

    /// The compressed form: families that changed since the last compressed scrape are
    /// compressed now, the others are reused.
    mutating func compressed() throws -> GzipExposition {
        if let gzip { return gzip }
        var parts: [DeflatedFamily] = []
        for name in families.keys.sorted() where isShown(name) {
            guard var family = families[name] else { continue }
            if family.deflated == nil {
                family.deflated = try DeflatedFamily(family.plain)
                families[name] = family
            }
            if let deflated = family.deflated { parts.append(deflated) }
        }
        let next = GzipExposition(families: parts)
        gzip = next
        return next
    }
}
