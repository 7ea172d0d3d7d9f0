import Backstop
import BackstopTesting
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// A real PostgreSQL with a `backstop` role that logs in with a password (SCRAM), owning a
/// `backstop` database, as a deployment has it; the `postgres` superuser stays trusted on
/// loopback for the tests' own tampering through psql.
final class PostgresStoreFixture: Sendable {
    static let password = "pg-Pa55-\(UUID().uuidString.prefix(8))"

    let server: PostgresServer
    let directory: TemporaryDirectory
    let store: PostgresStoreConfiguration
    /// Closed when the fixture goes: postgres-nio asserts a connection is closed before it is freed,
    /// and a test that fails half-way must not crash the suite.
    private let connections = Mutex<[PostgresConnection]>([])

    static func start() async throws -> PostgresStoreFixture {
        let server = try await PostgresServer.start()
        try await server.sql("CREATE ROLE backstop LOGIN PASSWORD '\(password)'")
        try await server.sql("CREATE DATABASE backstop OWNER backstop")
        let hba = """
            local all all trust
            host all postgres 127.0.0.1/32 trust
            host all all 127.0.0.1/32 scram-sha-256
            """
        try Data(hba.utf8).write(to: URL(fileURLWithPath: server.directory.file("data/pg_hba.conf")))
        try await server.sql("SELECT pg_reload_conf()")
        return try PostgresStoreFixture(server: server)
    }

    private init(server: PostgresServer) throws {
        self.server = server
        directory = try TemporaryDirectory("backstop-pg-store")
        try directory.write("pg-password", Self.password + "\n")
        store = PostgresStoreConfiguration(
            host: "127.0.0.1", port: server.port, user: "backstop", database: "backstop", sslMode: .disable,
            password: Secret(Self.password))
    }

    /// A configuration file using this database, for the CLI.
    func configFile() throws -> String {
        try directory.write(
            "backstop.yml",
            """
            storage:
              postgres:
                url: postgres://backstop@127.0.0.1:\(server.port)/backstop?sslmode=disable
                password_file: pg-password
            schedules: { nightly: { cron: "0 2 * * *" } }
            assets:
              - { name: orders-db, schedule: nightly, backup: { path: /b/*.gz } }
            """)
    }

    func connect(_ logger: Logger = PostgresStoreFixture.quietLogger, id: Int = 1) async throws -> PostgresConnection {
        let connection = try await PostgresConnector(store).connect(logger: logger, id: id)
        connections.withLock { $0.append(connection) }
        return connection
    }

    /// SQL as the superuser in the `backstop` database (what an attacker with the keys could do).
    @discardableResult
    func superuserSQL(_ statements: String) async throws -> String {
        try await Shell.run([
            "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(server.port)", "-U", "postgres", "-d",
            "backstop", "-c", statements,
        ])
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "backstop-test")
        logger.logLevel = .critical
        return logger
    }

    deinit {
        for connection in connections.withLock({ $0 }) { try? connection.close().wait() }
        server.stop()
    }
}
