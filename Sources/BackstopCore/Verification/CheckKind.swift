/// The checks every expected backup goes through, in the order they are reported.
package enum CheckKind: String, Sendable, Codable, CaseIterable {
    case exists
    case size
    case checksum
    case toolStatus = "tool_status"
    case freshness
    /// WAL archive continuity from the newest backup to the latest archived segment
    /// (pgBackRest), without which the backup restores only to its own end.
    case walArchive = "wal_archive"
    case restore

    /// Whether this check exists for backups of `source` (series and reports show only those).
    package func applies(to source: BackupSource) -> Bool {
        switch (self, source) {
        case (.walArchive, .pgbackrest): true
        case (.walArchive, _): false
        default: true
        }
    }
}

/// How one check ended. `skipped` means the check does not apply (no checksum kept, not sampled).
package enum CheckStatus: String, Sendable, Codable {
    case passed
    case failed
    case skipped
}
