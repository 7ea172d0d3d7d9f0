import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import PostgresNIO
import Testing

/// The record on a real PostgreSQL: append-only by the database itself, and hash-chained so
/// that what a superuser changes behind the triggers' back is found by `verify-record`.
@Suite(.serialized) struct PostgresAppendOnlyTests {
    static func migratedWithRuns() async throws -> (PostgresStoreFixture, PostgresConnection) {
        let fixture = try await PostgresStoreFixture.start()
        defer { withExtendedLifetime(fixture) {} }
        let connection = try await fixture.connect()
        try await PostgresMigrator.migrate(connection, logger: PostgresStoreFixture.quietLogger)
        for run in 1...3 { try await SampleRecord.appendRun("run-\(run)", assets: ["orders-db", "users-db"], on: connection) }
        return (fixture, connection)
    }

    static func appendRuns(_ prefix: String, on connection: PostgresConnection) async throws {
        for run in 1...10 { try await SampleRecord.appendRun("\(prefix)-\(run)", assets: ["orders-db"], on: connection) }
    }

    @Test func appendedRowsVerifyAndConcurrentAppendersKeepOneChain() async throws {
        let (fixture, connection) = try await Self.migratedWithRuns()
        defer { withExtendedLifetime(fixture) {} }
        let other = try await fixture.connect(id: 2)
        async let a: Void = Self.appendRuns("a", on: connection)
        async let b: Void = Self.appendRuns("b", on: other)
        _ = try await (a, b)
        let (rows, breaks) = try await PostgresHashChain.verify(connection, logger: PostgresStoreFixture.quietLogger)
        #expect(breaks.isEmpty)
        // 3 runs × (1 + 2 outcomes + 2 checks) + 20 runs × (1 + 1 + 1)
        #expect(rows == 15 + 60)
        try await other.close()
        try await connection.close()
    }

    @Test(arguments: [
        ("UPDATE runs SET status = 'healthy'", "runs is append-only: rows cannot be updated"),
        ("UPDATE outcomes SET state = 'healthy' WHERE asset = 'orders-db'", "outcomes is append-only: rows cannot be updated"),
        ("DELETE FROM checks WHERE seq = 1", "checks is append-only: rows cannot be deleted"),
        ("TRUNCATE runs", "runs is append-only: rows cannot be truncated"),
        ("TRUNCATE outcomes, checks", "is append-only: rows cannot be truncated"),
    ])
    func theDatabaseRefusesChangesToTheRecord(sql: String, message: String) async throws {
        let (fixture, connection) = try await Self.migratedWithRuns()
        defer { withExtendedLifetime(fixture) {} }
        let logger = PostgresStoreFixture.quietLogger
        let error = await #expect(throws: PostgresStoreError.self) {
            do {
                try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            } catch {
                throw PostgresStoreError("running \(sql)", underlying: error)
            }
        }
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
        #expect(error?.sqlState == "P0001")
        let (rows, breaks) = try await PostgresHashChain.verify(connection, logger: logger)
        #expect(breaks.isEmpty && rows == 15)
        try await connection.close()
    }

    @Test func aRowASuperuserChangesBehindTheTriggerIsNamed() async throws {
        let (fixture, connection) = try await Self.migratedWithRuns()
        defer { withExtendedLifetime(fixture) {} }
        try await fixture.superuserSQL(
            """
            ALTER TABLE outcomes DISABLE TRIGGER outcomes_append_only;
            UPDATE outcomes SET state = 'healthy' WHERE seq = 3;
            ALTER TABLE outcomes ENABLE TRIGGER outcomes_append_only;
            ALTER TABLE runs DISABLE TRIGGER runs_append_only;
            DELETE FROM runs WHERE seq = 2;
            ALTER TABLE runs ENABLE TRIGGER runs_append_only;
            """)
        let breaks = try await PostgresHashChain.verify(connection, logger: PostgresStoreFixture.quietLogger).breaks
        #expect(
            breaks == [
                ChainBreak(
                    table: "runs", seq: 3,
                    problem: "prev_hash does not match the hash of the row before it (a row was removed or reordered)"),
                ChainBreak(table: "outcomes", seq: 3, problem: "content does not match its hash (the row was modified)"),
            ])
        try await connection.close()
    }

    /// PostgreSQL's TEXT cannot hold NUL: such text is stored in PostgresExactText's form, read
    /// back exactly, and hashed as SQLite hashes it (as the bytes SQLite keeps as a blob).
    @Test func textWithNULIsStoredExactlyAndHashedAsOnSQLite() async throws {
        let fixture = try await PostgresStoreFixture.start()
        defer { withExtendedLifetime(fixture) {} }
        let connection = try await fixture.connect()
        let logger = PostgresStoreFixture.quietLogger
        try await PostgresMigrator.migrate(connection, logger: logger)
        let report = "{\"log\":\"a\u{0}b\"}"
        try await connection.query("BEGIN", logger: logger)
        try await PostgresHashChain.append(
            connection, table: "events",
            values: [.text("event-1"), .text("orders-db"), .real(1), .text(report)], logger: logger)
        try await connection.query("COMMIT", logger: logger)
        #expect(try await fixture.superuserSQL("SELECT count(*) FROM events") == "1\n")
        let verified = try await PostgresHashChain.verify(connection, table: "events", logger: logger)
        #expect(verified.break == nil)
        let stored = try #require(try await fixture.superuserSQL("SELECT hash FROM events").split(separator: "\n").first)
        let expected = RecordValue.digest(
            previous: PostgresHashChain.genesis,
            values: [.text("event-1"), .text("orders-db"), .real(1), .blob(Data(report.utf8))])
        #expect(String(stored) == expected)
        try await connection.close()
    }
}
