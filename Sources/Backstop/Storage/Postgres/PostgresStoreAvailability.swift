/// What this build can do with `storage.postgres`: the schema, `verify-record` and
/// `check-config` work; the store the server runs on is still SQLite only (issue 16 wires the
/// PostgreSQL store into the store protocols). Saying so at start beats a silent SQLite fallback.
enum PostgresStoreAvailability {
    static func notYetAvailable(config: String) -> String {
        "Error: \(config): storage.postgres: the PostgreSQL store is not available yet in this build of Backstop; "
            + "this command needs storage.sqlite for now (check-config and verify-record already accept storage.postgres)"
    }
}
