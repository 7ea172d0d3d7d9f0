import Foundation
import GraphQL
import Synchronization

/// One request's view of the Linear fake: a working copy of the data that resolvers read and
/// change. The fake keeps the copy only if the whole operation ran without errors.
final class LinearTransaction: Sendable {
    let teams: [LinearTeam]
    let now: Date
    private let working: Mutex<LinearData>

    init(data: LinearData, teams: [LinearTeam], now: Date) {
        self.teams = teams
        self.now = now
        working = Mutex(data)
    }

    var data: LinearData { working.withLock { $0 } }

    /// Resolves a root field from the arguments the engine has already coerced to the schema.
    func resolve(root: String, field: String, arguments: Map) throws -> (any Sendable)? {
        switch (root, field) {
        case ("Mutation", "issueCreate"): try issueCreate(arguments["input"])
        case ("Mutation", "issueUpdate"): try issueUpdate(id: arguments["id"].string ?? "", arguments["input"])
        case ("Mutation", "attachmentCreate"): try attachmentCreate(arguments["input"])
        case ("Mutation", "commentCreate"): try commentCreate(arguments["input"])
        case ("Query", "issue"): try issue(arguments["id"].string ?? "")
        case ("Query", "attachmentsForURL"): attachmentsForURL(arguments["url"].string ?? "")
        case ("Query", "team"): try team(arguments["id"].string ?? "")
        default: throw LinearAPIError.unsupported("\(root).\(field)")
        }
    }

    private func issueCreate(_ input: Map) throws -> [String: any Sendable] {
        guard let team = teams.first(where: { $0.id == input["teamId"].string }) else { throw LinearAPIError.entityNotFound("Team") }
        let id: String
        if let requested = input["id"].string {
            guard UUID(uuidString: requested) != nil else { throw LinearAPIError.invalidInput("id must be a UUID") }
            id = requested.lowercased()
        } else {
            id = UUID().uuidString.lowercased()
        }
        guard let title = input["title"].string, !title.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw LinearAPIError.invalidInput("title should not be empty")
        }
        let priority = try Self.priority(input["priority"]) ?? 0
        let state = try workflowState(input["stateId"].string ?? team.defaultStateID, in: team)
        let issue = try working.withLock { data -> LinearIssue in
            guard !data.issues.contains(where: { $0.id == id }) else { throw LinearAPIError.duplicate("Issue", id: id) }
            let number = (data.issueNumbers[team.id] ?? 0) + 1
            data.issueNumbers[team.id] = number
            let issue = LinearIssue(
                id: id, identifier: "\(team.key)-\(number)", number: number, teamID: team.id, title: title,
                description: input["description"].string,
                priority: priority, stateID: state.id, stateName: state.name, stateType: state.type, createdAt: now, updatedAt: now)
            data.issues.append(issue)
            data.lastSyncID += 1
            return issue
        }
        return payload("issue", LinearRepresentation.issue(issue, teams: teams))
    }

    private func issueUpdate(id: String, _ input: Map) throws -> [String: any Sendable] {
        let priority = try Self.priority(input["priority"])
        let issue = try working.withLock { data -> LinearIssue in
            guard let index = data.issues.firstIndex(where: { $0.id == id.lowercased() || $0.identifier == id }) else {
                throw LinearAPIError.entityNotFound("Issue")
            }
            var issue = data.issues[index]
            if let stateID = input["stateId"].string {
                guard let team = teams.first(where: { $0.id == issue.teamID }) else { throw LinearAPIError.entityNotFound("Team") }
                let state = try workflowState(stateID, in: team)
                issue.stateID = state.id
                issue.stateName = state.name
                issue.stateType = state.type
            }
            if let title = input["title"].string {
                guard !title.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw LinearAPIError.invalidInput("title should not be empty")
                }
                issue.title = title
            }
            if let description = input["description"].string { issue.description = description }
            if let priority { issue.priority = priority }
            issue.updatedAt = now
            data.issues[index] = issue
            data.lastSyncID += 1
            return issue
        }
        return payload("issue", LinearRepresentation.issue(issue, teams: teams))
    }

    /// Linear keeps one attachment per issue and URL: creating it again updates it.
    private func attachmentCreate(_ input: Map) throws -> [String: any Sendable] {
        let issueID = input["issueId"].string ?? ""
        let url = input["url"].string ?? ""
        guard URL(string: url)?.scheme != nil else { throw LinearAPIError.invalidInput("url must be a URL address") }
        let title = input["title"].string ?? ""
        let (attachment, issue) = try working.withLock { data -> (LinearAttachment, LinearIssue) in
            guard let index = data.issues.firstIndex(where: { $0.id == issueID.lowercased() || $0.identifier == issueID }) else {
                throw LinearAPIError.entityNotFound("Issue")
            }
            var attachment: LinearAttachment
            if let existing = data.issues[index].attachments.firstIndex(where: { $0.url == url }) {
                attachment = data.issues[index].attachments[existing]
                attachment.title = title
                attachment.subtitle = input["subtitle"].string ?? attachment.subtitle
                attachment.updatedAt = now
                data.issues[index].attachments[existing] = attachment
            } else {
                attachment = LinearAttachment(
                    id: input["id"].string?.lowercased() ?? UUID().uuidString.lowercased(), title: title,
                    subtitle: input["subtitle"].string,
                    url: url, createdAt: now, updatedAt: now)
                data.issues[index].attachments.append(attachment)
            }
            data.lastSyncID += 1
            return (attachment, data.issues[index])
        }
        return payload("attachment", LinearRepresentation.attachment(attachment, of: issue, teams: teams))
    }

    private func commentCreate(_ input: Map) throws -> [String: any Sendable] {
        guard let issueID = input["issueId"].string else {
            throw LinearAPIError.invalidInput("issueId must be given to comment on an issue")
        }
        guard let body = input["body"].string, !body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw LinearAPIError.invalidInput("body should not be empty")
        }
        let (comment, issue) = try working.withLock { data -> (LinearComment, LinearIssue) in
            guard let index = data.issues.firstIndex(where: { $0.id == issueID.lowercased() || $0.identifier == issueID }) else {
                throw LinearAPIError.entityNotFound("Issue")
            }
            let comment = LinearComment(id: input["id"].string?.lowercased() ?? UUID().uuidString.lowercased(), body: body, createdAt: now)
            data.issues[index].comments.append(comment)
            data.lastSyncID += 1
            return (comment, data.issues[index])
        }
        return payload("comment", LinearRepresentation.comment(comment, of: issue, teams: teams))
    }

    private func issue(_ id: String) throws -> [String: any Sendable] {
        guard let issue = working.withLock({ data in data.issues.first { $0.id == id.lowercased() || $0.identifier == id } }) else {
            throw LinearAPIError.entityNotFound("Issue")
        }
        return LinearRepresentation.issue(issue, teams: teams)
    }

    private func attachmentsForURL(_ url: String) -> [String: any Sendable] {
        let found = working.withLock { data in
            data.issues.flatMap { issue in issue.attachments.filter { $0.url == url }.map { ($0, issue) } }
        }
        return LinearRepresentation.connection(found.map { LinearRepresentation.attachment($0.0, of: $0.1, teams: teams) })
    }

    private func team(_ id: String) throws -> [String: any Sendable] {
        guard let team = teams.first(where: { $0.id == id || $0.key == id }) else { throw LinearAPIError.entityNotFound("Team") }
        return LinearRepresentation.team(team)
    }

    private func workflowState(_ id: String, in team: LinearTeam) throws -> LinearWorkflowState {
        guard let state = team.states.first(where: { $0.id == id }) else { throw LinearAPIError.entityNotFound("WorkflowState") }
        return state
    }

    /// Linear priorities are 0 (none) to 4 (low).
    private static func priority(_ value: Map) throws -> Int? {
        guard let priority = value.int else { return nil }
        if priority > 4 { throw LinearAPIError.invalidInput("priority must not be greater than 4") }
        if priority < 0 { throw LinearAPIError.invalidInput("priority must not be less than 0") }
        return priority
    }

    private func payload(_ name: String, _ entity: [String: any Sendable]) -> [String: any Sendable] {
        ["success": true, "lastSyncId": working.withLock { $0.lastSyncID }, name: entity]
    }
}
