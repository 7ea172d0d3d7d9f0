import Foundation

/// The fake's entities as dictionaries keyed by Linear's field names, for GraphQL's default
/// resolver to pick from. Entities reached through another one (an attachment's issue) are
/// shallow, so the graph stays finite.
enum LinearRepresentation {
    typealias Object = [String: any Sendable]

    static func issue(_ issue: LinearIssue, teams: [LinearTeam], shallow: Bool = false) -> Object {
        let team = teams.first { $0.id == issue.teamID }
        var object: Object = [
            "id": issue.id, "identifier": issue.identifier, "number": Double(issue.number), "title": issue.title,
            "priority": Double(issue.priority), "priorityLabel": priorityLabel(issue.priority), "url": url(issue),
            "branchName": issue.identifier.lowercased(), "createdAt": timestamp(issue.createdAt), "updatedAt": timestamp(issue.updatedAt),
            "labelIds": [(any Sendable)?](), "previousIdentifiers": [(any Sendable)?](), "sortOrder": Double(issue.number),
            "prioritySortOrder": Double(issue.priority), "boardOrder": 0.0, "customerTicketCount": 0, "trashed": false,
            "state": state(team?.states.first { $0.id == issue.stateID }, fallback: issue, team: team),
        ]
        if let description = issue.description { object["description"] = description }
        if let team { object["team"] = self.team(team) }
        if !shallow {
            object["comments"] = connection(issue.comments.map { comment($0, of: issue, teams: teams) })
            object["attachments"] = connection(issue.attachments.map { attachment($0, of: issue, teams: teams) })
        }
        return object
    }

    static func attachment(_ attachment: LinearAttachment, of issue: LinearIssue, teams: [LinearTeam]) -> Object {
        var object: Object = [
            "id": attachment.id, "title": attachment.title, "url": attachment.url, "createdAt": timestamp(attachment.createdAt),
            "updatedAt": timestamp(attachment.updatedAt), "groupBySource": false, "metadata": Object(),
            "issue": self.issue(issue, teams: teams, shallow: true),
        ]
        if let subtitle = attachment.subtitle { object["subtitle"] = subtitle }
        return object
    }

    static func comment(_ comment: LinearComment, of issue: LinearIssue, teams: [LinearTeam]) -> Object {
        [
            "id": comment.id, "body": comment.body, "createdAt": timestamp(comment.createdAt), "updatedAt": timestamp(comment.createdAt),
            "url": "\(url(issue))#comment-\(comment.id.prefix(8))", "issueId": issue.id, "hideInLinear": false,
            "issue": self.issue(issue, teams: teams, shallow: true),
        ]
    }

    static func team(_ team: LinearTeam, withStates: Bool = true) -> Object {
        var object: Object = ["id": team.id, "key": team.key, "name": team.name, "displayName": team.name]
        if withStates {
            object["states"] = connection(team.states.map { state($0, team: team) })
        }
        return object
    }

    /// A connection (`nodes`, `edges`, `pageInfo`) holding everything in one page.
    static func connection(_ nodes: [Object]) -> Object {
        let ids = nodes.compactMap { $0["id"] as? String }
        return [
            "nodes": nodes.map { $0 as (any Sendable)? },
            "edges": nodes.map { node -> (any Sendable)? in ["node": node, "cursor": node["id"] as? String ?? ""] as Object },
            "pageInfo": [
                "hasNextPage": false, "hasPreviousPage": false, "startCursor": ids.first ?? "", "endCursor": ids.last ?? "",
            ] as Object,
        ]
    }

    private static func state(_ state: LinearWorkflowState, team: LinearTeam) -> Object {
        [
            "id": state.id, "name": state.name, "type": state.type, "color": state.color, "position": state.position,
            "createdAt": timestamp(Date(timeIntervalSince1970: 0)), "updatedAt": timestamp(Date(timeIntervalSince1970: 0)),
            "team": self.team(team, withStates: false),
        ]
    }

    private static func state(_ state: LinearWorkflowState?, fallback issue: LinearIssue, team: LinearTeam?) -> Object {
        if let state, let team { return self.state(state, team: team) }
        return ["id": issue.stateID, "name": issue.stateName, "type": issue.stateType]
    }

    private static func priorityLabel(_ priority: Int) -> String {
        ["No priority", "Urgent", "High", "Medium", "Low"][min(max(priority, 0), 4)]
    }

    private static func url(_ issue: LinearIssue) -> String {
        "https://linear.app/backstop-fake/issue/\(issue.identifier)"
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
