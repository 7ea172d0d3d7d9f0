import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// A real `backstop serve` with `storage.postgres.buffer` while its real PostgreSQL is stopped
/// (the server process really gone) and started again: Alertmanager notifications and a
/// completion event are still acknowledged, the event's verification still runs, `/-/ready`
/// stays ready and `/debug/healthz` shows what waits; once PostgreSQL is back the buffer drains,
/// everything acknowledged is in PostgreSQL once, and the failure found during the outage and
/// the alert each page once (a PagerDuty that enforces Events API v2).
@Suite(.timeLimit(.minutes(6))) struct PostgresOutageServeTests {
    @Test func serveAcknowledgesWhilePostgresIsDownAndEverythingReachesItOnceWhenItIsBack() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: BackstopProcess.executable),
            "build the executable first: swift build --build-tests (scripts/test does)")
        let postgres = try await PostgresStoreFixture.start()
        let directory = try TemporaryDirectory()
        try directory.write("pg-password", PostgresStoreFixture.password + "\n")
        try directory.write("pagerduty-key", IncidentFixtures.routingKey)
        try directory.write("webhook-token", ReplicaFixtures.webhookToken)
        let fixtures = BackupFixtures(directory: directory)
        try fixtures.setModified(try await fixtures.archive("backups/orders-1.tar.gz"), to: Date())
        let billing = try await fixtures.archive("backups/billing-1.tar.gz", rows: 2_000)
        try fixtures.setModified(billing, to: Date())
        let pagerDuty = try FakePagerDuty(routingKeys: [IncidentFixtures.routingKey], eventsPerMinute: 100_000)
        try await pagerDuty.run { url in
            let port = try FreePort.find()
            let config = try directory.write(
                "backstop.yml",
                """
                listen: 127.0.0.1:\(port)
                storage:
                  postgres:
                    url: postgres://backstop@127.0.0.1:\(postgres.server.port)/backstop?sslmode=disable
                    password_file: ./pg-password
                    buffer: ./buffer/buffer.db
                schedules: { daily: { cron: "0 0 * * *", timezone: UTC, window: 1h, grace: 1m } }
                diagnosis: { probes: false }
                assets:
                  - { name: orders-db, schedule: daily, backup: { path: backups/orders-*.tar.gz, checksum: sidecar } }
                  - { name: billing-db, schedule: daily, backup: { path: backups/billing-*.tar.gz, checksum: sidecar } }
                webhook: { bearer_token_file: ./webhook-token }
                incidents:
                  sink: pagerduty
                  page: pagerduty
                  pagerduty: { url: "\(url)", routing_key_file: ./pagerduty-key }
                """)
            let backstop = try BackstopProcess(arguments: ["serve", "--config", config, "--log-format", "text", "--log-level", "info"])
            defer { backstop.requestTermination(keepingUntilExit: directory) }
            // The missed window, verified at start while PostgreSQL is up: both healthy, no page.
            #expect(
                await backstop.waitForLine(containing: "verification finished", within: .seconds(120)) != nil, "\(backstop.recentLines)")
            let base = "http://127.0.0.1:\(port)"

            try await postgres.server.stopAndWait()
            // billing-db's backup breaks during the outage; its completion event reports it.
            let size = (try FileManager.default.attributesOfItem(atPath: billing)[.size] as? Int) ?? 0
            try await fixtures.truncate(billing, to: size / 2)
            let webhook = [("Authorization", "Bearer \(ReplicaFixtures.webhookToken)"), ("Content-Type", "application/json")]
            let alert = ReplicaFixtures.alert(service: "minio")
            for attempt in ["first", "Alertmanager's retry"] {
                let answer = try await FakeHTTPRequests.send(.POST, base + "/api/v1/alerts", headers: webhook, body: alert)
                #expect(answer.status == 200, "\(attempt): \(answer.text)")
            }
            let event: JSONValue = .object(["asset": .string("billing-db"), "status": .string("success"), "exit_code": .number(0)])
            #expect(try await FakeHTTPRequests.post(base + "/api/v1/events", json: event).status == 202)
            // The event is verified from the buffer; its run waits there with the notification and the event.
            let waiting = try await Self.until(base + "/debug/healthz") { $0.contains("buffering, depth 3") }
            #expect(waiting.contains(#""store""#) && waiting.contains("unreachable since"), "\(waiting)")
            let ready = try await FakeHTTPRequests.send(.GET, base + "/-/ready")
            #expect(ready.status == 200, "\(ready.text)")
            #expect(pagerDuty.alerts.isEmpty, "nothing is decided while PostgreSQL is down")

            try await postgres.server.restart()
            let drained = try await Self.until(base + "/debug/healthz") { $0.contains("idle, depth 0, drained 3") }
            let health = try await FakeHTTPRequests.send(.GET, base + "/debug/healthz")
            #expect(health.status == 200, "every subsystem ok once drained: \(drained)")
            await pagerDuty.log.waitForAccepted(2)
            let metrics = try await Self.until(base + "/metrics") { $0.contains("backstop_store_buffer_drained_total 3") }
            #expect(metrics.contains("backstop_store_buffer_depth 0"))

            let store = try await PostgresStore.open(postgres.store, logger: PostgresStoreFixture.quietLogger)
            defer { store.close() }
            #expect(try await postgres.superuserSQL("SELECT COUNT(*) FROM alert_notifications") == "1\n")
            #expect(try await postgres.superuserSQL("SELECT asset FROM events") == "billing-db\n")
            let runs = try await store.recentRuns(limit: 10)
            #expect(runs.map(\.trigger.kind) == ["event", "schedule"], "\(runs)")
            #expect(runs.first?.failed == 1)
            let incidents = try await store.incidents(limit: 10, openOnly: false)
            #expect(Set(incidents.map(\.asset)) == ["billing-db", "minio"], "\(incidents.map(\.dedupKey))")
            #expect(incidents.count == 2)
            #expect(pagerDuty.alerts.count == 2)
            #expect(pagerDuty.events.count == 2, "one page each, nothing sent twice")
            #expect(try await store.verifyChains().breaks.isEmpty)
            let verify = try BackstopProcess(arguments: ["verify-record", "--config", config])
            #expect(await verify.waitForExit() == 0, "\(verify.recentLines)")
        }
    }

    /// Polls `url` until its body satisfies `done`, for at most two minutes; the last body.
    static func until(_ url: String, _ done: (String) -> Bool) async throws -> String {
        let deadline = Date().addingTimeInterval(120)
        var text = ""
        while Date() < deadline {
            text = try await FakeHTTPRequests.send(.GET, url).text
            if done(text) { return text }
            try await Task.sleep(for: .milliseconds(250))
        }
        Issue.record("\(url) never answered as expected; last answer: \(text.prefix(2_000))")
        return text
    }
}
