import BackstopCore
import Foundation
import GRDB

/// Maps an ``Incident`` to and from its `incidents` row (current state, updated in place).
enum IncidentRow {
    static func incident(_ row: Row) -> Incident {
        let references =
            (try? JSONDecoder.record.decode([String: ExternalReference].self, from: Data((row["references_json"] as String).utf8))) ?? [:]
        let resolvedAt: Double? = row["resolved_at"]
        return Incident(
            id: row["id"], dedupKey: row["dedup_key"], asset: row["asset"], cause: FailureCause(rawValue: row["cause"]) ?? .unknown,
            schedule: row["schedule"], state: Incident.State(rawValue: row["state"]) ?? .open, title: row["title"],
            summary: row["summary"], openedAt: Date(timeIntervalSince1970: row["opened_at"]),
            updatedAt: Date(timeIntervalSince1970: row["updated_at"]), resolvedAt: resolvedAt.map(Date.init(timeIntervalSince1970:)),
            occurrences: row["occurrences"], lastRunID: row["last_run_id"],
            references: Dictionary(
                uniqueKeysWithValues: references.map { key, value in (SinkKind(rawValue: key), value) }))
    }

    static func upsert(_ incident: Incident, _ db: Database) throws {
        let references = Dictionary(uniqueKeysWithValues: incident.references.map { ($0.key.rawValue, $0.value) })
        let json = String(decoding: try JSONEncoder.record.encode(references), as: UTF8.self)
        try db.execute(
            sql: """
                INSERT INTO incidents (id, dedup_key, asset, cause, schedule, state, title, summary, opened_at, updated_at,
                  resolved_at, occurrences, last_run_id, references_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET state = excluded.state, summary = excluded.summary, updated_at = excluded.updated_at,
                  resolved_at = excluded.resolved_at, occurrences = excluded.occurrences, last_run_id = excluded.last_run_id,
                  references_json = excluded.references_json
                """,
            arguments: ExactText.arguments([
                incident.id, incident.dedupKey, incident.asset, incident.cause.rawValue, incident.schedule, incident.state.rawValue,
                incident.title, incident.summary, incident.openedAt.timeIntervalSince1970, incident.updatedAt.timeIntervalSince1970,
                incident.resolvedAt?.timeIntervalSince1970, incident.occurrences, incident.lastRunID, json,
            ]))
    }
}

/// Maps an ``OutboxMessage`` to and from its `outbox` row.
enum OutboxRow {
    static func message(_ row: Row) -> OutboxMessage? {
        let target = SinkKind(rawValue: row["target"])
        guard let action = OutboxAction(rawValue: row["action"]),
            let state = OutboxMessage.State(rawValue: row["state"]),
            let payload = try? JSONDecoder.record.decode(OutboxPayload.self, from: Data((row["payload_json"] as String).utf8))
        else { return nil }
        return OutboxMessage(
            id: row["id"], incidentID: row["incident_id"], target: target, action: action, payload: payload,
            createdAt: Date(timeIntervalSince1970: row["created_at"]), state: state, attempts: row["attempts"],
            nextAttemptAt: Date(timeIntervalSince1970: row["next_attempt_at"]), inDoubt: row["in_doubt"], lastError: row["last_error"],
            sinkNote: row["sink_note"])
    }

    static func insert(_ message: OutboxMessage, _ db: Database) throws {
        let payload = String(decoding: try JSONEncoder.record.encode(message.payload), as: UTF8.self)
        try db.execute(
            sql: """
                INSERT INTO outbox (incident_id, target, action, payload_json, created_at, state, attempts, next_attempt_at, in_doubt)
                VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, 0)
                """,
            arguments: [
                message.incidentID, message.target.rawValue, message.action.rawValue, payload, message.createdAt.timeIntervalSince1970,
                message.nextAttemptAt.timeIntervalSince1970,
            ])
    }
}
