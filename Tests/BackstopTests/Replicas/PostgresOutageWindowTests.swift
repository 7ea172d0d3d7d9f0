import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// A scheduled window that closes while the real PostgreSQL is stopped, on a real `backstop
/// serve` with `storage.postgres.buffer`: the replica verifies the window without claims, the
/// run waits in the buffer, and once PostgreSQL is back it reaches PostgreSQL once (each
/// asset once for the window) and its failure pages once (a PagerDuty that enforces Events API v2).
@Suite(.timeLimit(.minutes(8))) struct PostgresOutageWindowTests {
    @Test func aWindowClosingDuringTheOutageIsVerifiedAndReachesPostgresOnceAndPagesOnce() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: BackstopProcess.executable),
            "build the executable first: swift build --build-tests (scripts/test does)")
        let postgres = try await PostgresStoreFixture.start()
        let directory = try TemporaryDirectory()
        try directory.write("pg-password", PostgresStoreFixture.password + "\n")
        try directory.write("pagerduty-key", IncidentFixtures.routingKey)
        // A daily window opening 1 to 2 minutes from now (UTC), 30 s long, checked 5 s after.
        let opens = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60 + 120)
        let utc = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC") ?? .current, from: opens)
        let closes = opens.addingTimeInterval(35)
        // Both backups were produced in yesterday's window, verified (healthy) at start.
        let fixtures = BackupFixtures(directory: directory)
        let orders = try fixtures.archive("backups/orders-1.tar.gz")
        let billing = try fixtures.archive("backups/billing-1.tar.gz", rows: 2_000)
        for artifact in [orders, billing] { try fixtures.setModified(artifact, to: opens.addingTimeInterval(-86_400 + 1)) }
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
                schedules: { daily: { cron: "\(utc.minute ?? 0) \(utc.hour ?? 0) * * *", timezone: UTC, window: 30s, grace: 5s } }
                diagnosis: { probes: false }
                assets:
                  - { name: orders-db, schedule: daily, backup: { path: backups/orders-*.tar.gz, checksum: sidecar } }
                  - { name: billing-db, schedule: daily, backup: { path: backups/billing-*.tar.gz, checksum: sidecar } }
                incidents:
                  sink: pagerduty
                  page: pagerduty
                  pagerduty: { url: "\(url)", routing_key_file: ./pagerduty-key }
                """)
            let backstop = try BackstopProcess(arguments: ["serve", "--config", config, "--log-format", "text", "--log-level", "info"])
            defer { backstop.terminate() }
            #expect(
                await backstop.waitForLine(containing: "verification finished", within: .seconds(120)) != nil, "\(backstop.recentLines)")
            let base = "http://127.0.0.1:\(port)"

            try await postgres.server.stopAndWait()
            try #require(Date() < opens, "the machine was too slow to start serve before the window opened")
            try await Self.waitUntil(opens.addingTimeInterval(1))
            // Today's backups land in the window while PostgreSQL is down; billing-db's is broken.
            let size = (try FileManager.default.attributesOfItem(atPath: billing)[.size] as? Int) ?? 0
            try fixtures.truncate(billing, to: size / 2)
            for artifact in [orders, billing] { try fixtures.setModified(artifact, to: opens.addingTimeInterval(1)) }
            #expect(
                await backstop.waitForLine(containing: "verifying the window's assets without claims", within: .seconds(120)) != nil,
                "\(backstop.recentLines)")
            let waiting = try await PostgresDownAtStartTests.until(base + "/debug/healthz") { $0.contains("buffering, depth 1") }
            #expect(Date() >= closes, "verified once the window closed: \(waiting)")
            #expect(pagerDuty.alerts.isEmpty, "nothing is decided while PostgreSQL is down")

            try await postgres.server.restart()
            _ = try await PostgresDownAtStartTests.until(base + "/debug/healthz") { $0.contains("idle, depth 0, drained 1") }
            await pagerDuty.log.waitForAccepted(1)

            let store = try await PostgresStore.open(postgres.store, logger: PostgresStoreFixture.quietLogger)
            defer { store.close() }
            let perWindow = try postgres.superuserSQL(
                """
                SELECT o.window_start::bigint || ' ' || o.asset || ' ' || COUNT(*) FROM outcomes o JOIN runs r ON r.id = o.run_id
                WHERE r.trigger_kind = 'schedule' AND r.status != 'aborted' GROUP BY o.window_start, o.asset ORDER BY 1
                """)
            let today = Int64(opens.timeIntervalSince1970)
            let yesterday = today - 86_400
            #expect(
                perWindow == "\(yesterday) billing-db 1\n\(yesterday) orders-db 1\n\(today) billing-db 1\n\(today) orders-db 1\n",
                "each asset once per window: \(perWindow)")
            let runs = try await store.recentRuns(limit: 10)
            #expect(runs.map(\.failed) == [1, 0], "\(runs)")
            let incidents = try await store.incidents(limit: 10, openOnly: false)
            #expect(incidents.map(\.asset) == ["billing-db"], "\(incidents.map(\.dedupKey))")
            #expect(pagerDuty.alerts.count == 1)
            #expect(pagerDuty.events.count == 1, "one page, nothing sent twice")
            let metrics = try await FakeHTTPRequests.send(.GET, base + "/metrics").text
            #expect(metrics.contains("backstop_store_buffer_window_parts_dropped_total 0"), "alone, nothing was verified twice")
            #expect(try await store.verifyChains().breaks.isEmpty)
        }
    }

    /// Waits for a moment of the wall clock (the window's opening), polling: the test's own
    /// timeline, not a synchronisation with the process under test.
    static func waitUntil(_ moment: Date) async throws {
        while Date() < moment { try await Task.sleep(for: .milliseconds(200)) }
    }
}
