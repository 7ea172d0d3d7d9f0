import AsyncHTTPClient
import BackstopTesting
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// What a fake answered, read whole.
struct FakeAnswer {
    var status: Int
    var headers: HTTPHeaders
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONValue? { try? JSONValue.parse(body) }
}

/// Sends raw requests to the fakes the way the sink clients will: AsyncHTTPClient's shared client.
enum FakeHTTPRequests {
    /// How long a request may take before the test fails as hung. These tests check the fakes'
    /// contracts, not their speed, and the whole suite starts every test at once on two cores:
    /// there a Linear request, validated against Linear's whole schema by a debug build, took up
    /// to 30 s (FakeLinearTests took 60–85 s in full runs, 2 s alone).
    static let hangTimeout = TimeAmount.seconds(180)

    static func send(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: Data? = nil, timeout: TimeAmount = hangTimeout
    ) async throws -> FakeAnswer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let collected = try await response.body.collect(upTo: 16 * 1_024 * 1_024)
        return FakeAnswer(status: Int(response.status.code), headers: response.headers, body: Data(collected.readableBytesView))
    }

    /// POSTs `json` with `Content-Type: application/json`.
    static func post(
        _ url: String, json: JSONValue, headers: [(String, String)] = [], timeout: TimeAmount = hangTimeout
    ) async throws -> FakeAnswer {
        try await send(.POST, url, headers: headers + [("Content-Type", "application/json")], body: json.data, timeout: timeout)
    }
}

/// A clock tests move by hand, for the fakes' rate limits.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        current = Mutex(start)
    }

    var now: @Sendable () -> Date { { self.current.withLock { $0 } } }

    func advance(_ seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}
