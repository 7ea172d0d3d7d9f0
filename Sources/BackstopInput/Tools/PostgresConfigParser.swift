import BackstopCore
import Foundation
import Yams

/// The PostgreSQL parts of the configuration: the top-level `postgres:` (binaries and user)
/// and an asset's `restore.postgres:` (dump format, database, validation queries).
enum PostgresConfigParser {
    static func parseSettings(_ node: Node, reader: ConfigReader, resolve: (String) -> String) -> PostgresSettings {
        var settings = PostgresSettings()
        guard let fields = reader.mapping(node, "postgres", allowed: ["bin_dir", "user"]) else { return settings }
        if let binDirectory = fields["bin_dir"].flatMap({ reader.nonEmptyString($0, "postgres.bin_dir") }) {
            let resolved = resolve(binDirectory)
            if FileManager.default.isExecutableFile(atPath: "\(resolved)/initdb") {
                settings.binDirectory = resolved
            } else {
                reader.report(
                    fields["bin_dir"], "postgres.bin_dir",
                    "'\(resolved)' has no initdb; give the bin directory of a PostgreSQL server installation, e.g. /usr/lib/postgresql/15/bin"
                )
            }
        }
        if let user = fields["user"].flatMap({ reader.nonEmptyString($0, "postgres.user") }) {
            if getpwnam(user) == nil {
                reader.report(
                    fields["user"], "postgres.user",
                    "'\(user)' is not a user on this host; PostgreSQL runs as it when Backstop runs as root")
            } else {
                settings.user = user
            }
        }
        return settings
    }

    /// `restore.postgres: { format, database, validate_sql }`. `isDump` says whether the
    /// artifact is a pg_dump archive (files) or a physical backup (pgBackRest).
    static func parseRestore(_ node: Node, path: String, reader: ConfigReader, isDump: Bool) -> PostgresRestoreSpec? {
        guard let fields = reader.mapping(node, path, allowed: ["format", "database", "validate_sql"]) else { return nil }
        var spec = PostgresRestoreSpec(format: isDump ? .custom : nil)
        if let formatNode = fields["format"] {
            if !isDump {
                reader.report(
                    formatNode, "\(path).format", "applies to pg_dump archives (files backups); a pgBackRest backup is restored physically")
            } else if let format = reader.oneOf(formatNode, "\(path).format", PostgresRestoreSpec.DumpFormat.self) {
                spec.format = format
            }
        }
        if let database = fields["database"].flatMap({ reader.nonEmptyString($0, "\(path).database") }) {
            spec.database = database
        } else if isDump {
            spec.database = "restore"
        }
        if let queries = fields["validate_sql"].flatMap({ reader.stringList($0, "\(path).validate_sql") }) {
            if queries.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                reader.report(fields["validate_sql"], "\(path).validate_sql", "has an empty query; each must be one SELECT returning true")
            }
            spec.validateSQL = queries
        }
        return spec
    }
}
