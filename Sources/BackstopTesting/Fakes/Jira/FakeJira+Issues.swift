import BackstopCore
import Foundation
import Hummingbird

/// Creating, reading and commenting on issues.
extension FakeJira {
    static let maximumSummaryLength = 255

    func createIssue(_ call: Call) async -> Response {
        let body: JSONValue
        switch await jsonBody(call) {
        case .success(let value): body = value
        case .failure(let error): return error.response
        }
        if let problem = contractProblems(body, path: "/rest/api/3/issue", method: "POST") { return problem }
        let fields = body["fields"]?.object ?? [:]
        var errors: [String: String] = [:]
        let projectKey = fields["project"]?["key"]?.string
        if projectKey.map(projects.contains) != true { errors["project"] = "Specify a valid project ID or key" }
        switch fields["issuetype"]?["name"]?.string {
        case nil: errors["issuetype"] = "Specify an issue type"
        case let name? where !issueTypes.contains(name): errors["issuetype"] = "Specify a valid issue type"
        default: break
        }
        switch fields["summary"] {
        case .string(let summary) where summary.count > Self.maximumSummaryLength:
            errors["summary"] = "Summary must be less than \(Self.maximumSummaryLength) characters."
        case .string(let summary) where !summary.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty:
            break
        case nil, .null?, .string?:
            errors["summary"] = "You must specify a summary of the issue."
        default:
            errors["summary"] = "Operation value must be a string"
        }
        if let problem = labelProblem(fields["labels"]) { errors["labels"] = problem }
        if let description = fields["description"], description != .null,
            let problem = Self.richTextProblem(description, version: call.version)
        {
            errors["description"] = problem
        }
        guard errors.isEmpty, let projectKey, let summary = fields["summary"]?.string, let issueType = fields["issuetype"]?["name"]?.string
        else { return Self.errors(.badRequest, fields: errors) }
        let status = initialStatus
        let category = workflow.first { $0.toStatus == status }?.statusCategory ?? "new"
        let issue = state.withLock { state -> JiraIssue in
            let number = (state.issueNumbers[projectKey] ?? 0) + 1
            state.issueNumbers[projectKey] = number
            let issue = JiraIssue(
                id: String(state.nextIssueID), key: "\(projectKey)-\(number)", projectKey: projectKey, issueType: issueType,
                summary: summary,
                description: fields["description"].flatMap { $0 == .null ? nil : $0 },
                labels: fields["labels"]?.array?.compactMap(\.string) ?? [], status: status, statusCategory: category, created: Date(),
                properties: Self.properties(body["properties"]), searchesUntilIndexed: searchLag,
                indexedAt: Date().addingTimeInterval(searchDelay.seconds))
            state.nextIssueID += 1
            state.issues.append(issue)
            return issue
        }
        return FakeHTTP.json(
            .created,
            [
                "id": .string(issue.id), "key": .string(issue.key),
                "self": .string("\(call.baseURL)/rest/api/\(call.version)/issue/\(issue.id)"),
            ])
    }

    func getIssue(_ call: Call) async -> Response {
        let found = state.withLock { state in issueIndex(call, in: state).map { state.issues[$0] } }
        switch found {
        case .failure(let error):
            return error.response
        case .success(let issue):
            let parameters = call.request.uri.queryParameters
            let selection = JiraFieldSelection(parameters.getAll("fields").map { String($0) }, defaultAll: true)
            var json = issue.json(baseURL: call.baseURL, version: call.version, fields: selection)
            // `properties=a,b`: the issue properties asked for, by key, as Jira answers them.
            let asked = parameters.getAll("properties").flatMap { $0.split(separator: ",") }.map(String.init)
            if !asked.isEmpty, case .object(var object) = json {
                object["properties"] = .object(issue.properties.filter { asked.contains($0.key) || asked.contains("*all") })
                json = .object(object)
            }
            return FakeHTTP.json(.ok, json)
        }
    }

    func addComment(_ call: Call) async -> Response {
        let body: JSONValue
        switch await jsonBody(call) {
        case .success(let value): body = value
        case .failure(let error): return error.response
        }
        if let problem = contractProblems(body, path: "/rest/api/3/issue/{issueIdOrKey}/comment", method: "POST") { return problem }
        let text = body["body"]
        if text == nil || text == .null || text == "" {
            return Self.errors(.badRequest, fields: ["comment": "Comment body can not be empty!"])
        }
        if let text, let problem = Self.richTextProblem(text, version: call.version) {
            return Self.errors(.badRequest, fields: ["comment": problem])
        }
        let added = state.withLock { state -> Swift.Result<(JiraComment, String), ResponseError> in
            issueIndex(call, in: state).map { index in
                let comment = JiraComment(id: String(state.nextCommentID), body: text ?? .null, apiVersion: call.version)
                state.nextCommentID += 1
                state.issues[index].comments.append(comment)
                return (comment, state.issues[index].id)
            }
        }
        switch added {
        case .failure(let error):
            return error.response
        case .success(let (comment, issueID)):
            var json = comment.json(baseURL: call.baseURL, issueID: issueID, version: call.version).object ?? [:]
            json["created"] = .string(JiraRichText.timestamp(Date()))
            return FakeHTTP.json(.created, .object(json))
        }
    }

    /// `properties: [{key, value}]` of a create request, by key.
    static func properties(_ value: JSONValue?) -> [String: JSONValue] {
        var properties: [String: JSONValue] = [:]
        for property in value?.array ?? [] {
            if let key = property["key"]?.string, let value = property["value"] { properties[key] = value }
        }
        return properties
    }

    /// Rich text must be Atlassian Document Format in v3 and a string in v2.
    static func richTextProblem(_ value: JSONValue, version: Int) -> String? {
        guard version == 3 else {
            return value.string == nil ? "Operation value must be a string" : nil
        }
        guard case .object = value else { return "Operation value must be an Atlassian Document" }
        return AtlassianDocumentValidator.problem(in: value).map { "Operation value must be an Atlassian Document: \($0)" }
    }

    private func labelProblem(_ value: JSONValue?) -> String? {
        guard let value, value != .null else { return nil }
        guard let labels = value.array else { return "Operation value must be an array of strings" }
        for label in labels {
            guard let text = label.string, !text.isEmpty else { return "Operation value must be an array of non-empty strings" }
            if text.contains(where: \.isWhitespace) { return "The label '\(text)' contains spaces which is invalid." }
            if text.count > 255 { return "The label '\(text.prefix(20))…' is longer than 255 characters." }
        }
        return nil
    }
}
