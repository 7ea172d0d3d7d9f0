import GRDB

extension RecordSchema {
    /// An index of each incident's pending messages to each target, in the order they go out.
    /// A message waits for the older pending ones of its line (``OutboxRow/headOfLine``), and
    /// `outbox_incident` holds the line's delivered messages too: with thousands of comments
    /// queued for one incident, every look at the line stepped over all that had gone before,
    /// and the queue drained at 13 messages a second. Partial, so it holds only what is pending.
    /// An index only: no recorded row or hash changes.
    static func registerOutboxLines(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v10 pending outbox lines") { db in
            try db.execute(sql: OutboxRow.pendingLineIndex)
        }
    }
}
