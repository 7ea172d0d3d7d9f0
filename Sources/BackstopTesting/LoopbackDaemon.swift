import Foundation
import Synchronization

/// Debian's `prometheus` or `prometheus-alertmanager` on 127.0.0.1 and a free port, with a
/// configuration the test wrote, its data in a temporary directory. Started ready (its log said
/// so), stopped on `stop()` or deinit.
package final class LoopbackDaemon: Sendable {
    package let process: ChildProcess
    package let port: Int
    package let directory: TemporaryDirectory
    private let stopped = Mutex(false)

    package var url: String { "http://127.0.0.1:\(port)" }

    /// Prometheus scraping and evaluating what `configuration` says.
    package static func prometheus(configuration: String) async throws -> LoopbackDaemon {
        try await start(
            executable: "/usr/bin/prometheus", name: "prometheus", configuration: configuration,
            arguments: { directory, port in
                ["--storage.tsdb.path=\(directory.file("data"))", "--web.listen-address=127.0.0.1:\(port)"]
            },
            ready: "Server is ready to receive web requests")
    }

    /// Alertmanager without clustering (an empty cluster address keeps it off 0.0.0.0).
    package static func alertmanager(configuration: String) async throws -> LoopbackDaemon {
        try await start(
            executable: "/usr/bin/prometheus-alertmanager", name: "alertmanager", configuration: configuration,
            arguments: { directory, port in
                ["--storage.path=\(directory.file("data"))", "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address="]
            },
            ready: "Listening on")
    }

    private static func start(
        executable: String, name: String, configuration: String,
        arguments: (TemporaryDirectory, Int) -> [String], ready: String
    ) async throws -> LoopbackDaemon {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw Shell.Failure(description: "\(executable) is missing: scripts/install-test-deps installs it")
        }
        let directory = try TemporaryDirectory("backstop-\(name)")
        let path = try directory.write("\(name).yml", configuration)
        let port = try FreePort.find()
        let process = try ChildProcess(executable: executable, arguments: ["--config.file=\(path)"] + arguments(directory, port))
        let daemon = LoopbackDaemon(process: process, port: port, directory: directory)
        guard await process.waitForLine(containing: ready) != nil else {
            daemon.stop()
            throw Shell.Failure(description: "\(name) exited before it was ready; its log:\n\(process.recentLines.joined(separator: "\n"))")
        }
        return daemon
    }

    private init(process: ChildProcess, port: Int, directory: TemporaryDirectory) {
        self.process = process
        self.port = port
        self.directory = directory
    }

    deinit {
        stop()
    }

    /// SIGTERM; it shuts down in the background (a test's `defer` or deinit cannot await it)
    /// and its directory is removed once it has exited, not while it still writes there.
    package func stop() {
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        process.requestTermination(keepingUntilExit: directory)
    }
}
