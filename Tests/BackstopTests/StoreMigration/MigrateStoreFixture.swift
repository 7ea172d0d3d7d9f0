import Backstop
import BackstopTesting
import Foundation

/// An SQLite installation made by the real `backstop` (one healthy asset, one whose backup is
/// missing) and a fresh PostgreSQL database to move it into.
struct MigrateStoreFixture {
    let directory: TemporaryDirectory
    let target: PostgresStoreConfiguration
    let sqliteConfig: String
    let postgresConfig: String
    let sqlitePort: Int
    let postgresPort: Int

    var sqlitePath: String { directory.file("data/backstop.db") }
    var targetURL: String { "postgres://\(target.user)@127.0.0.1:\(target.port)/\(target.database)?sslmode=disable" }
    var passwordFile: String { directory.file("pg-password") }

    static func make() async throws -> MigrateStoreFixture {
        let directory = try TemporaryDirectory("backstop-migrate")
        let fixtures = BackupFixtures(directory: directory)
        try fixtures.setModified(try await fixtures.archive("backups/orders-1.tar.gz"), to: Date())
        try directory.write("pg-password", PostgresStoreFixture.password + "\n")
        let target = try await SharedPostgres.freshDatabase()
        let sqlitePort = try FreePort.find()
        let postgresPort = try FreePort.find()
        let assets = """
            schedules: { daily: { cron: "0 0 * * *", timezone: UTC, window: 1h, grace: 1m } }
            restore_tests: { sample: 100%, scratch: ./scratch }
            diagnosis: { probes: false }
            assets:
              - { name: orders-db, schedule: daily, backup: { path: backups/orders-*.tar.gz, checksum: sidecar }, \(ServeFixtures.tarRestore) }
              - { name: billing-db, schedule: daily, backup: { path: backups/billing-*.tar.gz } }
            """
        let sqliteConfig = try directory.write(
            "sqlite.yml", "listen: 127.0.0.1:\(sqlitePort)\nstorage: { sqlite: ./data/backstop.db }\n" + assets)
        let postgresConfig = try directory.write(
            "postgres.yml",
            """
            listen: 127.0.0.1:\(postgresPort)
            storage:
              postgres:
                url: postgres://\(target.user)@127.0.0.1:\(target.port)/\(target.database)?sslmode=disable
                password_file: ./pg-password

            """ + assets)
        return MigrateStoreFixture(
            directory: directory, target: target, sqliteConfig: sqliteConfig, postgresConfig: postgresConfig, sqlitePort: sqlitePort,
            postgresPort: postgresPort)
    }

    /// The built `backstop` with `arguments` (stdout and stderr together).
    static func backstop(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await PostgresStoreCommandTests.backstop(arguments)
    }

    /// `backstop migrate-store` from this installation's SQLite file into the fresh database.
    func migrate(from source: String? = nil) async throws -> (status: Int32, output: String) {
        try await Self.backstop([
            "migrate-store", "--from", "sqlite:\(source ?? sqlitePath)", "--to", targetURL, "--password-file", passwordFile,
        ])
    }

    /// What `serve` on `config` answers on `port`: the incidents, the runs and an asset's page.
    static func answers(port: Int) async throws -> [String: String] {
        let base = "http://127.0.0.1:\(port)"
        var answers: [String: String] = [:]
        for path in ["/api/v1/incidents?state=all", "/api/v1/runs?limit=50", "/assets/billing-db", "/?state=missing"] {
            let response = try await FakeHTTPRequests.send(.GET, base + path)
            // The page's own "as of" is when it was rendered, and "just now" / "3 min ago" when it
            // was read: only the record's times are compared.
            let text = response.text.replacing(/as of <time[^<]*<\/time>/, with: "as of")
                .replacing(/(<time datetime="[^"]*")[^>]*>[^<]*<\/time>/) { "\($0.1)>" }
            answers[path] = "\(response.status) " + text
        }
        return answers
    }
}
