import BackstopCore
import BackstopSinks
import Foundation
import Testing

/// HTTP dates as S3's `Last-Modified` and a tracker's `Retry-After` carry them.
@Suite struct HTTPDateTests {
    static let halfPastTwo = Date(timeIntervalSince1970: 1_795_314_600)  // 2026-11-22T02:30:00Z

    @Test func anIMFFixdateIsRead() {
        #expect(RFC3339.parse("2026-11-22T02:30:00Z") == Self.halfPastTwo)
        #expect(HTTPDate.parse("Sun, 22 Nov 2026 02:30:00 GMT") == Self.halfPastTwo)
        #expect(HTTPDate.parse("2026-11-22T02:30:00Z") == nil)
        #expect(HTTPDate.parse("") == nil)
    }

    @Test func retryAfterIsSecondsOrADate() {
        #expect(SinkHTTPClient.retryAfter("120") == .seconds(120))
        #expect(SinkHTTPClient.retryAfter("Sun, 22 Nov 2026 02:30:30 GMT", now: Self.halfPastTwo) == .seconds(30))
        // A date already past asks for no wait at all.
        #expect(SinkHTTPClient.retryAfter("Sun, 22 Nov 2026 02:29:00 GMT", now: Self.halfPastTwo) == .zero)
        #expect(SinkHTTPClient.retryAfter("soon") == nil)
        #expect(SinkHTTPClient.retryAfter("-5") == nil)
    }
}
