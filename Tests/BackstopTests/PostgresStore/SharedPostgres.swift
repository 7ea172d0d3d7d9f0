import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import PostgresNIO
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One real PostgreSQL for the whole test process, with a fresh database per use, so every
/// conformance test runs on PostgreSQL without an `initdb` each (seconds on a loaded machine).
/// Started on first use; stopped when the test process exits.
enum SharedPostgres {
    private static let fixture = Mutex<Task<PostgresStoreFixture, any Error>?>(nil)
    private static let started = Mutex<PostgresStoreFixture?>(nil)
    private static let counter = Atomic<Int>(0)

    /// A new, empty database owned by the `backstop` role, and its store configuration.
    static func freshDatabase() async throws -> PostgresStoreConfiguration {
        let fixture = try await shared()
        let name = "conformance_\(counter.add(1, ordering: .relaxed).newValue)"
        // Through postgres-nio as the (loopback-trusted) superuser, not psql: a psql per test
        // would block one of the few threads of Swift's cooperative pool while it runs.
        var superuser = fixture.store
        superuser.user = "postgres"
        let connection = try await PostgresConnector(superuser).connect(logger: PostgresStoreFixture.quietLogger)
        do {
            try await connection.query(
                PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) OWNER backstop"), logger: PostgresStoreFixture.quietLogger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
        var store = fixture.store
        store.database = name
        return store
    }

    /// SQL as the superuser in one of the databases made here; psql's unaligned output.
    static func sql(_ statements: String, database: String) async throws -> String {
        let fixture = try await shared()
        return try await Shell.run([
            "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(fixture.server.port)", "-U", "postgres",
            "-d", database, "-c", statements,
        ])
    }

    private static func shared() async throws -> PostgresStoreFixture {
        let task = fixture.withLock { task in
            if let task { return task }
            let made = Task {
                let fixture = try await PostgresStoreFixture.start()
                started.withLock { $0 = fixture }
                atexit { SharedPostgres.stop() }
                return fixture
            }
            task = made
            return made
        }
        return try await task.value
    }

    /// At exit no deinit runs, so the server's data directory (hundreds of MB) is removed here;
    /// it was left behind by every test process, and filled the disk.
    private static func stop() {
        started.withLock { fixture in
            guard let fixture else { return }
            fixture.server.stop()
            try? FileManager.default.removeItem(atPath: fixture.server.directory.path)
            try? FileManager.default.removeItem(atPath: fixture.directory.path)
        }
    }
}
