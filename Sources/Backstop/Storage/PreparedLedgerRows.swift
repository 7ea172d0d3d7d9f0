import BackstopCore
import Foundation
import GRDB

/// A batch of ledger changes as the SQLite rows it appends, worked out before the store's writer
/// is taken: the rows, the JSON of the outbox payloads and incident references, the stored form
/// of text. Only the hash chains and the statements are left for the transaction, so a triage
/// batch holds the writer, which webhook requests wait for, as briefly as it can.
struct PreparedLedgerRows: Sendable {
    /// Each incident the batch changed, once, as its last decision left it.
    private var incidents: [[DatabaseValue]] = []
    private var events: [[DatabaseValue]] = []
    private var reports: [[DatabaseValue]] = []
    private var messages: [[DatabaseValue]] = []
    private var transitions: [[DatabaseValue]] = []
    private var marks: [[DatabaseValue]] = []

    /// Each table's rows in the batch's order; `now` is when the transitions and marks are recorded.
    init(_ batch: [MarkedChange], at now: Date) throws {
        incidents = try batch.finalIncidents.map(IncidentRow.values)
        for marked in batch {
            let change = marked.change
            events += change.events.map { ExactText.storedValues(RecordRows.values($0)) }
            reports += change.reports.map { ExactText.storedValues(RecordRows.values($0)) }
            messages += try change.messages.map(OutboxRow.values)
            transitions += change.alertTransitions.map { ExactText.storedValues(RecordRows.values($0, at: now)) }
            if let mark = marked.mark { marks.append(ExactText.storedValues([mark, now.timeIntervalSince1970])) }
        }
    }

    /// Writes the rows in `db`'s transaction: each record table's rows together, so its chain's
    /// end is read once a batch rather than once a row.
    func write(_ db: Database) throws {
        for incident in incidents { try IncidentRow.upsert(incident, db) }
        try HashChain.append(db, table: "incident_events", storedRows: events)
        try HashChain.append(db, table: "incident_reports", storedRows: reports)
        for message in messages { try OutboxRow.insert(message, db) }
        try HashChain.append(db, table: "alert_transitions", storedRows: transitions)
        try HashChain.append(db, table: "triaged_runs", storedRows: marks)
    }
}
