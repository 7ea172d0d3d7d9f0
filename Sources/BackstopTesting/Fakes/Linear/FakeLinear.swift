import Foundation
import GraphQL
import HTTPTypes
import Hummingbird
import Synchronization

/// A local Linear GraphQL API (`POST /graphql`). Every document is parsed and validated against
/// Linear's published schema and executed by the GraphQL engine, so variables are coerced to
/// Linear's input types and answers follow the selection set. The fake implements issueCreate,
/// issueUpdate, attachmentCreate, commentCreate, issue, attachmentsForURL and team; an operation
/// that produced errors changes nothing.
package final class FakeLinear: Sendable {
    package let apiKey: String
    package let teams: [LinearTeam]
    private let service: FakeService
    private let limiter: SlidingWindowRateLimiter
    private let now: @Sendable () -> Date
    private let schema: GraphQLSchema
    private let data = Mutex(LinearData())
    /// Operations run one at a time, so one's checks cannot be overtaken by another's changes.
    private let serial = AsyncLock()

    /// - Parameters:
    ///   - apiKey: the personal API key accepted in `Authorization` (sent without a scheme).
    ///   - teams: the teams that exist, with their workflow states.
    ///   - requestsPerHour: requests allowed per hour for the key (Linear documents 5,000 for API keys).
    ///   - now: the clock for rate limiting and timestamps.
    package init(
        apiKey: String, teams: [LinearTeam] = [LinearTeam.standard()], requestsPerHour: Int = 5_000,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        self.apiKey = apiKey
        self.teams = teams
        self.now = now
        schema = try LinearSchema.schema()
        limiter = SlidingWindowRateLimiter(limit: requestsPerHour, window: 3_600, now: now)
        service = FakeService(respondToFault: { fault in Self.faultResponse(fault, limit: requestsPerHour, now: now()) })
    }

    /// How long building Linear's schema from the SDL took (once per process).
    package static func schemaBuildDuration() throws -> Duration {
        try LinearSchema.built.get().buildDuration
    }

    /// Faults to answer coming requests with.
    package var faults: FaultPlan { service.faults }
    /// Every request answered, as it happens.
    package var received: EventRecorder<ReceivedRequest> { service.log.events }
    /// Every request answered so far, with ways to wait for a count.
    package var log: RequestLog { service.log }

    /// Issues in creation order.
    package var issues: [LinearIssue] { data.withLock { $0.issues } }

    /// An issue by id or identifier (`OPS-1`).
    package func issue(_ idOrIdentifier: String) -> LinearIssue? {
        data.withLock { $0.issues.first { $0.id == idOrIdentifier.lowercased() || $0.identifier == idOrIdentifier } }
    }

    package func run<Result: Sendable>(_ body: @Sendable (_ baseURL: String) async throws -> Result) async throws -> Result {
        let router = Router()
        router.post("/graphql") { request, _ in await self.service.handle(request) { await self.graphQL(request) } }
        return try await service.run(router, body)
    }

    private func graphQL(_ request: Request) async -> Response {
        // Personal API keys go in Authorization as they are; "Bearer" is for OAuth tokens.
        guard request.headers[.authorization] == apiKey else {
            return Self.errorResponse([LinearAPIError.authentication.graphQLError], status: .badRequest)
        }
        if let retryAfter = limiter.admit(apiKey) {
            return Self.rateLimited(retryAfter: retryAfter, limit: limiter.limit, now: now())
        }
        guard let body = await FakeHTTP.body(of: request, limit: 1_024 * 1_024), let json = try? JSONValue.parse(body),
            let query = json["query"]?.string
        else {
            return Self.errorResponse([Self.badRequest("Must provide query string.")], status: .badRequest)
        }
        var variables: [String: Map] = [:]
        switch json["variables"] {
        case .object(let members)?: variables = members.mapValues(Self.map)
        case nil, .null?: break
        default: return Self.errorResponse([Self.badRequest("Variables must be an object.")], status: .badRequest)
        }
        let document: Document
        do {
            document = try parse(source: Source(body: query, name: "GraphQL request"))
        } catch let error as GraphQLError {
            return Self.errorResponse([Self.tagged(error, type: "graphql error", code: "GRAPHQL_PARSE_FAILED")], status: .badRequest)
        } catch {
            return Self.errorResponse([Self.badRequest("\(error)")], status: .badRequest)
        }
        let validationErrors = validate(schema: schema, ast: document)
        guard validationErrors.isEmpty else {
            let tagged = validationErrors.map { Self.tagged($0, type: "graphql error", code: "GRAPHQL_VALIDATION_FAILED") }
            return Self.errorResponse(tagged, status: .badRequest)
        }
        return await serial.withLock {
            await execute(document, variables: variables, operationName: json["operationName"]?.string)
        }
    }

    private func execute(_ document: Document, variables: [String: Map], operationName: String?) async -> Response {
        let transaction = LinearTransaction(data: data.withLock { $0 }, teams: teams, now: now())
        let result: GraphQLResult
        do {
            result = try await GraphQL.execute(
                schema: schema, documentAST: document, rootValue: (), context: transaction, variableValues: variables,
                operationName: operationName)
        } catch {
            return Self.errorResponse([GraphQLError(error)], status: .internalServerError)
        }
        guard !result.errors.isEmpty else {
            let changed = transaction.data
            data.withLock { $0 = changed }
            return Self.encoded(result, status: .ok)
        }
        // Resolver errors carry Linear's own extensions. A null in a non-null field the fake does
        // not fill is the fake's gap, said so. Other errors without a path come from before
        // execution (bad variables, unknown operation); Linear answers those like validation errors.
        var executed = false
        let errors = result.errors.map { error -> GraphQLError in
            if let linear = error.originalError as? LinearAPIError {
                executed = true
                return GraphQLError(message: error.message, locations: error.locations, path: error.path, extensions: linear.extensions)
            }
            if error.message.hasPrefix("Cannot return null for non-nullable field") {
                executed = true
                let hint = " The Linear fake does not model this field: select fewer fields or add it to LinearRepresentation."
                return Self.tagged(error, type: "internal error", code: "INTERNAL_SERVER_ERROR", message: error.message + hint)
            }
            if error.path.elements.isEmpty { return Self.tagged(error, type: "graphql error", code: "BAD_USER_INPUT") }
            executed = true
            return Self.tagged(error, type: "internal error", code: "INTERNAL_SERVER_ERROR")
        }
        // Map is ExpressibleByNilLiteral, so a bare nil here would become `"data": null`.
        var data: Map?
        if executed { data = result.data ?? .null }
        return Self.encoded(GraphQLResult(data: data, errors: errors), status: .badRequest)
    }

    private static func tagged(_ error: GraphQLError, type: String, code: String, message: String? = nil) -> GraphQLError {
        GraphQLError(
            message: message ?? error.message, locations: error.locations, path: error.path,
            extensions: ["type": .string(type), "code": .string(code), "userError": .bool(true)])
    }

    private static func badRequest(_ message: String) -> GraphQLError {
        GraphQLError(
            message: message, locations: [], extensions: ["type": "graphql error", "code": "BAD_REQUEST", "userError": .bool(true)])
    }

    private static func errorResponse(_ errors: [GraphQLError], status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        encoded(GraphQLResult(errors: errors), status: status, headers: headers)
    }

    private static func encoded(_ result: GraphQLResult, status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        // The result encodes `data` in selection-set order, which JSONValue would not keep.
        let body = (try? JSONEncoder().encode(result)) ?? Data(#"{"errors":[{"message":"could not encode the result"}]}"#.utf8)
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// Linear's rate-limit answer: HTTP 400 with a RATELIMITED error and the request-limit headers.
    private static func rateLimited(retryAfter: Int, limit: Int, now: Date) -> Response {
        var headers = FakeHTTP.retryAfterHeader(retryAfter)
        let reset = Int((now.timeIntervalSince1970 + Double(retryAfter)) * 1_000)
        for (name, value) in [
            ("X-RateLimit-Requests-Limit", String(limit)), ("X-RateLimit-Requests-Remaining", "0"),
            ("X-RateLimit-Requests-Reset", String(reset)),
        ] {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return errorResponse([LinearAPIError.rateLimited.graphQLError], status: .badRequest, headers: headers)
    }

    private static func faultResponse(_ fault: Fault, limit: Int, now: Date) -> Response {
        switch fault {
        case .rateLimited(let seconds):
            return rateLimited(retryAfter: seconds, limit: limit, now: now)
        case .status(let code):
            let status = HTTPResponse.Status(code: code)
            let error = LinearAPIError(
                message: status.reasonPhrase.isEmpty ? "Error \(code)" : status.reasonPhrase, type: "internal error",
                code: "INTERNAL_SERVER_ERROR", userPresentableMessage: "Something went wrong on Linear's side.", userError: false,
                statusCode: code)
            return errorResponse([error.graphQLError], status: status)
        case .hang:
            return FakeHTTP.empty(.serviceUnavailable)
        }
    }

    /// JSON variables as the engine's Map; whole numbers become integers so `Int` arguments accept them.
    private static func map(_ value: JSONValue) -> Map {
        switch value {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .number(let number): number.rounded() == number && abs(number) < 1e15 ? .int(Int(number)) : .double(number)
        case .string(let text): .string(text)
        case .array(let items): .array(items.map(map))
        case .object(let members):
            .dictionary(.init(uniqueKeysWithValues: members.sorted { $0.key < $1.key }.map { ($0.key, map($0.value)) }))
        }
    }
}

extension LinearAPIError {
    var graphQLError: GraphQLError {
        GraphQLError(message: message, locations: [], extensions: extensions)
    }
}
