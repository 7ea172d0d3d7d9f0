import BackstopCore
import BackstopInput

/// Finding an issue whose create answer was lost without trusting the lagging search index.
///
/// Jira numbers a project's issues in order, so an issue created after the checkpoint (the
/// newest key the index had before the first create request) has a higher number. Those keys
/// are read one by one with `GET /issue/{key}` until a few in a row do not exist: the issue is
/// the one carrying the incident's property or label.
extension JiraSink {
    /// Keys that do not exist, in a row, after which there are no more issues to look at (a
    /// deleted issue leaves a gap; more than this many deleted in a row is not expected).
    static let missingKeysInARow = 5
    /// An upper bound on the keys read, so a project flooded with new issues cannot hold a
    /// delivery forever; the attempt fails and is retried instead of creating blindly.
    static let maximumKeysRead = 1_000

    package func checkpoint(_ message: OutboxMessage, incident: Incident) async throws(SinkError) -> String? {
        guard message.action == .open, incident.references[.jira] == nil else { return nil }
        return try await api.newestIssueKey() ?? "\(configuration.project)-0"
    }

    /// The issue created for `incident` after the checkpoint `note` (`OPS-123`), if any.
    func issueCreated(after note: String, for incident: Incident) async throws(SinkError) -> JiraIssueSummary? {
        guard let dash = note.lastIndex(of: "-"), let newest = Int(note[note.index(after: dash)...]) else {
            throw SinkError(
                .invalidAnswer, "Jira: the outbox checkpoint '\(note)' is not an issue key; cannot tell whether the issue exists")
        }
        let project = note[..<dash]
        var missing = 0
        for number in (newest + 1)...(newest + Self.maximumKeysRead) {
            guard let issue = try await api.issue("\(project)-\(number)") else {
                missing += 1
                if missing == Self.missingKeysInARow { return nil }
                continue
            }
            missing = 0
            if issue.belongs(to: incident.id) { return issue }
        }
        throw SinkError(
            .serverError,
            "Jira: more than \(Self.maximumKeysRead) issues were created in \(project) since \(note); "
                + "cannot tell yet whether incident \(incident.id) has one, trying again later")
    }
}
