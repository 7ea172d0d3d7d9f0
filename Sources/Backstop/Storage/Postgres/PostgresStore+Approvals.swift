import BackstopCore
import Foundation
import GRDB
import PostgresNIO

/// Retry approvals on PostgreSQL: SQLite's tables and queries (``ApprovalRows``). Each write
/// first locks the table it appends to, so the read that decides what to append (an open
/// request, a decision, a retry start) cannot race another replica's same write.
extension PostgresStore: ApprovalStore {
    package func propose(_ approval: Approval, reason: String) async throws(StoreError) -> Approval {
        let argv = String(decoding: (try? JSONEncoder.record.encode(approval.argv)) ?? Data("[]".utf8), as: UTF8.self)
        let values: RecordRows.Values = [
            approval.id, approval.asset, approval.action, argv, approval.cause.rawValue, approval.runID, approval.schedule,
            approval.requestedAt.timeIntervalSince1970, approval.expiresAt.timeIntervalSince1970, reason,
        ]
        return try await write("proposing approval \(approval.id)") { connection in
            let lock = try await self.lock("approval_requests", connection)
            var binds = PostgresBindings()
            binds.append(approval.asset)
            binds.append(approval.action)
            binds.append(approval.runID)
            binds.append(approval.requestedAt.timeIntervalSince1970)
            let filter = "r.asset = $1 AND r.action = $2 AND (r.run_id = $3 OR (d.decision IS NULL AND r.expires_at > $4))"
            if let existing = try await self.approvals(connection, filter, binds).first { return existing }
            try await self.append(connection, rows: [values], holding: lock)
            return approval
        }
    }

    package func approvals(state: Approval.State?, limit: Int) async throws(StoreError) -> [Approval] {
        let filter =
            switch state {
            case nil: "TRUE"
            case .pendingApproval: "d.decision IS NULL"
            case .some: "d.decision = $1"
            }
        var bindings = PostgresBindings()
        if let state, state != .pendingApproval { bindings.append(state.rawValue) }
        let binds = bindings
        return try await read("reading approvals") { connection in
            try await self.approvals(connection, filter, binds, limit: limit)
        }
    }

    package func approval(id: String) async throws(StoreError) -> Approval? {
        try await read("reading approval \(id)") { connection in try await self.approval(connection, id: id) }
    }

    package func decide(
        id: String, decision: ApprovalDecision, by: String, comment: String?, at: Date
    ) async throws(ApprovalError) -> Approval {
        let outcome: DecisionOutcome
        do {
            outcome = try await write("recording the decision on approval \(id)") { connection in
                let lock = try await self.lock("approval_decisions", connection)
                guard let approval = try await self.approval(connection, id: id) else { return .notFound }
                guard approval.state == .pendingApproval else { return .alreadyDecided(approval) }
                // Too late: the timeout decided first. Recorded now, whoever noticed.
                let late = decision != .expired && approval.expiresAt <= at
                let values: RecordRows.Values =
                    late
                    ? [id, ApprovalDecision.expired.rawValue, at.timeIntervalSince1970, "backstop", "timeout"]
                    : [id, decision.rawValue, at.timeIntervalSince1970, by, comment]
                try await self.append(connection, rows: [values], holding: lock)
                return .recorded(try await self.approval(connection, id: id) ?? approval)
            }
        } catch {
            throw .store(error.message)
        }
        switch outcome {
        case .notFound: throw .notFound(id)
        case .alreadyDecided(let approval): throw .alreadyDecided(id: id, state: approval.state, by: approval.decidedBy)
        case .recorded(let approval): return approval
        }
    }

    package func expireDue(now: Date) async throws(StoreError) -> [Approval] {
        try await write("expiring approvals") { connection in
            let lock = try await self.lock("approval_decisions", connection)
            var binds = PostgresBindings()
            binds.append(now.timeIntervalSince1970)
            let due = try await self.approvals(connection, "d.decision IS NULL AND r.expires_at <= $1", binds)
            let rows: [RecordRows.Values] = due.map {
                [$0.id, ApprovalDecision.expired.rawValue, now.timeIntervalSince1970, "backstop", "timeout"]
            }
            try await self.append(connection, rows: rows, holding: lock)
            var expired: [Approval] = []
            for approval in due {
                if let approval = try await self.approval(connection, id: approval.id) { expired.append(approval) }
            }
            return expired
        }
    }

    package func approvedUnfinished() async throws(StoreError) -> [Approval] {
        try await read("reading approved retries") { connection in
            try await self.approvals(
                connection,
                "d.decision = 'approved' AND NOT EXISTS (SELECT 1 FROM triaged_runs m WHERE m.run_id = 'approval:' || r.id)",
                PostgresBindings()
            ).reversed()
        }
    }

    package func decidedUnannounced() async throws(StoreError) -> [Approval] {
        try await read("reading answered approvals") { connection in
            try await self.approvals(connection, ApprovalRows.decidedUnannounced, PostgresBindings()).reversed()
        }
    }

    package func startRetry(id: String, at: Date) async throws(StoreError) -> Bool {
        try await write("starting the retry of approval \(id)") { connection in
            let lock = try await self.lock("approval_retries", connection)
            guard try await self.fetchOne(connection, "SELECT 1 AS found FROM approval_retries WHERE approval_id = \(id)") == nil else {
                return false
            }
            try await self.append(connection, rows: [[id, at.timeIntervalSince1970, "backstop serve"]], holding: lock)
            return true
        }
    }

    package func approvalCounts() async throws(StoreError) -> [String: Int] {
        try await read("counting approvals") { connection in
            let requested: Int = try await self.fetchOne(connection, "SELECT COUNT(*) AS n FROM approval_requests")?["n"] ?? 0
            var counts = ["requested": requested]
            for row in try await self.fetchAll(connection, "SELECT decision, COUNT(*) AS n FROM approval_decisions GROUP BY decision") {
                counts[row["decision"]] = row["n"]
            }
            return counts
        }
    }

    /// What a decision found, returned from its transaction (errors thrown inside one come back
    /// wrapped by the driver, so the refusals travel as values).
    private enum DecisionOutcome: Sendable {
        case notFound
        case alreadyDecided(Approval)
        case recorded(Approval)
    }

    private func approval(_ connection: PostgresConnection, id: String) async throws -> Approval? {
        var binds = PostgresBindings()
        binds.append(id)
        return try await approvals(connection, "r.id = $1", binds).first
    }

    /// `filter` refers to its values as `$1`, `$2`... in `binds`.
    private func approvals(
        _ connection: PostgresConnection, _ filter: String, _ binds: PostgresBindings, limit: Int? = nil
    ) async throws -> [Approval] {
        try await fetchAll(connection, PostgresQuery(unsafeSQL: ApprovalRows.select(where: filter, limit: limit), binds: binds))
            .map(ApprovalRows.approval)
    }
}
