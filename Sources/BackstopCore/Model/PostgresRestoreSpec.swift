/// A restore into a throwaway PostgreSQL cluster, checked with SQL: a pgBackRest backup
/// restored and recovered, or a pg_dump archive loaded into a fresh database.
package struct PostgresRestoreSpec: Sendable, Equatable {
    /// pg_dump's format of a dump artifact; nil for a pgBackRest backup.
    package var format: DumpFormat?
    /// The database the dump is loaded into and the queries run in.
    package var database: String
    /// Each must return one row whose first column is true or a non-zero number.
    package var validateSQL: [String]

    package init(format: DumpFormat? = nil, database: String = "postgres", validateSQL: [String] = []) {
        self.format = format
        self.database = database
        self.validateSQL = validateSQL
    }

    /// pg_dump's output formats (`--format`).
    package enum DumpFormat: String, Sendable, Equatable, CaseIterable {
        case custom, directory, tar, plain
    }
}

/// Where the PostgreSQL server binaries are and whom they run as.
package struct PostgresSettings: Sendable, Equatable {
    /// nil: the newest (or the backup's major) version under /usr/lib/postgresql/*/bin.
    package var binDirectory: String?
    /// When Backstop runs as root, PostgreSQL and pgBackRest run as this user (initdb refuses root).
    package var user: String

    package init(binDirectory: String? = nil, user: String = "postgres") {
        self.binDirectory = binDirectory
        self.user = user
    }
}
