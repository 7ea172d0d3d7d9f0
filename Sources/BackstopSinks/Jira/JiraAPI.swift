import BackstopCore
import BackstopInput
import Foundation
import HTTPTypes

/// The Jira REST calls the sink makes, one method per endpoint, with authentication and the
/// API version applied in one place. Errors come from ``SinkHTTPClient`` and never carry the
/// credentials.
struct JiraAPI: Sendable {
    static let service = "Jira"

    var configuration: JiraConfiguration
    var http: SinkHTTPClient

    var baseURL: String { configuration.url.trimmingSuffix("/") }

    /// The browser link people follow from Backstop to the issue.
    func browseURL(_ key: String) -> String { "\(baseURL)/browse/\(key)" }

    private func url(_ path: String) -> String { "\(baseURL)/rest/api/\(configuration.api)\(path)" }

    private func issuePath(_ keyOrID: String) -> String {
        "/issue/" + (keyOrID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? keyOrID)
    }

    private var headers: HTTPFields {
        var headers = HTTPFields()
        headers[.authorization] = configuration.credentials.authorizationHeader
        headers[.accept] = "application/json"
        return headers
    }

    /// Jira refuses an attachment upload without it (its cross-site request forgery check).
    /// HTTPTypes has no constant for it and builds other names only through a failable
    /// initialiser; this one is a valid token, so it is never nil.
    private static let atlassianToken = HTTPField.Name("X-Atlassian-Token")

    private func send<Body: Encodable>(_ method: HTTPRequest.Method, _ path: String, json body: Body) async throws(SinkError)
        -> SinkHTTPClient.Response
    {
        let data: Data
        do {
            data = try JSONEncoder().encode(body)
        } catch {
            throw SinkError(.rejected, "Jira: the request could not be encoded: \(error)")
        }
        var headers = headers
        headers[.contentType] = "application/json"
        return try await http.expectSuccess(method, url(path), headers: headers, body: data, service: Self.service)
    }

    func createIssue(_ request: JiraCreateIssueRequest) async throws(SinkError) -> JiraCreatedIssue {
        try await send(.post, "/issue", json: request).decode(JiraCreatedIssue.self, service: Self.service)
    }

    /// The issue with its status, labels and attachments; nil when Jira says it does not exist.
    func issue(_ keyOrID: String) async throws(SinkError) -> JiraIssueSummary? {
        do throws(SinkError) {
            let query = "?fields=status,labels,attachment&properties=\(JiraIncidentProperty.key)"
            let response = try await http.expectSuccess(.get, url(issuePath(keyOrID) + query), headers: headers, service: Self.service)
            return try response.decode(JiraIssueSummary.self, service: Self.service)
        } catch  where error.reason == .notFound {
            return nil
        }
    }

    /// Issues of the configured project carrying `label`, oldest first.
    func search(label: String, reconcile: [String] = []) async throws(SinkError) -> [JiraIssueSummary] {
        let request = JiraSearchRequest(
            jql: "project = \(Self.quoted(configuration.project)) AND labels = \(Self.quoted(label)) ORDER BY created ASC",
            fields: ["status", "labels", "attachment"], maxResults: 10,
            reconcileIssues: reconcile.isEmpty ? nil : reconcile.compactMap { Int($0) })
        return try await send(.post, "/search/jql", json: request).decode(JiraSearchResult.self, service: Self.service).issues
    }

    /// The key of the newest issue of the configured project the search index has, if any.
    func newestIssueKey() async throws(SinkError) -> String? {
        let request = JiraSearchRequest(
            jql: "project = \(Self.quoted(configuration.project)) ORDER BY created DESC", fields: ["status"], maxResults: 1,
            reconcileIssues: nil)
        return try await send(.post, "/search/jql", json: request).decode(JiraSearchResult.self, service: Self.service).issues.first?.key
    }

    func comment(on keyOrID: String, body: JiraRichText) async throws(SinkError) {
        _ = try await send(.post, issuePath(keyOrID) + "/comment", json: JiraCommentRequest(body: body))
    }

    /// The bodies of the comments on an issue.
    func comments(of keyOrID: String) async throws(SinkError) -> [JiraRichText] {
        let response = try await http.expectSuccess(
            .get, url(issuePath(keyOrID) + "?fields=comment"), headers: headers, service: Self.service)
        let issue = try response.decode(JiraIssueComments.self, service: Self.service)
        return issue.fields?.comment?.comments.compactMap(\.body) ?? []
    }

    func transitions(of keyOrID: String) async throws(SinkError) -> [JiraTransitionList.Transition] {
        let response = try await http.expectSuccess(.get, url(issuePath(keyOrID) + "/transitions"), headers: headers, service: Self.service)
        return try response.decode(JiraTransitionList.self, service: Self.service).transitions
    }

    func transition(_ keyOrID: String, to transitionID: String) async throws(SinkError) {
        _ = try await send(.post, issuePath(keyOrID) + "/transitions", json: JiraTransitionRequest(transition: .init(id: transitionID)))
    }

    /// Uploads one file as multipart/form-data part `file`. Jira blocks uploads without
    /// `X-Atlassian-Token: no-check` as a cross-site request forgery.
    func attach(to keyOrID: String, filename: String, contentType: String, data: Data) async throws(SinkError) {
        let boundary = "backstop-" + UUID().uuidString
        var body = Data()
        body.append(Data("--\(boundary)\r\n".utf8))
        body.append(
            Data(
                "Content-Disposition: form-data; name=\"file\"; filename=\"\(filename.replacingOccurrences(of: "\"", with: "_"))\"\r\n".utf8
            ))
        body.append(Data("Content-Type: \(contentType)\r\n\r\n".utf8))
        body.append(data)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        var headers = headers
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        guard let atlassianToken = Self.atlassianToken else {
            throw SinkError(.rejected, "Jira: the X-Atlassian-Token header name was refused by HTTPTypes")
        }
        headers[atlassianToken] = "no-check"
        _ = try await http.expectSuccess(
            .post, url(issuePath(keyOrID) + "/attachments"), headers: headers, body: body, service: Self.service)
    }

    /// A JQL string literal.
    static func quoted(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
