import BackstopCore
import Foundation
import GRDB

/// How far the tables that any process appends to have grown. `serve` compares them once a
/// second to notice what a CLI `verify`, `incidents` or another replica appended, without
/// reading the rows themselves; every one of these tables only grows, so a changed mark is a
/// new row. (SQLite's `PRAGMA data_version` would say "something changed" too, but only per
/// connection, and a pool reads on several; newest row ids work the same on PostgreSQL.)
package struct RecordMarks: Equatable, Sendable {
    /// The newest `runs.seq`.
    package var runs: Int64 = 0
    /// The newest rows of the ledger's own tables: triaged runs, incident events, retries.
    package var triaged: Int64 = 0
    package var incidentEvents: Int64 = 0
    package var recoveryAttempts: Int64 = 0
    /// The newest outbox id: a message another process queued.
    package var outbox: Int64 = 0
    /// The newest approval request and decision: proposed here, or answered by any process.
    package var approvalRequests: Int64 = 0
    package var approvalDecisions: Int64 = 0

    /// Whether a retry approval was requested or answered between the two marks.
    package func approvalsDiffer(from other: RecordMarks) -> Bool {
        (approvalRequests, approvalDecisions) != (other.approvalRequests, other.approvalDecisions)
    }

    /// Whether the incident ledger or its outbox grew between the two marks.
    package func ledgerDiffers(from other: RecordMarks) -> Bool {
        (triaged, incidentEvents, recoveryAttempts, outbox) != (other.triaged, other.incidentEvents, other.recoveryAttempts, other.outbox)
    }
}

extension SQLiteRunStore {
    /// The current marks: seven look-ups of a table's largest primary key, each one B-tree step.
    package func recordMarks() async throws(StoreError) -> RecordMarks {
        try await read { db in try Self.marks(db) }
    }

    /// The metrics snapshot and the marks it was built at, read in one transaction, so a run
    /// appended meanwhile is either in both or in neither.
    package func metricsSnapshotWithMarks() async throws(StoreError) -> (MetricsSnapshot, RecordMarks) {
        try await read { db in (try MetricsQueries.snapshot(db), try Self.marks(db)) }
    }

    /// The runs appended after `seq`, oldest first, as (seq, id).
    package func runIDs(after seq: Int64) async throws(StoreError) -> [(seq: Int64, id: String)] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT seq, id FROM runs WHERE seq > ? ORDER BY seq", arguments: [seq]).map {
                (seq: $0["seq"], id: $0["id"])
            }
        }
    }

    private static func marks(_ db: Database) throws -> RecordMarks {
        func newest(_ table: String, _ key: String = "seq") throws -> Int64 {
            try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(\(key)), 0) FROM \(table)") ?? 0
        }
        return RecordMarks(
            runs: try newest("runs"), triaged: try newest("triaged_runs"), incidentEvents: try newest("incident_events"),
            recoveryAttempts: try newest("recovery_attempts"), outbox: try newest("outbox", "id"),
            approvalRequests: try newest("approval_requests"), approvalDecisions: try newest("approval_decisions"))
    }
}
