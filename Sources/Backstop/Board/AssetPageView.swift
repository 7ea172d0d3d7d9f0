import BackstopCore
import Foundation

/// `GET /assets/{name}`: the asset's state and why, its history, restore durations, incidents.
struct AssetPageView: Sendable {
    struct WindowRow: Sendable {
        var cell: HistoryCell
        var window: String
        var style: StateStyle
        var cause: String
        var verified: TimeView
        var runID: String
    }

    var row: StatusBoardView.AssetRow
    var type: String
    var service: String
    var latest: OutcomeView?
    var windowRows: [WindowRow]
    var restoreChart: LineChartView
    var incidents: [IncidentRowView]
    var hasIncidents: Bool
    let windows = StatusBoardView.windows

    static func load(
        asset: Asset, store: some StatusBoardStore & RunStore, incidents: [Incident], now: Date
    ) async throws(StoreError) -> AssetPageView {
        let detail = try await store.boardDetails(assets: [asset.name], windows: StatusBoardView.windows)[asset.name]
        let restores = try await store.restoreHistory(asset: asset.name, limit: 200)
        let latest = try await store.latestOutcome(asset: asset.name)
        let chart = LineChartView(
            caption: "Restore test duration of \(asset.name) (last \(restores.count))",
            values: restores.map { (at: $0.at, value: $0.seconds, css: $0.passed ? "passed" : "failed", href: PagePath.run($0.runID)) },
            format: TimeView.duration)
        let mine = incidents.filter { $0.asset == asset.name }
        return AssetPageView(
            row: StatusBoardView.row(asset: asset, state: latest?.state, cause: latest?.cause, detail: detail, now: now),
            type: asset.backup.source.type,
            service: asset.service ?? "—", latest: latest.map { OutcomeView($0, now: now) },
            windowRows: (detail?.windows ?? []).map { window in
                WindowRow(
                    cell: HistoryCell(window), window: window.windowStart.map(RFC3339.format) ?? "—", style: StateStyle(window.state),
                    cause: window.cause?.rawValue ?? "", verified: TimeView(window.verifiedAt, now: now), runID: window.runID)
            }, restoreChart: chart, incidents: mine.map { IncidentRowView($0, now: now) }, hasIncidents: !mine.isEmpty)
    }
}

/// `GET /incidents/{id}`: the report rendered from its Markdown, the timeline, tracker links.
struct IncidentPageView: Sendable {
    struct EventRow: Sendable {
        var at: TimeView
        var kind: String
        var text: String
    }

    var row: IncidentRowView
    var title: String
    var summary: String
    var state: String
    var resolved: TimeView?
    var lastRunHref: String
    var lastRunID: String
    var jsonHref: String
    var reportMarkdownHref: String
    /// HTML from ``MarkdownHTML``, which escapes everything that came from outside.
    var reportHTML: String?
    var timeline: [EventRow]
    var deliveries: [IncidentDetail.Delivery]
    /// Retries proposed for this incident (`recovery.approval`); filled in by the controller.
    var approvals: [ApprovalRowView] = [] {
        didSet { hasApprovals = !approvals.isEmpty }
    }
    var hasApprovals = false

    init(detail: IncidentDetail, report: IncidentReportSnapshot?, now: Date) {
        let incident = detail.incident
        row = IncidentRowView(incident, now: now)
        title = incident.title
        summary = incident.summary
        state = incident.state.rawValue
        resolved = incident.resolvedAt.map { TimeView($0, now: now) }
        lastRunHref = PagePath.run(incident.lastRunID)
        lastRunID = incident.lastRunID
        jsonHref = "/api/v1/incidents/" + PagePath.encode(incident.id)
        reportMarkdownHref = jsonHref + "/report.md"
        reportHTML = report.map { MarkdownHTML.render($0.markdown) }
        timeline = detail.timeline.map { EventRow(at: TimeView($0.at, now: now), kind: $0.kind.rawValue, text: $0.text) }
        deliveries = detail.deliveries
    }
}
