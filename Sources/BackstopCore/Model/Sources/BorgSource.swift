/// A borg repository and the archives in it that belong to an asset.
package struct BorgSource: Sendable, Equatable {
    /// A path or `ssh://…`. Passed to borg in BORG_REPO, never in argv.
    package var repository: String
    /// nil for an unencrypted repository.
    package var passphrase: PasswordSource?
    /// A shell-style pattern over archive names (`home-*`); nil takes every archive.
    package var archiveGlob: String?
    /// `borg check --verify-data` instead of the repository-only check.
    package var verifyData: Bool

    package init(repository: String, passphrase: PasswordSource?, archiveGlob: String? = nil, verifyData: Bool = false) {
        self.repository = repository
        self.passphrase = passphrase
        self.archiveGlob = archiveGlob
        self.verifyData = verifyData
    }
}
