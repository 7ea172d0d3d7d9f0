import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs real tools (tar, gzip, sha256sum, promtool) to build fixtures and check results.
package enum Shell {
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
        package init(description: String) { self.description = description }
    }

    /// Runs `argv` and returns its stdout; throws with stderr when it exits non-zero.
    ///
    /// Spawned with `posix_spawn` rather than Foundation's `Process`: the suite's process crashed
    /// in `Process.run()` (a bad read in its memcpy) while tests started processes on many
    /// threads at once. Input and output go through files in a scratch directory, so nothing
    /// needs a reader thread and no pipe end can leak into another test's child. The wait for the
    /// child's exit happens on a thread of its own (`ChildExit`), not on the caller's: restic's
    /// key derivation or a pgBackRest backup take seconds, and the cooperative pool has two threads.
    @discardableResult
    package static func run(_ argv: [String], input: String? = nil, in directory: String? = nil) async throws -> String {
        let scratch = try TemporaryDirectory("backstop-shell")
        let stdin = try scratch.write("stdin", input ?? "")
        let stdout = scratch.file("stdout")
        let stderr = scratch.file("stderr")
        let child = try spawn(argv, in: directory, stdin: stdin, stdout: stdout, stderr: stderr)
        let status = await ChildExit(watching: child).wait()
        let out = (try? String(contentsOfFile: stdout, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: stderr, encoding: .utf8)) ?? ""
        // WIFEXITED / WEXITSTATUS, which Swift does not import (they are macros).
        let exited = status & 0x7f == 0
        let code = (status >> 8) & 0xff
        guard exited, code == 0 else {
            let how = exited ? "exited \(code)" : "was killed by signal \(status & 0x7f)"
            throw Failure(description: "\(argv.joined(separator: " ")) \(how): \(err + out)")
        }
        return out
    }

    /// Runs `argv` to its end on the calling thread, its output and exit status discarded.
    /// Only for callers that cannot await, a deinit or an exit handler (``PostgresServer/stop()``):
    /// anywhere else it would hold one of the cooperative pool's few threads.
    package static func runBlocking(_ argv: [String]) {
        guard let child = try? spawn(argv, in: nil, stdin: "/dev/null", stdout: "/dev/null", stderr: "/dev/null") else { return }
        var status: Int32 = 0
        while waitpid(child, &status, 0) == -1 && errno == EINTR {}
    }

    /// Starts `argv` with its standard streams on the given files; the caller waits for it.
    private static func spawn(_ argv: [String], in directory: String?, stdin: String, stdout: String, stderr: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // GNU env changes directory (-C) and finds the program on PATH, as a shell would.
        let full = ["/usr/bin/env"] + (directory.map { ["-C", $0] } ?? []) + argv
        var cArguments = full.map { strdup($0) } + [nil]
        defer { for argument in cArguments { free(argument) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, full[0], &actions, nil, &cArguments, environ)
        guard spawned == 0 else {
            throw Failure(description: "could not start \(argv.joined(separator: " ")): \(String(cString: strerror(spawned)))")
        }
        return child
    }

    /// Whether a program is on PATH. Looked up in the file system, with no child to wait for, so
    /// it can stay synchronous (a trait's condition, a `#require`).
    package static func has(_ program: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(program)") }
    }
}

/// Collects values pushed from elsewhere (a service's observer) and hands them to a test that
/// awaits them, in order: the test waits for the event instead of sleeping.
package final class EventRecorder<Value: Sendable>: Sendable {
    private let stream: AsyncStream<Value>
    private let continuation: AsyncStream<Value>.Continuation

    package init() {
        (stream, continuation) = AsyncStream.makeStream(of: Value.self)
    }

    package func record(_ value: Value) {
        continuation.yield(value)
    }

    /// No more values will come: waiting ends with nil.
    package func finish() {
        continuation.finish()
    }

    /// The next value, waiting for it if none has arrived yet.
    package func next() async -> Value? {
        var iterator = stream.makeAsyncIterator()
        return await iterator.next()
    }

    /// The next value that satisfies `predicate`, skipping others.
    package func next(where predicate: (Value) -> Bool) async -> Value? {
        for await value in stream where predicate(value) { return value }
        return nil
    }
}
