import BackstopCore
import Foundation
import GRDB
import PostgresNIO

/// What the record watcher and the metrics rebuild read on PostgreSQL: the same marks and
/// counts as on SQLite (``SQLiteRunStore``'s `+Changes` and `+IncidentMetrics`). Record
/// tables are appended under a table lock held to commit, so their `seq` order is commit order
/// across replicas and "after seq" never skips a row committed late.
extension PostgresStore {
    package var location: String { configuration.description }

    package func recordMarks() async throws(StoreError) -> RecordMarks {
        try await read("reading the record's marks") { connection in try await self.marks(connection) }
    }

    package func metricsSnapshotWithMarks() async throws(StoreError) -> (MetricsSnapshot, RecordMarks) {
        // One snapshot of the database for both (REPEATABLE READ), as SQLite's one read transaction.
        try await read("reading the metrics snapshot") { connection in
            try await self.execute(connection, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            do {
                let snapshot = try await PostgresMetricsQueries(store: self, connection: connection).snapshot()
                let marks = try await self.marks(connection)
                try await self.execute(connection, "COMMIT")
                return (snapshot, marks)
            } catch {
                try? await self.execute(connection, "ROLLBACK")
                throw error
            }
        }
    }

    package func runIDs(after seq: Int64) async throws(StoreError) -> [(seq: Int64, id: String)] {
        try await read("reading the runs appended after \(seq)") { connection in
            try await self.fetchAll(connection, "SELECT seq, id FROM runs WHERE seq > \(seq) ORDER BY seq").map {
                (seq: $0["seq"], id: $0["id"])
            }
        }
    }

    package func approvals(incidentID: String, asset: String) async throws(StoreError) -> [Approval] {
        var binds = PostgresBindings()
        binds.append(asset)
        let query = PostgresQuery(unsafeSQL: ApprovalRows.select(where: "r.asset = $1", limit: nil), binds: binds)
        return try await read("reading the approvals of incident \(incidentID)") { connection in
            try await self.fetchAll(connection, query).map(ApprovalRows.approval)
        }.filter { $0.incident == incidentID }
    }

    private func marks(_ connection: PostgresConnection) async throws -> RecordMarks {
        func newest(_ table: String, _ key: String = "seq") async throws -> Int64 {
            try await fetchOne(connection, PostgresQuery(unsafeSQL: "SELECT COALESCE(MAX(\(key)), 0)::bigint AS n FROM \(table)"))?["n"]
                ?? 0
        }
        return RecordMarks(
            runs: try await newest("runs"), triaged: try await newest("triaged_runs"), incidentEvents: try await newest("incident_events"),
            recoveryAttempts: try await newest("recovery_attempts"), outbox: try await newest("outbox", "id"),
            approvalRequests: try await newest("approval_requests"), approvalDecisions: try await newest("approval_decisions"))
    }
}
