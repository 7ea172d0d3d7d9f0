import Foundation

/// What the status board and its asset, run and incident pages read from the record. Kept apart
/// from ``RunStore`` so the board's queries (shaped for one page of 10,000 assets) do not widen
/// the store that verification writes through.
package protocol StatusBoardStore: Sendable {
    /// Changes whenever a run or an incident event is appended (cheap: two indexed MAX lookups),
    /// so the board reuses what it read until the record moves on.
    func boardVersion() async throws(StoreError) -> [Int64]

    /// Every asset's latest outcome, reduced to what filtering and sorting need (one row each).
    func latestStates() async throws(StoreError) -> [String: AssetStatus]

    /// For the assets of one page: the last `windows` windows (newest first, one cell per window),
    /// when the asset was last healthy, since when it fails and its last restore duration.
    func boardDetails(assets: [String], windows: Int) async throws(StoreError) -> [String: AssetBoardDetail]

    /// Failed and missing backups of scheduled and event runs in `from..<to`, by UTC day and cause.
    func failuresPerDay(from: Date, to: Date) async throws(StoreError) -> [DailyFailures]

    /// Incidents resolved in `from..<to`: when, and how long after their (re)opening.
    func resolutions(from: Date, to: Date) async throws(StoreError) -> [ResolvedIncident]

    /// The asset's restore tests, oldest first, the newest `limit`.
    func restoreHistory(asset: String, limit: Int) async throws(StoreError) -> [RestorePoint]
}
