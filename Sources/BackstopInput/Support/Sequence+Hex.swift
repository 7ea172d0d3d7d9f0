extension Sequence<UInt8> {
    /// Lowercase hex, two digits a byte: how digests are written in the record, sidecars and ids.
    /// Written into one byte array (every record row's hash goes through here; a string per
    /// byte, joined, cost more than hashing the row). Inlinable, so each caller gets a version for
    /// its own sequence (a digest): the generic one iterated through witness tables, which showed
    /// in the profile of a triage batch's commit.
    @inlinable package var hexString: String {
        var text: [UInt8] = []
        text.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            text.append(Self.hexDigit(byte >> 4))
            text.append(Self.hexDigit(byte & 0x0F))
        }
        return String(decoding: text, as: UTF8.self)
    }

    @usableFromInline static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
