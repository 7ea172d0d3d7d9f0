import BackstopCore
import Foundation

/// Everything `GET /` shows, built from the store for one page of filtered assets.
struct StatusBoardView: Sendable {
    struct Option: Sendable {
        var value: String
        var label: String
        var selected: Bool
    }

    struct AssetRow: Sendable {
        var name: String
        var href: String
        var style: StateStyle
        var cause: String
        var failingSince: TimeView?
        var lastHealthy: TimeView?
        var lastRestore: String
        var cells: [HistoryCell]
        var schedule: String
        var kind: String
    }

    struct DeadLetterRow: Sendable {
        var incident: String
        var href: String
        var sink: String
        var action: String
        var attempts: Int
        var lastError: String
    }

    static let windows = 30
    static let chartDays = 30
    static let refreshSeconds = 60

    var now: String
    let refreshSeconds = StatusBoardView.refreshSeconds
    let windows = StatusBoardView.windows
    let chartDays = StatusBoardView.chartDays
    var healthy: Int
    var failed: Int
    var missing: Int
    var unverified: Int
    var total: Int
    var matched: Int
    var page: Int
    var pages: Int
    var previous: String?
    var next: String?
    var filter: BoardFilter
    var stateOptions: [Option]
    var scheduleOptions: [Option]
    var kindOptions: [Option]
    var rows: [AssetRow]
    var failuresChart: StackedBarChartView
    var mttrChart: LineChartView
    var incidents: [IncidentRowView]
    var hasIncidents: Bool
    var deadLetters: [DeadLetterRow]
    var hasDeadLetters: Bool
    var runs: [RunRowView]

    /// Every asset's state and the charts come from `record` (cached); details only for this page.
    static func load(
        schedules: [String], filter: BoardFilter, record: BoardRecord, store: some StatusBoardStore,
        incidents: [Incident], deadLetters: [OutboxMessage], runs: [RunSummary], now: Date
    ) async throws(StoreError) -> StatusBoardView {
        let index = record.index
        let selection = BoardSelection.select(index: index, filter: filter)
        let details = try await store.boardDetails(assets: selection.rows.map(\.asset.name), windows: windows)
        let dayStart = record.dayStart
        let failures = record.failures
        let resolutions = record.resolutions
        return StatusBoardView(
            now: RFC3339.format(now), healthy: index.healthy, failed: index.failed, missing: index.missing,
            unverified: index.unverified, total: index.entries.count, matched: selection.matched, page: selection.page,
            pages: selection.pages,
            previous: selection.page > 1 ? "/" + filter.query(page: selection.page - 1) : nil,
            next: selection.page < selection.pages ? "/" + filter.query(page: selection.page + 1) : nil, filter: filter,
            stateOptions: BoardFilter.states.map {
                Option(value: $0, label: $0.replacingOccurrences(of: "_", with: " "), selected: filter.state == $0)
            },
            scheduleOptions: schedules.map { Option(value: $0, label: $0, selected: filter.schedule == $0) },
            kindOptions: AssetKind.allCases.map { Option(value: $0.rawValue, label: $0.rawValue, selected: filter.kind == $0) },
            rows: selection.rows.map {
                row(asset: $0.asset, state: $0.status?.state, cause: $0.status?.cause, detail: details[$0.asset.name], now: now)
            },
            failuresChart: StackedBarChartView(
                caption: "Failed and missing backups per day, by cause", failures: failures, from: dayStart, days: chartDays),
            mttrChart: mttr(resolutions), incidents: incidents.map { IncidentRowView($0, now: now) }, hasIncidents: !incidents.isEmpty,
            deadLetters: deadLetters.map {
                DeadLetterRow(
                    incident: $0.incidentID, href: PagePath.incident($0.incidentID), sink: $0.target.displayName,
                    action: $0.action.rawValue,
                    attempts: $0.attempts, lastError: $0.lastError ?? "")
            }, hasDeadLetters: !deadLetters.isEmpty, runs: runs.map { RunRowView($0, now: now) })
    }

    static func row(asset: Asset, state: BackupState?, cause: FailureCause?, detail: AssetBoardDetail?, now: Date) -> AssetRow {
        AssetRow(
            name: asset.name, href: PagePath.asset(asset.name), style: StateStyle(state),
            cause: state?.isFailure == true ? (cause?.rawValue ?? "unknown") : "",
            failingSince: detail?.failingSince.map { TimeView($0, now: now) },
            lastHealthy: detail?.lastHealthyAt.map { TimeView($0, now: now) },
            lastRestore: detail?.lastRestoreSeconds.map(TimeView.duration) ?? "not tested", cells: HistoryCell.strip(detail?.windows ?? []),
            schedule: asset.scheduleName, kind: asset.kind.rawValue)
    }

    /// Mean time to resolve of the incidents resolved each day.
    static func mttr(_ resolutions: [ResolvedIncident]) -> LineChartView {
        var perDay: [Double: [Double]] = [:]
        for resolution in resolutions {
            perDay[(resolution.at.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400, default: []].append(resolution.seconds)
        }
        let values = perDay.keys.sorted().map { day in
            let seconds = perDay[day] ?? []
            return (
                at: Date(timeIntervalSince1970: day), value: seconds.reduce(0, +) / Double(max(seconds.count, 1)), css: "",
                href: String?.none
            )
        }
        return LineChartView(caption: "Mean time to resolve incidents, per day of resolution", values: values, format: TimeView.duration)
    }
}
