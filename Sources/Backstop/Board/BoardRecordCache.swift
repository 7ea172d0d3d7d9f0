import BackstopCore
import Foundation
import Synchronization

/// What the board reads over the whole record: every asset's state (sorted and counted in
/// ``BoardIndex``) and the charts' data. Reading it costs a pass over every outcome, so it is kept
/// until a run or an incident event is appended (or the chart's day changes); each request then
/// pays only for its own page.
struct BoardRecord: Sendable {
    var index: BoardIndex
    var failures: [DailyFailures]
    var resolutions: [ResolvedIncident]
    /// The newest runs with their counts (each count reads every outcome of its run).
    var runs: [RunSummary]
    /// Midnight UTC of the charts' first day.
    var dayStart: Date
}

final class BoardRecordCache: Sendable {
    private struct Key: Equatable {
        var version: [Int64]
        var day: Int
    }

    private let cached = Mutex<(key: Key, record: BoardRecord)?>(nil)

    /// `assets` is the configuration's, fixed for the life of the process (as the cache is).
    func record(assets: [Asset], store: some StatusBoardStore & RunStore, now: Date) async throws(StoreError) -> BoardRecord {
        let day = Int((now.timeIntervalSince1970 / 86_400).rounded(.down))
        let key = Key(version: try await store.boardVersion(), day: day)
        if let hit = cached.withLock({ $0?.key == key ? $0?.record : nil }) { return hit }
        let dayStart = Date(timeIntervalSince1970: Double(day - StatusBoardView.chartDays + 1) * 86_400)
        let end = Date(timeIntervalSince1970: Double(day + 1) * 86_400)
        let record = BoardRecord(
            index: BoardIndex(assets: assets, states: try await store.latestStates()),
            failures: try await store.failuresPerDay(from: dayStart, to: end),
            resolutions: try await store.resolutions(from: dayStart, to: end), runs: try await store.recentRuns(limit: 15),
            dayStart: dayStart)
        cached.withLock { $0 = (key, record) }
        return record
    }
}
