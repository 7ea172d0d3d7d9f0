import BackstopCore
import BackstopInput
import Foundation
import HTTPTypes

/// How a sink's request leaves the process. Backstop's implementation is AsyncHTTPClient
/// (`AsyncHTTPSinkTransport` in the server module); this module knows only this protocol, so the
/// sinks build (and the config fuzzer links them) without the server's HTTP stack and TLS.
package protocol SinkTransport: Sendable {
    /// Sends `request` and collects the answer's body, at most `maxBodyBytes` of it; any answer
    /// (2xx or not) is returned. Throws when no complete answer came (timeout, connection, a body
    /// over the limit), with `mayHaveReached` when the request may have been acted on.
    func execute(
        _ request: SinkHTTPClient.Request, timeout: Duration, maxBodyBytes: Int, service: String
    ) async throws(SinkError) -> SinkHTTPClient.Response
}

/// The HTTP calls every sink makes, with one way of turning error statuses into ``SinkError``s.
package struct SinkHTTPClient: Sendable {
    package struct Request: Sendable {
        package var method: HTTPRequest.Method
        package var url: String
        package var headers: HTTPFields
        package var body: Data?
    }

    package struct Response: Sendable {
        package var status: HTTPResponse.Status
        package var headers: HTTPFields
        package var body: Data

        package init(status: HTTPResponse.Status, headers: HTTPFields, body: Data) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        package var text: String { String(decoding: body, as: UTF8.self) }

        package func decode<Value: Decodable>(_ type: Value.Type, service: String) throws(SinkError) -> Value {
            do {
                return try JSONDecoder().decode(type, from: body)
            } catch {
                throw SinkError(
                    .invalidAnswer, "\(service) answered HTTP \(status.code) with a body Backstop cannot read: \(text.prefix(200))")
            }
        }
    }

    package var transport: any SinkTransport
    package var timeout: Duration
    /// Larger answers are refused rather than buffered without bound.
    package var maxBodyBytes = 4 << 20

    package init(transport: any SinkTransport, timeout: Duration) {
        self.transport = transport
        self.timeout = timeout
    }

    /// Sends one request; any answer (2xx or not) is returned, transport failures are thrown.
    package func send(
        _ method: HTTPRequest.Method, _ url: String, headers: HTTPFields = [:], body: Data? = nil, service: String
    ) async throws(SinkError) -> Response {
        let request = Request(method: method, url: url, headers: headers, body: body)
        return try await transport.execute(request, timeout: timeout, maxBodyBytes: maxBodyBytes, service: service)
    }

    /// Sends a request whose success is a 2xx; anything else becomes a ``SinkError``.
    package func expectSuccess(
        _ method: HTTPRequest.Method, _ url: String, headers: HTTPFields = [:], body: Data? = nil, service: String
    ) async throws(SinkError) -> Response {
        let response = try await send(method, url, headers: headers, body: body, service: service)
        guard (200..<300).contains(response.status.code) else { throw Self.statusError(response, service: service) }
        return response
    }

    /// An error status as a ``SinkError``: 429 and 5xx pass, 401/403 need new credentials, other
    /// 4xx mean the request itself is wrong.
    package static func statusError(_ response: Response, service: String) -> SinkError {
        let code = response.status.code
        let detail = response.text.trimmingCharacters(in: .whitespacesAndNewlines).prefix(300)
        let message = "\(service) answered HTTP \(code) \(response.status.reasonPhrase): \(detail)"
        let retryAfter = response.headers[.retryAfter].flatMap { Self.retryAfter($0) }
        switch code {
        case 429: return SinkError(.rateLimited, message, retryAfter: retryAfter)
        case 408, 500...599: return SinkError(.serverError, message, retryAfter: retryAfter, mayHaveReached: true)
        case 401, 403: return SinkError(.unauthorized, message + " (check the sink's credentials)")
        case 404: return SinkError(.notFound, message)
        default: return SinkError(.rejected, message)
        }
    }

    /// `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3).
    package static func retryAfter(_ value: String, now: Date = Date()) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed), seconds >= 0 { return .seconds(seconds) }
        guard let date = HTTPDate.parse(trimmed) else { return nil }
        return .milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1_000))
    }
}
