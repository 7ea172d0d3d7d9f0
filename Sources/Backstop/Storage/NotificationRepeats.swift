import BackstopCore
import Crypto
import Foundation
import GRDB
import Synchronization

/// Finds the notifications the SQLite store accepted recently, so that a repeat (an Alertmanager
/// retry, an HA peer's copy) is not recorded twice, without an index on the whole record.
///
/// The record had a unique index on `dedup_key`. The key is a hash, so it has no order: every
/// notification stored dirtied an index page of its own, which the commit wrote to the WAL and
/// the checkpoint wrote again. It was the intake's largest single cost: without it, 12.3 KB
/// were written per notification instead of 23.5 KB, with 14% less CPU on each (figures in
/// docs/ARCHITECTURE.md, "Group commit").
///
/// A repeat is a notification whose dedup key was accepted in the last hour, among the last
/// 100,000 accepted: Alertmanager's retries and its HA peers' copies come within seconds to
/// minutes. An older copy (Alertmanager re-notifying after `repeat_interval`) is recorded
/// again, as what it is, and its triage finds its alerts acted on already (`alert_transitions`,
/// which keeps its unique index), so nothing is opened or paged twice. PostgreSQL looks repeats
/// up in its whole record: replicas share that store, and one process's window cannot see
/// another's writes.
///
/// The window follows the record, not the process: the first batch loads it from the table's
/// tail, a batch's keys join it only once its transaction commits, and each batch's transaction
/// first reads any rows another process writing the same file appended, so a rolled-back write
/// is never taken for accepted and no repeat slips between two writers.
final class NotificationRepeats: Sendable {
    static let period: Double = 3600
    static let limit = 100_000

    private struct Window: Sendable {
        var recent = RecentKeys<KeyDigest>(limit: NotificationRepeats.limit)
        /// The last row of `alert_notifications` the window has read; nil before the first batch.
        var lastSeq: Int64?
    }

    private let window = Mutex(Window())

    /// A notification as the window knows it, worked out before the batch takes the writer (the
    /// one connection every write of the record waits for): hashing its key is the one
    /// per-notification cost here.
    struct Key: Sendable {
        let digest: KeyDigest
        let receivedAt: Double

        init(_ notification: AlertNotification) {
            digest = KeyDigest(notification.dedupKey)
            receivedAt = notification.receivedAt.timeIntervalSince1970
        }
    }

    /// Finds which notifications of a batch repeat one accepted before (or one earlier in the
    /// batch), has `insert` store the others, and returns, in order, whether each was a repeat.
    /// Called in the batch's write transaction. The hour is counted back from the batch's latest
    /// receipt, not the clock, so the record alone decides (a test's fixed clock too). Once the
    /// transaction commits, the window takes the batch's keys and its last row, so the next batch
    /// does not read its own predecessor back (that read was 1.5% of the intake's CPU).
    func append(_ batch: [Key], _ db: Database, inserting insert: ([Bool]) throws -> Void) throws -> [Bool] {
        let cutoff = (batch.map(\.receivedAt).max() ?? Date().timeIntervalSince1970) - Self.period
        let (repeated, seen) = try window.withLock { window in
            try Self.catchUp(&window, after: cutoff, db)
            window.recent.forget(before: cutoff)
            var inBatch = Set<KeyDigest>()
            let repeated = batch.map { key in window.recent.contains(key.digest) || !inBatch.insert(key.digest).inserted }
            return (repeated, window.lastSeq)
        }
        try insert(repeated)
        let fresh = zip(batch, repeated).filter { !$0.1 }.map(\.0)
        guard !fresh.isEmpty else { return repeated }
        // This transaction holds the write lock, so the rows after `seen` up to the last inserted
        // are this batch's; should the window have moved meanwhile, the next batch reads them.
        let last = db.lastInsertedRowID
        db.afterNextTransaction(onCommit: { _ in
            self.window.withLock { window in
                guard window.lastSeq == seen else { return }
                for key in fresh { window.recent.insert(key.digest, seenAt: key.receivedAt) }
                window.lastSeq = last
            }
        })
        return repeated
    }

    /// Reads the rows past the last one seen; the first time, the table's tail back to the
    /// window's period, newest first, so a long record is not read from its start. Rows are in
    /// the order they were received, give or take the milliseconds a group commit gathers them.
    private static func catchUp(_ window: inout Window, after cutoff: Double, _ db: Database) throws {
        if let lastSeq = window.lastSeq {
            let rows = try Row.fetchCursor(
                db.cachedStatement(sql: "SELECT seq, dedup_key, received_at FROM alert_notifications WHERE seq > ? ORDER BY seq"),
                arguments: [lastSeq])
            while let row = try rows.next() {
                window.recent.insert(KeyDigest(row["dedup_key"]), seenAt: row["received_at"])
                window.lastSeq = row["seq"]
            }
            return
        }
        var tail: [(seq: Int64, key: String, receivedAt: Double)] = []
        let rows = try Row.fetchCursor(
            db, sql: "SELECT seq, dedup_key, received_at FROM alert_notifications ORDER BY seq DESC LIMIT ?", arguments: [limit])
        while let row = try rows.next() {
            let receivedAt: Double = row["received_at"]
            if receivedAt < cutoff { break }
            tail.append((row["seq"], row["dedup_key"], receivedAt))
        }
        for row in tail.reversed() { window.recent.insert(KeyDigest(row.key), seenAt: row.receivedAt) }
        window.lastSeq = try tail.first?.seq ?? Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM alert_notifications") ?? 0
    }

    /// The first 128 bits of the key's SHA-256, so a full window stays about 7 MB whatever the
    /// keys' length (262,144 set buckets of 16 bytes, 100,000 deque entries of 24); two keys of
    /// 100,000 share one with odds of about 1 in 10^28.
    struct KeyDigest: Hashable, Sendable {
        let high: UInt64
        let low: UInt64

        init(_ key: String) {
            // Hashed from the string's own bytes, not a copy: one digest per notification.
            var key = key
            let digest = key.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
            (high, low) = digest.withUnsafeBytes { bytes in
                (bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self), bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            }
        }
    }
}
