/// The append-only record of verification runs and completion events.
///
/// Nothing is ever updated or deleted; current state (what metrics and the status board show)
/// is derived from what was appended.
package protocol RunStore: Sendable {
    /// Appends a finished (or aborted) run with all its outcomes, checks and restore tests.
    func append(_ run: VerificationRun) async throws(StoreError)

    /// Records an accepted completion event; it must survive a crash before it is acknowledged.
    func append(_ event: CompletionEvent) async throws(StoreError)

    /// Records events that arrived together in one transaction (one fsync: ``GroupCommit``);
    /// all or nothing.
    func append(events: [CompletionEvent]) async throws(StoreError)

    /// Events that no run has processed yet (to resume after a crash).
    func unprocessedEvents() async throws(StoreError) -> [CompletionEvent]

    /// Past behaviour of each asset, as verification and sampling need it.
    func history(of assets: [String], sizeSamples: Int) async throws(StoreError) -> [String: AssetHistory]

    /// The newest runs first.
    func recentRuns(limit: Int) async throws(StoreError) -> [RunSummary]

    func run(id: String) async throws(StoreError) -> VerificationRun?

    /// Each asset's most recent outcome with its checks (for the status board).
    func latestOutcomes() async throws(StoreError) -> [VerificationOutcome]

    /// One asset's most recent outcome (an alert's diagnosis falls back on it).
    func latestOutcome(asset: String) async throws(StoreError) -> VerificationOutcome?

    /// Everything metrics are built from, aggregated over the whole record.
    func metricsSnapshot() async throws(StoreError) -> MetricsSnapshot
}

extension RunStore {
    package func latestOutcome(asset: String) async throws(StoreError) -> VerificationOutcome? {
        try await latestOutcomes().first { $0.asset == asset }
    }
}
