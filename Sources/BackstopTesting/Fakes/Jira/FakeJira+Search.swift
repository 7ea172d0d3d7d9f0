import Foundation
import Hummingbird

/// JQL search (`/rest/api/3/search/jql`), eventually consistent like Jira's: an issue reaches
/// the index only after `searchLag` later searches and `searchDelay` (or
/// ``FakeJira/indexAll()``), unless its id is
/// passed in `reconcileIssues`, which Jira documents for read-after-write consistency.
extension FakeJira {
    struct SearchRequest {
        var jql: String
        var fields: [String]
        var maxResults: Int
        var nextPageToken: String?
        var reconcileIssues: Set<String>
    }

    func searchByQuery(_ call: Call) async -> Response {
        let parameters = call.request.uri.queryParameters
        let request = SearchRequest(
            jql: parameters["jql"].map(String.init) ?? "",
            fields: parameters.getAll("fields").map { String($0) },
            maxResults: parameters["maxResults"].flatMap { Int(String($0)) } ?? 50,
            nextPageToken: parameters["nextPageToken"].map(String.init),
            reconcileIssues: Set(parameters.getAll("reconcileIssues").flatMap { $0.split(separator: ",") }.map { String($0) }))
        return search(call, request)
    }

    func searchByBody(_ call: Call) async -> Response {
        let body: JSONValue
        switch await jsonBody(call) {
        case .success(let value): body = value
        case .failure(let error): return error.response
        }
        if let problem = contractProblems(body, path: "/rest/api/3/search/jql", method: "POST") { return problem }
        let request = SearchRequest(
            jql: body["jql"]?.string ?? "",
            fields: body["fields"]?.array?.compactMap(\.string) ?? [],
            maxResults: body["maxResults"]?.number.map { Int($0) } ?? 50,
            nextPageToken: body["nextPageToken"]?.string,
            reconcileIssues: Set(body["reconcileIssues"]?.array?.compactMap { $0.number.map { String(Int($0)) } } ?? []))
        return search(call, request)
    }

    private func search(_ call: Call, _ request: SearchRequest) -> Response {
        let query: JiraQuery
        do {
            query = try JiraQuery(request.jql)
        } catch {
            return Self.errors(.badRequest, messages: [error.message])
        }
        guard let offset = request.nextPageToken.map({ Int($0) }) ?? 0, offset >= 0 else {
            return Self.errors(.badRequest, messages: ["The nextPageToken is invalid."])
        }
        let pageSize = min(max(request.maxResults, 1), 5_000)
        let now = Date()
        let visible = state.withLock { state -> [JiraIssue] in
            let found = state.issues.filter { issue in
                let indexed = issue.searchesUntilIndexed == 0 && issue.indexedAt <= now
                return (indexed || request.reconcileIssues.contains(issue.id)) && query.matches(issue)
            }
            // Every search brings the index one step closer to the issues it has not seen yet.
            for index in state.issues.indices where state.issues[index].searchesUntilIndexed > 0 {
                state.issues[index].searchesUntilIndexed -= 1
            }
            return found
        }
        let ordered = query.sorted(visible)
        let page = ordered.dropFirst(offset).prefix(pageSize)
        let selection = JiraFieldSelection(request.fields, defaultAll: false)
        var answer: [String: JSONValue] = [
            "issues": .array(page.map { $0.json(baseURL: call.baseURL, version: call.version, fields: selection) }),
            "isLast": .bool(offset + page.count >= ordered.count),
        ]
        if offset + page.count < ordered.count { answer["nextPageToken"] = .string(String(offset + page.count)) }
        return FakeHTTP.json(.ok, .object(answer))
    }
}
