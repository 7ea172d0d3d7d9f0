import NIOCore

/// Whole scrape bodies, plain and gzip, each one contiguous buffer: a scrape is one write of a
/// buffer that is already there. A body is assembled from the ``ExpositionCache`` (at one of
/// its generations) and the `process_*` lines (at one of their reads, at most once a second),
/// and kept until either moves on; a scrape in between copies no byte and allocates nothing
/// for the body. One write matters: the server writes each buffer of a body as its own
/// asynchronous write, and a 10,000-asset exposition was about forty of them.
struct ScrapeBodies {
    struct Assembled {
        var generation: Int
        var processRead: ContinuousClock.Instant
        var body: ByteBuffer

        func isCurrent(generation: Int, processRead: ContinuousClock.Instant) -> Bool {
            self.generation == generation && self.processRead == processRead
        }
    }

    var plain: Assembled?
    var gzip: Assembled?

    /// The families, then the `process_*` lines, in one buffer.
    static func plain(_ families: [ByteBuffer], process: String) -> ByteBuffer {
        var body = ByteBuffer()
        body.reserveCapacity(families.reduce(process.utf8.count) { $0 + $1.readableBytes })
        for var family in families { body.writeBuffer(&family) }
        body.writeString(process)
        return body
    }

    /// The gzip member (cached families' streams, the `process_*` lines compressed now, the
    /// trailer) in one buffer.
    static func gzip(_ exposition: GzipExposition, process: String) throws -> ByteBuffer {
        let parts = try exposition.body(appending: Array(process.utf8))
        var body = ByteBuffer()
        body.reserveCapacity(parts.reduce(0) { $0 + $1.readableBytes })
        for var part in parts { body.writeBuffer(&part) }
        return body
    }
}
