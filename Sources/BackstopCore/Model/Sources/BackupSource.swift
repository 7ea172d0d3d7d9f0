/// Where an asset's backups live and which tool reads them. Verification, the record, metrics,
/// reports and incidents are the same for every source; only the adapter that finds, measures,
/// checks and restores an artifact differs.
package enum BackupSource: Sendable, Equatable {
    /// Files on a local or mounted file system (`backup.path`).
    case files
    /// Snapshots in a restic repository.
    case restic(ResticSource)
    /// Archives in a borg repository.
    case borg(BorgSource)
    /// Objects in an S3-compatible bucket.
    case s3(S3Source)
    /// Backups of a PostgreSQL cluster in a pgBackRest stanza.
    case pgbackrest(PgBackRestSource)

    /// The `backup.type` that selects this source in the configuration.
    package var type: String {
        switch self {
        case .files: "files"
        case .restic: "restic"
        case .borg: "borg"
        case .s3: "s3"
        case .pgbackrest: "pgbackrest"
        }
    }

    /// The program this source runs, when it runs one (for missing-dependency checks and for
    /// reading the tool's exit codes).
    package var tool: String? {
        switch self {
        case .files, .s3: nil
        case .restic: "restic"
        case .borg: "borg"
        case .pgbackrest: "pgbackrest"
        }
    }
}
