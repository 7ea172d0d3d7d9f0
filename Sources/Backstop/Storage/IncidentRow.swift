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

    static func event(_ row: Row) -> IncidentEvent? {
        IncidentEvent.Kind(rawValue: row["kind"]).map {
            IncidentEvent(incidentID: row["incident_id"], at: Date(timeIntervalSince1970: row["at"]), kind: $0, text: row["text"])
        }
    }

    static func report(_ row: Row) -> IncidentReportSnapshot {
        IncidentReportSnapshot(
            incidentID: row["incident_id"], runID: row["run_id"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
            markdown: row["markdown"], json: row["json"])
    }

    static func attempt(_ row: Row) -> RecoveryAttempt? {
        guard let cause = FailureCause(rawValue: row["cause"]), let result = RecoveryAttempt.Result(rawValue: row["result"]) else {
            return nil
        }
        return RecoveryAttempt(
            runID: row["run_id"], asset: row["asset"], schedule: row["schedule"], cause: cause, attempt: row["attempt"],
            startedAt: Date(timeIntervalSince1970: row["started_at"]), finishedAt: Date(timeIntervalSince1970: row["finished_at"]),
            result: result, detail: row["detail"], windowStart: (row["window_start"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    /// References are merged, never dropped: the desk writes an incident as it read it at the
    /// start of its turn, and a delivery may have recorded the tracker's reference since
    /// (neither ever removes one).
    static func upsert(_ incident: Incident, _ db: Database) throws {
        try upsert(values(incident), db)
    }

    /// The row's arguments, worked out before the writer is taken (``SQLiteRunStore/commit(batch:)``).
    static func values(_ incident: Incident) throws -> [DatabaseValue] {
        let references = Dictionary(uniqueKeysWithValues: incident.references.map { ($0.key.rawValue, $0.value) })
        let json = String(decoding: try JSONEncoder.record.encode(references), as: UTF8.self)
        return ExactText.storedValues([
            incident.id, incident.dedupKey, incident.asset, incident.cause.rawValue, incident.schedule, incident.state.rawValue,
            incident.title, incident.summary, incident.openedAt.timeIntervalSince1970, incident.updatedAt.timeIntervalSince1970,
            incident.resolvedAt?.timeIntervalSince1970, incident.occurrences, incident.lastRunID, json,
        ])
    }

    static func upsert(_ values: [DatabaseValue], _ db: Database) throws {
        // Cached: a storm's batch writes an incident row per asset it touched.
        let upsert = try db.cachedStatement(
            sql: """
                INSERT INTO incidents (id, dedup_key, asset, cause, schedule, state, title, summary, opened_at, updated_at,
                  resolved_at, occurrences, last_run_id, references_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET state = excluded.state, summary = excluded.summary, updated_at = excluded.updated_at,
                  resolved_at = excluded.resolved_at, occurrences = excluded.occurrences, last_run_id = excluded.last_run_id,
                  references_json = json_patch(incidents.references_json, excluded.references_json)
                """)
        try upsert.execute(arguments: StatementArguments(databaseValues: values))
    }
}

/// Maps an ``OutboxMessage`` to and from its `outbox` row; the outbox's SQL that SQLite and
/// PostgreSQL share.
enum OutboxRow {
    /// A message waits for older pending messages of its incident and target (`o` is the message).
    static let headOfLine = """
        NOT EXISTS (
            SELECT 1 FROM outbox p WHERE p.incident_id = o.incident_id AND p.target = o.target AND p.state = 'pending' AND p.id < o.id)
        """

    /// Each incident's pending messages to each target in order (RecordSchema's
    /// `registerOutboxLines`): what ``headOfLine`` and the stores' `oldestPendingMessage` read.
    static let pendingLineIndex = "CREATE INDEX outbox_pending_line ON outbox(incident_id, target, id) WHERE state = 'pending'"

    /// The outbox's depth, age and next due delivery in one row (read by ``status(_:now:)``).
    static let statusQuery = """
        SELECT
          (SELECT COUNT(*) FROM outbox WHERE state = 'pending') AS pending,
          (SELECT MIN(created_at) FROM outbox WHERE state = 'pending') AS oldest,
          (SELECT MIN(o.next_attempt_at) FROM outbox o WHERE o.state = 'pending' AND \(headOfLine)) AS next_due,
          (SELECT COUNT(*) FROM outbox WHERE state = 'dead') AS dead
        """

    static func status(_ row: Row?, now: Date) -> OutboxStatus {
        let oldest: Double? = row?["oldest"]
        let nextDue: Double? = row?["next_due"]
        return OutboxStatus(
            pending: row?["pending"] ?? 0, oldestPendingAge: oldest.map { max(0, now.timeIntervalSince1970 - $0) } ?? 0,
            dead: row?["dead"] ?? 0, nextDue: nextDue.map(Date.init(timeIntervalSince1970:)))
    }

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
        try insert(values(message), db)
    }

    /// The row's arguments, its payload encoded, worked out before the writer is taken
    /// (``SQLiteRunStore/commit(batch:)``).
    static func values(_ message: OutboxMessage) throws -> [DatabaseValue] {
        let payload = String(decoding: try JSONEncoder.record.encode(message.payload), as: UTF8.self)
        return [
            message.incidentID.databaseValue, message.target.rawValue.databaseValue, message.action.rawValue.databaseValue,
            payload.databaseValue, message.createdAt.timeIntervalSince1970.databaseValue,
            message.nextAttemptAt.timeIntervalSince1970.databaseValue,
        ]
    }

    static func insert(_ values: [DatabaseValue], _ db: Database) throws {
        // Cached: a storm's batch queues a message per notification that opens or updates an incident.
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO outbox (incident_id, target, action, payload_json, created_at, state, attempts, next_attempt_at, in_doubt)
                VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, 0)
                """)
        try insert.execute(arguments: StatementArguments(databaseValues: values))
    }
}
