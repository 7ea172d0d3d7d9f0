import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Logging
import Testing

/// Real parts end to end: a real PostgreSQL with `log_lock_waits`, a session holding a lock,
/// and a real `pg_dump --lock-wait-timeout` that fails on it. Backstop must diagnose lock_wait
/// from pg_dump's own output and carry PostgreSQL's log lines about the wait in the report.
@Suite(.serialized) struct PostgresLockWaitTests {
    static var quietLogger: Logger {
        var logger = Logger(label: "backstop-test")
        logger.logLevel = .critical
        return logger
    }

    @Test func aRealLockWaitIsDiagnosedAndItsServerLogLinesReported() async throws {
        let postgres = try await PostgresServer.start(settings: ["log_lock_waits": "on", "deadlock_timeout": "'100ms'"])
        defer { postgres.stop() }
        try await postgres.sql("CREATE TABLE orders (id int PRIMARY KEY, item text); INSERT INTO orders VALUES (1, 'book'), (2, 'pen');")

        // Another session takes an exclusive lock and, inside the same transaction, tells us
        // through a FIFO (the server writes to it with COPY TO PROGRAM); it then holds the lock.
        let sync = try TemporaryDirectory("backstop-pg-sync")
        let fifo = sync.file("locked.fifo")
        try await Shell.run(["mkfifo", "-m", "666", fifo])
        try await Shell.run(["chmod", "755", sync.path])
        let holder = Task {
            try await ProcessRunner().run(
                [
                    "psql", "-X", "-q", "-h", "127.0.0.1", "-p", "\(postgres.port)", "-U", "postgres", "-d", "postgres", "-c",
                    "BEGIN; LOCK TABLE orders IN ACCESS EXCLUSIVE MODE; COPY (SELECT 'locked') TO PROGRAM 'cat > \(fifo)'; SELECT pg_sleep(120);",
                ], workingDirectory: "/", timeout: .seconds(120), outputLimit: 4_096)
        }
        defer { holder.cancel() }
        let confirmation = await FIFO.read(fifo)
        #expect(confirmation == "locked\n")

        let harness = try Harness()
        // The real dump, as a backup script runs it; its result goes into the status file.
        let dump = try await ProcessRunner().run(
            [
                "pg_dump", "-h", "127.0.0.1", "-p", "\(postgres.port)", "-U", "postgres", "--lock-wait-timeout=1000", "-t", "orders",
                "-f", harness.directory.file("orders.sql"), "postgres",
            ], workingDirectory: harness.directory.path, timeout: .seconds(60), outputLimit: 64 << 10)
        #expect(dump.exitCode == 1)
        #expect(dump.output.contains("LOCK TABLE"), "\(dump.output)")
        let status: [String: Any] = [
            "asset": "orders-db", "tool": "pg_dump", "status": "failure", "exit_code": Int(dump.exitCode ?? -1), "output": dump.output,
            "finished_at": RFC3339.format(Date()),
        ]
        try JSONSerialization.data(withJSONObject: status).write(to: URL(fileURLWithPath: harness.directory.file("status.json")))

        let yaml = """
              - name: orders-db
                kind: database
                service: orders-api
                schedule: nightly
                backup: { path: "dumps/*.sql", checksum: none, status_file: status.json }
            logs:
              padding: 10m
              sources:
                - { type: file, path: "\(postgres.logFile)" }
            """
        let services = try await BackstopServices.make(
            configuration: try harness.configuration(assets: yaml), logger: Self.quietLogger, clock: SystemWallClock())
        let run = try await services.runner.run(VerificationRequest(trigger: .event("evt_pg"), assets: ["orders-db"]))
        let outcome = try #require(run.outcome("orders-db"))
        #expect(outcome.cause == .lockWait, "\(String(describing: outcome.diagnosis))")
        // pg_dump implements --lock-wait-timeout with statement_timeout around LOCK TABLE: the
        // deciding line is its "Query was: LOCK TABLE …" detail, not the word "timeout".
        #expect(
            outcome.diagnosis?.evidence.contains { $0.contains("LOCK TABLE public.orders") } == true,
            "\(String(describing: outcome.diagnosis))")

        let report = await services.reporter.report(for: run)
        let excerpt = try #require(report.failures.first?.logs?.services.first { $0.service == "orders-api" })
        #expect(
            excerpt.lines.contains { $0.text.contains("still waiting for AccessShareLock on relation") }, "\(excerpt.lines.map(\.text))")
        #expect(excerpt.lines.contains { $0.text.contains("canceling statement due to statement timeout") })
        #expect(report.failures.first?.logs?.signals.contains { $0.kind == .lockWait } == true)
        #expect(MarkdownReport.render(report).contains("still waiting for AccessShareLock"))
    }
}
