import Backstop
import BackstopTesting
import Foundation
import PostgresNIO
import Testing

/// Schema migrations against a real PostgreSQL, as several replicas starting together run them.
@Suite(.serialized) struct PostgresMigrationTests {
    @Test func twoReplicasMigratingAtOnceApplyEachVersionOnce() async throws {
        let fixture = try await PostgresStoreFixture.start()
        defer { withExtendedLifetime(fixture) {} }
        let first = try await fixture.connect(id: 1)
        let second = try await fixture.connect(id: 2)
        let logger = PostgresStoreFixture.quietLogger
        async let a = PostgresMigrator.migrate(first, logger: logger)
        async let b = PostgresMigrator.migrate(second, logger: logger)
        let applied = try await [a, b]
        let everything = PostgresMigration.all.map(\.version)
        #expect(applied.sorted { $0.count < $1.count } == [[], everything])
        #expect(
            try await fixture.superuserSQL("SELECT version || ':' || name FROM schema_migrations ORDER BY version")
                == "1:record\n2:work claims\n3:incident ledger and outbox\n4:approvals\n5:checks by run and asset\n6:outcomes by window\n7:notification keys looked up\n8:pending outbox lines\n"
        )
        // A later start finds nothing to do.
        #expect(try await PostgresMigrator.migrate(first, logger: logger) == [])
        #expect(try await PostgresSchemaVersion.current(second, logger: logger) == everything.max())
        try await first.close()
        try await second.close()
    }

    @Test func aDatabaseMigratedByANewerBackstopIsRefused() async throws {
        let fixture = try await PostgresStoreFixture.start()
        defer { withExtendedLifetime(fixture) {} }
        let connection = try await fixture.connect()
        try await PostgresMigrator.migrate(connection, logger: PostgresStoreFixture.quietLogger)
        try await fixture.superuserSQL("INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')")
        let error = await #expect(throws: PostgresStoreError.self) {
            try await PostgresMigrator.migrate(connection, logger: PostgresStoreFixture.quietLogger)
        }
        #expect(error?.message.contains("schema is at version 99, newer than this Backstop knows") == true)
        try await connection.close()
    }

    @Test func everyRecordTableHasTheSQLiteColumnsInOrder() async throws {
        let fixture = try await PostgresStoreFixture.start()
        defer { withExtendedLifetime(fixture) {} }
        let connection = try await fixture.connect()
        try await PostgresMigrator.migrate(connection, logger: PostgresStoreFixture.quietLogger)
        try await connection.close()
        for (table, columns) in PostgresHashChain.tables {
            let found = try await fixture.superuserSQL(
                "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = '\(table)'"
            )
            #expect(found == (["seq"] + columns + ["prev_hash", "hash"]).joined(separator: ",") + "\n", "\(table)")
        }
    }
}
