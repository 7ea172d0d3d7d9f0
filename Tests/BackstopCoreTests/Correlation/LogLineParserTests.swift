import BackstopCore
import Foundation
import Testing

@Suite struct LogLineParserTests {
    let parser = LogLineParser(timeZone: TimeZone(identifier: "UTC")!, year: 2026)
    static let at = 1_795_313_703.0  // 2026-11-22T02:15:03Z

    @Test(arguments: [
        ("2026-11-22T02:15:03Z orders-api listening", at, "orders-api listening", nil as String?),
        ("2026-11-22T03:15:03.250+01:00 level=error msg=boom", at + 0.25, "level=error msg=boom", "error"),
        (
            "2026-11-22 02:15:03.123 UTC [4242] LOG:  process 4242 still waiting for ShareLock", at + 0.123,
            "[4242] LOG:  process 4242 still waiting for ShareLock", "log"
        ),
        (
            "2026-11-22 03:15:03 CET [77] ERROR:  canceling statement due to lock timeout", at,
            "[77] ERROR:  canceling statement due to lock timeout", "error"
        ),
        (
            "2026/11/22 02:15:03 [error] 31#31: *7 connect() failed (111: Connection refused)", at,
            "[error] 31#31: *7 connect() failed (111: Connection refused)", "error"
        ),
        ("Nov 22 02:15:03 db1 postgres[900]: database system is ready", at, "db1 postgres[900]: database system is ready", nil),
    ])
    func textFormats(line: String, seconds: Double, message: String, level: String?) throws {
        let parsed = parser.parse(line)
        let timestamp = try #require(parsed.timestamp, "no timestamp in \(line)")
        #expect(abs(timestamp.timeIntervalSince1970 - seconds) < 0.001)
        #expect(parsed.message == message)
        #expect(parsed.level == level)
    }

    @Test func nginxAccessLinesKeepTheWholeLine() throws {
        let line = #"10.1.2.3 - - [22/Nov/2026:03:15:03 +0100] "POST /orders HTTP/1.1" 503 19 "-" "curl/8""#
        let parsed = parser.parse(line)
        #expect(parsed.timestamp?.timeIntervalSince1970 == Self.at)
        #expect(parsed.message == line)
    }

    @Test func jsonLines() throws {
        let parsed = parser.parse(#"{"ts":"2026-11-22T02:15:03Z","level":"ERROR","msg":"pool exhausted","conns":50}"#)
        #expect(parsed.timestamp?.timeIntervalSince1970 == Self.at)
        #expect(parsed.level == "error")
        #expect(parsed.message == "pool exhausted")
        let epoch = parser.parse(#"{"time": 1795313703000, "message": "tick"}"#)
        #expect(epoch.timestamp?.timeIntervalSince1970 == Self.at)
    }

    @Test func continuationLinesHaveNoTimestamp() {
        #expect(parser.parse("    at com.example.Orders.save(Orders.java:42)").timestamp == nil)
        #expect(parser.parse("").timestamp == nil)
        #expect(parser.parse("{not json").timestamp == nil)
    }
}
