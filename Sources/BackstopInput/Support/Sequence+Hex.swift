extension Sequence<UInt8> {
    /// Lowercase hex, two digits a byte: how digests are written in the record, sidecars and ids.
    /// Written into one byte array (every record row's hash goes through here; a string per
    /// byte, joined, cost more than hashing the row).
    package var hexString: String {
        var text: [UInt8] = []
        text.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
