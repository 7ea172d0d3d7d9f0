import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The exit of one spawned child, collected by a thread of its own, so that nothing waiting for
/// it holds one of the few threads of Swift's cooperative pool (two on CI): a test that awaits a
/// restic backup or a serve's graceful shutdown leaves the pool to every other test's tasks.
///
/// A dedicated thread rather than Backstop's `ProcessRunner` (swift-subprocess): Subprocess only
/// runs a child inside a closure's scope, and a `ChildProcess` outlives any one scope; and
/// `ProcessRunner` merges stderr into a capped output and takes no stdin, which `Shell.run`'s
/// callers rely on. One mechanism serves both.
package final class ChildExit: Sendable {
    package let pid: pid_t
    /// Left once the child is reaped and `state.status` set.
    private let reaped = DispatchGroup()
    private let state = Mutex(State())

    private struct State {
        /// The status as `waitpid` gives it; nil while the child runs (or is a zombie not yet reaped).
        var status: Int32?
        /// What must not go before the child does (the directory it writes to).
        var kept: [any Sendable] = []
    }

    /// Starts watching `pid`, a child of this process that nothing else waits for.
    package init(watching pid: pid_t) {
        self.pid = pid
        reaped.enter()
        Thread.detachNewThread { [self] in
            reap()
        }
    }

    private func reap() {
        // First wait without reaping: until `status` is set the pid stays a zombie and cannot be
        // given to another process, so `signal` never reaches a stranger.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
        var released = state.withLock { state in
            var raw: Int32 = 0
            var result = waitpid(pid, &raw, 0)
            while result == -1 && errno == EINTR { result = waitpid(pid, &raw, 0) }
            // Reaped by someone else (cannot happen unless SIGCHLD is ignored): exit 255, so
            // that no one takes it for a clean exit.
            state.status = result == pid ? raw : 255 << 8
            defer { state.kept = [] }
            return state.kept
        }
        // Let go of here, outside the lock (a directory's removal takes a while), before waiters resume.
        released.removeAll()
        reaped.leave()
    }

    /// Whether it has exited and been reaped.
    package var hasExited: Bool { state.withLock { $0.status != nil } }

    /// Sends `signal` unless the child is already gone.
    package func signal(_ number: Int32) {
        state.withLock { state in
            if state.status == nil { _ = Glibc.kill(pid, number) }
        }
    }

    /// Keeps `value` until the child has exited: a directory removed while the child still
    /// writes to it would be left half-removed.
    package func keepUntilExit(_ value: any Sendable) {
        state.withLock { state in
            if state.status == nil { state.kept.append(value) }
        }
    }

    /// Waits off the cooperative pool until the child has exited; its status as `waitpid` gives it.
    package func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            reaped.notify(queue: .global()) {
                continuation.resume(returning: self.exitStatus)
            }
        }
    }

    /// Blocks the calling thread until the child has exited. Only after SIGKILL (the exit comes
    /// within milliseconds) or where no `await` is possible (deinit, `defer`).
    @discardableResult
    package func waitBlocking() -> Int32 {
        reaped.wait()
        return exitStatus
    }

    /// Set before `reaped` is left; read only after.
    private var exitStatus: Int32 { state.withLock { $0.status } ?? 255 << 8 }
}
