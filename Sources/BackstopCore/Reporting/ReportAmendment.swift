import Foundation

/// Adds an entry to the timeline of a report already stored with an incident, in both its
/// renderings, so what happened after the report was written (an answered retry approval) is in
/// the report people open, not only in the incident's own timeline. The stored report is never
/// edited: the amended copy is appended as the incident's newest report.
package enum ReportAmendment {
    /// The report's Markdown with `entry` as the last row of its timeline table, and its JSON with
    /// `entry` last in `timeline`.
    package static func adding(_ entry: IncidentReport.TimelineEntry, to snapshot: IncidentReportSnapshot, at now: Date)
        -> IncidentReportSnapshot
    {
        var amended = snapshot
        amended.createdAt = now
        amended.markdown = markdown(snapshot.markdown, adding: entry)
        amended.json = json(snapshot.json, adding: entry) ?? snapshot.json
        return amended
    }

    /// The timeline table ends where "What was attempted" begins (``MarkdownReport``); a report
    /// without one (written by another version) gets the row under a heading of its own.
    static func markdown(_ markdown: String, adding entry: IncidentReport.TimelineEntry) -> String {
        let row = MarkdownReport.timelineRow(entry)
        guard let end = markdown.range(of: "\n\n## Attempted automatically") else {
            return markdown + "\n## Timeline, continued (UTC)\n\n| Time | Asset | What |\n|---|---|---|\n" + row
        }
        var amended = markdown
        amended.insert(contentsOf: row, at: amended.index(after: end.lowerBound))
        return amended
    }

    /// Nil when the stored JSON is not an object with a `timeline` list (then it is kept as is).
    /// Edited as a JSON tree rather than decoded to ``IncidentReport``: its snake_case keys do not
    /// decode back to names such as `runID`, and fields a newer version added must survive.
    static func json(_ json: String, adding entry: IncidentReport.TimelineEntry) -> String? {
        guard var object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any],
            var timeline = object["timeline"] as? [Any]
        else { return nil }
        var added: [String: Any] = ["at": RFC3339.format(entry.at), "kind": entry.kind, "text": entry.text]
        if let asset = entry.asset { added["asset"] = asset }
        timeline.append(added)
        object["timeline"] = timeline
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
