import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The HTTP calls every sink makes, with one way of turning transport failures and error
/// statuses into ``SinkError``s.
package struct SinkHTTPClient: Sendable {
    package struct Response: Sendable {
        package var status: HTTPResponseStatus
        package var headers: HTTPHeaders
        package var body: ByteBuffer

        package var text: String { String(buffer: body) }

        package func decode<Value: Decodable>(_ type: Value.Type, service: String) throws(SinkError) -> Value {
            do {
                return try JSONDecoder().decode(type, from: Data(buffer: body))
            } catch {
                throw SinkError(
                    .invalidAnswer, "\(service) answered HTTP \(status.code) with a body Backstop cannot read: \(text.prefix(200))")
            }
        }
    }

    package var client: HTTPClient
    package var timeout: Duration
    /// Larger answers are refused rather than buffered without bound.
    package var maxBodyBytes = 4 << 20

    package init(client: HTTPClient = .shared, timeout: Duration = .seconds(30)) {
        self.client = client
        self.timeout = timeout
    }

    /// Sends one request; any answer (2xx or not) is returned, transport failures are thrown.
    package func send(
        _ method: HTTPMethod, _ url: String, headers: HTTPHeaders = [:], body: ByteBuffer? = nil, service: String
    ) async throws(SinkError) -> Response {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers = headers
        if let body { request.body = .bytes(body) }
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout.seconds * 1_000_000_000)))
            let collected = try await response.body.collect(upTo: maxBodyBytes)
            return Response(status: response.status, headers: response.headers, body: collected)
        } catch {
            throw Self.transportError(error, service: service, sent: body != nil || method != .GET)
        }
    }

    /// Sends a request whose success is a 2xx; anything else becomes a ``SinkError``.
    package func expectSuccess(
        _ method: HTTPMethod, _ url: String, headers: HTTPHeaders = [:], body: ByteBuffer? = nil, service: String
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
        let retryAfter = response.headers.first(name: "Retry-After").flatMap { Self.retryAfter($0) }
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
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        return .milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1_000))
    }

    private static func transportError(_ error: any Error, service: String, sent: Bool) -> SinkError {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout:
                return SinkError(.timeout, "\(service) did not answer within the timeout", mayHaveReached: sent)
            case .connectTimeout:
                return SinkError(.connection, "\(service) could not be reached within the timeout")
            case .remoteConnectionClosed:
                return SinkError(.connection, "\(service) closed the connection", mayHaveReached: sent)
            default: break
            }
        }
        if error is NIOTooManyBytesError { return SinkError(.invalidAnswer, "\(service) answered with a body over the size limit") }
        return SinkError(.connection, "\(service) could not be reached: \(error)", mayHaveReached: sent)
    }
}
