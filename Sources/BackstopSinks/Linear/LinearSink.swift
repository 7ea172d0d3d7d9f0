import BackstopCore
import BackstopInput
import Foundation

/// Files incidents as Linear issues through the GraphQL API.
///
/// Idempotency comes from ids the sink chooses: the issue's UUID is derived from the incident
/// id and a comment's from the incident and message ids, so a retried create either succeeds
/// or is refused as a duplicate, which means the earlier attempt went through.
package struct LinearSink: IncidentSink {
    package var configuration: LinearConfiguration
    package var http: SinkHTTPClient

    package init(configuration: LinearConfiguration, http: SinkHTTPClient) {
        self.configuration = configuration
        self.http = http
    }

    package var kind: SinkKind { .linear }

    static let attachmentTitle = "Backstop incident report"

    var api: LinearAPI { LinearAPI(configuration: configuration, http: http) }

    package func deliver(_ message: OutboxMessage, incident: Incident) async throws(SinkError) -> ExternalReference? {
        switch message.action {
        case .open:
            return try await open(message, incident: incident)
        case .update:
            let issueID = issueID(of: incident)
            try await comment(message, incident: incident, issueID: issueID)
            return incident.references[.linear]
        case .reopen:
            let issueID = issueID(of: incident)
            let state = try await state(named: nil, type: "unstarted")
            try await move(issueID, to: state)
            try await comment(message, incident: incident, issueID: issueID)
            return incident.references[.linear]
        case .resolve:
            let issueID = issueID(of: incident)
            let state = try await state(named: configuration.completedState, type: "completed")
            try await move(issueID, to: state)
            try await comment(message, incident: incident, issueID: issueID)
            return incident.references[.linear]
        case .page:
            throw SinkError(.rejected, "Linear cannot page; route pages to PagerDuty")
        }
    }

    private func issueID(of incident: Incident) -> String {
        incident.references[.linear]?.id ?? LinearIdentifiers.issue(incidentID: incident.id)
    }

    // MARK: Open

    private func open(_ message: OutboxMessage, incident: Incident) async throws(SinkError) -> ExternalReference {
        let payload = message.payload
        let id = LinearIdentifiers.issue(incidentID: incident.id)
        var issue: LinearIssueFields?
        if message.inDoubt { issue = try await find(id) }
        if issue == nil {
            let input = LinearIssueCreateInput(
                id: id, teamId: configuration.teamID, title: payload.title.isEmpty ? "Backstop incident \(incident.id)" : payload.title,
                description: payload.markdown, priority: configuration.priority)
            do throws(SinkError) {
                let created = try await api.execute(
                    LinearOperations.issueCreate, variables: LinearInputVariables(input: input), as: LinearIssueCreateData.self)
                guard created.issueCreate.success, let fields = created.issueCreate.issue else {
                    throw SinkError(.invalidAnswer, "Linear did not confirm creating the issue for \(incident.id)", mayHaveReached: true)
                }
                issue = fields
            } catch  where LinearAPI.isConflict(error) {
                issue = try await find(id)
            }
        }
        guard let issue else {
            throw SinkError(.invalidAnswer, "Linear refused issue \(id) as a duplicate but does not show it", mayHaveReached: true)
        }
        if let url = payload.reportURL {
            // Linear keeps one attachment per issue and URL, so repeating this is harmless.
            let input = LinearAttachmentCreateInput(issueId: issue.id, url: url, title: Self.attachmentTitle, subtitle: incident.id)
            do throws(SinkError) {
                _ = try await api.execute(
                    LinearOperations.attachmentCreate, variables: LinearInputVariables(input: input), as: LinearSuccessData.self)
            } catch {
                throw SinkError(
                    error.reason, "\(error.message) (attaching the report to \(issue.identifier), which exists)",
                    retryAfter: error.retryAfter, mayHaveReached: true)
            }
        }
        return ExternalReference(id: issue.id, key: issue.identifier, url: issue.url)
    }

    /// The issue with `id`, or nil when Linear does not know it.
    private func find(_ id: String) async throws(SinkError) -> LinearIssueFields? {
        do throws(SinkError) {
            return try await api.execute(LinearOperations.issue, variables: LinearIDVariables(id: id), as: LinearIssueData.self).issue
        } catch  where error.reason == .rejected && error.message.contains("not found") {
            return nil
        }
    }

    // MARK: Comments and states

    private func comment(_ message: OutboxMessage, incident: Incident, issueID: String) async throws(SinkError) {
        let body = message.payload.markdown
        guard !body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
        let input = LinearCommentCreateInput(
            id: LinearIdentifiers.comment(incidentID: incident.id, messageID: message.id), issueId: issueID, body: body)
        do throws(SinkError) {
            _ = try await api.execute(
                LinearOperations.commentCreate, variables: LinearInputVariables(input: input), as: LinearSuccessData.self)
        } catch  where LinearAPI.isConflict(error) {
            // The comment was made by an earlier attempt.
        }
    }

    /// The team's state called `name` (case-insensitively), else its first state of `type` by position.
    private func state(named name: String?, type: String) async throws(SinkError) -> LinearWorkflowStateFields {
        let team = try await api.execute(
            LinearOperations.teamStates, variables: LinearIDVariables(id: configuration.teamID), as: LinearTeamStatesData.self
        ).team
        guard let states = team?.states.nodes else {
            throw SinkError(.rejected, "Linear has no team \(configuration.teamID) (or the API key cannot see it)")
        }
        if let name, let named = states.first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) { return named }
        let ordered = states.filter { $0.type == type }.sorted { ($0.position ?? 0) < ($1.position ?? 0) }
        guard let state = ordered.first else {
            let available = states.map { "'\($0.name)' (\($0.type))" }.joined(separator: ", ")
            throw SinkError(
                .rejected,
                "Linear team \(configuration.teamID) has no state \(name.map { "named '\($0)' or " } ?? "")of type \(type); available: \(available)"
            )
        }
        return state
    }

    private func move(_ issueID: String, to state: LinearWorkflowStateFields) async throws(SinkError) {
        let variables = LinearIssueUpdateVariables(id: issueID, input: LinearIssueUpdateInput(stateId: state.id))
        _ = try await api.execute(LinearOperations.issueUpdate, variables: variables, as: LinearSuccessData.self)
    }
}
