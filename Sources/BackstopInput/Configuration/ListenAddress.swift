/// `HOST:PORT` as written in `listen` and `serve --listen`; IPv6 hosts in brackets (`[::1]:10027`).
package enum ListenAddress {
    /// The host (brackets removed; empty means every interface) and port, or nil when malformed.
    package static func parse(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port)
        else { return nil }
        let host = text[..<colon]
        if host.hasPrefix("[") || host.hasSuffix("]") {
            guard host.hasPrefix("["), host.hasSuffix("]"), host.count > 2 else { return nil }
            let inner = host.dropFirst().dropLast()
            guard !inner.contains("["), !inner.contains("]") else { return nil }
            return (String(inner), port)
        }
        // An IPv6 address without brackets cannot be told from its port.
        guard !host.contains(":"), !host.contains("["), !host.contains("]") else { return nil }
        return (host.isEmpty ? "0.0.0.0" : String(host), port)
    }

    /// Whether `host` only accepts connections from this machine.
    package static func isLoopback(_ host: String) -> Bool {
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered == "::1" || lowered == "0:0:0:0:0:0:0:1" { return true }
        let octets = lowered.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
