import GRDB

extension RecordSchema {
    /// Indexes for reading one asset's part of a run: an asset page shows the latest outcome's
    /// checks, and a run of 10,000 assets has some 60,000 checks that `checks_run` alone makes
    /// SQLite scan to find one asset's six. Indexes only: no recorded row or hash changes.
    static func registerLookupIndexes(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7 checks by run and asset") { db in
            try db.execute(sql: "CREATE INDEX checks_run_asset ON checks(run_id, asset)")
        }
    }
}
