import CompressNIO
import NIOCore

/// The gzip form of the exposition: the record's families compressed once per change, the
/// `process_*` lines (new at every scrape) compressed on their own and joined to them.
///
/// The cached part is a raw deflate stream ended with a sync flush (byte-aligned, not final),
/// so the per-scrape part, a separate deflate stream that ends with the final block, can follow
/// it; the gzip trailer's CRC-32 continues from the cached part's. The result is one gzip member
/// that every client reads (curl stops after the first member of a multi-member file).
struct GzipExposition {
    /// The gzip header (no name, no time) and the record's deflated families.
    let prefix: ByteBuffer
    let crc: CRC32
    let length: Int

    /// Level 1: rebuilt after changes on the scrape path, where speed matters more than the
    /// last tenth of the size (the text compresses about tenfold even so).
    private static let configuration = ZlibConfiguration(compressionLevel: .fastestCompression)

    init(families: [ByteBuffer]) throws {
        var prefix = ByteBuffer(bytes: [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff])
        var crc = CRC32()
        var length = 0
        let compressor = try ZlibCompressor(algorithm: .deflate, configuration: Self.configuration)
        var input = ByteBuffer()
        input.reserveCapacity(families.reduce(0) { $0 + $1.readableBytes })
        for family in families {
            family.withUnsafeReadableBytes { crc.update($0) }
            length += family.readableBytes
            input.writeImmutableBuffer(family)
        }
        if input.readableBytes > 0 {
            prefix.reserveCapacity(prefix.readableBytes + compressor.maxSize(from: input))
            try compressor.deflate(from: &input, to: &prefix, flush: .sync)
        }
        self.prefix = prefix
        self.crc = crc
        self.length = length
    }

    /// The body for one scrape: the cached prefix, then `tail` compressed, then the trailer.
    func body(appending tail: [UInt8]) throws -> [ByteBuffer] {
        var crc = crc
        tail.withUnsafeBytes { crc.update($0) }
        var end = ByteBuffer()
        if tail.isEmpty {
            // An empty final block (fixed Huffman, end of block only).
            end.writeBytes([0x03, 0x00])
        } else {
            var input = ByteBuffer(bytes: tail)
            let compressor = try ZlibCompressor(algorithm: .deflate, configuration: Self.configuration)
            end.reserveCapacity(compressor.maxSize(from: input))
            try compressor.deflate(from: &input, to: &end, flush: .finish)
        }
        end.writeInteger(crc.value, endianness: .little)
        end.writeInteger(UInt32(truncatingIfNeeded: length + tail.count), endianness: .little)
        return [prefix, end]
    }
}

/// CRC-32 as gzip uses it (IEEE 802.3, reflected), continued across buffers.
struct CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        return crc
    }

    private var state: UInt32 = 0xFFFF_FFFF

    var value: UInt32 { state ^ 0xFFFF_FFFF }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var crc = state
        Self.table.withUnsafeBufferPointer { table in
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        state = crc
    }
}
