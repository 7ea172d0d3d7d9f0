import CompressNIO
import NIOCore

/// One family compressed on its own: a raw deflate stream ended with a sync flush (byte-aligned,
/// not final), so streams of several families can follow one another, with the CRC-32 and
/// length of its text for the gzip trailer.
struct DeflatedFamily {
    let deflated: ByteBuffer
    let crc: UInt32
    let length: Int

    /// Level 1: compressed on the scrape path after a change, where speed matters more than the
    /// last tenth of the size (the text compresses about tenfold even so).
    static let configuration = ZlibConfiguration(compressionLevel: .fastestCompression)

    init(_ plain: ByteBuffer) throws {
        var crc = CRC32()
        plain.withUnsafeReadableBytes { crc.update($0) }
        var input = plain
        var output = ByteBuffer()
        let compressor = try ZlibCompressor(algorithm: .deflate, configuration: Self.configuration)
        output.reserveCapacity(compressor.maxSize(from: input))
        try compressor.deflate(from: &input, to: &output, flush: .sync)
        deflated = output
        self.crc = crc.value
        length = plain.readableBytes
    }
}

/// The gzip form of the exposition: the families' deflate streams one after the other, then the
/// `process_*` lines (new at every scrape) compressed at the scrape as the final stream. The
/// trailer's CRC-32 is combined from the families'. The result is one gzip member that every
/// client reads (curl stops after the first member of a multi-member file).
struct GzipExposition {
    /// The gzip header (no name, no time) and the families' deflate streams.
    let prefix: [ByteBuffer]
    let crc: UInt32
    let length: Int

    init(families: [DeflatedFamily]) {
        var crc: UInt32 = 0
        var length = 0
        for family in families {
            crc = CRC32.combine(crc, family.crc, secondLength: family.length)
            length += family.length
        }
        prefix = [ByteBuffer(bytes: [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff])] + families.map(\.deflated)
        self.crc = crc
        self.length = length
    }

    /// The body for one scrape: the cached prefix, then `tail` compressed, then the trailer.
    func body(appending tail: [UInt8]) throws -> [ByteBuffer] {
        var crc = CRC32(continuing: crc)
        tail.withUnsafeBytes { crc.update($0) }
        var end = ByteBuffer()
        if tail.isEmpty {
            // An empty final block (fixed Huffman, end of block only).
            end.writeBytes([0x03, 0x00])
        } else {
            var input = ByteBuffer(bytes: tail)
            let compressor = try ZlibCompressor(algorithm: .deflate, configuration: DeflatedFamily.configuration)
            end.reserveCapacity(compressor.maxSize(from: input))
            try compressor.deflate(from: &input, to: &end, flush: .finish)
        }
        end.writeInteger(crc.value, endianness: .little)
        end.writeInteger(UInt32(truncatingIfNeeded: length + tail.count), endianness: .little)
        return prefix + [end]
    }
}
