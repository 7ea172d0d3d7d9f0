import AsyncHTTPClient
import BackstopTesting
import NIOCore
import Testing

/// The fault plan behaves the same on every fake: a planned rate limit, an outage of 500s, and
/// a hang that only the client's timeout ends; the request after them is handled normally.
enum FakeFaultChecks {
    typealias Send = @Sendable (_ baseURL: String, _ timeout: TimeAmount) async throws -> FakeAnswer

    static func check(
        faults: FaultPlan, log: RequestLog, run: (@Sendable (String) async throws -> Void) async throws -> Void, send: @escaping Send,
        rateLimitStatus: Int, rateLimitCheck: @escaping @Sendable (FakeAnswer) -> Void = { _ in }
    ) async throws {
        try await run { url in
            faults.failNext(1, with: .rateLimited(retryAfterSeconds: 30))
            let limited = try await send(url, .seconds(30))
            #expect(limited.status == rateLimitStatus)
            #expect(limited.headers.first(name: "Retry-After") == "30")
            rateLimitCheck(limited)

            faults.setOutage(.status(500))
            let outage = [try await send(url, .seconds(30)).status, try await send(url, .seconds(30)).status]
            #expect(outage == [500, 500])
            faults.setOutage(nil)

            faults.failNext(1, with: .hang)
            let before = log.requests.count
            await #expect(throws: HTTPClientError.self, "a held request ends only by the client's timeout") {
                _ = try await send(url, .milliseconds(500))
            }
            // The held request is logged on arrival; wait for it so the next request cannot take its fault.
            await log.waitForRequests(before + 1)
            #expect(log.requests.last?.fault == .hang && log.requests.last?.status == nil)

            let healthy = try await send(url, .seconds(30))
            #expect((200..<300).contains(healthy.status), "answered \(healthy.status): \(healthy.text)")
        }
        #expect(log.requests.map(\.fault) == [.rateLimited(retryAfterSeconds: 30), .status(500), .status(500), .hang, nil])
        #expect(log.acceptedCount == 1)
    }
}
