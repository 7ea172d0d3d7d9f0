import BackstopCore
import Foundation
import GRDB
import PostgresNIO

/// "Each asset is verified once per window" across a PostgreSQL outage. While PostgreSQL is
/// down a replica verifies a closed window without claims (no replica can claim), so the
/// same (asset, window) may be verified by several replicas, or by this one before and during
/// the outage. The record keeps the first to reach PostgreSQL: when a buffered scheduled run
/// drains, the parts PostgreSQL already holds are left out of it (``VerificationRun/without(_:)``),
/// and a run left with nothing is not stored. The run already stored is the verdict for those
/// assets; a failure only in the part left out is covered by that run, which verified the
/// same backup of the same window.
extension PostgresStore {
    /// Appends a buffered run (inside the drain's transaction, the runs table locked), without
    /// the parts PostgreSQL holds; what was left out, if anything.
    func appendDrained(_ run: VerificationRun, _ connection: PostgresConnection) async throws -> DroppedWindowParts? {
        let parts = BufferedItem.run(run).windowParts
        let held = parts.isEmpty ? [] : try await heldWindowParts(parts, connection)
        let kept = held.isEmpty ? run : run.without(held)
        if let kept {
            for row in RecordRows.rows(of: kept) { try await append(connection, table: row.table, values: row.values) }
        }
        guard kept != run, let first = parts.first else { return nil }
        let keptAssets = Set(kept?.outcomes.map(\.asset) ?? [])
        let dropped = Set(run.outcomes.map(\.asset)).subtracting(keptAssets)
        return DroppedWindowParts(
            runID: run.id, schedule: first.schedule, windowStart: first.windowStart, assets: dropped.sorted(), runKept: kept != nil)
    }

    /// Which of `parts` scheduled runs in PostgreSQL (not aborted) have verified.
    private func heldWindowParts(_ parts: [WindowPart], _ connection: PostgresConnection) async throws -> Set<WindowPart> {
        var binds = PostgresBindings()
        binds.append(Array(Set(parts.map(\.schedule))))
        binds.append(Array(Set(parts.map(\.windowStart.timeIntervalSince1970))))
        binds.append(Array(Set(parts.map(\.asset))))
        let rows = try await fetchAll(
            connection,
            PostgresQuery(
                unsafeSQL: """
                    SELECT DISTINCT o.schedule, o.window_start, o.asset FROM outcomes o JOIN runs r ON r.id = o.run_id
                    WHERE r.trigger_kind = 'schedule' AND r.status != 'aborted'
                    AND o.schedule = ANY($1) AND o.window_start = ANY($2) AND o.asset = ANY($3)
                    """, binds: binds))
        let found = Set(
            rows.map { row in
                WindowPart(
                    schedule: row["schedule"], windowStart: Date(timeIntervalSince1970: row["window_start"] as Double), asset: row["asset"])
            })
        return found.intersection(parts)
    }
}
