import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// pg_dump archives (a `files` backup) restored into a throwaway cluster in each of pg_dump's
/// formats and checked with SQL, with the real PostgreSQL.
@Suite(.serialized) struct PgDumpRestoreTests {
    /// A live database to dump, shared by the suite's tests; stopped when the test process
    /// exits (a static is never deinitialised: it was left running after every suite run).
    static let source: Task<PostgresServer, any Error> = Task {
        let server = try await PostgresServer.start()
        started.withLock { $0 = server }
        atexit { PgDumpRestoreTests.stopSource() }
        try await server.sql("CREATE DATABASE billing")
        try await Shell.run([
            "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(server.port)", "-U", "postgres", "-d", "billing", "-c",
            "CREATE TABLE invoices (id int PRIMARY KEY, amount numeric); INSERT INTO invoices SELECT g, g * 2 FROM generate_series(1, 5000) g",
        ])
        return server
    }

    private static let started = Mutex<PostgresServer?>(nil)

    /// At exit: the server and its data directory.
    private static func stopSource() {
        started.withLock { server in
            guard let server else { return }
            server.stop()
            try? FileManager.default.removeItem(atPath: server.directory.path)
        }
    }

    func dump(format: String, to path: String) async throws {
        let server = try await Self.source.value
        try await Shell.run([
            "pg_dump", "-h", "127.0.0.1", "-p", "\(server.port)", "-U", "postgres", "--format=\(format)", "--file=\(path)", "billing",
        ])
    }

    func verify(_ harness: Harness, path: String, format: String, queries: [String], timeout: String = "2m") async throws
        -> VerificationOutcome
    {
        let list = queries.map { "\"\($0)\"" }.joined(separator: ", ")
        let configuration = try harness.configuration(
            assets: """
                  - name: billing-db
                    kind: database
                    schedule: nightly
                    backup: { type: files, path: "\(path)" }
                    restore:
                      postgres: { format: \(format), database: billing, validate_sql: [\(list)] }
                      timeout: \(timeout)
                """)
        let run = try await harness.verify(configuration)
        return try #require(run.outcome("billing-db"))
    }

    @Test(arguments: ["custom", "directory", "tar", "plain"])
    func aDumpInEachFormatIsRestoredAndValidated(format: String) async throws {
        let harness = try Harness(now: Date())
        let dump = harness.directory.file("billing-\(format).dump")
        try await self.dump(format: format, to: dump)
        // A directory-format dump is found by its table of contents, toc.dat.
        let path = format == "directory" ? "\(dump)/toc.dat" : dump
        let outcome = try await verify(
            harness, path: path, format: format, queries: ["SELECT count(*) = 5000 FROM invoices", "SELECT sum(amount) FROM invoices"])
        let restore = try #require(outcome.check(.restore))
        #expect(restore.status == .passed, "\(restore.evidence) \(restore.evidence.excerpt ?? "")")
        #expect(restore.evidence.message.contains("passed 2 validation queries"))
        #expect(harness.scratchLeftovers.isEmpty)
    }

    @Test func aTruncatedDumpFailsTheRestoreWithPgRestoresWords() async throws {
        let harness = try Harness(now: Date())
        let path = harness.directory.file("billing.dump")
        try await dump(format: "custom", to: path)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        try await harness.fixtures.truncate(path, to: size / 2)
        let outcome = try await verify(harness, path: path, format: "custom", queries: ["SELECT count(*) > 0 FROM invoices"])
        let restore = try #require(outcome.check(.restore))
        #expect(restore.status == .failed)
        #expect(restore.evidence.message.contains("pg_restore"))
        #expect(restore.evidence.excerpt?.isEmpty == false)
        #expect(harness.scratchLeftovers.isEmpty)
    }

    @Test func aRestoreThatRunsOutOfTimeLeavesNoClusterBehind() async throws {
        let harness = try Harness(now: Date())
        let path = harness.directory.file("billing.dump")
        try await dump(format: "custom", to: path)
        let outcome = try await verify(harness, path: path, format: "custom", queries: ["SELECT pg_sleep(60) IS NULL"], timeout: "5s")
        let restore = try #require(outcome.check(.restore))
        #expect(restore.status == .failed)
        #expect(restore.evidence.message.contains("timed out") || restore.evidence.message.contains("timeout"), "\(restore.evidence)")
        #expect(harness.scratchLeftovers.isEmpty, "the cluster's data directory is gone")
        let postmasters = try await Shell.run(["sh", "-c", "pgrep -f '[p]ostgres -D \(harness.directory.path)' || true"])
        #expect(postmasters.isEmpty, "no postmaster of the test is left running")
    }

    @Test func aValidationQueryWithASyntaxErrorIsEvidence() async throws {
        let harness = try Harness(now: Date())
        let path = harness.directory.file("billing.dump")
        try await dump(format: "custom", to: path)
        let outcome = try await verify(harness, path: path, format: "custom", queries: ["SELEC count(*) FROM invoices"])
        let restore = try #require(outcome.check(.restore))
        #expect(restore.status == .failed)
        #expect(restore.evidence.excerpt?.contains("syntax error") == true)
    }
}
