/// A thing that must be backed up, with how its backups are found, checked and restored.
package struct Asset: Sendable, Equatable {
    package var name: String
    package var kind: AssetKind
    /// The service that produces the data; its logs are correlated with failures.
    package var service: String?
    /// Services whose logs are pulled too when this asset's backup fails.
    package var adjacent: [String]
    package var scheduleName: String
    package var backup: BackupSpec
    package var restore: RestoreSpec?

    package init(
        name: String,
        kind: AssetKind,
        service: String? = nil,
        adjacent: [String] = [],
        scheduleName: String,
        backup: BackupSpec,
        restore: RestoreSpec? = nil
    ) {
        self.name = name
        self.kind = kind
        self.service = service
        self.adjacent = adjacent
        self.scheduleName = scheduleName
        self.backup = backup
        self.restore = restore
    }
}
