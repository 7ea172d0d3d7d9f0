import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// `storage.postgres` as issue 16 writes it: parsed, and every mistake named with key and line,
/// without ever quoting the password.
@Suite struct PostgresStoreConfigurationTests {
    static let password = "s3cret-Pa55"

    static func parse(_ storage: String, in directory: TemporaryDirectory) throws -> Configuration {
        let yaml = """
            storage:
            \(storage)
            schedules: { nightly: { cron: "0 2 * * *" } }
            assets:
              - { name: orders-db, schedule: nightly, backup: { path: /b/*.gz } }
            """
        return try ConfigurationLoader.parse(yaml, file: "backstop.yml", baseDirectory: directory.path)
    }

    static func problems(_ storage: String) throws -> [ConfigurationError.Problem] {
        let directory = try TemporaryDirectory()
        try directory.write("pg-password", password + "\n")
        let error = try #require(throws: ConfigurationError.self) { try parse(storage, in: directory) }
        #expect(!error.description.contains(password))
        return error.problems
    }

    @Test func theIssuesExampleParsesAsWritten() throws {
        let directory = try TemporaryDirectory()
        try directory.write("pg-password", Self.password + "\n")
        let configuration = try Self.parse(
            """
              postgres:
                url: postgres://backstop@db.internal:5432/backstop?sslmode=verify-full
                password_file: pg-password       # or password_env; never in the URL in logs
                buffer: buffer.db
            """, in: directory)
        let store = try #require(configuration.postgresStore)
        #expect(store.host == "db.internal")
        #expect(store.port == 5432)
        #expect(store.user == "backstop")
        #expect(store.database == "backstop")
        #expect(store.sslMode == .verifyFull)
        #expect(store.password == Secret(Self.password))
        #expect(store.buffer == directory.file("buffer.db"))
        #expect(configuration.sqlitePath == "")
        #expect(store.description == "postgres://backstop@db.internal:5432/backstop?sslmode=verify-full")
        #expect(!"\(store)".contains(Self.password) && !String(reflecting: store).contains(Self.password))
    }

    @Test func thePasswordCanComeFromTheEnvironmentAndDefaultsFollowLibpq() throws {
        // A variable the environment already has: setting one here would race with the child
        // processes other tests start, which copy the environment.
        let path = try #require(ProcessInfo.processInfo.environment["PATH"])
        let configuration = try Self.parse(
            "  postgres: { url: \"postgresql://backstop@[::1]/records\", password_env: PATH }", in: try TemporaryDirectory())
        let store = try #require(configuration.postgresStore)
        #expect(store.password == Secret(path))
        #expect(store.host == "::1")
        #expect(store.port == 5432)
        #expect(store.database == "records")
        #expect(store.sslMode == .prefer)
        #expect(store.buffer == nil)
    }

    @Test func aPasswordInTheURLIsRefusedWithoutBeingQuoted() throws {
        let problems = try Self.problems(
            "  postgres: { url: \"postgres://backstop:\(Self.password)@db:5432/backstop\", password_file: pg-password }")
        #expect(problems.count == 1)
        #expect(problems.first?.keyPath == "storage.postgres.url")
        #expect(problems.first?.line == 2)
        #expect(problems.first?.message.contains("password_file") == true)
    }

    @Test(arguments: [
        (
            "postgres://backstop@db/backstop?sslmode=verify_full",
            "sslmode 'verify_full' is not one of disable, allow, prefer, require, verify-ca, verify-full"
        ),
        ("mysql://backstop@db/backstop", "scheme 'mysql' is not postgres:// or postgresql://"),
        ("postgres://db:5432/backstop", "names no user"),
        ("postgres://backstop@db:5432/", "names no database"),
        ("postgres://backstop@db/backstop?connect_timeout=3", "parameter 'connect_timeout' is not supported"),
        ("postgres://backstop@db:99999/backstop", "port 99999 is not between 1 and 65535"),
        ("not a url at all", "is not a URL"),
    ])
    func badURLsAreNamedWithKeyAndLine(url: String, expected: String) throws {
        let problems = try Self.problems("  postgres: { url: \"\(url)\", password_file: pg-password }")
        #expect(problems.map(\.keyPath) == ["storage.postgres.url"])
        #expect(problems.first?.line == 2)
        #expect(problems.first?.message.contains(expected) == true, "\(problems)")
    }

    @Test func thePasswordSourceMustBeExactlyOne() throws {
        let neither = try Self.problems("  postgres: { url: \"postgres://backstop@db/backstop\" }")
        #expect(neither.map(\.keyPath) == ["storage.postgres.password_file"])
        #expect(neither.first?.message.contains("is required (or password_env)") == true)
        let both = try Self.problems(
            "  postgres: { url: \"postgres://backstop@db/backstop\", password_file: pg-password, password_env: HOME }")
        #expect(both.map(\.keyPath) == ["storage.postgres.password_env"])
        #expect(both.first?.message == "give either password_file or password_env, not both")
    }

    @Test func sqliteAndPostgresTogetherAreRefused() throws {
        let problems = try Self.problems(
            """
              sqlite: ./backstop.db
              postgres: { url: "postgres://backstop@db/backstop", password_file: pg-password }
            """)
        #expect(problems.map(\.keyPath) == ["storage"])
        #expect(problems.first?.message == "give either storage.sqlite or storage.postgres, not both")
        #expect(problems.first?.line == 2)
    }

    @Test func anEmptyStorageSectionSaysWhatToGive() throws {
        let problems = try Self.problems("  {}")
        #expect(problems.map(\.keyPath) == ["storage.sqlite"])
        #expect(problems.first?.message.contains("storage.postgres") == true)
    }
}
