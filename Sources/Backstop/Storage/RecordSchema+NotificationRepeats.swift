import GRDB

extension RecordSchema {
    /// `alert_notifications` without the unique index on `dedup_key`: repeats are found in a
    /// window of the recent record instead (``NotificationRepeats`` says why). SQLite cannot drop
    /// a column's UNIQUE, so the table is rebuilt: every row is copied as it is, with its `seq`,
    /// `prev_hash` and `hash`, so the hash chain is the same chain, and the append-only triggers
    /// are made again on the new table. `sqlite_sequence` follows the rename, so new rows go on
    /// numbering after the copied ones.
    static func registerNotificationRepeats(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8 notification repeats in a window") { db in
            try db.execute(
                sql: """
                    CREATE TABLE alert_notifications_rebuilt (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        received_at REAL NOT NULL,
                        receiver TEXT NOT NULL,
                        status TEXT NOT NULL,
                        group_key TEXT NOT NULL,
                        dedup_key TEXT NOT NULL,
                        notification_json TEXT NOT NULL,
                        prev_hash TEXT NOT NULL,
                        hash TEXT NOT NULL
                    );
                    INSERT INTO alert_notifications_rebuilt
                        SELECT seq, id, received_at, receiver, status, group_key, dedup_key, notification_json, prev_hash, hash
                        FROM alert_notifications ORDER BY seq;
                    DROP TABLE alert_notifications;
                    ALTER TABLE alert_notifications_rebuilt RENAME TO alert_notifications;
                    """)
            try appendOnlyTriggers(db, table: "alert_notifications")
        }
    }
}
