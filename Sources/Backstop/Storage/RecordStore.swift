import BackstopCore
import Foundation

/// Everything `serve` and the CLI read and write, whichever backend holds the record: the
/// embedded SQLite store or the PostgreSQL store several replicas share. The composition root
/// (``BackstopServices``), the routes and the background services see only this protocol, so
/// no code outside `Storage/` names a backend.
package protocol RecordStore: RunStore, IncidentStore, AlertIntakeStore, ApprovalStore, StatusBoardStore {
    /// Where the record is, for logs and `/debug/healthz` (never a password).
    var location: String { get }

    /// How far the growing tables have grown (``RecordMarks``): polled by the record watcher.
    func recordMarks() async throws(StoreError) -> RecordMarks

    /// The metrics snapshot and the marks it was built at, read in one transaction, so a run
    /// appended meanwhile is either in both or in neither.
    func metricsSnapshotWithMarks() async throws(StoreError) -> (MetricsSnapshot, RecordMarks)

    /// The runs appended after `seq`, oldest first, as (seq, id).
    func runIDs(after seq: Int64) async throws(StoreError) -> [(seq: Int64, id: String)]

    /// The incident metrics' counts; resolutions after `afterSeq` only.
    func incidentMetrics(now: Date, resolutionsAfter afterSeq: Int64) async throws(StoreError) -> IncidentMetricsSnapshot

    /// The record's rows for a trend period (`backstop trends`, the weekly digest).
    func trendInputs(from: Date, to: Date) async throws(StoreError) -> TrendInputs

    /// The approvals that belong to one incident, newest first.
    func approvals(incidentID: String, asset: String) async throws(StoreError) -> [Approval]

    /// Checks every record table's hash chain; the rows read and each table's first break.
    func verifyChains() async throws(StoreError) -> (rows: Int, breaks: [ChainBreak])
}

extension RecordStore {
    /// The trends of `from`..<`to` for the configured assets.
    package func trendReport(assets: [Asset], from: Date, to: Date) async throws(StoreError) -> TrendReport {
        let analyzer = TrendAnalyzer(assets: assets.map { ($0.name, $0.scheduleName) })
        return analyzer.analyze(try await trendInputs(from: from, to: to), from: from, to: to)
    }
}
