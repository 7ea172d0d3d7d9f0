import BackstopCore

/// pgBackRest's command lines, built in one place so every call names the same stanza,
/// configuration and repository.
enum PgBackRestCommand {
    static func base(_ source: PgBackRestSource) -> [String] {
        var argv = ["--stanza=\(source.stanza)", "--log-level-stderr=off"]
        if let config = source.config { argv.append("--config=\(config)") }
        if let repo = source.repo { argv.append("--repo=\(repo)") }
        return argv
    }

    static func info(_ source: PgBackRestSource) -> [String] {
        base(source) + ["--log-level-console=warn", "--output=json", "info"]
    }

    /// At info level: verify exits 0 even when it finds invalid files and says so only in
    /// its summary (`status: error`, `checksum invalid: 1`).
    static func verify(_ source: PgBackRestSource) -> [String] {
        base(source) + ["--log-level-console=info", "verify"]
    }

    /// The archived WAL of one archive ID (`15-1`), listed recursively as JSON.
    static func listArchive(_ source: PgBackRestSource, archiveID: String) -> [String] {
        base(source) + ["--log-level-console=warn", "--recurse", "--output=json", "repo-ls", "archive/\(source.stanza)/\(archiveID)"]
    }

    /// Restores `set` into `dataDirectory` and recovers to the backup's consistency point,
    /// then promotes: exactly what the backup holds, no WAL beyond it.
    static func restore(_ set: PostgresRestore.PgBackRestSet, into dataDirectory: String) -> [String] {
        ["pgbackrest"] + base(set.source) + [
            "--log-level-console=warn", "--pg1-path=\(dataDirectory)", "--set=\(set.label)", "--type=immediate", "--target-action=promote",
            "restore",
        ]
    }
}
