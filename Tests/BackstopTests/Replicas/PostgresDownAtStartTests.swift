import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// A real `backstop serve` started while its real PostgreSQL is stopped. With
/// `storage.postgres.buffer` it starts on the buffer (the log and `/debug/healthz` say so), is
/// ready, and acknowledges an Alertmanager notification; once PostgreSQL starts, the schema is
/// migrated, the notification is in PostgreSQL once, and it pages once (a PagerDuty that
/// enforces Events API v2). Without a buffer `serve` refuses to start, naming the store.
@Suite(.timeLimit(.minutes(6))) struct PostgresDownAtStartTests {
    @Test func serveStartsOnItsBufferAndCarriesOnWhenPostgresStarts() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: BackstopProcess.executable),
            "build the executable first: swift build --build-tests (scripts/test does)")
        let postgres = try await PostgresStoreFixture.start()
        try await postgres.server.stopAndWait()
        let directory = try TemporaryDirectory()
        try directory.write("pg-password", PostgresStoreFixture.password + "\n")
        try directory.write("pagerduty-key", IncidentFixtures.routingKey)
        try directory.write("webhook-token", ReplicaFixtures.webhookToken)
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
                # A schedule that never opens a window: this test is about the intake.
                schedules: { never: { cron: "0 0 31 2 *" } }
                diagnosis: { probes: false }
                assets:
                  - { name: orders-db, schedule: never, backup: { path: backups/orders-*.tar.gz, checksum: sidecar } }
                webhook: { bearer_token_file: ./webhook-token }
                incidents:
                  sink: pagerduty
                  page: pagerduty
                  pagerduty: { url: "\(url)", routing_key_file: ./pagerduty-key }
                """)
            let backstop = try BackstopProcess(arguments: ["serve", "--config", config, "--log-format", "text", "--log-level", "info"])
            defer { backstop.requestTermination(keepingUntilExit: directory) }
            #expect(
                await backstop.waitForLine(containing: "starting without PostgreSQL", within: .seconds(60)) != nil,
                "\(backstop.recentLines)")
            let started = await backstop.waitForLine(containing: "starting backstop", within: .seconds(60))
            #expect(started?.contains("buffer only") == true, "the start says which mode: \(started ?? "\(backstop.recentLines)")")
            let base = "http://127.0.0.1:\(port)"
            let health = try await Self.until(base + "/debug/healthz") { $0.contains("serve started without it") }
            #expect(health.contains("unreachable since"), "\(health)")
            let ready = try await FakeHTTPRequests.send(.GET, base + "/-/ready")
            #expect(ready.status == 200, "ready through the buffer: \(ready.text)")

            let webhook = [("Authorization", "Bearer \(ReplicaFixtures.webhookToken)"), ("Content-Type", "application/json")]
            let answer = try await FakeHTTPRequests.send(
                .POST, base + "/api/v1/alerts", headers: webhook, body: ReplicaFixtures.alert(service: "minio"))
            #expect(answer.status == 200, "\(answer.text)")
            _ = try await PostgresOutageServeTests.until(base + "/debug/healthz") { $0.contains("buffering, depth 1") }
            #expect(pagerDuty.alerts.isEmpty, "nothing is decided while PostgreSQL is down")

            try await postgres.server.restart()
            #expect(
                await backstop.waitForLine(containing: "the metrics are loaded from the record", within: .seconds(120)) != nil,
                "\(backstop.recentLines)")
            let drained = try await PostgresOutageServeTests.until(base + "/debug/healthz") { $0.contains("idle, depth 0, drained 1") }
            #expect(!drained.contains("serve started without it"), "\(drained)")
            #expect(try await FakeHTTPRequests.send(.GET, base + "/debug/healthz").status == 200)
            await pagerDuty.log.waitForAccepted(1)

            #expect(try await postgres.superuserSQL("SELECT COUNT(*) > 0 FROM schema_migrations") == "t\n", "the migrations ran")
            #expect(try await postgres.superuserSQL("SELECT COUNT(*) FROM alert_notifications") == "1\n")
            let store = try await PostgresStore.open(postgres.store, logger: PostgresStoreFixture.quietLogger)
            defer { store.close() }
            let incidents = try await store.incidents(limit: 10, openOnly: false)
            #expect(incidents.map(\.asset) == ["minio"], "\(incidents.map(\.dedupKey))")
            #expect(pagerDuty.events.count == 1, "one page, nothing sent twice")
            #expect(try await store.verifyChains().breaks.isEmpty)
        }
    }

    @Test func withoutABufferServeRefusesToStartNamingTheStore() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: BackstopProcess.executable))
        let postgres = try await PostgresStoreFixture.start()
        try await postgres.server.stopAndWait()
        let directory = try TemporaryDirectory()
        try directory.write("pg-password", PostgresStoreFixture.password + "\n")
        let config = try directory.write(
            "backstop.yml",
            """
            listen: 127.0.0.1:\(try FreePort.find())
            storage:
              postgres:
                url: postgres://backstop@127.0.0.1:\(postgres.server.port)/backstop?sslmode=disable
                password_file: ./pg-password
            schedules: { never: { cron: "0 0 31 2 *" } }
            assets:
              - { name: orders-db, schedule: never, backup: { path: backups/orders-*.tar.gz } }
            """)
        let backstop = try BackstopProcess(arguments: ["serve", "--config", config, "--log-format", "text"])
        defer { backstop.requestTermination(keepingUntilExit: directory) }
        let status = await backstop.waitForExit()
        #expect((status >> 8) & 0xff == 1, "exit status \(status)")
        let output = backstop.recentLines.joined(separator: "\n")
        #expect(output.contains("127.0.0.1:\(postgres.server.port)/backstop"), "\(output)")
    }

    /// Polls `url` until its body satisfies `done`, for at most two minutes, while the server may
    /// not listen yet (connection refused is asked again); the last body.
    static func until(_ url: String, _ done: (String) -> Bool) async throws -> String {
        let deadline = Date().addingTimeInterval(120)
        var text = ""
        while Date() < deadline {
            if let answer = try? await FakeHTTPRequests.send(.GET, url) {
                text = answer.text
                if done(text) { return text }
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        Issue.record("\(url) never answered as expected; last answer: \(text.prefix(2_000))")
        return text
    }
}
