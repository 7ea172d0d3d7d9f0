import ArgumentParser
import Foundation
import Logging

/// `backstop migrate-store`: moves a single-node SQLite record into an empty PostgreSQL store,
/// the step from one Backstop to several replicas (docs/HIGH-AVAILABILITY.md).
struct MigrateStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-store",
        abstract: "Copy an SQLite record (hashes included) into an empty PostgreSQL store, verifying the chains on both sides.",
        discussion: """
            Copies every record table, the incident ledger, the outbox, the alert intake and the \
            approvals, with their hashes, so the chain on PostgreSQL is the same chain. The source \
            is read through a snapshot (safe while `serve` runs on it; stop it first so nothing \
            recorded after the snapshot is left behind) and never changed. The copy is all or \
            nothing: one PostgreSQL transaction that refuses a target already holding a record, \
            verifies the copied chains before it commits, and leaves the target as it was when it \
            stops for any reason; run it again once the cause is fixed. The chains are verified \
            on the source before and on the target after (as `backstop verify-record` does). \
            The password never goes on the command line: --password-file FILE or \
            --password-env VARIABLE, as storage.postgres's password_file and password_env. \
            Example: backstop migrate-store --from sqlite:/var/lib/backstop/backstop.db \
            --to postgres://backstop@db.internal:5432/backstop?sslmode=verify-full \
            --password-file /run/secrets/pg-password. \
            Exit codes: 0 copied and verified, 1 the copy failed or the source record is \
            broken (nothing copied), 2 usage error.
            """)

    @Option(help: ArgumentHelp("The SQLite store to copy (storage.sqlite).", valueName: "sqlite:path"))
    var from: String

    @Option(
        help: ArgumentHelp(
            "The empty PostgreSQL database, as storage.postgres's url (no password in it).", valueName: "postgres://user@host:port/db"))
    var to: String

    @Option(help: ArgumentHelp("File holding the PostgreSQL password.", valueName: "file"))
    var passwordFile: String?

    @Option(help: ArgumentHelp("Environment variable holding the PostgreSQL password.", valueName: "name"))
    var passwordEnv: String?

    @Option(help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error, critical.", valueName: "level"))
    var logLevel: LogLevel = .warning

    func validate() throws {
        guard from.hasPrefix("sqlite:"), from.count > "sqlite:".count else {
            throw ValidationError("--from must be sqlite:PATH, the storage.sqlite file to copy, e.g. sqlite:/var/lib/backstop/backstop.db")
        }
        if (passwordFile == nil) == (passwordEnv == nil) {
            throw ValidationError(
                "give the PostgreSQL password with exactly one of --password-file FILE or --password-env VARIABLE (never in the URL)")
        }
    }

    func run() async throws {
        let target = try PostgresStoreConfiguration.targetURL(to, password: try readPassword())
        let source = String(from.dropFirst("sqlite:".count))
        do {
            let summary = try await StoreMigration.run(from: source, to: target, logger: makeLogger()) { print($0) }
            let tables = summary.copied.filter { $0.rows > 0 }.map { "\($0.table) \($0.rows)" }.joined(separator: ", ")
            print("copied into \(target): \(tables.isEmpty ? "nothing (the source record is empty)" : tables)")
            print("target \(target): \(summary.targetRows) record rows, every hash chain verified")
        } catch {
            printError("Error: migrate-store: \(error.message)")
            throw ExitCode(1)
        }
    }

    /// Logs (the driver's, at the level asked) on stderr, as the other commands write them.
    private func makeLogger() -> Logger {
        let level = logLevel.level
        var logger = Logger(label: "backstop") { label in
            var handler = StderrLogHandler(label: label, format: .text)
            handler.logLevel = level
            return handler
        }
        logger.logLevel = level
        return logger
    }

    private func readPassword() throws -> Secret {
        if let passwordFile {
            guard let data = FileManager.default.contents(atPath: passwordFile) else {
                throw ValidationError("--password-file \(passwordFile): cannot read it; check that it exists and that you may read it")
            }
            let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else { throw ValidationError("--password-file \(passwordFile) is empty") }
            return Secret(value)
        }
        let variable = passwordEnv ?? ""
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else {
            throw ValidationError("--password-env \(variable): the environment variable is not set or empty")
        }
        return Secret(value)
    }
}

extension PostgresStoreConfiguration {
    /// `--to`: `postgres://…` or `postgresql://…`, optionally written `postgres:postgres://…`.
    fileprivate static func targetURL(_ text: String, password: Secret) throws -> PostgresStoreConfiguration {
        var url = text
        if url.hasPrefix("postgres:"), !url.hasPrefix("postgres://") { url.removeFirst("postgres:".count) }
        do {
            return try parse(url: url, password: password)
        } catch {
            throw ValidationError("--to \(error.description)")
        }
    }
}
