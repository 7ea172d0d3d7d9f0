import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A free TCP port on 127.0.0.1 for a test's server, released for the caller to bind.
///
/// Chosen below Linux's ephemeral range (32768–60999 by default): a port the kernel picked from
/// that range can be taken by any outgoing connection in the meantime, and a test that stops a
/// server and starts it again on the same port (a PostgreSQL outage) then found it in use. Ports
/// already handed out in this process are not handed out again.
package enum FreePort {
    private static let range: ClosedRange<Int> = 20_000...32_000
    private static let handedOut = Mutex<Set<Int>>([])

    package static func find() throws -> Int {
        for _ in 0..<200 {
            let port = Int.random(in: range)
            let fresh = handedOut.withLock { $0.insert(port).inserted }
            if fresh, bindable(port) { return port }
        }
        throw Shell.Failure(description: "no free port on 127.0.0.1 in \(range) after 200 tries")
    }

    /// Whether 127.0.0.1:`port` can be bound now.
    private static func bindable(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
