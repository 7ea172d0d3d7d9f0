import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import GRDB
import Testing

/// `backstop migrate-store`: a record made by the real `verify` and `serve` on SQLite moves into
/// a real PostgreSQL, hashes included; `verify-record` and `serve` on PostgreSQL then answer as
/// they did on SQLite, and every refusal leaves the target as it was.
@Suite(.serialized, .timeLimit(.minutes(6))) struct MigrateStoreTests {
    @Test func aVerifiedRecordMovesAndServeOnPostgresShowsTheSame() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: BackstopProcess.executable),
            "build the executable first: swift build --build-tests (scripts/test does)")
        let fixture = try await MigrateStoreFixture.make()
        let verify = try await MigrateStoreFixture.backstop(["verify", "--config", fixture.sqliteConfig, "--log-level", "critical"])
        #expect(verify.status == 1, "billing-db's backup is missing: \(verify.output)")

        // serve triages verify's run into an incident and verifies the missed window (a second failure).
        let sqliteServe = try BackstopProcess(arguments: ["serve", "--config", fixture.sqliteConfig, "--log-level", "info"])
        for _ in 1...2 { #expect(await sqliteServe.waitForLine(containing: "incident open", within: .seconds(120)) != nil) }
        let before = try await MigrateStoreFixture.answers(port: fixture.sqlitePort)
        await sqliteServe.terminateAndWait()
        let sqliteRecord = try await MigrateStoreFixture.backstop(["verify-record", "--config", fixture.sqliteConfig])
        let rows = try #require(sqliteRecord.output.firstMatch(of: /record intact: (\d+) rows/)?.1, "\(sqliteRecord.output)")

        let migrated = try await fixture.migrate()
        #expect(migrated.status == 0, "\(migrated.output)")
        #expect(
            migrated.output.contains("source \(fixture.sqlitePath): \(rows) record rows, every hash chain verified"), "\(migrated.output)")
        #expect(migrated.output.contains("incidents 1"), "\(migrated.output)")
        #expect(migrated.output.contains("target \(fixture.targetURL): \(rows) record rows, every hash chain verified"))
        #expect(!migrated.output.contains(PostgresStoreFixture.password))

        let postgresRecord = try await MigrateStoreFixture.backstop(["verify-record", "--config", fixture.postgresConfig])
        #expect(postgresRecord.status == 0 && postgresRecord.output.contains("record intact: \(rows) rows"), "\(postgresRecord.output)")

        // A second run finds the record there and copies nothing.
        let again = try await fixture.migrate()
        #expect(again.status == 1)
        #expect(again.output.contains("already holds a Backstop record (runs: "), "\(again.output)")
        #expect(
            try await MigrateStoreFixture.backstop(["verify-record", "--config", fixture.postgresConfig]).output.contains("\(rows) rows"))

        // serve on PostgreSQL finds the window verified and the runs triaged: the same answers.
        let postgresServe = try BackstopProcess(arguments: ["serve", "--config", fixture.postgresConfig, "--log-level", "info"])
        defer { postgresServe.requestTermination(keepingUntilExit: fixture.directory) }
        #expect(await postgresServe.waitForLine(containing: "Server started", within: .seconds(120)) != nil)
        let after = try await MigrateStoreFixture.answers(port: fixture.postgresPort)
        for (path, answer) in before {
            #expect(after[path] == answer, "\(path) on PostgreSQL:\n\(after[path] ?? "-")\n-- on SQLite:\n\(answer)")
        }
        #expect(before["/api/v1/incidents?state=all"]?.contains("billing-db") == true, "\(before)")
        #expect(before["/assets/billing-db"]?.hasPrefix("200 ") == true)
    }

    @Test func aBrokenSourceIsRefusedBeforeTheTargetIsTouched() async throws {
        let fixture = try await MigrateStoreFixture.make()
        _ = try await MigrateStoreFixture.backstop(["verify", "--config", fixture.sqliteConfig, "--log-level", "critical"])
        let queue = try DatabaseQueue(path: fixture.sqlitePath)
        try await queue.write { db in
            try db.execute(sql: "DROP TRIGGER outcomes_append_only_update")
            try db.execute(sql: "UPDATE outcomes SET state = 'healthy'")
        }
        try queue.close()
        let refused = try await fixture.migrate()
        #expect(refused.status == 1)
        #expect(refused.output.contains("is broken, so nothing was copied: outcomes row "), "\(refused.output)")
        let target = try await MigrateStoreFixture.backstop(["verify-record", "--config", fixture.postgresConfig])
        #expect(target.output.contains("holds no Backstop record"), "\(target.output)")
        let missing = try await fixture.migrate(from: fixture.directory.file("nowhere.db"))
        #expect(missing.status == 1 && missing.output.contains("nowhere.db: no such file"), "\(missing.output)")
    }

    /// Text holding NUL (a blob on SQLite) is copied exactly and verifies; a row PostgreSQL's
    /// types refuse in the outbox, copied after every record table, rolls the whole copy back.
    @Test func nulTextIsCopiedExactlyAndARefusedRowRollsBackTheWholeCopy() async throws {
        let fixture = try await MigrateStoreFixture.make()
        let store = try SQLiteRunStore(path: fixture.sqlitePath)
        let at = StoreSamples.now
        var run = StoreSamples.run(
            "run_nul", status: .failed, outcomes: [StoreSamples.outcome("orders-db", healthy: false, at: at)], at: at)
        run.restoreTests = [
            RestoreOutcome(
                asset: "orders-db", artifactPath: "/backups/orders.tar.gz", startedAt: at, durationSeconds: 1, status: .failed,
                evidence: Evidence("tar: a\u{0}b: Unexpected EOF"))
        ]
        try await store.append(run)
        var opened = LedgerChange()
        opened.incidents = [StoreSamples.incident("inc_1")]
        opened.messages = [StoreSamples.message("inc_1", target: .pagerduty)]
        try await store.commit(opened, triagedRunID: "run_nul")
        // SQLite's columns take any type; PostgreSQL's BIGINT does not take this text.
        try await store.database.write { db in try db.execute(sql: "UPDATE outbox SET attempts = 'several'") }

        let refused = try await fixture.migrate()
        #expect(refused.status == 1)
        #expect(refused.output.contains("copying into \(fixture.target)"), "\(refused.output)")
        let counts = try await SharedPostgres.sql(
            "SELECT (SELECT count(*) FROM runs) || ' ' || (SELECT count(*) FROM restore_tests)", database: fixture.target.database)
        #expect(counts.trimmingCharacters(in: .whitespacesAndNewlines) == "0 0", "the record tables copied before the outbox")

        try await store.database.write { db in try db.execute(sql: "UPDATE outbox SET attempts = 0") }
        let copied = try await fixture.migrate()
        #expect(copied.status == 0, "\(copied.output)")
        let postgres = try await PostgresStore.open(fixture.target, logger: PostgresStoreFixture.quietLogger)
        defer { postgres.close() }
        let stored = try #require(try await postgres.run(id: "run_nul"))
        #expect(stored.restoreTests.first?.evidence.message == "tar: a\u{0}b: Unexpected EOF", "the text round-trips exactly")
        #expect(try await postgres.verifyChains().breaks.isEmpty)
    }

    @Test func usageErrorsNameWhatToGive() async throws {
        let noPassword = try await MigrateStoreFixture.backstop([
            "migrate-store", "--from", "sqlite:/tmp/x.db", "--to", "postgres://backstop@127.0.0.1:5432/backstop",
        ])
        #expect(noPassword.status == 2 && noPassword.output.contains("exactly one of --password-file FILE or --password-env"))
        let badSource = try await MigrateStoreFixture.backstop([
            "migrate-store", "--from", "/tmp/x.db", "--to", "postgres://backstop@127.0.0.1/backstop", "--password-env", "PGPASS",
        ])
        #expect(badSource.status == 2 && badSource.output.contains("--from must be sqlite:PATH"), "\(badSource.output)")
        let secretInURL = try await MigrateStoreFixture.backstop([
            "migrate-store", "--from", "sqlite:/tmp/x.db", "--to", "postgres://backstop:hunter2@127.0.0.1/backstop", "--password-env",
            "HOME",
        ])
        #expect(secretInURL.status == 2 && secretInURL.output.contains("--to holds a password"), "\(secretInURL.output)")
        #expect(!secretInURL.output.contains("hunter2"))
    }
}
