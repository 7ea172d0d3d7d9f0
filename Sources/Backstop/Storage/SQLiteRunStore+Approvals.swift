import BackstopCore
import Foundation
import GRDB

/// Approval requests, decisions and retry starts in the record (see ``ApprovalStore``).
extension SQLiteRunStore: ApprovalStore {
    package func propose(_ approval: Approval, reason: String) async throws(StoreError) -> Approval {
        try await write { db in
            if let existing = try ApprovalRows.load(
                db,
                where: """
                    r.asset = ? AND r.action = ? AND (r.run_id = ? OR (d.decision IS NULL AND r.expires_at > ?))
                    """,
                arguments: [approval.asset, approval.action, approval.runID, approval.requestedAt.timeIntervalSince1970]
            ).first {
                return existing
            }
            let argv = String(decoding: (try? JSONEncoder.record.encode(approval.argv)) ?? Data("[]".utf8), as: UTF8.self)
            try HashChain.append(
                db, table: "approval_requests",
                values: [
                    approval.id, approval.asset, approval.action, argv, approval.cause.rawValue, approval.runID, approval.schedule,
                    approval.requestedAt.timeIntervalSince1970, approval.expiresAt.timeIntervalSince1970, reason,
                ])
            return approval
        }
    }

    package func approvals(state: Approval.State?, limit: Int) async throws(StoreError) -> [Approval] {
        try await read { db in
            let filter: String =
                switch state {
                case nil: "1"
                case .pendingApproval: "d.decision IS NULL"
                case .some(let state): "d.decision = '\(state.rawValue)'"
                }
            return try ApprovalRows.load(db, where: filter, limit: limit)
        }
    }

    package func approval(id: String) async throws(StoreError) -> Approval? {
        try await read { db in try ApprovalRows.load(db, where: "r.id = ?", arguments: [id]).first }
    }

    package func decide(
        id: String, decision: ApprovalDecision, by: String, comment: String?, at: Date
    ) async throws(ApprovalError) -> Approval {
        do {
            return try await database.write { db throws -> Approval in
                guard let approval = try ApprovalRows.load(db, where: "r.id = ?", arguments: [id]).first else {
                    throw ApprovalError.notFound(id)
                }
                guard approval.state == .pendingApproval else {
                    throw ApprovalError.alreadyDecided(id: id, state: approval.state, by: approval.decidedBy)
                }
                if decision != .expired, approval.expiresAt <= at {
                    // Too late: the timeout decided first. Recorded now, whoever noticed.
                    try ApprovalRows.appendDecision(db, id: id, decision: .expired, by: "backstop", comment: "timeout", at: at)
                    return try ApprovalRows.load(db, where: "r.id = ?", arguments: [id]).first ?? approval
                }
                try ApprovalRows.appendDecision(db, id: id, decision: decision, by: by, comment: comment, at: at)
                return try ApprovalRows.load(db, where: "r.id = ?", arguments: [id]).first ?? approval
            }
        } catch let error as ApprovalError {
            throw error
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            // Another process decided between our read and our write.
            let current = try? await approval(id: id)
            throw .alreadyDecided(id: id, state: current?.state ?? .approved, by: current?.decidedBy)
        } catch {
            throw .store("could not record the decision in the SQLite store \(path): \(error)")
        }
    }

    package func expireDue(now: Date) async throws(StoreError) -> [Approval] {
        try await write { db in
            let due = try ApprovalRows.load(
                db, where: "d.decision IS NULL AND r.expires_at <= ?", arguments: [now.timeIntervalSince1970])
            for approval in due {
                try ApprovalRows.appendDecision(db, id: approval.id, decision: .expired, by: "backstop", comment: "timeout", at: now)
            }
            return try due.compactMap { try ApprovalRows.load(db, where: "r.id = ?", arguments: [$0.id]).first }
        }
    }

    package func approvedUnfinished() async throws(StoreError) -> [Approval] {
        try await read { db in
            try ApprovalRows.load(
                db,
                where: "d.decision = 'approved' AND NOT EXISTS (SELECT 1 FROM triaged_runs m WHERE m.run_id = 'approval:' || r.id)"
            ).reversed()
        }
    }

    package func startRetry(id: String, at: Date) async throws(StoreError) -> Bool {
        try await write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM approval_retries WHERE approval_id = ?", arguments: [id]) == nil else {
                return false
            }
            try HashChain.append(db, table: "approval_retries", values: [id, at.timeIntervalSince1970, "backstop serve"])
            return true
        }
    }

    package func approvalCounts() async throws(StoreError) -> [String: Int] {
        try await read { db in
            var counts = ["requested": try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM approval_requests") ?? 0]
            for row in try Row.fetchAll(db, sql: "SELECT decision, COUNT(*) AS n FROM approval_decisions GROUP BY decision") {
                counts[row["decision"]] = row["n"]
            }
            return counts
        }
    }
}
