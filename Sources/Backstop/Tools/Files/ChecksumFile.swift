/// Parses `sha256sum` output ("HEX  NAME", "HEX *NAME", or a bare "HEX"): reading the file is
/// kept apart from parsing so the parser is tested on strings.
package enum ChecksumFile {
    /// The checksum listed for `fileName` (compared by last path component), or, for a file with a
    /// single bare checksum, that one.
    package static func checksum(for fileName: String, in text: String) -> String? {
        let wanted = lastComponent(fileName)
        var bare: [String] = []
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let hex = line.prefix { !$0.isWhitespace }
            guard hex.count == 64, hex.allSatisfy(\.isHexDigit) else { continue }
            var name = line.dropFirst(hex.count).drop(while: \.isWhitespace)
            if name.hasPrefix("*") { name = name.dropFirst() }
            if name.isEmpty {
                bare.append(hex.lowercased())
            } else if lastComponent(String(name)) == wanted {
                return hex.lowercased()
            }
        }
        return bare.count == 1 ? bare[0] : nil
    }

    private static func lastComponent(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
