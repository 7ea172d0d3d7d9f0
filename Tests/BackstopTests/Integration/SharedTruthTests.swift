import AsyncHTTPClient
import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// Issue 15, problem 1: a running `serve` and a CLI `verify` are two processes on one record.
/// What the CLI appends must reach serve's board, `/metrics`, `/api/v1/*` and the incident
/// ledger (resolved, and the resolution delivered to the tracker by serve) within 2 seconds.
@Suite(.timeLimit(.minutes(3))) struct SharedTruthTests {
    static let agreeWithin: Duration = .seconds(2)

    @Test func aHealthyRunRecordedByTheCLIReachesEveryViewOfServeWithinTwoSeconds() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: BackstopProcess.executable),
            "build the executable first: swift build --build-tests (scripts/test does)")
        let directory = try TemporaryDirectory()
        let pagerDuty = try FakePagerDuty(routingKeys: [IncidentFixtures.routingKey], eventsPerMinute: 100_000)
        try await pagerDuty.run { pagerDutyURL in
            let port = try FreePort.find()
            let config = try Self.writeConfiguration(in: directory, port: port, pagerDuty: pagerDutyURL)
            let serve = try BackstopProcess(arguments: ["serve", "--config", config, "--log-format", "text", "--log-level", "info"])
            defer { serve.requestTermination(keepingUntilExit: directory) }
            let base = "http://127.0.0.1:\(port)"
            let logs = { serve.recentLines.joined(separator: "\n") }

            // Serve verifies the last closed window at start: the backup is missing, an incident opens and is paged.
            let opened = try await Self.poll(within: .seconds(60)) {
                try await Self.openIncidents(base) == 1 && pagerDuty.alerts.values.contains { $0.status == .triggered }
            }
            try #require(opened != nil, "no incident was opened and paged:\n\(logs())")
            let dedupKey = try #require(pagerDuty.alerts.keys.first)
            #expect(try await Self.get(base + "/metrics").contains(#"backstop_backup_up{asset="orders-db",schedule="daily"} 0"#))

            // The backup arrives; a CLI `verify` (another process) records it healthy.
            let window = try #require(
                try ConfigurationLoader.load(path: config).schedules["daily"]?.lastClosedWindow(at: Date()))
            let fixtures = BackupFixtures(directory: directory)
            try fixtures.setModified(try await fixtures.archive("backups/orders-db-1.tar.gz"), to: window.start.addingTimeInterval(1_800))
            let verify = try BackstopProcess(arguments: ["verify", "--config", config, "--log-level", "warning"])
            let status = await verify.waitForExit()
            try #require(status == 0, "verify: \(verify.recentLines.joined(separator: "\n"))")

            // From here on serve has a second to notice and a second to bring every view in step.
            var pending: [String] = []
            let agreed = try await Self.poll(within: Self.agreeWithin) {
                let metrics = try await Self.get(base + "/metrics")
                let board = try await Self.get(base + "/")
                pending = [
                    metrics.contains(#"backstop_backup_up{asset="orders-db",schedule="daily"} 1"#) ? nil : "/metrics backup_up",
                    metrics.contains("\nbackstop_incidents_open 0") ? nil : "/metrics incidents_open",
                    metrics.contains(#"backstop_restore_tests_total{asset="orders-db"} 1"#) ? nil : "/metrics restore tests",
                    board.contains(#"<tr class="asset-row" data-state="healthy">"#) ? nil : "board",
                    try await Self.openIncidents(base) == 0 ? nil : "/api/v1/incidents",
                    pagerDuty.alert(dedupKey)?.status == .resolved ? nil : "PagerDuty resolution",
                ].compactMap { $0 }
                return pending.isEmpty
            }
            #expect(agreed != nil, "not in step within \(Self.agreeWithin): \(pending)\n\(logs())")
            // The resolution was sent once, by serve.
            #expect(pagerDuty.events.filter { $0.action == "resolve" }.count == 1)

            // Another writer (this test process, as a replica would) opens an incident and
            // queues its page: serve's outbox worker delivers it, once, and /metrics counts it.
            let configuration = try ConfigurationLoader.load(path: config)
            let store = try SQLiteRunStore(path: configuration.sqlitePath)
            let failure = TriagedFailure(
                asset: "orders-db", schedule: "daily", cause: .corruptedArtifact, evidence: ["checksum mismatch"], runID: "run_other",
                failingSince: Date(), occurredAt: Date(), attempted: [], logExcerpt: [], reportMarkdown: "report", reportJSON: "{}")
            let change = IncidentLedger(policy: configuration.incidents).record(failure, latest: nil, now: Date())
            let queued = try #require(change.incidents.first)
            try await store.commit(change, triagedRunID: nil)
            let delivered = try await Self.poll(within: Self.agreeWithin) {
                let metrics = try await Self.get(base + "/metrics")
                pending = [
                    metrics.contains("\nbackstop_incidents_open 1") ? nil : "/metrics incidents_open",
                    try await Self.openIncidents(base) == 1 ? nil : "/api/v1/incidents",
                    pagerDuty.alert(queued.dedupKey)?.status == .triggered ? nil : "PagerDuty page",
                ].compactMap { $0 }
                return pending.isEmpty
            }
            #expect(delivered != nil, "not in step within \(Self.agreeWithin): \(pending)\n\(logs())")
            #expect(pagerDuty.events.filter { $0.dedupKey == queued.dedupKey }.count == 1)
        }
    }

    /// Polls `condition` until it holds; the time it took, or nil when `limit` passed first.
    static func poll(within limit: Duration, _ condition: () async throws -> Bool) async throws -> Duration? {
        let clock = ContinuousClock()
        let start = clock.now
        while true {
            if try await condition() { return clock.now - start }
            if clock.now - start > limit { return nil }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// How many incidents `/api/v1/incidents` lists as open.
    static func openIncidents(_ base: String) async throws -> Int {
        let json = try JSONSerialization.jsonObject(with: Data(try await get(base + "/api/v1/incidents?state=open").utf8))
        return (json as? [Any])?.count ?? -1
    }

    static func get(_ url: String) async throws -> String {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 16 << 20)
        return String(buffer: body)
    }

    /// One asset whose backup has not arrived yet; incidents go to (the fake) PagerDuty.
    static func writeConfiguration(in directory: TemporaryDirectory, port: Int, pagerDuty: String) throws -> String {
        _ = try directory.write("pagerduty-key", IncidentFixtures.routingKey)
        return try directory.write(
            "backstop.yml",
            ServeFixtures.preamble(port: port) + """

                assets:
                  - { name: orders-db, schedule: daily, backup: { path: backups/orders-db-*.tar.gz, checksum: sidecar }, \(ServeFixtures.tarRestore) }
                incidents:
                  sink: pagerduty
                  pagerduty: { url: "\(pagerDuty)", routing_key_file: ./pagerduty-key }
                """)
    }
}
