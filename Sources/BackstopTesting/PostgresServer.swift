import Backstop
import Foundation

/// A throwaway PostgreSQL cluster on 127.0.0.1 and a free port, run as the `postgres` user
/// (initdb refuses root), logging to a file the tests read. Stopped on `stop()` or deinit.
///
/// Spawned through Backstop's ProcessRunner: Foundation's Process on Linux learns of a child's
/// exit through a socket the child inherits, which the daemon pg_ctl leaves behind keeps open.
package final class PostgresServer: Sendable {
    package let directory: TemporaryDirectory
    package let port: Int
    package let logFile: String

    /// Starts a cluster with `settings` appended to postgresql.conf.
    package static func start(settings: [String: String] = [:]) async throws -> PostgresServer {
        let server = try PostgresServer()
        try await server.setUp(settings: settings)
        return server
    }

    private init() throws {
        directory = try TemporaryDirectory("backstop-postgres")
        port = try FreePort.find()
        logFile = directory.file("postgresql.log")
    }

    private static func binaries() throws -> String {
        guard
            let bin = ["/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin"]
                .first(where: { FileManager.default.fileExists(atPath: "\($0)/initdb") })
        else { throw Shell.Failure(description: "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin") }
        return bin
    }

    private func setUp(settings: [String: String]) async throws {
        let bin = try Self.binaries()
        try await Shell.run(["chown", "-R", "postgres:postgres", directory.path])
        try await Self.asPostgres(["\(bin)/initdb", "-D", directory.file("data"), "-A", "trust", "-U", "postgres", "--no-sync"])
        var conf = [
            "listen_addresses": "'127.0.0.1'", "port": "\(port)", "unix_socket_directories": "'\(directory.path)'", "fsync": "off",
            "log_line_prefix": "'%m [%p] '", "log_timezone": "'UTC'",
            // One server serves a whole test process (SharedPostgres): many suites at once, each
            // store with its own pool, outgrew the default 100 connections in a CI run.
            "max_connections": "400",
        ]
        conf.merge(settings) { _, new in new }
        let text = conf.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }.joined(separator: "\n") + "\n"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: directory.file("data/postgresql.conf")))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
        try await start(bin)
    }

    /// `pg_ctl start`; a failure carries the end of the server's log (a port taken, a stale
    /// lock), which pg_ctl's own "stopped waiting" does not say.
    private func start(_ bin: String) async throws {
        do {
            try await Self.asPostgres(["\(bin)/pg_ctl", "-D", directory.file("data"), "-l", logFile, "-w", "-t", "60", "start"])
        } catch {
            let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
            let tail = log.split(separator: "\n").suffix(8).joined(separator: "\n")
            throw Shell.Failure(description: "\(error)\nlast lines of \(logFile):\n\(tail)")
        }
    }

    deinit {
        stop()
    }

    /// Immediate shutdown (`pg_ctl stop -m immediate`, SIGQUIT to the postmaster), returning once
    /// the server is gone, so the data directory can be removed after it: removed while the
    /// server was still shutting down in it, it was left behind, a run's worth of directories in
    /// /tmp. Synchronous, for deinit and exit (``Shell/runBlocking(_:)``).
    package func stop() {
        guard FileManager.default.fileExists(atPath: directory.file("data/postmaster.pid")), let bin = try? Self.binaries() else { return }
        Shell.runBlocking(Self.asPostgresUser + immediateStop(bin, waitingUpTo: 30))
    }

    /// `pg_ctl stop -m immediate -w`: SIGQUIT to the postmaster, then wait until it is gone.
    private func immediateStop(_ bin: String, waitingUpTo seconds: Int) -> [String] {
        ["\(bin)/pg_ctl", "-D", directory.file("data"), "-m", "immediate", "-w", "-t", "\(seconds)", "stop"]
    }

    /// An outage: stops the server at once (`pg_ctl stop -m immediate`, as a crash) and returns
    /// once its processes are gone, so connections are refused from then on.
    package func stopAndWait() async throws {
        try await Self.asPostgres(immediateStop(try Self.binaries(), waitingUpTo: 60))
    }

    /// Starts the stopped server again on the same data and port; returns once it accepts connections.
    package func restart() async throws {
        try await start(try Self.binaries())
    }

    /// Runs SQL with psql and returns its output.
    @discardableResult
    package func sql(_ statements: String) async throws -> String {
        try await Shell.run([
            "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "-d", "postgres", "-c",
            statements,
        ])
    }

    /// initdb and the server refuse to run as root.
    private static let asPostgresUser = ["setpriv", "--reuid=postgres", "--regid=postgres", "--clear-groups", "--"]

    private static func asPostgres(_ argv: [String]) async throws {
        let result = try await ProcessRunner().run(
            asPostgresUser + argv, workingDirectory: "/",
            timeout: .seconds(120), outputLimit: 64 << 10)
        guard result.succeeded else {
            throw Shell.Failure(description: "\(argv.joined(separator: " ")) \(result.endDescription): \(result.output)")
        }
    }
}
