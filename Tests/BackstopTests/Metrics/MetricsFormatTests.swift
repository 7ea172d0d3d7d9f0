import Backstop
import BackstopCore
import BackstopTesting
import CompressNIO
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The exposition rendered straight from the snapshot: escaping, histograms, promtool's lint
/// and the gzip form.
@Suite struct MetricsFormatTests {
    static let awkward = "we\"ird\\asset\nname"

    /// Metrics with an asset whose name needs every escape (an asset no longer configured keeps
    /// its counters, so any name in the record reaches the exposition) and restore durations.
    static func metrics() -> BackstopMetrics {
        let metrics = BackstopMetrics(version: "1.0", revision: "abc", assets: [], schedules: ["nightly"])
        var snapshot = MetricsSnapshot()
        snapshot.checks[MetricsSnapshot.AssetCheck(awkward, .checksum)] = MetricsSnapshot.Counts(total: 2, failures: 1)
        snapshot.backupFailures[MetricsSnapshot.AssetCause(awkward, "corrupted_artifact")] = 1
        snapshot.restoreTests[awkward] = MetricsSnapshot.Counts(total: 3, failures: 0)
        snapshot.restoreDurations = [0.5, 12, 4_000]
        metrics.load(snapshot)
        return metrics
    }

    static func withoutProcess(_ text: String) -> String {
        text.split(separator: "\n").filter { !$0.contains("process_") }.joined(separator: "\n")
    }

    @Test func labelValuesEscapeBackslashQuoteAndNewline() {
        let text = String(decoding: Self.metrics().exposition(), as: UTF8.self)
        #expect(text.contains(#"backstop_checksum_failures_total{asset="we\"ird\\asset\nname"} 1"#))
        #expect(text.contains(#"backstop_backup_failures_total{asset="we\"ird\\asset\nname",cause="corrupted_artifact"} 1"#))
        #expect(!text.contains("asset\nname"), "no raw line feed inside a label value")
    }

    @Test func histogramsHaveCumulativeBucketsInfSumAndCount() {
        let text = String(decoding: Self.metrics().exposition(), as: UTF8.self)
        #expect(text.contains(#"backstop_restore_duration_seconds_bucket{le="1.0"} 1"#))
        #expect(text.contains(#"backstop_restore_duration_seconds_bucket{le="15.0"} 2"#))
        #expect(text.contains(#"backstop_restore_duration_seconds_bucket{le="3600.0"} 2"#))
        #expect(text.contains(#"backstop_restore_duration_seconds_bucket{le="7200.0"} 3"#))
        #expect(text.contains(#"backstop_restore_duration_seconds_bucket{le="+Inf"} 3"#))
        #expect(text.contains("backstop_restore_duration_seconds_sum 4012.5\n"))
        #expect(text.contains("backstop_restore_duration_seconds_count 3\n"))
    }

    @Test func promtoolAcceptsEscapedLabels() async throws {
        let exposition = String(decoding: Self.metrics().exposition(), as: UTF8.self)
        let lint = try await Shell.run(["promtool", "check", "metrics"], input: exposition)
        #expect(lint.isEmpty, "promtool: \(lint)")
    }

    @Test func theGzipFormDecompressesToThePlainOne() throws {
        let metrics = Self.metrics()
        for _ in 0..<2 {  // the second time from the cached compressed part
            var gzipped = ByteBuffer()
            for var buffer in try #require(metrics.gzippedExposition()) { gzipped.writeBuffer(&buffer) }
            let plain = try gzipped.decompress(with: .gzip)
            #expect(gzipped.readableBytes == 0, "one gzip member, nothing after it")
            let text = String(buffer: plain)
            #expect(text.contains("process_resident_memory_bytes"))
            #expect(Self.withoutProcess(text) == Self.withoutProcess(String(decoding: metrics.exposition(), as: UTF8.self)))
        }
    }

    @Test func aChangeReachesTheGzipForm() throws {
        let metrics = Self.metrics()
        _ = metrics.gzippedExposition()
        metrics.recordNotification(status: "rejected")
        var gzipped = ByteBuffer()
        for var buffer in try #require(metrics.gzippedExposition()) { gzipped.writeBuffer(&buffer) }
        #expect(String(buffer: try gzipped.decompress(with: .gzip)).contains(#"notifications_total{status="rejected"} 1"#))
    }

    /// Notifications are counted without rendering; the scrape after them renders the family,
    /// whichever form it asks for first.
    @Test func notificationsCountedSinceTheLastScrapeReachTheNextOne() throws {
        let metrics = Self.metrics()
        let line = { (count: Int) in #"backstop_alertmanager_notifications_total{status="firing"} \#(count)"# }
        #expect(String(decoding: metrics.exposition(), as: UTF8.self).contains(line(0)))
        metrics.recordNotification(status: "firing")
        metrics.recordNotification(status: "firing")
        #expect(String(decoding: metrics.exposition(), as: UTF8.self).contains(line(2)))
        metrics.recordNotification(status: "firing")
        var gzipped = ByteBuffer()
        for var buffer in try #require(metrics.gzippedExposition()) { gzipped.writeBuffer(&buffer) }
        #expect(String(buffer: try gzipped.decompress(with: .gzip)).contains(line(3)))
        #expect(String(decoding: metrics.exposition(), as: UTF8.self).contains(line(3)))
    }

    @Test(arguments: [("gzip", true), ("deflate, gzip;q=0.5", true), ("gzip;q=0", false), ("identity", false), ("*", true)])
    func metricsAreGzippedWhenAccepted(acceptEncoding: String, gzipped: Bool) async throws {
        let harness = try Harness()
        let services = try await harness.services(try harness.configuration(assets: HTTPTests.assets))
        let app = buildApplication(services: services, runScheduler: false)
        try await app.test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get, headers: [.acceptEncoding: acceptEncoding]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.vary] == "Accept-Encoding")
                #expect((response.headers[.contentEncoding] == "gzip") == gzipped)
                var body = response.body
                let text = gzipped ? String(buffer: try body.decompress(with: .gzip)) : String(buffer: body)
                #expect(text.contains(#"backstop_checks_total{check="checksum"} 0"#))
            }
        }
    }
}
