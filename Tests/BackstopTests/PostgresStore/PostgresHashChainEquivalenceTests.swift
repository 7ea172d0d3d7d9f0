import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import GRDB
import PostgresNIO
import Testing

/// The PostgreSQL chain hashes exactly as SQLite's: a record made by the real SQLite store,
/// copied row by row (hashes included) into PostgreSQL, verifies there; so `verify-record`
/// means the same on both, and a migration between them can check the chain on both sides.
@Suite(.serialized) struct PostgresHashChainEquivalenceTests {
    @Test func aSQLiteRecordCopiedToPostgresVerifiesThere() async throws {
        let harness = try Harness()
        let artifact = try await harness.fixtures.gzip("backups/orders.sql.gz")
        try harness.fixtures.setModified(artifact, to: Harness.backupTime)
        let configuration = try harness.configuration(
            assets: """
                  - { name: orders-db, schedule: nightly, backup: { path: backups/*.gz, checksum: sidecar }, restore: { command: ["gzip", "-t", "{artifact}"] } }
                  - { name: users-db, schedule: nightly, backup: { path: nothing/*.gz } }
                """)
        let services = try await harness.services(configuration)
        for _ in 1...2 { _ = try await services.runner.run(VerificationRequest(trigger: .manual)) }
        // A name holding NUL (an alert's label can), which SQLite keeps as a blob.
        try await services.store.append(StoreSamples.run("run_nul", outcomes: [StoreSamples.outcome("x\u{0}db", healthy: true)]))
        let sqlite = try await services.store.verifyChains()
        #expect(sqlite.breaks.isEmpty)

        let fixture = try await PostgresStoreFixture.start()
        defer { withExtendedLifetime(fixture) {} }
        let connection = try await fixture.connect()
        let logger = PostgresStoreFixture.quietLogger
        try await PostgresMigrator.migrate(connection, logger: logger)
        var copied = 0
        var blobs = 0
        for (table, columns) in PostgresHashChain.tables {
            let all = ["seq"] + columns + ["prev_hash", "hash"]
            let rows = try services.sqliteDatabase.read { db in
                try Row.fetchAll(db, sql: "SELECT \(all.joined(separator: ", ")) FROM \(table) ORDER BY seq")
            }
            for row in rows {
                var binds = PostgresBindings()
                for column in all {
                    let value: DatabaseValue = row[column]
                    if case .blob = value.storage { blobs += 1 }
                    PostgresHashChain.bind(RecordValue(value), into: &binds)
                }
                let placeholders = (1...all.count).map { "$\($0)" }.joined(separator: ", ")
                try await connection.query(
                    PostgresQuery(
                        unsafeSQL: "INSERT INTO \(table) (\(all.joined(separator: ", "))) OVERRIDING SYSTEM VALUE VALUES (\(placeholders))",
                        binds: binds), logger: logger)
                copied += 1
            }
            // Rows copied with their own seq leave the identity behind; move it past them.
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: "SELECT setval(pg_get_serial_sequence('\(table)', 'seq'), max(seq)) FROM \(table) HAVING count(*) > 0"),
                logger: logger)
        }
        #expect(copied == sqlite.rows)
        #expect(copied > 20)
        #expect(blobs > 0, "the name holding NUL is a blob on SQLite")
        let postgres = try await PostgresHashChain.verify(connection, logger: logger)
        #expect(postgres.breaks.isEmpty)
        #expect(postgres.rows == sqlite.rows)

        // And a row appended on PostgreSQL continues the copied chain.
        try await SampleRecord.appendRun("after-copy", assets: ["orders-db"], on: connection)
        #expect(try await PostgresHashChain.verify(connection, logger: logger).breaks.isEmpty)
        try await connection.close()
    }
}
