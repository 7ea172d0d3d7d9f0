import BackstopTesting
import Foundation
import Synchronization
import Testing

/// Waiting for a child (a `Shell.run` tool, a serve's graceful shutdown) must not hold a thread
/// of Swift's cooperative pool, which has one per core: with more children waited for than
/// that, a blocking wait leaves every other task of the test process (the fake trackers'
/// clients, timeouts, log readers) without a thread. Each test below waits for more children
/// at once than the pool has threads, children that only finish once all of them are being
/// waited for: with a blocking wait only as many as the pool has threads would ever get there.
@Suite(.timeLimit(.minutes(2))) struct ChildWaitTests {
    /// More children than the cooperative pool has threads (its width is the core count).
    static let count = ProcessInfo.processInfo.activeProcessorCount + 2

    @Test func moreShellRunsThanPoolThreadsAreWaitedForAtOnce() async throws {
        let directory = try TemporaryDirectory()
        let gate = Gate(directory: directory, marker: "started", expected: Self.count)
        let outputs = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<Self.count {
                group.addTask {
                    try await Shell.run([
                        "sh", "-c", #"touch "$0/started-$1"; while [ ! -e "$0/go" ]; do sleep 0.02; done; echo "$1""#, directory.path,
                        "\(index)",
                    ])
                }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(gate.allArrivedTogether, "only \(gate.arrived) of \(Self.count) were running at once")
        #expect(outputs == Set((0..<Self.count).map { "\($0)\n" }))
    }

    @Test func moreGracefulShutdownsThanPoolThreadsAreAwaitedAtOnce() async throws {
        let directory = try TemporaryDirectory()
        let children = try (0..<Self.count).map { try Self.slowToStop(directory, "\($0)") }
        defer { for child in children { child.kill() } }
        for child in children {
            try #require(await child.waitForLine(containing: "ready", within: .seconds(60)) != nil, "\(child.recentLines)")
        }
        let gate = Gate(directory: directory, marker: "terminating", expected: Self.count)
        let statuses = await withTaskGroup(of: Int32.self) { group in
            for child in children { group.addTask { await child.terminateAndWait() } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(gate.allArrivedTogether, "only \(gate.arrived) of \(Self.count) were shutting down at once")
        #expect(statuses == Array(repeating: 0, count: Self.count), "each exited 0 after its SIGTERM")
        #expect(children.allSatisfy { $0.hasExited })
    }

    /// A `defer` sends SIGTERM without waiting; the directory it hands over outlives the test's
    /// own reference until the child is gone, and no longer.
    @Test func aDirectoryKeptUntilExitGoesOnlyOnceTheChildHasExited() async throws {
        let control = try TemporaryDirectory()
        let kept: String
        let child: ChildProcess
        do {
            let directory = try TemporaryDirectory()
            kept = directory.path
            child = try Self.slowToStop(control, "0")
            try #require(await child.waitForLine(containing: "ready", within: .seconds(60)) != nil, "\(child.recentLines)")
            child.requestTermination(keepingUntilExit: directory)
        }
        #expect(FileManager.default.fileExists(atPath: kept), "removed while its child was still shutting down")
        try control.write("go", "")
        #expect(await child.waitForExit() == 0)
        #expect(!FileManager.default.fileExists(atPath: kept), "kept after its child exited")
    }

    /// A child that, on SIGTERM, leaves `terminating-<name>` in `directory` and exits 0 only
    /// once `go` is there: a graceful shutdown that lasts as long as the test wants.
    static func slowToStop(_ directory: TemporaryDirectory, _ name: String) throws -> ChildProcess {
        // The child inherits the spawning thread's signal mask (Swift's threads block SIGTERM).
        let script = """
            import os, signal, sys, time
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            directory, name = sys.argv[1], sys.argv[2]
            def stop(*_):
                open(f"{directory}/terminating-{name}", "w").close()
                while not os.path.exists(f"{directory}/go"):
                    time.sleep(0.02)
                sys.exit(0)
            signal.signal(signal.SIGTERM, stop)
            print("ready", file=sys.stderr, flush=True)
            while True:
                time.sleep(1)
            """
        return try ChildProcess(executable: "/usr/bin/python3", arguments: ["-c", script, directory.path, name])
    }
}

/// Opens (writes `go` into `directory`) once `expected` children have left a `<marker>-*` file
/// there, or after 30 s, whichever comes first; it watches from a thread of its own, so it opens
/// even when the cooperative pool is stuck, and the test fails instead of hanging.
private final class Gate: Sendable {
    private let result = Mutex<(arrived: Int, together: Bool)>((0, false))
    private let expected: Int

    var arrived: Int { result.withLock { $0.arrived } }
    var allArrivedTogether: Bool { result.withLock { $0.together } }

    init(directory: TemporaryDirectory, marker: String, expected: Int) {
        self.expected = expected
        Thread.detachNewThread { [self] in
            let deadline = Date().addingTimeInterval(30)
            var arrived = 0
            while arrived < expected, Date() < deadline {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
                arrived = names.filter { $0.hasPrefix(marker + "-") }.count
                if arrived < expected { Thread.sleep(forTimeInterval: 0.01) }
            }
            result.withLock { $0 = (arrived, arrived >= expected) }
            _ = FileManager.default.createFile(atPath: directory.file("go"), contents: nil)
        }
    }
}
