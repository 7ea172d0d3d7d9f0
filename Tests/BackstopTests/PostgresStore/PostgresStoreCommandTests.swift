import Backstop
import BackstopTesting
import Foundation
import Logging
import Testing

/// The commands with `storage.postgres`: verify-record and check-config work, backup-store (an
/// SQLite copy) refuses it, and the password shows up in no output or log.
@Suite(.serialized) struct PostgresStoreCommandTests {
    /// Runs the built `backstop` with stdout and stderr together; returns its exit status and output.
    static func backstop(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let output = try await Shell.run(["sh", "-c", #""$0" "$@" 2>&1; echo "exit $?""#, BackstopProcess.executable] + arguments)
        var lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last == "" { lines.removeLast() }
        let status = lines.popLast().flatMap { Int32($0.dropFirst("exit ".count)) } ?? -1
        return (status, lines.joined(separator: "\n"))
    }

    @Test func verifyRecordChecksTheChainsOnPostgres() async throws {
        let fixture = try await PostgresStoreFixture.start()
        defer { withExtendedLifetime(fixture) {} }
        let config = try fixture.configFile()
        let connection = try await fixture.connect()
        try await PostgresMigrator.migrate(connection, logger: PostgresStoreFixture.quietLogger)
        for run in 1...2 { try await SampleRecord.appendRun("run-\(run)", assets: ["orders-db", "users-db"], on: connection) }
        try await connection.close()

        let intact = try await Self.backstop(["verify-record", "--config", config, "--log-level", "trace"])
        #expect(intact.status == 0, "\(intact.output)")
        #expect(
            intact.output.contains(
                "record intact: 10 rows in postgres://backstop@127.0.0.1:\(fixture.server.port)/backstop?sslmode=disable"))
        #expect(!intact.output.contains(PostgresStoreFixture.password))

        try await fixture.superuserSQL(
            """
            ALTER TABLE checks DISABLE TRIGGER checks_append_only;
            UPDATE checks SET status = 'passed' WHERE seq = 1;
            """)
        let tampered = try await Self.backstop(["verify-record", "--config", config])
        #expect(tampered.status == 1)
        #expect(tampered.output.contains("record tampered: checks row 1: content does not match its hash (the row was modified)"))
    }

    @Test func verifyRecordOnADatabaseBackstopNeverUsedSaysSo() async throws {
        let fixture = try await PostgresStoreFixture.start()
        defer { withExtendedLifetime(fixture) {} }
        let result = try await Self.backstop(["verify-record", "--config", try fixture.configFile()])
        #expect(result.status != 0)
        #expect(result.output.contains("holds no Backstop record (no schema_migrations)"), "\(result.output)")
    }

    @Test func aWrongPasswordIsReportedWithoutEitherPassword() async throws {
        let fixture = try await PostgresStoreFixture.start()
        defer { withExtendedLifetime(fixture) {} }
        let config = try fixture.configFile()
        try fixture.directory.write("pg-password", "not-the-password\n")
        let result = try await Self.backstop(["verify-record", "--config", config, "--log-level", "trace"])
        #expect(result.status != 0)
        #expect(result.output.contains("password authentication failed for user \"backstop\""), "\(result.output)")
        #expect(!result.output.contains("not-the-password") && !result.output.contains(PostgresStoreFixture.password))
    }

    @Test func checkConfigValidatesAndBackupStoreRefusesPostgres() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("pg-password", PostgresStoreFixture.password)
        let config = try directory.write(
            "backstop.yml",
            """
            storage:
              postgres: { url: "postgres://backstop@db.internal:5432/backstop?sslmode=verify-full", password_file: pg-password }
            schedules: { nightly: { cron: "0 2 * * *" } }
            assets:
              - { name: orders-db, schedule: nightly, backup: { path: /b/*.gz } }
            """)
        let check = try await Self.backstop(["check-config", "--config", config])
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("store postgres://backstop@db.internal:5432/backstop?sslmode=verify-full"))
        #expect(!check.output.contains(PostgresStoreFixture.password))
        // backup-store copies an SQLite file: on PostgreSQL it says so instead of making an empty file.
        let refused = try await Self.backstop(["backup-store", "--config", config, directory.file("copy.db")])
        #expect(refused.status == 2, "\(refused.output)")
        #expect(refused.output.contains("storage.postgres: backup-store copies the SQLite store"), "\(refused.output)")
        #expect(!refused.output.contains(PostgresStoreFixture.password))
    }

    @Test func thePasswordNeverReachesTheDriversLogs() async throws {
        let fixture = try await PostgresStoreFixture.start()
        defer { withExtendedLifetime(fixture) {} }
        let captured = CapturedLog()
        var logger = Logger(label: "backstop-test") { _ in CapturingLogHandler(log: captured) }
        logger.logLevel = .trace
        let connection = try await fixture.connect(logger, id: 7)
        try await PostgresMigrator.migrate(connection, logger: logger)
        try await SampleRecord.appendRun("run-1", assets: ["orders-db"], on: connection)
        _ = try await WorkClaims(connection: connection, holder: "replica-0", logger: logger).claim("k", lease: .seconds(5))
        try await connection.close()
        let lines = captured.lines
        #expect(lines.count > 10)  // the driver did log at trace level
        #expect(lines.contains { $0.contains("applied PostgreSQL schema migration") })
        #expect(!lines.contains { $0.contains(PostgresStoreFixture.password) })
    }
}
