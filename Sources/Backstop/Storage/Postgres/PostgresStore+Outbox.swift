import BackstopCore
import Foundation
import GRDB
import PostgresNIO

/// The outbox on PostgreSQL: current state updated in place, as on SQLite; each message's
/// outcome and its timeline event commit together.
extension PostgresStore {
    package func dueMessages(now: Date, limit: Int) async throws(StoreError) -> [OutboxMessage] {
        try await messages(
            "reading due outbox messages",
            PostgresQuery(
                unsafeSQL: """
                    SELECT * FROM outbox o WHERE o.state = 'pending' AND o.next_attempt_at <= $1 AND \(OutboxRow.headOfLine)
                    ORDER BY o.id LIMIT $2
                    """, binds: Self.binds(now.timeIntervalSince1970, limit)))
    }

    package func oldestPendingMessage(incidentID: String, target: SinkKind) async throws(StoreError) -> OutboxMessage? {
        try await messages(
            "reading the next outbox message of \(incidentID)",
            """
            SELECT * FROM outbox WHERE incident_id = \(incidentID) AND target = \(target.rawValue) AND state = 'pending'
            ORDER BY id LIMIT 1
            """
        ).first
    }

    package func markSending(_ id: Int64, note: String?, settledAt: Date) async throws(StoreError) {
        try await write("marking outbox message \(id) in doubt") { connection in
            try await self.execute(
                connection,
                """
                UPDATE outbox SET in_doubt = TRUE, attempts = attempts + 1, sink_note = COALESCE(sink_note, \(note)::text),
                  next_attempt_at = GREATEST(next_attempt_at, \(settledAt.timeIntervalSince1970)) WHERE id = \(id)
                """)
        }
    }

    package func markDelivered(_ id: Int64, reference: ExternalReference?, event: IncidentEvent) async throws(StoreError) {
        try await write("marking outbox message \(id) delivered") { connection in
            let target: String? = try await self.fetchOne(
                connection,
                """
                UPDATE outbox SET state = 'delivered', in_doubt = FALSE, last_error = NULL, finished_at = \(event.at.timeIntervalSince1970)
                WHERE id = \(id) RETURNING target
                """)?["target"]
            if let reference, let target,
                let row = try await self.fetchOne(connection, "SELECT * FROM incidents WHERE id = \(event.incidentID) FOR UPDATE")
            {
                var incident = IncidentRow.incident(row)
                incident.references[SinkKind(rawValue: target)] = reference
                try await self.upsert(incident, connection)
            }
            try await self.append(connection, table: "incident_events", values: RecordRows.values(event))
        }
    }

    package func markRetry(_ id: Int64, nextAttemptAt: Date, error: String, inDoubt: Bool) async throws(StoreError) {
        try await write("scheduling a retry of outbox message \(id)") { connection in
            try await self.execute(
                connection,
                """
                UPDATE outbox SET next_attempt_at = \(nextAttemptAt.timeIntervalSince1970), last_error = \(error),
                  in_doubt = \(inDoubt) WHERE id = \(id)
                """)
        }
    }

    package func markDead(_ id: Int64, error: String, event: IncidentEvent, fallback: OutboxMessage?) async throws(StoreError) {
        try await write("giving up outbox message \(id)") { connection in
            try await self.execute(
                connection,
                "UPDATE outbox SET state = 'dead', last_error = \(error), finished_at = \(event.at.timeIntervalSince1970) WHERE id = \(id)"
            )
            try await self.append(connection, table: "incident_events", values: RecordRows.values(event))
            if let fallback { try await self.insert(fallback, connection) }
        }
    }

    package func outboxStatus(now: Date) async throws(StoreError) -> OutboxStatus {
        try await read("reading the outbox status") { connection in
            OutboxRow.status(try await self.fetchOne(connection, PostgresQuery(unsafeSQL: OutboxRow.statusQuery)), now: now)
        }
    }

    package func deadLetters(limit: Int) async throws(StoreError) -> [OutboxMessage] {
        try await messages("reading dead letters", "SELECT * FROM outbox WHERE state = 'dead' ORDER BY id DESC LIMIT \(limit)")
    }

    package func outboxMessages(incidentID: String?) async throws(StoreError) -> [OutboxMessage] {
        guard let incidentID else { return try await messages("reading the outbox", "SELECT * FROM outbox ORDER BY id") }
        return try await messages(
            "reading the outbox of \(incidentID)", "SELECT * FROM outbox WHERE incident_id = \(incidentID) ORDER BY id")
    }

    private func messages(_ doing: String, _ query: PostgresQuery) async throws(StoreError) -> [OutboxMessage] {
        try await read(doing) { connection in try await self.fetchAll(connection, query).compactMap(OutboxRow.message) }
    }

    func insert(_ message: OutboxMessage, _ connection: PostgresConnection) async throws {
        let payload = String(decoding: try JSONEncoder.record.encode(message.payload), as: UTF8.self)
        try await execute(
            connection,
            """
            INSERT INTO outbox (incident_id, target, action, payload_json, created_at, state, attempts, next_attempt_at, in_doubt)
            VALUES (\(message.incidentID), \(message.target.rawValue), \(message.action.rawValue), \(payload),
              \(message.createdAt.timeIntervalSince1970), 'pending', 0, \(message.nextAttemptAt.timeIntervalSince1970), FALSE)
            """)
    }

    private static func binds(_ now: Double, _ limit: Int) -> PostgresBindings {
        var binds = PostgresBindings(capacity: 2)
        binds.append(now)
        binds.append(limit)
        return binds
    }
}
