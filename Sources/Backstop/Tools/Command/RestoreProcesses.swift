import Foundation

/// Every process a restore test started, found by a marker in its environment rather than by
/// process group or session: a child that calls `setsid` or daemonizes leaves the group but
/// keeps the environment it inherited. The marker's value is the test's scratch directory.
enum RestoreProcesses {
    /// Set on every restore and validation command (and so inherited by their descendants).
    static let variable = "BACKSTOP_RESTORE_SCRATCH"

    /// Live processes whose marker satisfies `matches`, with the marker's value.
    static func find(_ matches: (String) -> Bool) -> [(pid: Int32, scratch: String)] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        let prefix = Array("\(variable)=".utf8)
        var found: [(pid: Int32, scratch: String)] = []
        for entry in entries {
            guard let pid = Int32(entry), pid != getpid(),
                let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ")
            else { continue }
            for item in environment.split(separator: 0) where item.starts(with: prefix) {
                let value = String(decoding: item.dropFirst(prefix.count), as: UTF8.self)
                if matches(value), ProcStat.read(pid)?.state != "Z" { found.append((pid, value)) }
            }
        }
        return found
    }

    /// Kills (SIGKILL) every process carrying a marker that satisfies `matches`, again and again
    /// until none is left (one may fork while being looked for) or `deadline` passes. Returns
    /// how many were killed.
    @discardableResult
    static func kill(
        where matches: @escaping @Sendable (String) -> Bool, deadline: Duration = .seconds(5)
    ) async -> Int {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: deadline)
        var killed = Set<Int32>()
        while true {
            let alive = find(matches)
            if alive.isEmpty || clock.now >= end { return killed.count }
            for process in alive {
                _ = Foundation.kill(process.pid, SIGKILL)
                killed.insert(process.pid)
            }
            // The kernel delivers SIGKILL asynchronously: look again shortly.
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Kills what the restore test in `scratch` started and left running.
    static func killAll(startedIn scratch: String) async -> Int {
        await kill(where: { $0 == scratch })
    }
}
