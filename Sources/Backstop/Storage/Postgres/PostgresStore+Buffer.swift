import BackstopCore
import Foundation
import PostgresNIO

/// The intake's writes with `storage.postgres.buffer`: each goes to PostgreSQL, or to the local
/// buffer while PostgreSQL cannot be reached (``StoreBuffer``). Without a buffer they go to
/// PostgreSQL only, and an outage fails them (the webhook answers 503), as before.
extension PostgresStore {
    /// A scheduled run verified without claims (PostgreSQL was down when its window was taken)
    /// goes to the buffer even if PostgreSQL answers again meanwhile, so that its drain leaves
    /// out what other runs recorded for its window (``appendDrained(_:_:)``).
    package func append(_ run: VerificationRun) async throws(StoreError) {
        guard let buffer else { return try await appendStored(run) }
        try await buffer.write(
            [.run(run)], always: buffer.verifiedWithoutClaims(run), direct: { () throws(StoreError) in try await self.appendStored(run) },
            buffered: { _ in })
    }

    package func append(events: [CompletionEvent]) async throws(StoreError) {
        guard let buffer, !events.isEmpty else { return try await appendStored(events: events) }
        try await buffer.write(
            events.map(BufferedItem.event), direct: { () throws(StoreError) in try await self.appendStored(events: events) },
            buffered: { _ in })
    }

    /// A notification already waiting in the buffer (same dedup key) is a duplicate; one that
    /// PostgreSQL already holds is found to be one when the buffer drains.
    package func appendNotifications(_ batch: [EncodedNotification]) async throws(StoreError) -> [NotificationWrite] {
        guard let buffer, !batch.isEmpty else { return try await appendStoredNotifications(batch) }
        return try await buffer.write(
            batch.map(BufferedItem.notification),
            direct: { () throws(StoreError) in try await self.appendStoredNotifications(batch) },
            buffered: { added in added.map { $0 ? .appended : .duplicate } })
    }

    /// PostgreSQL's unprocessed events and the buffer's (an event is processed once a run with
    /// its id as trigger is stored or buffered). While PostgreSQL is down, the buffer's alone:
    /// only this replica knows them, so it verifies them without a claim.
    package func unprocessedEvents() async throws(StoreError) -> [CompletionEvent] {
        guard let buffer else { return try await storedUnprocessedEvents() }
        let (waiting, processed) = try buffer.journal.events()
        let stored: [CompletionEvent]
        do throws(StoreError) {
            stored = try await storedUnprocessedEvents()
        } catch {
            guard error.isUnavailable else { throw error }
            return waiting.filter { !processed.contains($0.id) }
        }
        let storedIDs = Set(stored.map(\.id))
        return (stored + waiting.filter { !storedIDs.contains($0.id) }).filter { !processed.contains($0.id) }
    }

    /// While PostgreSQL is down, verification goes on without the assets' history (no size
    /// trend, the restore sampling as for a new asset); the log says so.
    package func history(of assets: [String], sizeSamples: Int) async throws(StoreError) -> [String: AssetHistory] {
        do throws(StoreError) {
            return try await storedHistory(of: assets, sizeSamples: sizeSamples)
        } catch {
            guard buffer != nil, error.isUnavailable else { throw error }
            logger.warning(
                "PostgreSQL is unreachable: verifying without the assets' history (size trend, last restore test)",
                metadata: ["error": "\(error)"])
            return [:]
        }
    }

    /// Writes buffered items to PostgreSQL in one transaction, in order, each unless PostgreSQL
    /// already holds it (same dedup key, event id or run id): a drain repeated after a crash
    /// between this commit and the buffer's removal stores nothing twice. A scheduled run is
    /// stored without the (asset, window) parts PostgreSQL holds already; what was left out is
    /// returned. Bypasses the fast failure of ``read(_:_:)``/``write(_:_:)``: the drain is how
    /// PostgreSQL is found back.
    package func writeDrained(_ entries: [BufferEntry]) async throws(StoreError) -> [DroppedWindowParts] {
        do {
            return try await withConnection { connection in
                try await PostgresConnectionWatch.transaction(on: connection, logger: self.logger) { connection in
                    var dropped: [DroppedWindowParts] = []
                    // Consecutive notifications (or events) share one existence query and one read of
                    // the chain's end, as a group commit does; order is kept, runs go one by one.
                    var start = 0
                    while start < entries.count {
                        var end = start + 1
                        while end < entries.count, entries[end].item.kind == entries[start].item.kind, entries[start].item.kind != "run" {
                            end += 1
                        }
                        dropped += try await self.writeDrained(entries[start..<end].map(\.item), connection)
                        start = end
                    }
                    return dropped
                }
            }
        } catch {
            throw PostgresStoreError("draining \(entries.count) buffered write(s) into \(configuration)", underlying: error).storeError
        }
    }

    /// Items of one kind, in order, each unless PostgreSQL holds its key.
    private func writeDrained(_ items: [BufferedItem], _ connection: PostgresConnection) async throws -> [DroppedWindowParts] {
        guard let kind = items.first?.kind else { return [] }
        let (table, column) =
            switch kind {
            case "notification": ("alert_notifications", "dedup_key")
            case "event": ("events", "id")
            default: ("runs", "id")
            }
        // The chain's own lock, taken before the existence check so no other replica appends
        // the same key in between.
        let lock = try await self.lock(table, connection)
        let keys = items.map(\.key)
        var held = Set(
            try await fetchAll(
                connection,
                PostgresQuery(
                    unsafeSQL: "SELECT \(column) AS key FROM \(table) WHERE \(column) = ANY($1)",
                    binds: {
                        var binds = PostgresBindings()
                        binds.append(keys)
                        return binds
                    }())
            ).map { $0["key"] as String })
        var rows: [RecordRows.Values] = []
        var dropped: [DroppedWindowParts] = []
        for item in items where held.insert(item.key).inserted {
            switch item {
            case .notification(let encoded): rows.append(RecordRows.values(encoded))
            case .event(let event): rows.append(RecordRows.values(event))
            case .run(let run): if let parts = try await appendDrained(run, connection) { dropped.append(parts) }
            }
        }
        try await append(connection, rows: rows, holding: lock)
        return dropped
    }

    /// Whether PostgreSQL answers, on a connection of its own (the pool may still be backing
    /// off); when it does after an outage, the pool is replaced so that it answers at once too.
    package func ping() async throws(StoreError) {
        do throws(PostgresStoreError) {
            try await PostgresConnector(configuration).withConnection(logger: logger) { connection async throws(PostgresStoreError) in
                do {
                    try await PostgresConnectionWatch.run(on: connection) { connection in
                        _ = try await connection.query(PostgresQuery(unsafeSQL: "SELECT 1"), logger: self.logger)
                    }
                } catch {
                    throw PostgresStoreError("reaching \(self.configuration)", underlying: error)
                }
            }
            if buffer?.unreachableSince != nil { try replacePool() }
        } catch {
            throw error.storeError
        }
    }
}
