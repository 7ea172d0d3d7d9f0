import BackstopCore
import Foundation
import GRDB

/// The buffer's SQLite file: the writes accepted while PostgreSQL was down, oldest first, each
/// committed (synchronous = FULL) before the caller is answered. Items leave it only once
/// PostgreSQL committed them (``remove(through:)`` after the drain's commit); an item
/// PostgreSQL refuses moves to `refused`, kept with the refusal, never dropped.
package final class BufferJournal: Sendable {
    package let path: String
    /// Internal, not private, for the test that reads its `synchronous` (``DurableSQLite``).
    let queue: DatabaseQueue

    package init(path: String) throws(StoreError) {
        self.path = path
        do {
            queue = try DatabaseQueue(path: path, configuration: try DurableSQLite.configuration(creatingDirectoryOf: path))
            // WAL cannot be switched on inside a transaction.
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
            try queue.write { db in try Self.create(db) }
        } catch {
            throw StoreError(
                "cannot open the buffer at \(path): \(error); check storage.postgres.buffer and that its directory is writable")
        }
    }

    private static func create(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS pending (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL,
                    item_key TEXT NOT NULL,
                    processes_event TEXT,
                    accepted_at REAL NOT NULL,
                    body BLOB NOT NULL,
                    UNIQUE (kind, item_key));
                CREATE TABLE IF NOT EXISTS refused (
                    seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, item_key TEXT NOT NULL, accepted_at REAL NOT NULL,
                    body BLOB NOT NULL, refused_at REAL NOT NULL, error TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS window_parts (
                    seq INTEGER NOT NULL, schedule TEXT NOT NULL, window_start REAL NOT NULL, asset TEXT NOT NULL);
                CREATE INDEX IF NOT EXISTS window_parts_by_window ON window_parts (schedule, window_start);
                """)
    }

    /// Appends items in one transaction; for each, whether it was added (false: one with the same
    /// kind and key is already waiting, e.g. Alertmanager's retry of a buffered notification).
    /// `depth` sees the new count inside the transaction, so counts are observed in commit order.
    package func append(_ items: [BufferedItem], at: Date, depth: @Sendable (Int) -> Void) throws(StoreError) -> [Bool] {
        let rows = try items.map { item throws(StoreError) in (item, try encode(item)) }
        return try write("buffering \(items.count) write(s)") { db in
            var added: [Bool] = []
            for (item, body) in rows {
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO pending (kind, item_key, processes_event, accepted_at, body) VALUES (?, ?, ?, ?, ?)
                        """, arguments: [item.kind, item.key, item.processedEventID, at.timeIntervalSince1970, body])
                let inserted = db.changesCount == 1
                let seq = db.lastInsertedRowID
                added.append(inserted)
                // What a buffered scheduled run verified, so the scheduler does not verify it again.
                for part in item.windowParts where inserted {
                    try db.execute(
                        sql: "INSERT INTO window_parts (seq, schedule, window_start, asset) VALUES (?, ?, ?, ?)",
                        arguments: [seq, part.schedule, part.windowStart.timeIntervalSince1970, part.asset])
                }
            }
            depth(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM pending") ?? 0)
            return added
        }
    }

    /// The oldest waiting items, in the order they were accepted.
    package func oldest(limit: Int) throws(StoreError) -> [BufferEntry] {
        let rows = try read("reading the buffer") { db in
            try Row.fetchAll(db, sql: "SELECT seq, kind, accepted_at, body FROM pending ORDER BY seq LIMIT ?", arguments: [limit])
        }
        return try rows.map { row throws(StoreError) in
            let seq: Int64 = row["seq"]
            do {
                return BufferEntry(
                    seq: seq, item: try BufferedItem.decode(kind: row["kind"], body: row["body"]),
                    acceptedAt: Date(timeIntervalSince1970: row["accepted_at"]))
            } catch {
                throw StoreError("buffer \(path): item \(seq) cannot be read back (\(error)); it stays in the file for inspection")
            }
        }
    }

    /// Removes the items up to `seq` (PostgreSQL has committed them).
    package func remove(through seq: Int64, depth: @Sendable (Int) -> Void) throws(StoreError) {
        try write("removing drained writes from the buffer") { db in
            try db.execute(sql: "DELETE FROM pending WHERE seq <= ?", arguments: [seq])
            try db.execute(sql: "DELETE FROM window_parts WHERE seq <= ?", arguments: [seq])
            depth(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM pending") ?? 0)
        }
    }

    /// Moves one item PostgreSQL refused (not an outage: a constraint, a NUL in text) aside,
    /// with the refusal, so the items after it can drain.
    package func refuse(_ seq: Int64, error: String, at: Date, depth: @Sendable (Int) -> Void) throws(StoreError) {
        try write("setting a refused write aside in the buffer") { db in
            try db.execute(
                sql: """
                    INSERT INTO refused (seq, kind, item_key, accepted_at, body, refused_at, error)
                    SELECT seq, kind, item_key, accepted_at, body, ?, ? FROM pending WHERE seq = ?
                    """, arguments: [at.timeIntervalSince1970, error, seq])
            try db.execute(sql: "DELETE FROM pending WHERE seq = ?", arguments: [seq])
            try db.execute(sql: "DELETE FROM window_parts WHERE seq = ?", arguments: [seq])
            depth(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM pending") ?? 0)
        }
    }

    package func count() throws(StoreError) -> (pending: Int, refused: Int) {
        try read("counting the buffer") { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM pending") ?? 0,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM refused") ?? 0
            )
        }
    }

    /// Whether a completion event with this id waits in the buffer (only this replica knows it).
    package func holdsEvent(_ id: String) throws(StoreError) -> Bool {
        try read("reading the buffer") { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM pending WHERE kind = 'event' AND item_key = ?", arguments: [id]) ?? false
        }
    }

    /// Whether a run with this id waits in the buffer (not in PostgreSQL yet, so not triaged yet).
    package func holdsRun(_ id: String) throws(StoreError) -> Bool {
        try read("reading the buffer") { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM pending WHERE kind = 'run' AND item_key = ?", arguments: [id]) ?? false
        }
    }

    /// The assets of `schedule`'s window starting at `windowStart` that buffered scheduled runs
    /// (not aborted) verified.
    package func windowAssets(schedule: String, windowStart: Date) throws(StoreError) -> Set<String> {
        try read("reading the buffer's scheduled runs") { db in
            Set(
                try String.fetchAll(
                    db, sql: "SELECT asset FROM window_parts WHERE schedule = ? AND window_start = ?",
                    arguments: [schedule, windowStart.timeIntervalSince1970]))
        }
    }

    /// The buffered events, and the ids of the events buffered runs verified.
    package func events() throws(StoreError) -> (events: [CompletionEvent], processed: Set<String>) {
        let (bodies, processed) = try read("reading the buffer's events") { db in
            (
                try Data.fetchAll(db, sql: "SELECT body FROM pending WHERE kind = 'event' ORDER BY seq"),
                Set(try String.fetchAll(db, sql: "SELECT processes_event FROM pending WHERE processes_event IS NOT NULL"))
            )
        }
        do {
            return (try bodies.map { try JSONDecoder().decode(CompletionEvent.self, from: $0) }, processed)
        } catch {
            throw StoreError("buffer \(path): a buffered event cannot be read back (\(error))")
        }
    }

    private func encode(_ item: BufferedItem) throws(StoreError) -> Data {
        do {
            return try item.encoded()
        } catch {
            throw StoreError("cannot encode \(item.kind) \(item.key) for the buffer: \(error)")
        }
    }

    private func write<T>(_ doing: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try queue.write(body)
        } catch {
            throw StoreError("\(doing) at \(path): \(error); check the disk and the file's permissions")
        }
    }

    private func read<T>(_ doing: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try queue.read(body)
        } catch {
            throw StoreError("\(doing) at \(path): \(error)")
        }
    }
}
