extension Sequence<UInt8> {
    /// Lowercase hex, two digits a byte: how digests are written in the record, sidecars and ids.
    package var hexString: String {
        map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined()
    }
}
