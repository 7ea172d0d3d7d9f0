import Foundation

/// A process as `/proc` names it: its pid and its start time (clock ticks after boot), which
/// together tell a live process from a later one that reused the pid.
package struct ProcessIdentity: Equatable, Sendable {
    package var pid: Int32
    package var startTime: UInt64

    package init(pid: Int32, startTime: UInt64) {
        self.pid = pid
        self.startTime = startTime
    }

    /// This Backstop.
    package static var current: ProcessIdentity {
        let pid = getpid()
        return ProcessIdentity(pid: pid, startTime: ProcStat.read(pid)?.startTime ?? 0)
    }

    /// Whether this very process is still running (a zombie has exited).
    package var isAlive: Bool {
        guard let stat = ProcStat.read(pid) else { return false }
        return stat.state != "Z" && stat.startTime == startTime
    }
}

/// The fields of `/proc/<pid>/stat` Backstop uses.
struct ProcStat: Sendable {
    /// R, S, D, Z, T…
    var state: Character
    var startTime: UInt64

    static func read(_ pid: Int32) -> ProcStat? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // After "pid (comm) " come the fields from the third (state) on; start time is the 22nd.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let state = fields[0].first, let start = UInt64(fields[19]) else { return nil }
        return ProcStat(state: state, startTime: start)
    }
}
