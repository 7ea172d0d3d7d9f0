/// A pgBackRest stanza: the backups of one PostgreSQL cluster in a pgBackRest repository.
package struct PgBackRestSource: Sendable, Equatable {
    package var stanza: String
    /// pgBackRest's configuration file; nil uses pgBackRest's own default.
    package var config: String?
    /// Which repository (`--repo`), when the stanza has several.
    package var repo: Int?
    /// Also run `pgbackrest verify` on the repository.
    package var verify: Bool

    package init(stanza: String, config: String? = nil, repo: Int? = nil, verify: Bool = false) {
        self.stanza = stanza
        self.config = config
        self.repo = repo
        self.verify = verify
    }
}
