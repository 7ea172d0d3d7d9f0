import BackstopCore
import Foundation

/// A PostgreSQL cluster that lives in one scratch directory: listening only on a Unix socket
/// inside it (no TCP), fsync off, archiving off (it must never push WAL into a real
/// repository), run as the server user. `stop()` always ends it; the scratch directory's
/// removal ends the rest.
struct ThrowawayCluster: Sendable {
    let runner: any ProcessRunning
    let binaries: PostgresBinaries
    let binDirectory: String
    let scratch: String

    var dataDirectory: String { "\(scratch)/pgdata" }
    /// The restore test's environment with its marker: the postmaster and its children carry
    /// it, so whatever outlives the test (or a killed Backstop) is found and killed with its scratch.
    let environment: [String: String]
    var logFile: String { "\(scratch)/postgresql.log" }
    /// The socket directory: scratch itself. Unix socket paths are limited to 107 bytes.
    var socketDirectory: String { scratch }

    /// Options given on the postmaster's command line, which override whatever configuration
    /// a restored data directory brings (its port, listen_addresses, archive_command).
    private var serverOptions: String {
        [
            "-c listen_addresses=''", "-c port=5432", "-c unix_socket_directories='\(socketDirectory)'", "-c archive_mode=off",
            "-c fsync=off", "-c full_page_writes=off", "-c synchronous_commit=off",
        ].joined(separator: " ")
    }

    func checkSocketPath() throws(InspectionError) {
        guard "\(socketDirectory)/.s.PGSQL.5432".utf8.count < 107 else {
            throw InspectionError(
                "the scratch path \(scratch) is too long for a PostgreSQL socket (107 bytes); set restore_tests.scratch to a shorter directory"
            )
        }
    }

    /// A new, empty cluster (for pg_dump archives).
    func initialize(timeout: Duration) async throws(InspectionError) {
        try await server(["\(binDirectory)/initdb", "-D", dataDirectory, "-A", "trust", "-U", "postgres", "--no-sync"], timeout: timeout)
    }

    /// Starts the cluster and waits until it accepts connections.
    func start(timeout: Duration) async throws(InspectionError) {
        let seconds = max(1, Int(timeout.seconds.rounded()))
        try await server(
            ["\(binDirectory)/pg_ctl", "-D", dataDirectory, "-l", logFile, "-w", "-t", "\(seconds)", "-o", serverOptions, "start"],
            timeout: timeout + .seconds(5), logOnFailure: true)
    }

    /// Immediate shutdown. Never throws: it runs on every path out of a restore test.
    func stop() async {
        guard FileManager.default.fileExists(atPath: "\(dataDirectory)/postmaster.pid") else { return }
        let argv = binaries.asServerUser + ["\(binDirectory)/pg_ctl", "-D", dataDirectory, "-m", "immediate", "-w", "-t", "30", "stop"]
        _ = try? await runner.run(argv, workingDirectory: scratch, environment: environment, timeout: .seconds(40), outputLimit: 64 << 10)
        // pg_ctl could not stop it: end the postmaster directly, so nothing outlives the test.
        if let text = try? String(contentsOfFile: "\(dataDirectory)/postmaster.pid", encoding: .utf8),
            let pid = text.split(separator: "\n").first.flatMap({ Int32($0) }), pid > 0
        {
            kill(pid, SIGKILL)
        }
    }

    /// Runs a server-side program as the server user; a failure carries its output (and the
    /// server log when asked) as evidence.
    func server(_ argv: [String], timeout: Duration, logOnFailure: Bool = false) async throws(InspectionError) {
        let result: ProcessResult
        do {
            result = try await runner.run(
                binaries.asServerUser + argv, workingDirectory: scratch, environment: environment, timeout: timeout, outputLimit: 64 << 10)
        } catch {
            throw InspectionError("could not run \((argv[0] as NSString).lastPathComponent): \(error.reason)")
        }
        guard result.succeeded else {
            var output = result.output
            if logOnFailure, let log = try? String(contentsOfFile: logFile, encoding: .utf8) { output += "\n" + log }
            throw InspectionError(
                "\((argv[0] as NSString).lastPathComponent) \(result.endDescription)", output: ToolInvocation.lastLines(of: output))
        }
    }

    /// Runs a client program (psql, pg_restore) against the cluster's socket as Backstop's own
    /// user; its output on success.
    func client(_ program: String, _ arguments: [String], timeout: Duration) async throws(InspectionError) -> String {
        let argv = ["\(binDirectory)/\(program)", "-h", socketDirectory, "-p", "5432", "-U", "postgres"] + arguments
        let result: ProcessResult
        do {
            result = try await runner.run(argv, workingDirectory: scratch, environment: environment, timeout: timeout, outputLimit: 1 << 20)
        } catch {
            throw InspectionError("could not run \(program): \(error.reason)")
        }
        guard result.succeeded else {
            throw InspectionError("\(program) \(result.endDescription)", output: ToolInvocation.lastLines(of: result.output))
        }
        return result.output
    }
}
