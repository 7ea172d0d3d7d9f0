import BackstopCore
import Foundation
import GRDB

/// Reads approvals from their three record tables (request, decision, retry start) and appends
/// decisions. An approval's state is never stored in place: it is what its rows say.
enum ApprovalRows {
    /// `r` is the request, `d` its decision, `t` its retry's start.
    static func load(_ db: Database, where filter: String, arguments: StatementArguments = [], limit: Int? = nil) throws -> [Approval] {
        try Row.fetchAll(db, sql: select(where: filter, limit: limit), arguments: arguments).map(approval)
    }

    /// The query ``load(_:where:arguments:limit:)`` runs, in SQL both SQLite and PostgreSQL read.
    /// A negative limit means none, as SQLite reads `LIMIT -1` (PostgreSQL refuses it).
    static func select(where filter: String, limit: Int?) -> String {
        """
        SELECT r.*, d.decision AS decision, d.at AS decided_at, d.decided_by AS decided_by, d.comment AS comment,
          t.started_at AS retry_started_at,
          EXISTS (SELECT 1 FROM triaged_runs m WHERE m.run_id = 'approval:' || r.id) AS retry_finished,
          (SELECT i.id FROM incidents i WHERE i.asset = r.asset AND i.cause = r.cause ORDER BY i.opened_at DESC LIMIT 1)
            AS incident
        FROM approval_requests r
        LEFT JOIN approval_decisions d ON d.approval_id = r.id
        LEFT JOIN approval_retries t ON t.approval_id = r.id
        WHERE \(filter) ORDER BY r.seq DESC\(limit.flatMap { $0 >= 0 ? " LIMIT \($0)" : nil } ?? "")
        """
    }

    /// The filter of answered requests not yet on their incident (``ApprovalStore/decidedUnannounced()``).
    static let decidedUnannounced = """
        d.decision IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM triaged_runs m WHERE m.run_id = 'approval-decision:' || r.id)
          AND NOT (d.decision = 'approved' AND EXISTS (SELECT 1 FROM triaged_runs f WHERE f.run_id = 'approval:' || r.id))
        """

    static func appendDecision(_ db: Database, id: String, decision: ApprovalDecision, by: String, comment: String?, at: Date) throws {
        try HashChain.append(db, table: "approval_decisions", values: [id, decision.rawValue, at.timeIntervalSince1970, by, comment])
    }

    static func approval(_ row: Row) -> Approval {
        let argvJSON: String = row["argv_json"]
        var approval = Approval(
            id: row["id"], asset: row["asset"], action: row["action"],
            argv: (try? JSONDecoder.record.decode([String].self, from: Data(argvJSON.utf8))) ?? [],
            cause: FailureCause(rawValue: row["cause"]) ?? .unknown, requestedAt: Date(timeIntervalSince1970: row["requested_at"]),
            expiresAt: Date(timeIntervalSince1970: row["expires_at"]), runID: row["run_id"], schedule: row["schedule"])
        if let decision: String = row["decision"] {
            approval.state = ApprovalDecision(rawValue: decision).map(state) ?? .denied
            approval.decidedBy = row["decided_by"]
            approval.decidedAt = (row["decided_at"] as Double?).map(Date.init(timeIntervalSince1970:))
            approval.comment = row["comment"]
        }
        approval.incident = row["incident"]
        if row["retry_finished"] as Bool? == true {
            approval.execution = .finished
        } else if row["retry_started_at"] as Double? != nil {
            approval.execution = .started
        }
        return approval
    }

    private static func state(_ decision: ApprovalDecision) -> Approval.State {
        switch decision {
        case .approved: .approved
        case .denied: .denied
        case .expired: .expired
        }
    }

    /// The tables, in the record's hashing order, and their schema.
    static let tables: [(name: String, columns: [String])] = [
        (
            "approval_requests",
            ["id", "asset", "action", "argv_json", "cause", "run_id", "schedule", "requested_at", "expires_at", "reason"]
        ),
        ("approval_decisions", ["approval_id", "decision", "at", "decided_by", "comment"]),
        ("approval_retries", ["approval_id", "started_at", "started_by"]),
    ]

    static func migrate(_ db: Database) throws {
        try db.execute(sql: ddl)
        for (table, _) in tables { try RecordSchema.appendOnlyTriggers(db, table: table) }
    }

    /// One decision and one retry start per request, enforced by the schema: two processes
    /// answering at once cannot both succeed.
    static let ddl = """
        CREATE TABLE approval_requests (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            asset TEXT NOT NULL,
            action TEXT NOT NULL,
            argv_json TEXT NOT NULL,
            cause TEXT NOT NULL,
            run_id TEXT NOT NULL,
            schedule TEXT NOT NULL,
            requested_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            reason TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE INDEX approval_requests_asset ON approval_requests(asset, run_id);
        CREATE TABLE approval_decisions (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            approval_id TEXT NOT NULL UNIQUE,
            decision TEXT NOT NULL,
            at REAL NOT NULL,
            decided_by TEXT NOT NULL,
            comment TEXT,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE TABLE approval_retries (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            approval_id TEXT NOT NULL UNIQUE,
            started_at REAL NOT NULL,
            started_by TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        """
}
