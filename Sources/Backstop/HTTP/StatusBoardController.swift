import BackstopCore
import Foundation
import Hummingbird

/// `GET /`: the status board, plain HTML that reads well at 3 a.m. and needs no JavaScript.
struct StatusBoardController {
    let record: any RunStore
    let ledger: any IncidentStore
    let assets: [Asset]
    let clock: any WallClock

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/") { _, _ in
            let outcomes = try await record.latestOutcomes()
            let runs = try await record.recentRuns(limit: 15)
            let page = StatusBoardPage(
                assets: assets, outcomes: outcomes, runs: runs,
                incidents: try await ledger.incidents(limit: 50, openOnly: true),
                deadLetters: try await ledger.deadLetters(limit: 20), now: clock.now)
            return JSONResponse.text(page.render(), contentType: "text/html; charset=utf-8")
        }
    }
}

/// Renders the status board; kept apart from the route so it is tested on values.
struct StatusBoardPage {
    var assets: [Asset]
    var outcomes: [VerificationOutcome]
    var runs: [RunSummary]
    var incidents: [Incident] = []
    /// Incident messages abandoned after their retry budget: somebody must act on them.
    var deadLetters: [OutboxMessage] = []
    var now: Date

    func render() -> String {
        let latest = Dictionary(outcomes.map { ($0.asset, $0) }, uniquingKeysWith: { _, last in last })
        let states = assets.map { latest[$0.name]?.state }
        let failing = states.filter { $0 == .failed }.count
        let missing = states.filter { $0 == .missing }.count
        let healthy = states.filter { $0 == .healthy }.count
        let unverified = states.filter { $0 == nil }.count
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Backstop status</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1d1d1f}
            table{border-collapse:collapse;width:100%;margin-bottom:2rem}
            th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}
            .healthy{color:#137333}.failed,.missing,.aborted{color:#b3261e;font-weight:600}.none{color:#777}
            pre{white-space:pre-wrap;margin:.2rem 0;font-size:12px;background:#f6f6f6;padding:.3rem}
            </style></head><body>
            <h1>Backstop</h1>
            <p><strong>\(healthy)</strong> healthy · <strong class="failed">\(failing)</strong> failing · <strong class="missing">\(missing)</strong> missing · \(unverified) not verified yet · as of \(escape(RFC3339.format(now)))</p>
            <h2>Assets</h2>
            <table><tr><th>Asset</th><th>Schedule</th><th>State</th><th>Artifact</th><th>Verified</th><th>Why</th></tr>

            """
        for asset in assets.sorted(by: { (sortKey(latest[$0.name]), $0.name) < (sortKey(latest[$1.name]), $1.name) }) {
            let outcome = latest[asset.name]
            let state = outcome?.state.rawValue ?? "not verified yet"
            let artifact =
                outcome?.artifact.map { "\(escape(($0.path as NSString).lastPathComponent)) (\(ByteSize.format($0.sizeBytes)))" } ?? "—"
            let why =
                outcome?.failedChecks.map { check in
                    "<div><strong>\(check.kind.rawValue)</strong>: \(escape(check.evidence.message))"
                        + (check.evidence.excerpt.map { "<pre>\(escape(String($0.suffix(800))))</pre>" } ?? "") + "</div>"
                }.joined() ?? ""
            html += "<tr><td>\(escape(asset.name))</td><td>\(escape(asset.scheduleName))</td>"
            html += "<td class=\"\(outcome?.state.rawValue ?? "none")\">\(escape(state))\(outcome?.late == true ? " (late)" : "")</td>"
            html += "<td>\(artifact)</td><td>\(outcome.map { escape(RFC3339.format($0.verifiedAt)) } ?? "—")</td><td>\(why)</td></tr>\n"
        }
        html += "</table>\n" + incidentSections()
        html +=
            "<h2>Recent runs</h2>\n<table><tr><th>Run</th><th>Trigger</th><th>Finished</th><th>Status</th><th>Assets</th><th>Failed</th><th>Restore tests</th></tr>\n"
        for run in runs {
            html += "<tr><td><a href=\"/api/v1/runs/\(escape(run.id))\">\(escape(run.id))</a></td>"
            html += "<td>\(escape(run.trigger.kind))\(run.trigger.detail.map { " " + escape($0) } ?? "")</td>"
            html += "<td>\(escape(RFC3339.format(run.finishedAt)))</td><td class=\"\(run.status.rawValue)\">\(run.status.rawValue)</td>"
            html += "<td>\(run.assets)</td><td>\(run.failed)</td><td>\(run.restoreTests)</td></tr>\n"
        }
        html +=
            "</table>\n<p><a href=\"/metrics\">/metrics</a> · <a href=\"/api/v1/runs\">/api/v1/runs</a> · <a href=\"/api/v1/incidents\">/api/v1/incidents</a> · <a href=\"/debug/healthz\">/debug/healthz</a></p>\n</body></html>\n"
        return html
    }

    private func incidentSections() -> String {
        var html = "<h2>Open incidents</h2>\n"
        if incidents.isEmpty {
            html += "<p class=\"none\">None.</p>\n"
        } else {
            html += "<table><tr><th>Incident</th><th>Asset</th><th>Cause</th><th>Opened</th><th>Occurrences</th><th>Tracker</th></tr>\n"
            for incident in incidents {
                let tracker = incident.references.sorted { $0.key.rawValue < $1.key.rawValue }.map { kind, reference in
                    let label = escape("\(kind.displayName) \(reference.key ?? reference.id)")
                    return reference.url.map { "<a href=\"\(escape($0))\">\(label)</a>" } ?? label
                }.joined(separator: " · ")
                html += "<tr><td><a href=\"/api/v1/incidents/\(escape(incident.id))\">\(escape(incident.id))</a></td>"
                html += "<td>\(escape(incident.asset))</td><td class=\"failed\">\(incident.cause.rawValue)</td>"
                html += "<td>\(escape(RFC3339.format(incident.openedAt)))</td><td>\(incident.occurrences)</td><td>\(tracker)</td></tr>\n"
            }
            html += "</table>\n"
        }
        guard !deadLetters.isEmpty else { return html }
        html += "<h2 class=\"failed\">Undelivered incident messages (dead letters)</h2>\n"
        html += "<table><tr><th>Incident</th><th>Sink</th><th>Action</th><th>Attempts</th><th>Last error</th></tr>\n"
        for message in deadLetters {
            html += "<tr><td><a href=\"/api/v1/incidents/\(escape(message.incidentID))\">\(escape(message.incidentID))</a></td>"
            html += "<td>\(message.target.displayName)</td><td>\(message.action.rawValue)</td><td>\(message.attempts)</td>"
            html += "<td>\(escape(message.lastError ?? ""))</td></tr>\n"
        }
        return html + "</table>\n"
    }

    /// Failing first, then missing, then unverified, then healthy.
    private func sortKey(_ outcome: VerificationOutcome?) -> Int {
        switch outcome?.state {
        case .failed: 0
        case .missing: 1
        case nil: 2
        case .noWindowYet: 3
        case .healthy: 4
        }
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
