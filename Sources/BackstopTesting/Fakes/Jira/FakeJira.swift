import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// A local Jira Cloud REST API (v3 and v2) for issues, comments, transitions, attachments and
/// JQL search. Request bodies are validated against the official OpenAPI contract and the
/// rules Jira applies beyond it (configured projects and issue types, summary length, labels
/// without spaces, Atlassian Document Format in v3, plain strings in v2). Like Jira, search is
/// not read-after-write consistent: new issues show up only after some later searches.
package final class FakeJira: Sendable {
    static let contractFile = "jira-platform-v3.subset.openapi.json"

    struct State {
        var issues: [JiraIssue] = []
        var nextIssueID = 10_001
        var nextCommentID = 10_000
        var nextAttachmentID = 10_100
        var issueNumbers: [String: Int] = [:]
    }

    package let authentication: JiraAuthentication
    package let projects: Set<String>
    package let issueTypes: Set<String>
    package let workflow: [JiraTransition]
    package let initialStatus: String
    package let searchLag: Int
    /// How long after its creation an issue is missing from search at least (Jira Cloud's index
    /// lags by seconds under load).
    package let searchDelay: Duration
    package let maximumAttachmentBytes: Int
    let service: FakeService
    let contract: OpenAPISchemaValidator
    let state = Mutex(State())

    /// - Parameters:
    ///   - authentication: the only credentials accepted.
    ///   - projects: project keys issues can be created in.
    ///   - issueTypes: issue type names that exist.
    ///   - workflow: the transitions every issue offers.
    ///   - initialStatus: the status of a new issue.
    ///   - searchLag: how many later search calls miss a new issue before the index has it.
    ///   - searchDelay: how long search misses a new issue, whatever the number of searches.
    ///   - maximumAttachmentBytes: larger uploads are refused with 413.
    package init(
        authentication: JiraAuthentication, projects: Set<String> = ["OPS"], issueTypes: Set<String> = ["Task", "Bug", "Incident"],
        workflow: [JiraTransition] = JiraTransition.defaultWorkflow, initialStatus: String = "To Do", searchLag: Int = 1,
        searchDelay: Duration = .zero, maximumAttachmentBytes: Int = 10 * 1_024 * 1_024
    ) throws {
        self.authentication = authentication
        self.projects = projects
        self.issueTypes = issueTypes
        self.workflow = workflow
        self.initialStatus = initialStatus
        self.searchLag = searchLag
        self.searchDelay = searchDelay
        self.maximumAttachmentBytes = maximumAttachmentBytes
        contract = try OpenAPISchemaValidator.contract(Self.contractFile)
        service = FakeService(respondToFault: Self.faultResponse)
    }

    /// Faults to answer coming requests with.
    package var faults: FaultPlan { service.faults }
    /// Every request answered, as it happens.
    package var received: EventRecorder<ReceivedRequest> { service.log.events }
    /// Every request answered so far, with ways to wait for a count.
    package var log: RequestLog { service.log }

    /// Issues in creation order.
    package var issues: [JiraIssue] { state.withLock { $0.issues } }

    /// An issue by key (`OPS-1`) or id (`10001`).
    package func issue(_ keyOrID: String) -> JiraIssue? {
        state.withLock { $0.issues.first { $0.key == keyOrID || $0.id == keyOrID } }
    }

    /// Makes every issue searchable now, as if the index had caught up.
    package func indexAll() {
        state.withLock { state in
            for index in state.issues.indices {
                state.issues[index].searchesUntilIndexed = 0
                state.issues[index].indexedAt = .distantPast
            }
        }
    }

    package func run<Result: Sendable>(_ body: @Sendable (_ baseURL: String) async throws -> Result) async throws -> Result {
        let router = Router()
        router.post("/rest/api/:version/issue") { request, context in await self.serve(request, context, self.createIssue) }
        router.get("/rest/api/:version/issue/:issue") { request, context in await self.serve(request, context, self.getIssue) }
        router.post("/rest/api/:version/issue/:issue/comment") { request, context in await self.serve(request, context, self.addComment) }
        router.get("/rest/api/:version/issue/:issue/transitions") { request, context in
            await self.serve(request, context, self.listTransitions)
        }
        router.post("/rest/api/:version/issue/:issue/transitions") { request, context in
            await self.serve(request, context, self.transition)
        }
        router.post("/rest/api/:version/issue/:issue/attachments") { request, context in
            await self.serve(request, context, self.attach)
        }
        router.get("/rest/api/:version/search/jql") { request, context in await self.serve(request, context, self.searchByQuery) }
        router.post("/rest/api/:version/search/jql") { request, context in await self.serve(request, context, self.searchByBody) }
        return try await service.run(router, body)
    }

    /// What a handler gets once faults, authentication and the API version are dealt with.
    struct Call {
        var request: Request
        var version: Int
        /// The `issueIdOrKey` path parameter, when the route has one.
        var issueKey: String?
        /// `http://host:port`, for `self` links.
        var baseURL: String
    }

    private func serve(
        _ request: Request, _ context: BasicRequestContext, _ handler: @escaping @Sendable (Call) async -> Response
    ) async -> Response {
        await service.handle(request) {
            guard authentication.accepts(request.headers[.authorization]) else {
                return Self.errors(.unauthorized, messages: ["Client must be authenticated to access this resource."])
            }
            guard let version = context.parameters.get("version").flatMap(Int.init), version == 2 || version == 3 else {
                return Self.errors(.notFound, messages: ["null for uri: \(request.uri.path)"])
            }
            let baseURL = "http://\(request.head.authority ?? "127.0.0.1")"
            return await handler(Call(request: request, version: version, issueKey: context.parameters.get("issue"), baseURL: baseURL))
        }
    }

    /// Jira's error body: general messages plus messages by field.
    static func errors(_ status: HTTPResponse.Status, messages: [String] = [], fields: [String: String] = [:]) -> Response {
        FakeHTTP.json(
            status, ["errorMessages": .array(messages.map(JSONValue.string)), "errors": .object(fields.mapValues(JSONValue.string))])
    }

    /// The JSON body of a call, or the 400 Jira gives for one it cannot read.
    func jsonBody(_ call: Call) async -> Swift.Result<JSONValue, ResponseError> {
        guard let data = await FakeHTTP.body(of: call.request, limit: 10 * 1_024 * 1_024) else {
            return .failure(ResponseError(response: Self.errors(.contentTooLarge, messages: ["The request body is too large."])))
        }
        guard let value = try? JSONValue.parse(data) else {
            return .failure(
                ResponseError(
                    response: Self.errors(
                        .badRequest, messages: ["Invalid request payload. Refer to the REST API documentation and try again."])
                ))
        }
        return .success(value)
    }

    /// Request-body schema problems from the contract, as a 400 answer, or nil when valid.
    func contractProblems(_ body: JSONValue, path: String, method: String) -> Response? {
        do {
            let problems = try contract.validateRequestBody(body, path: path, method: method)
            return problems.isEmpty ? nil : Self.errors(.badRequest, messages: problems.map(\.description))
        } catch {
            return Self.errors(.internalServerError, messages: ["contract unavailable: \(error)"])
        }
    }

    /// The index of an issue by key or id, or Jira's 404.
    func issueIndex(_ call: Call, in state: State) -> Swift.Result<Int, ResponseError> {
        guard let key = call.issueKey, let index = state.issues.firstIndex(where: { $0.key == key || $0.id == key }) else {
            return .failure(
                ResponseError(response: Self.errors(.notFound, messages: ["Issue does not exist or you do not have permission to see it."]))
            )
        }
        return .success(index)
    }

    private static func faultResponse(_ fault: Fault) -> Response {
        switch fault {
        case .rateLimited(let seconds):
            return FakeHTTP.json(
                .tooManyRequests, ["errorMessages": ["Rate limit exceeded."], "errors": [:]], headers: FakeHTTP.retryAfterHeader(seconds))
        case .status(let code):
            let status = HTTPResponse.Status(code: code)
            return errors(status, messages: [status.reasonPhrase.isEmpty ? "Error \(code)" : status.reasonPhrase])
        case .hang:
            return FakeHTTP.empty(.serviceUnavailable)
        }
    }
}

/// A finished answer carried out of a helper that could not produce its value.
struct ResponseError: Error {
    var response: Response
}
