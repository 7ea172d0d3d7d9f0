/// A restic repository and the filters that pick an asset's snapshots in it.
package struct ResticSource: Sendable, Equatable {
    /// Any restic repository string: a path, `sftp:…`, `s3:…`, `rest:…`. Passed to restic in
    /// RESTIC_REPOSITORY, never in argv (a `rest:` URL may carry a password).
    package var repository: String
    package var password: PasswordSource
    /// A file of KEY=VALUE lines added to restic's environment (e.g. AWS_* for `s3:`).
    package var environmentFile: String?
    package var host: String?
    package var tags: [String]
    package var paths: [String]
    /// `--read-data-subset` for `restic check`: nil checks the structure only.
    package var readDataSubset: DataSubset?

    package init(
        repository: String, password: PasswordSource, environmentFile: String? = nil, host: String? = nil, tags: [String] = [],
        paths: [String] = [], readDataSubset: DataSubset? = nil
    ) {
        self.repository = repository
        self.password = password
        self.environmentFile = environmentFile
        self.host = host
        self.tags = tags
        self.paths = paths
        self.readDataSubset = readDataSubset
    }
}

/// Where a backup tool gets the repository's password or passphrase: a file or a command.
/// Only the file's path or the command's argv is kept; the secret itself is read by the tool.
package enum PasswordSource: Sendable, Equatable {
    case file(String)
    case command([String])
}

/// How much of a repository's data a check reads.
package enum DataSubset: Sendable, Equatable {
    /// A share (0 < share ≤ 1), rotated across runs so successive runs cover everything.
    case share(Double)
    /// restic's own `n/t` form: read the n-th of t parts.
    case part(Int, of: Int)
}
