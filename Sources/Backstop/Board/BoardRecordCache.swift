import BackstopCore
import Foundation
import Synchronization

/// What the board reads over the whole record: every asset's state (sorted and counted in
/// ``BoardIndex``) and the charts' data. Reading it costs a pass over every outcome, so it is kept
/// until the record moves on (or the chart's day changes); each request then pays only for its
/// own page.
struct BoardRecord: Sendable {
    var index: BoardIndex
    var failures: [DailyFailures]
    var resolutions: [ResolvedIncident]
    /// The newest runs with their counts (each count reads every outcome of its run).
    var runs: [RunSummary]
    /// Midnight UTC of the charts' first day.
    var dayStart: Date
}

/// Two parts with their own keys: states, failures and runs change only when a run is appended,
/// resolutions when an incident event is. Triage appends incident events for minutes after a
/// large run; keyed together, every board request during it re-read all 10,000 states and the
/// run counts (0.3 s and more at 10,000 assets), though only the cheap resolutions had changed.
final class BoardRecordCache: Sendable {
    private struct Key: Equatable {
        var version: Int64
        var day: Int
    }

    private struct RunsPart: Sendable {
        var index: BoardIndex
        var failures: [DailyFailures]
        var runs: [RunSummary]
    }

    private let runsPart = Mutex<(key: Key, part: RunsPart)?>(nil)
    private let resolutions = Mutex<(key: Key, resolutions: [ResolvedIncident])?>(nil)

    /// `assets` is the configuration's, fixed for the life of the process (as the cache is).
    func record(assets: [Asset], store: some StatusBoardStore & RunStore, now: Date) async throws(StoreError) -> BoardRecord {
        let day = Int((now.timeIntervalSince1970 / 86_400).rounded(.down))
        let version = try await store.boardVersion()
        let dayStart = Date(timeIntervalSince1970: Double(day - StatusBoardView.chartDays + 1) * 86_400)
        let end = Date(timeIntervalSince1970: Double(day + 1) * 86_400)

        let runsKey = Key(version: version.first ?? 0, day: day)
        let part: RunsPart
        if let hit = runsPart.withLock({ $0?.key == runsKey ? $0?.part : nil }) {
            part = hit
        } else {
            part = RunsPart(
                index: BoardIndex(assets: assets, states: try await store.latestStates()),
                failures: try await store.failuresPerDay(from: dayStart, to: end), runs: try await store.recentRuns(limit: 15))
            runsPart.withLock { [part] in $0 = (runsKey, part) }
        }

        let incidentsKey = Key(version: version.dropFirst().first ?? 0, day: day)
        let resolved: [ResolvedIncident]
        if let hit = resolutions.withLock({ $0?.key == incidentsKey ? $0?.resolutions : nil }) {
            resolved = hit
        } else {
            resolved = try await store.resolutions(from: dayStart, to: end)
            resolutions.withLock { [resolved] in $0 = (incidentsKey, resolved) }
        }
        return BoardRecord(index: part.index, failures: part.failures, resolutions: resolved, runs: part.runs, dayStart: dayStart)
    }
}
