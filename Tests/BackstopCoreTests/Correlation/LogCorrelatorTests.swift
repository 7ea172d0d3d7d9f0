import BackstopCore
import Foundation
import Testing

@Suite struct LogCorrelatorTests {
    static let focus = Date(timeIntervalSince1970: 1_795_313_700)

    static func line(_ offset: Double, _ text: String, service: String = "orders-db", level: String? = nil) -> LogLine {
        LogLine(timestamp: focus.addingTimeInterval(offset), service: service, source: "file", text: text, level: level)
    }

    func correlate(_ lines: [LogLine], evidence: [String] = [], limit: Int = 15) -> CorrelatedLogs {
        let byService = Dictionary(grouping: lines, by: \.service)
        return LogCorrelator(linesPerService: limit).correlate(
            lines: byService, roles: [("orders-db", "source"), ("orders-worker", "adjacent")], focus: Self.focus, evidence: evidence,
            windowStart: Self.focus.addingTimeInterval(-1_800), windowEnd: Self.focus.addingTimeInterval(600), sourceProblems: [])
    }

    @Test func everySignalPatternCompiles() {
        #expect(SignalRules.allCompile)
    }

    @Test func repeatedLinesCollapseWithACount() throws {
        let lines = (0..<40).map {
            Self.line(Double($0), "process \(1000 + $0) still waiting for AccessShareLock on relation 16384 after 1000.\($0) ms")
        }
        let result = correlate(lines)
        let excerpt = try #require(result.services.first)
        #expect(excerpt.lines.count == 1)
        #expect(excerpt.lines[0].count == 40)
        #expect(excerpt.lines[0].first == Self.focus)
        #expect(excerpt.lines[0].last == Self.focus.addingTimeInterval(39))
        #expect(excerpt.linesRead == 40)
        #expect(result.signals.contains { $0.kind == .lockWait && $0.count == 40 })
    }

    @Test func signalsAreRecognised() {
        let result = correlate([
            Self.line(-600, "Deployed orders-worker v2.14.0 (rolling update)", service: "orders-worker"),
            Self.line(-300, "received fast shutdown request"),
            Self.line(-290, "database system is ready to accept connections"),
            Self.line(-10, "connection pool exhausted", service: "orders-worker", level: "error"),
            Self.line(0, "process 77 still waiting for ShareLock on transaction 991"),
        ])
        let kinds = Set(result.signals.map(\.kind))
        #expect(kinds == [.deploy, .restart, .error, .lockWait])
        #expect(result.signals.map(\.at) == result.signals.map(\.at).sorted())
    }

    @Test func aTrafficSpikeStandsOutFromTheWindowsOwnBaseline() {
        var lines = (0..<30).map { Self.line(Double($0 * 60 - 1_800), "GET /orders 200") }
        lines += (0..<50).map { Self.line(120 + Double($0), "GET /orders 200") }
        let spikes = correlate(lines).signals.filter { $0.kind == .trafficSpike }
        #expect(spikes.count == 1)
        #expect(spikes.first?.count == 50)
        #expect(spikes.first?.text.contains("median of 1 per minute") == true)
    }

    @Test func theMostRelevantLinesAreKeptAndShownInTimeOrder() throws {
        var lines = (0..<30).map { Self.line(Double(-1_700 + $0 * 7), "GET /health \($0 % 2 == 0 ? "ok" : "fine") \(UUID().uuidString)") }
        lines.append(Self.line(-5, "ERROR:  permission denied for table orders", level: "error"))
        lines.append(Self.line(-900, "checkpoint complete: wrote 12 buffers"))
        let result = correlate(lines, evidence: ["pg_dump: error: query failed: ERROR:  permission denied for table orders"], limit: 3)
        let excerpt = try #require(result.services.first)
        #expect(excerpt.lines.count == 3)
        #expect(excerpt.lines.contains { $0.text.contains("permission denied for table orders") })
        #expect(excerpt.lines.map(\.first) == excerpt.lines.map(\.first).sorted())
        #expect(result.services.last?.service == "orders-worker")
        #expect(result.services.last?.lines.isEmpty == true)
    }

    @Test func longLinesAreCut() throws {
        let result = correlate([Self.line(0, "ERROR " + String(repeating: "x", count: 5_000))])
        let text = try #require(result.services.first?.lines.first?.text)
        #expect(text.count == 301)
    }
}
