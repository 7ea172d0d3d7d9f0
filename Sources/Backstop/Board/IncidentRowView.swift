import BackstopCore
import Foundation

/// A tracker link (PagerDuty, Jira, Linear); only http(s) URLs become links.
struct TrackerLink: Sendable {
    var label: String
    var url: String

    static func links(_ incident: Incident) -> (linked: [TrackerLink], plain: [String]) {
        var linked: [TrackerLink] = []
        var plain: [String] = []
        for (kind, reference) in incident.references.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let label = "\(kind.displayName) \(reference.key ?? reference.id)"
            if let url = reference.url, SafeURL.isWeb(url) {
                linked.append(TrackerLink(label: label, url: url))
            } else {
                plain.append(label)
            }
        }
        return (linked, plain)
    }
}

/// Links from outside data (trackers, reports) must not run script: only http(s) and relative.
enum SafeURL {
    static func isWeb(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("https://") || lower.hasPrefix("http://")
    }

    static func isWebOrRelative(_ text: String) -> Bool {
        if isWeb(text) { return true }
        let lower = text.lowercased()
        return (lower.hasPrefix("/") && !lower.hasPrefix("//")) || lower.hasPrefix("#")
            || !(lower.contains(":") || lower.hasPrefix("//"))
    }
}

/// An incident as a table row of the board.
struct IncidentRowView: Sendable {
    var id: String
    var href: String
    var asset: String
    var assetHref: String
    var cause: String
    var opened: TimeView
    var occurrences: Int
    var trackers: [TrackerLink]
    var plainTrackers: [String]

    init(_ incident: Incident, now: Date) {
        id = incident.id
        href = PagePath.incident(incident.id)
        asset = incident.asset
        assetHref = PagePath.asset(incident.asset)
        cause = incident.cause.rawValue
        opened = TimeView(incident.openedAt, now: now)
        occurrences = incident.occurrences
        (trackers, plainTrackers) = TrackerLink.links(incident)
    }
}

/// A run as a table row.
struct RunRowView: Sendable {
    var id: String
    var href: String
    var trigger: String
    var finished: TimeView
    var status: String
    var assets: Int
    var failed: Int
    var restoreTests: Int

    init(_ run: RunSummary, now: Date) {
        id = run.id
        href = PagePath.run(run.id)
        trigger = run.trigger.kind + (run.trigger.detail.map { " " + $0 } ?? "")
        finished = TimeView(run.finishedAt, now: now)
        status = run.status.rawValue
        assets = run.assets
        failed = run.failed
        restoreTests = run.restoreTests
    }
}
