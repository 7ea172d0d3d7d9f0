import Backstop
import BackstopTesting
import Foundation
import Testing

/// A real Prometheus (Debian's) scrapes `backstop serve` as it always does, asking for gzip:
/// every sample of the exposition arrives (the cached compressed families and the per-scrape
/// `process_*` part form one gzip member that Prometheus reads to the end).
@Suite(.timeLimit(.minutes(5))) struct GzipScrapeTests {
    @Test func prometheusReadsEverySampleOfTheGzippedExposition() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: BackstopProcess.executable),
            "build the executable first: swift build --build-tests (scripts/test does)")
        let directory = try TemporaryDirectory()
        let fixtures = BackupFixtures(directory: directory)
        try fixtures.setModified(try await fixtures.archive("backups/orders-db-1.tar.gz"), to: Date())
        let port = try FreePort.find()
        // One healthy asset: no incident opens after the verification, so the samples stay put.
        let config = try directory.write(
            "backstop.yml",
            """
            \(ServeFixtures.preamble(port: port))
            assets:
              - name: orders-db
                schedule: daily
                backup: { path: backups/orders-db-*.tar.gz }
            """)
        let backstop = try BackstopProcess(arguments: ["serve", "--config", config, "--log-format", "text", "--log-level", "info"])
        defer { backstop.requestTermination(keepingUntilExit: directory) }
        // The record's families change only with a verification: after it, every scrape has the
        // same samples.
        #expect(await backstop.waitForLine(containing: "verification finished") != nil)
        let base = "http://127.0.0.1:\(port)/metrics"
        let plain = try await FakeHTTPRequests.send(.GET, base)
        // The shared client asks for gzip and inflates the body itself (checking the trailer).
        let compressed = try await FakeHTTPRequests.send(.GET, base, headers: [("Accept-Encoding", "gzip")])
        #expect(compressed.headers.first(name: "Content-Encoding") == "gzip")
        #expect(compressed.text.contains("backstop_backup_up{"))
        let samples = plain.text.split(separator: "\n").filter { !$0.hasPrefix("#") }.count

        let prometheus = try await LoopbackDaemon.prometheus(
            configuration: """
                global: { scrape_interval: 1s, evaluation_interval: 1s }
                scrape_configs:
                  - job_name: backstop
                    static_configs: [{ targets: ["127.0.0.1:\(port)"] }]
                """)
        defer { prometheus.stop() }
        try await DashboardQueryTests.waitUntil("Prometheus has scraped Backstop", prometheus: prometheus) {
            try await DashboardQueryTests.query(#"up{job="backstop"} == 1"#, on: prometheus).isEmpty == false
        }
        let scraped = try await DashboardQueryTests.query(#"scrape_samples_scraped{job="backstop"}"#, on: prometheus)
        var value: String?
        if case .array(let pair) = scraped.first?["value"], pair.count == 2 { value = pair[1].string }
        #expect(value == String(samples), "Prometheus read \(value ?? "nothing"); the plain exposition has \(samples)")
        let up = try await DashboardQueryTests.query(#"backstop_backup_up{job="backstop"}"#, on: prometheus)
        #expect(up.count == 1, "the asset's verdict arrived: \(up)")
    }
}
