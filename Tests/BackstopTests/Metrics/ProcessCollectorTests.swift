import Foundation
import Testing

@testable import Backstop

/// The `process_*` lines: parsed from `/proc` text, and read from this process at each scrape.
@Suite struct ProcessCollectorTests {
    @Test func parsesStatWithSpacesAndParenthesesInTheCommandName() {
        let fields = (3...52).map { String($0) }.joined(separator: " ")
        let stat = ProcessCollector.parseStat("4242 (my (odd) name) \(fields)")
        // Field n is the number n here: utime 14, stime 15, starttime 22, vsize 23, rss 24.
        #expect(stat == ProcessCollector.Stat(utime: 14, stime: 15, startTicks: 22, virtualBytes: 23, rssPages: 24))
        #expect(ProcessCollector.parseStat("4242 no parenthesis") == nil)
    }

    @Test func parsesTheBootTimeFromProcStat() {
        let text = "cpu  1 2 3 4\nintr 12 0 0 5\nctxt 99\nbtime 1764800000\nprocesses 7\n"
        #expect(ProcessCollector.parseBootTime(text) == 1_764_800_000)
        #expect(ProcessCollector.parseBootTime("cpu 1 2 3\n") == nil)
    }

    @Test func readsThisProcess() throws {
        let lines = ProcessCollector.exposition().split(separator: "\n").filter { !$0.hasPrefix("#") }
        func value(_ name: String) -> Double? {
            lines.first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
        }
        let opened = try #require(FileHandle(forReadingAtPath: "/proc/self/stat"))
        defer { try? opened.close() }
        // The descriptor opened above is among those counted.
        #expect((value("process_open_fds") ?? 0) >= 4)
        #expect((value("process_resident_memory_bytes") ?? 0) > 1_000_000)
        let started = try #require(value("process_start_time_seconds"))
        #expect(started <= Date().timeIntervalSince1970 && started > Date().timeIntervalSince1970 - 86_400)
        #expect(value("process_max_fds") ?? 0 > 0)
    }
}
