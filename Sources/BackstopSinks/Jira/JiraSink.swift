import BackstopCore
import BackstopInput
import Foundation

/// Files incidents as Jira issues (Cloud or Data Center, REST v3 or v2).
///
/// Jira has no idempotency keys, so creation is made idempotent by construction: every issue
/// carries the incident id as a label and as the issue property `backstop.incident`, and
/// before the first create request the outbox records the project's newest issue key (the
/// checkpoint). A retry after a lost answer reads the issues numbered after it one by one
/// through `GET /issue/{key}`, which, unlike search, is exact and never lags.
package struct JiraSink: IncidentSink {
    package var configuration: JiraConfiguration
    package var http: SinkHTTPClient
    /// Pauses before repeating a search that found nothing while an earlier attempt may have
    /// created the issue; Jira's index usually catches up within a few seconds.
    package var searchRetryDelays: [Duration] = [.milliseconds(500), .seconds(1), .seconds(2)]

    package init(configuration: JiraConfiguration, http: SinkHTTPClient) {
        self.configuration = configuration
        self.http = http
    }

    package var kind: SinkKind { .jira }

    static let maximumSummaryLength = 255

    var api: JiraAPI { JiraAPI(configuration: configuration, http: http) }

    package func deliver(_ message: OutboxMessage, incident: Incident) async throws(SinkError) -> ExternalReference? {
        switch message.action {
        case .open:
            return try await open(message, incident: incident)
        case .update:
            let issue = try await locate(incident)
            try await comment(on: issue, message)
            return issue
        case .reopen:
            let issue = try await locate(incident)
            if let transition = configuration.reopenTransition { try await apply(transition, to: issue) }
            try await comment(on: issue, message)
            return issue
        case .resolve:
            let issue = try await locate(incident)
            try await apply(configuration.resolveTransition, to: issue)
            try await comment(on: issue, message)
            return issue
        case .page:
            throw SinkError(.rejected, "Jira cannot page; route pages to PagerDuty")
        }
    }

    // MARK: Open

    private func open(_ message: OutboxMessage, incident: Incident) async throws(SinkError) -> ExternalReference {
        let payload = message.payload
        let filename = "\(incident.id).md"
        let known = incident.references[.jira]
        var existing: JiraIssueSummary?
        if let known { existing = try await api.issue(known.id) }
        if existing == nil, message.inDoubt || known == nil {
            // A hit in the (lagging) index is certain; a miss is not, hence the exact probe.
            let patient = message.inDoubt && message.sinkNote == nil
            existing = try await find(incident, reconcile: known.map { [$0.id] } ?? [], patient: patient)
            if existing == nil, message.inDoubt, let note = message.sinkNote {
                existing = try await issueCreated(after: note, for: incident)
            }
        }
        let id: String
        let key: String
        let created: Bool
        if let existing {
            (id, key, created) = (existing.id, existing.key, false)
            if existing.fields?.attachment?.contains(where: { $0.filename == filename }) == true {
                return reference(id: id, key: key)
            }
        } else {
            let request = JiraCreateIssueRequest(
                fields: .init(
                    project: .init(key: configuration.project), issuetype: .init(name: configuration.issueType),
                    summary: Self.summary(payload.title, fallback: "Backstop incident \(incident.id)"),
                    description: JiraRichText(
                        markdown: JiraDescription.markdown(payload.markdown, attachment: filename), api: configuration.api),
                    labels: JiraLabels.all(for: incident, payload: payload)),
                properties: [JiraIncidentProperty(value: .init(incident: incident.id))])
            let issue = try await api.createIssue(request)
            (id, key, created) = (issue.id, issue.key, true)
        }
        do throws(SinkError) {
            try await api.attach(to: key, filename: filename, contentType: "text/markdown", data: Data(payload.markdown.utf8))
        } catch  where error.reason == .rejected {
            // Too large or refused: the description already holds the whole report.
        } catch {
            let what = created ? "created \(key) but attaching" : "attaching"
            throw SinkError(
                error.reason, "Jira: \(what) the report failed (\(error.message)); the next attempt looks the issue up by label",
                retryAfter: error.retryAfter, mayHaveReached: true)
        }
        return reference(id: id, key: key)
    }

    /// Summaries are one line of at most 255 characters.
    static func summary(_ title: String, fallback: String) -> String {
        let line = title.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        return String((line.isEmpty ? fallback : line).prefix(maximumSummaryLength))
    }

    private func reference(id: String, key: String) -> ExternalReference {
        ExternalReference(id: id, key: key, url: api.browseURL(key))
    }

    // MARK: Finding the issue

    /// The issue labelled with the incident id. `patient` repeats an empty search after the
    /// ``searchRetryDelays``, for when an earlier attempt may just have created it.
    private func find(_ incident: Incident, reconcile: [String], patient: Bool) async throws(SinkError) -> JiraIssueSummary? {
        let label = JiraLabels.incident(incident.id)
        var found = try await api.search(label: label, reconcile: reconcile)
        for delay in patient ? searchRetryDelays : [] where found.isEmpty {
            try? await Task.sleep(for: delay)
            found = try await api.search(label: label, reconcile: reconcile)
        }
        return found.first
    }

    /// The issue an earlier `open` created: the stored reference, else a search by label.
    private func locate(_ incident: Incident) async throws(SinkError) -> ExternalReference {
        if let known = incident.references[.jira] { return known }
        guard let issue = try await find(incident, reconcile: [], patient: true) else {
            throw SinkError(
                .rejected,
                "Jira has no issue for incident \(incident.id) (no reference and no issue labelled '\(JiraLabels.incident(incident.id))' "
                    + "in project \(configuration.project)); it was never opened there")
        }
        return reference(id: issue.id, key: issue.key)
    }

    // MARK: Comments and transitions

    /// Comments have no idempotency key in Jira, so each carries its own marker (incident and
    /// outbox message id) on its last line: after an attempt that may have posted it
    /// (`inDoubt`), a comment on the issue holding the marker is it, and nothing is posted again.
    private func comment(on issue: ExternalReference, _ message: OutboxMessage) async throws(SinkError) {
        let markdown = message.payload.markdown
        // Jira refuses empty comments; an action without words needs none.
        guard !markdown.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
        let keyOrID = issue.key ?? issue.id
        let marker = Self.commentMarker(message)
        let body = JiraRichText(markdown: markdown + "\n\n`\(marker)`", api: configuration.api)
        if message.inDoubt, try await api.comments(of: keyOrID).contains(where: { $0.text.contains(marker) }) { return }
        try await api.comment(on: keyOrID, body: body)
    }

    /// `backstop-message:<incident>:<outbox message id>`: unique to one comment of one incident.
    static func commentMarker(_ message: OutboxMessage) -> String {
        "backstop-message:\(message.incidentID):\(message.id)"
    }

    /// Moves the issue through the transition named `name` (or leading to a status of that
    /// name); nothing happens when it already is in that status, so a retried resolve is safe.
    private func apply(_ name: String, to issue: ExternalReference) async throws(SinkError) {
        let keyOrID = issue.key ?? issue.id
        let status = try await api.issue(keyOrID)?.fields?.status?.name
        if let status, Self.same(status, name) { return }
        let transitions = try await api.transitions(of: keyOrID)
        guard
            let chosen = transitions.first(where: { Self.same($0.name, name) })
                ?? transitions.first(where: { Self.same($0.to?.name, name) })
        else {
            let available = transitions.map { "'\($0.name)'" + ($0.to.map { " → \($0.name)" } ?? "") }
            throw SinkError(
                .rejected,
                "Jira offers no transition named '\(name)' for \(keyOrID) (status \(status ?? "unknown")); available: "
                    + (available.isEmpty ? "none" : available.joined(separator: ", ")))
        }
        if let status, Self.same(status, chosen.to?.name) { return }
        try await api.transition(keyOrID, to: chosen.id)
    }

    private static func same(_ left: String?, _ right: String?) -> Bool {
        guard let left, let right else { return false }
        return left.caseInsensitiveCompare(right) == .orderedSame
    }
}
