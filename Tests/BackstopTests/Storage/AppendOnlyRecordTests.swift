import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import GRDB
import Testing

@Suite struct AppendOnlyRecordTests {
    func recordWithTwoRuns() async throws -> (Harness, BackstopServices) {
        let harness = try Harness()
        let artifact = try await harness.fixtures.gzip("backups/orders.sql.gz")
        try harness.fixtures.setModified(artifact, to: Harness.backupTime)
        let configuration = try harness.configuration(
            assets: """
                  - { name: orders-db, schedule: nightly, backup: { path: backups/*.gz, checksum: sidecar }, restore: { command: ["gzip", "-t", "{artifact}"] } }
                  - { name: users-db, schedule: nightly, backup: { path: nothing/*.gz } }
                """)
        let services = try await harness.services(configuration)
        _ = try await services.runner.run(VerificationRequest(trigger: .manual))
        _ = try await services.runner.run(VerificationRequest(trigger: .manual))
        return (harness, services)
    }

    @Test(arguments: [
        "UPDATE runs SET status = 'healthy'",
        "UPDATE checks SET message = 'all good'",
        "UPDATE outcomes SET state = 'healthy' WHERE asset = 'users-db'",
        "DELETE FROM restore_tests",
        "DELETE FROM runs WHERE seq = 1",
    ])
    func theSchemaRejectsUpdatesAndDeletes(sql: String) async throws {
        let (harness, services) = try await recordWithTwoRuns()
        defer { withExtendedLifetime(harness) {} }
        let error = await #expect(throws: DatabaseError.self) {
            try await services.sqliteDatabase.write { db in try db.execute(sql: sql) }
        }
        #expect(error?.message?.contains("is append-only") == true)
        #expect(try await services.store.verifyChains().breaks.isEmpty)
    }

    @Test func anIntactRecordVerifies() async throws {
        let (harness, services) = try await recordWithTwoRuns()
        defer { withExtendedLifetime(harness) {} }
        let (rows, breaks) = try await services.store.verifyChains()
        #expect(breaks.isEmpty)
        #expect(rows > 10)
    }

    @Test func aModifiedRowBreaksTheChain() async throws {
        let (harness, services) = try await recordWithTwoRuns()
        defer { withExtendedLifetime(harness) {} }
        try await services.sqliteDatabase.write { db in
            try db.execute(sql: "DROP TRIGGER outcomes_append_only_update")
            try db.execute(sql: "UPDATE outcomes SET state = 'healthy' WHERE seq = 2")
        }
        let breaks = try await services.store.verifyChains().breaks
        #expect(breaks == [ChainBreak(table: "outcomes", seq: 2, problem: "content does not match its hash (the row was modified)")])
    }

    @Test func aRemovedRowBreaksTheChain() async throws {
        let (harness, services) = try await recordWithTwoRuns()
        defer { withExtendedLifetime(harness) {} }
        try await services.sqliteDatabase.write { db in
            try db.execute(sql: "DROP TRIGGER checks_append_only_delete")
            try db.execute(sql: "DELETE FROM checks WHERE seq = 3")
        }
        let breaks = try await services.store.verifyChains().breaks
        #expect(breaks.count == 1)
        #expect(breaks.first?.table == "checks")
        #expect(breaks.first?.seq == 4)
        #expect(breaks.first?.problem.contains("removed") == true)
    }

    @Test func verifyRecordExitsOneNamingTheTamperedRow() async throws {
        let (harness, services) = try await recordWithTwoRuns()
        let config = harness.directory.file("backstop.yml")
        #expect(await BackstopCommand.runMain(arguments: ["verify-record", "--config", config]) == 0)
        try await services.sqliteDatabase.write { db in
            try db.execute(sql: "DROP TRIGGER runs_append_only_update")
            try db.execute(sql: "UPDATE runs SET status = 'healthy' WHERE seq = 1")
        }
        #expect(await BackstopCommand.runMain(arguments: ["verify-record", "--config", config]) == 1)
    }

    @Test func aRunReadsBackAsItWasAppended() async throws {
        let (harness, services) = try await recordWithTwoRuns()
        defer { withExtendedLifetime(harness) {} }
        let summaries = try await services.store.recentRuns(limit: 10)
        #expect(summaries.count == 2)
        let stored = try #require(try await services.store.run(id: summaries[0].id))
        #expect(stored.outcomes.map(\.asset).sorted() == ["orders-db", "users-db"])
        #expect(stored.outcomes.first { $0.asset == "users-db" }?.state == .missing)
        #expect(
            stored.outcomes.first { $0.asset == "orders-db" }?.checks.map(\.kind) == CheckKind.allCases.filter { $0.applies(to: .files) })
        #expect(stored.restoreTests.count == 1)
        #expect(summaries[0].failed == 1)
    }
}
