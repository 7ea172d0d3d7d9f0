import CZlib

/// CRC-32 as gzip uses it, continued across buffers and combined from the CRCs of parts: zlib's
/// `crc32_z` and `crc32_combine`, which the gzip trailer of a scrape built from separately
/// compressed families needs.
package struct CRC32 {
    package private(set) var value: UInt32 = 0

    package init() {}

    /// Continues the CRC of data whose CRC is `value`.
    package init(continuing value: UInt32) {
        self.value = value
    }

    package mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        value = UInt32(crc32_z(UInt(value), base.assumingMemoryBound(to: UInt8.self), bytes.count))
    }

    /// The CRC of A followed by B from the CRC of A, the CRC of B and B's length, without
    /// reading either.
    package static func combine(_ first: UInt32, _ second: UInt32, secondLength: Int) -> UInt32 {
        UInt32(crc32_combine(UInt(first), UInt(second), secondLength))
    }
}
