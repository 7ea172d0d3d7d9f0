/// CRC-32 as gzip uses it (IEEE 802.3, reflected), continued across buffers and combined from
/// the CRCs of parts.
///
/// Hand-written: zlib has both (`crc32`, `crc32_combine`), but CompressNIO does not export them
/// and its zlib module is not a product another package can depend on.
package struct CRC32 {
    private static let polynomial: UInt32 = 0xEDB8_8320

    private static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
        return crc
    }

    private var state: UInt32 = 0xFFFF_FFFF

    package init() {}

    /// Continues the CRC of data whose CRC is `value`.
    package init(continuing value: UInt32) {
        state = value ^ 0xFFFF_FFFF
    }

    package var value: UInt32 { state ^ 0xFFFF_FFFF }

    package mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var crc = state
        Self.table.withUnsafeBufferPointer { table in
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        state = crc
    }

    /// The CRC of A followed by B from the CRC of A, the CRC of B and B's length, without
    /// reading either (zlib's `crc32_combine`: multiply A's CRC by x^(8·length) modulo the
    /// polynomial, then add B's).
    package static func combine(_ first: UInt32, _ second: UInt32, secondLength: Int) -> UInt32 {
        multiplyModP(xPower8N(secondLength), first) ^ second
    }

    /// a·b modulo the polynomial, in the reflected bit order.
    private static func multiplyModP(_ a: UInt32, _ b: UInt32) -> UInt32 {
        var product: UInt32 = 0
        var multiplier = b
        var bit: UInt32 = 1 << 31
        while bit != 0 {
            if a & bit != 0 { product ^= multiplier }
            bit >>= 1
            multiplier = multiplier & 1 != 0 ? (multiplier >> 1) ^ polynomial : multiplier >> 1
        }
        return product
    }

    /// x^(2^k) modulo the polynomial, for k in 0..<32 (x^1 is bit 30 in the reflected order).
    private static let powersOfTwo: [UInt32] = {
        var powers: [UInt32] = [1 << 30]
        for _ in 1..<32 { powers.append(multiplyModP(powers[powers.count - 1], powers[powers.count - 1])) }
        return powers
    }()

    /// x^(8·n) modulo the polynomial.
    private static func xPower8N(_ n: Int) -> UInt32 {
        var power: UInt32 = 1 << 31  // x^0
        var remaining = UInt(n)
        var k = 3  // 8·n = n·2^3
        while remaining != 0 {
            if remaining & 1 != 0 { power = multiplyModP(powersOfTwo[k & 31], power) }
            remaining >>= 1
            k += 1
        }
        return power
    }
}
