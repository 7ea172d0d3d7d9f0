import BackstopCore
import BackstopInput
import Foundation
import HTTPTypes

/// Linear's GraphQL endpoint: one POST per operation, with the personal API key in
/// `Authorization` as it is (no `Bearer`, which is for OAuth tokens).
///
/// Linear reports most failures as GraphQL errors in an HTTP 400, tagged in
/// `extensions.code`; those are mapped to ``SinkError`` reasons here so the sink only sees
/// rate limits, credentials problems and rejections.
struct LinearAPI: Sendable {
    static let service = "Linear"

    var configuration: LinearConfiguration
    var http: SinkHTTPClient

    private struct Request<Variables: Encodable>: Encodable {
        var query: String
        var variables: Variables
    }

    private struct Envelope<Result: Decodable>: Decodable {
        var data: Result?
    }

    private struct ErrorEnvelope: Decodable {
        var errors: [GraphQLError]?
    }

    struct GraphQLError: Decodable {
        struct Extensions: Decodable {
            var type: String?
            var code: String?
            var userPresentableMessage: String?
        }

        var message: String
        var extensions: Extensions?
    }

    /// Runs `query` and decodes its `data` as `Result`.
    func execute<Variables: Encodable, Result: Decodable>(
        _ query: String, variables: Variables, as result: Result.Type
    ) async throws(SinkError) -> Result {
        let body: Data
        do {
            body = try JSONEncoder().encode(Request(query: query, variables: variables))
        } catch {
            throw SinkError(.rejected, "Linear: the request could not be encoded: \(error)")
        }
        var headers = HTTPFields()
        headers[.authorization] = configuration.apiKey.value
        headers[.contentType] = "application/json"
        headers[.accept] = "application/json"
        let response = try await http.send(.post, configuration.url, headers: headers, body: body, service: Self.service)
        let code = response.status.code
        if code == 429 || code >= 500 { throw SinkHTTPClient.statusError(response, service: Self.service) }
        let data = response.body
        if let errors = (try? JSONDecoder().decode(ErrorEnvelope.self, from: data))?.errors, let first = errors.first {
            throw Self.error(first, count: errors.count, response: response)
        }
        guard (200..<300).contains(code) else { throw SinkHTTPClient.statusError(response, service: Self.service) }
        guard let decoded = try response.decode(Envelope<Result>.self, service: Self.service).data else {
            throw SinkError(.invalidAnswer, "Linear answered without data: \(response.text.prefix(200))")
        }
        return decoded
    }

    /// A GraphQL error as a ``SinkError``: `RATELIMITED` waits for `Retry-After`, credential
    /// errors need a new key, anything else is a request Linear will refuse again.
    static func error(_ error: GraphQLError, count: Int, response: SinkHTTPClient.Response) -> SinkError {
        let code = error.extensions?.code?.uppercased() ?? ""
        let type = error.extensions?.type?.lowercased() ?? ""
        var message = "Linear: \(error.message)"
        if let detail = error.extensions?.userPresentableMessage, detail != error.message { message += " (\(detail))" }
        if count > 1 { message += " and \(count - 1) more error(s)" }
        switch (code, type) {
        case ("RATELIMITED", _), (_, "ratelimited"):
            let retryAfter = response.headers[.retryAfter].flatMap { SinkHTTPClient.retryAfter($0) }
            return SinkError(.rateLimited, message, retryAfter: retryAfter)
        case ("AUTHENTICATION_ERROR", _), ("FORBIDDEN", _), (_, "authentication error"), (_, "forbidden"):
            return SinkError(.unauthorized, message + " (check the sink's API key)")
        default:
            return SinkError(.rejected, message)
        }
    }

    /// Whether Linear refused a create because the client-chosen id is taken: the earlier
    /// attempt went through.
    static func isConflict(_ error: SinkError) -> Bool {
        error.reason == .rejected && error.message.contains("already exists")
    }
}
