import AsyncHTTPClient
import BackstopCore
import BackstopSinks
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1

/// The sinks' requests through AsyncHTTPClient: the server's one HTTP stack (connection pool, TLS
/// with the system's trust roots). BackstopSinks defines ``SinkTransport`` and knows nothing of it.
package struct AsyncHTTPSinkTransport: SinkTransport {
    package var client: HTTPClient

    package init(client: HTTPClient = .shared) { self.client = client }

    package func execute(
        _ request: SinkHTTPClient.Request, timeout: Duration, maxBodyBytes: Int, service: String
    ) async throws(SinkError) -> SinkHTTPClient.Response {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headers { outgoing.headers.add(name: field.name.rawName, value: field.value) }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(data: body)) }
        do {
            let response = try await client.execute(outgoing, timeout: .nanoseconds(Int64(timeout.seconds * 1_000_000_000)))
            let collected = try await response.body.collect(upTo: maxBodyBytes)
            var headers = HTTPFields()
            // A name that is not an HTTP token cannot be a header a sink reads (only `Retry-After`).
            for (name, value) in response.headers {
                if let name = HTTPField.Name(name) { headers.append(HTTPField(name: name, value: value)) }
            }
            let status = HTTPResponse.Status(code: Int(response.status.code), reasonPhrase: response.status.reasonPhrase)
            return SinkHTTPClient.Response(status: status, headers: headers, body: Data(buffer: collected))
        } catch {
            throw Self.transportError(error, service: service, sent: request.body != nil || request.method != .get)
        }
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

extension SinkHTTPClient {
    /// The sinks' client in the server: AsyncHTTPClient (the shared one unless given).
    package init(client: HTTPClient = .shared, timeout: Duration = .seconds(30)) {
        self.init(transport: AsyncHTTPSinkTransport(client: client), timeout: timeout)
    }
}
