import Foundation

/// Runs real tools (tar, gzip, sha256sum, promtool) to build fixtures and check results.
package enum Shell {
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
        package init(description: String) { self.description = description }
    }

    /// The environment read once, and one spawn at a time: the suite's process twice crashed in
    /// Foundation's `Process.run()` (a bad read in its memcpy) while tests started processes on
    /// many threads at once. Passing a copy made at start spares `run()` reading the live
    /// environment, and the lock keeps two spawns from overlapping; a spawn takes milliseconds.
    private static let environment = ProcessInfo.processInfo.environment
    private static let spawning = NSLock()

    /// Runs `argv` and returns its stdout; throws with stderr when it exits non-zero.
    @discardableResult
    package static func run(_ argv: [String], input: String? = nil, in directory: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.environment = environment
        let output = Pipe()
        let error = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = stdin
        try spawning.withLock { try process.run() }
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(
                description:
                    "\(argv.joined(separator: " ")) exited \(process.terminationStatus): \(String(decoding: err + out, as: UTF8.self))")
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether a program is on PATH.
    package static func has(_ program: String) -> Bool {
        (try? run(["sh", "-c", "command -v \(program)"])) != nil
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
