import BackstopTesting
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension BackstopProcess {
    /// SIGTERM, then waits for the exit at most `limit`. Nil when it exited; otherwise what it
    /// was doing (its last log lines and, with gdb installed, every thread's stack), taken
    /// before a SIGKILL ends it so that the test still ends.
    func stop(within limit: Duration = .seconds(60)) async -> String? {
        requestTermination()
        return await withTaskGroup(of: Bool.self, returning: String?.self) { group in
            group.addTask {
                await self.waitForExit()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: limit)  // the bound on a shutdown, not a wait for it
                return false
            }
            defer { group.cancelAll() }
            if await group.next() ?? false { return nil }
            let stacks = await Self.stacks(of: pid)
            kill()
            return "did not exit within \(limit) of SIGTERM; last log lines:\n"
                + recentLines.suffix(15).joined(separator: "\n") + "\n" + stacks
        }
    }

    /// Every thread's stack, by gdb (when installed).
    private static func stacks(of pid: pid_t) async -> String {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/gdb") else { return "(no gdb for the threads' stacks)" }
        let output = (try? await Shell.run(["/usr/bin/gdb", "-p", "\(pid)", "-batch", "-ex", "thread apply all bt"])) ?? "gdb failed"
        return String(output.suffix(30_000))
    }
}
