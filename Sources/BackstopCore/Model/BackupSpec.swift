/// How an asset's backup artifacts are found and what they must satisfy.
package struct BackupSpec: Sendable, Equatable {
    /// Files: a glob (newest match wins) or a path with `{date:FORMAT}` placeholders. Other
    /// sources: where the backups are, in words (`restic repository /srv/restic/app`), for
    /// evidence and reports.
    package var path: String
    /// Which adapter finds, measures, checks and restores the artifacts.
    package var source: BackupSource = .files
    package var checksum: ChecksumPolicy
    package var size: SizePolicy
    /// The oldest an artifact may be when it is verified (in every run).
    package var maxAge: Duration?
    /// Where the backup tool writes its report (see ``ToolReport``).
    package var statusFile: String?
    /// The backup tool (`restic`, `rsync`, …), so its exit codes can be read.
    package var tool: String?
    /// `HOST:PORT` of the backup target, probed for reachability when a backup fails.
    package var target: String?
    /// The argv that runs the backup again, for automatic retries of transient failures.
    package var retry: [String]?

    package init(
        path: String,
        checksum: ChecksumPolicy = .none,
        size: SizePolicy = SizePolicy(),
        maxAge: Duration? = nil,
        statusFile: String? = nil
    ) {
        self.path = path
        self.checksum = checksum
        self.size = size
        self.maxAge = maxAge
        self.statusFile = statusFile
    }
}

/// Where the expected SHA-256 of an artifact comes from.
package enum ChecksumPolicy: Sendable, Equatable {
    /// `<artifact>.sha256` next to the artifact, in `sha256sum` format.
    case sidecar
    /// One file in `sha256sum` format listing many artifacts by name.
    case manifest(path: String)
    /// The checksum the store keeps with the object (S3's `x-amz-checksum-sha256`).
    case stored
    /// No checksum is kept; the check is skipped.
    case none
}

/// Bounds an artifact's size must stay within.
package struct SizePolicy: Sendable, Equatable {
    package var minBytes: Int64?
    package var maxBytes: Int64?
    /// Largest allowed relative change against the median of recent healthy sizes (0.5 = ±50 %).
    package var maxChange: Double?

    package init(minBytes: Int64? = nil, maxBytes: Int64? = nil, maxChange: Double? = nil) {
        self.minBytes = minBytes
        self.maxBytes = maxBytes
        self.maxChange = maxChange
    }
}
