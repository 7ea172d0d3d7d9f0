import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The real `backstop` executable (or a server such as Prometheus) as a child process.
package typealias BackstopProcess = ChildProcess

/// A program running as a child process, for tests that kill it or read its log.
///
/// Spawned with `posix_spawn` rather than Foundation's `Process`, which on Linux reaps children
/// on its own thread and can miss a child that dies from SIGKILL. Its stderr (the log, one line
/// per entry) is read on a thread and handed to the test line by line; its exit is collected on
/// another (`ChildExit`), so waiting for it never holds a thread of Swift's cooperative pool.
package final class ChildProcess: Sendable {
    package var pid: pid_t { childExit.pid }
    private let childExit: ChildExit
    /// Every log line, in order.
    package let lines = EventRecorder<String>()
    private let tail = LogTail()

    /// The last lines of its log, for failure messages.
    package var recentLines: [String] { tail.lines }

    /// The `backstop` built next to the test bundle (`swift build --build-tests` builds both).
    package static var executable: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return bundle.appendingPathComponent("backstop").path
    }

    /// Starts `backstop` with `arguments`.
    package convenience init(arguments: [String]) throws {
        try self.init(executable: Self.executable, arguments: arguments)
    }

    /// Starts `executable`. With `keepingStandardInputOpen`, its stdin is a pipe that stays open
    /// until it exits (a `restic backup --stdin` that never finishes); otherwise /dev/null.
    package init(executable: String, arguments: [String], keepingStandardInputOpen: Bool = false) throws {
        let input = keepingStandardInputOpen ? try Self.closeOnExecPipe() : nil
        let fds: [Int32]
        do {
            fds = try Self.closeOnExecPipe()
        } catch {
            for fd in input ?? [] { close(fd) }
            throw error
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let input {
            posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        let argv = [executable] + arguments
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for argument in cArguments { free(argument) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &actions, nil, &cArguments, environ)
        close(fds[1])
        if let input { close(input[0]) }
        guard status == 0 else {
            close(fds[0])
            if let input { close(input[1]) }
            throw Shell.Failure(description: "could not start \(executable): \(String(cString: strerror(status)))")
        }
        childExit = ChildExit(watching: child)
        if let input { childExit.keepUntilExit(FileHandle(fileDescriptor: input[1], closeOnDealloc: true)) }
        let reader = fds[0]
        let lines = lines
        let tail = tail
        Thread.detachNewThread {
            let handle = FileHandle(fileDescriptor: reader, closeOnDealloc: true)
            var buffer = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty {
                    lines.finish()
                    break
                }
                buffer.append(chunk)
                while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                    lines.record(line)
                    tail.append(line)
                    buffer.removeSubrange(buffer.startIndex...newline)
                }
            }
        }
    }

    /// A pipe whose ends close on exec, so a child another test spawns later does not inherit
    /// them (a log reader would then wait for that child to exit before it saw the end).
    /// Glibc's pipe2 is not imported into Swift; the window before fcntl is microseconds.
    private static func closeOnExecPipe() throws -> [Int32] {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw Shell.Failure(description: "pipe() failed: \(String(cString: strerror(errno)))") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return fds
    }

    /// Whether it has exited (and been reaped).
    package var hasExited: Bool { childExit.hasExited }

    /// Waits for the first log line after those already consumed that contains `text`.
    package func waitForLine(containing text: String) async -> String? {
        await lines.next { $0.contains(text) }
    }

    /// As `waitForLine(containing:)`, giving up (nil) after `limit`, so a line that never comes
    /// fails the test instead of hanging it.
    package func waitForLine(containing text: String, within limit: Duration) async -> String? {
        await withTaskGroup(of: String?.self) { group in
            group.addTask { await self.waitForLine(containing: text) }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// SIGKILL: no shutdown code runs, as in a power cut or the OOM killer. Returns once it is
    /// gone; blocking is fine here (the exit follows within milliseconds), so `defer` can use it.
    package func kill() {
        childExit.signal(SIGKILL)
        childExit.waitBlocking()
    }

    /// SIGTERM, and returns once it has exited (a graceful shutdown, seconds under load): for a
    /// test that starts another process on the same port, buffer or record afterwards.
    @discardableResult
    package func terminateAndWait() async -> Int32 {
        childExit.signal(SIGTERM)
        return await childExit.wait()
    }

    /// SIGTERM without waiting for the shutdown to end; the exit is collected in the background.
    /// For `defer` at the end of a test (an `await` cannot go there), where nothing that follows
    /// needs it gone: blocking there would hold a pool thread for the whole shutdown. `kept` (the
    /// directory it writes to) is let go of only once it has exited, so that the directory's
    /// removal does not race the shutdown's last writes and leave half of it behind.
    package func requestTermination(keepingUntilExit kept: (any Sendable)? = nil) {
        if let kept { childExit.keepUntilExit(kept) }
        childExit.signal(SIGTERM)
    }

    /// Waits until it exits on its own (its log closes); returns its exit status as `waitpid` gives it.
    @discardableResult
    package func waitForExit() async -> Int32 {
        while await lines.next() != nil {}
        return await childExit.wait()
    }
}

/// The last lines a child wrote, kept for failure messages.
private final class LogTail: Sendable {
    private let kept = Mutex<[String]>([])

    var lines: [String] { kept.withLock { $0 } }

    func append(_ line: String) {
        kept.withLock { $0 = Array(($0 + [line]).suffix(40)) }
    }
}
