import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// What the PagerDuty, Jira and Linear fakes share: the fault plan applied before a request is
/// handled, the log of what was answered, and running on a local port.
final class FakeService: Sendable {
    /// How the service words a fault (each vendor has its own error bodies).
    typealias FaultResponder = @Sendable (Fault) -> Response

    let faults = FaultPlan()
    let log = RequestLog()
    private let respondToFault: FaultResponder

    init(respondToFault: @escaping FaultResponder) {
        self.respondToFault = respondToFault
    }

    /// Answers `request` with a planned fault if there is one, otherwise with `handler`; records
    /// the outcome either way.
    func handle(_ request: Request, _ handler: () async -> Response) async -> Response {
        let method = request.method.rawValue
        let path = request.uri.path
        if let fault = faults.next() {
            if fault == .hang {
                log.record(ReceivedRequest(method: method, path: path, status: nil, fault: fault))
                await faults.hangUntilReleased()
                // Only reached when the fake stops; the client gave up long ago.
                return Response(status: .serviceUnavailable)
            }
            let response = respondToFault(fault)
            log.record(ReceivedRequest(method: method, path: path, status: Int(response.status.code), fault: fault))
            return response
        }
        let response = await handler()
        log.record(ReceivedRequest(method: method, path: path, status: Int(response.status.code), fault: nil))
        return response
    }

    /// Serves `router` on a local port while `body` runs; hung requests are let go before the
    /// server shuts down, since shutdown waits for every handler.
    func run<Result: Sendable>(
        _ router: Router<BasicRequestContext>, _ body: @Sendable (_ baseURL: String) async throws -> Result
    ) async throws -> Result {
        faults.arm()
        return try await LocalHTTPServer.run(router) { baseURL in
            do {
                let result = try await body(baseURL)
                faults.releaseHangs()
                return result
            } catch {
                faults.releaseHangs()
                throw error
            }
        }
    }
}

/// Building answers and reading bodies, shared by the fakes.
enum FakeHTTP {
    static func json(_ status: HTTPResponse.Status, _ value: JSONValue, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json;charset=UTF-8"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.data)))
    }

    static func text(_ status: HTTPResponse.Status, _ text: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "text/plain;charset=UTF-8"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func empty(_ status: HTTPResponse.Status) -> Response {
        Response(status: status)
    }

    /// The whole request body, or nil when it is larger than `limit` bytes.
    static func body(of request: Request, limit: Int) async -> Data? {
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Data(buffer.readableBytesView)
        } catch {
            return nil
        }
    }

    static let retryAfter = HTTPField.Name("Retry-After")

    /// `Retry-After` with a number of seconds.
    static func retryAfterHeader(_ seconds: Int) -> HTTPFields {
        guard let name = retryAfter else { return [:] }
        return [name: String(seconds)]
    }
}
