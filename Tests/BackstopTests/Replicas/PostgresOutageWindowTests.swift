import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// A scheduled window that closes while the real PostgreSQL is stopped, on one and on three
/// real `backstop serve` replicas with `storage.postgres.buffer` each: every replica verifies
/// the window without claims, its run waits in its buffer, and once PostgreSQL is back each
/// asset is in PostgreSQL once for the window (the drain leaves out what another replica's run
/// stored first) and the failure pages once (a PagerDuty that enforces Events API v2).
@Suite(.timeLimit(.minutes(8))) struct PostgresOutageWindowTests {
    @Test(arguments: [1, 3])
    func aWindowClosingDuringTheOutageIsVerifiedAndReachesPostgresOnceAndPagesOnce(replicas: Int) async throws {
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
        let orders = try await fixtures.archive("backups/orders-1.tar.gz")
        let billing = try await fixtures.archive("backups/billing-1.tar.gz", rows: 2_000)
        for artifact in [orders, billing] { try fixtures.setModified(artifact, to: opens.addingTimeInterval(-86_400 + 1)) }
        let pagerDuty = try FakePagerDuty(routingKeys: [IncidentFixtures.routingKey], eventsPerMinute: 100_000)
        try await pagerDuty.run { url in
            let ports = try (0..<replicas).map { _ in try FreePort.find() }
            let processes = try ports.map { port in
                let config = try directory.write(
                    "backstop-\(port).yml",
                    """
                    listen: 127.0.0.1:\(port)
                    storage:
                      postgres:
                        url: postgres://backstop@127.0.0.1:\(postgres.server.port)/backstop?sslmode=disable
                        password_file: ./pg-password
                        buffer: ./buffer-\(port)/buffer.db
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
                return try BackstopProcess(arguments: ["serve", "--config", config, "--log-format", "text", "--log-level", "info"])
            }
            defer { for process in processes { process.requestTermination(keepingUntilExit: directory) } }
            let bases = ports.map { "http://127.0.0.1:\($0)" }
            // Yesterday's window, verified at start (by whichever replicas claim its assets), and
            // every replica has seen it complete before PostgreSQL goes.
            for process in processes {
                #expect(
                    await process.waitForLine(containing: "every asset of the window is verified", within: .seconds(120)) != nil,
                    "\(process.recentLines)")
            }

            try await postgres.server.stopAndWait()
            try #require(Date() < opens, "the machine was too slow to start serve before the window opened")
            try await Self.waitUntil(opens.addingTimeInterval(1))
            // Today's backups land in the window while PostgreSQL is down; billing-db's is broken.
            let size = (try FileManager.default.attributesOfItem(atPath: billing)[.size] as? Int) ?? 0
            try await fixtures.truncate(billing, to: size / 2)
            for artifact in [orders, billing] { try fixtures.setModified(artifact, to: opens.addingTimeInterval(1)) }
            for (process, base) in zip(processes, bases) {
                #expect(
                    await process.waitForLine(containing: "verifying the window's assets without claims", within: .seconds(120)) != nil,
                    "\(process.recentLines)")
                let waiting = try await PostgresDownAtStartTests.until(base + "/debug/healthz") { $0.contains("buffering, depth") }
                #expect(Date() >= closes, "verified once the window closed: \(waiting)")
            }
            #expect(pagerDuty.alerts.isEmpty, "nothing is decided while PostgreSQL is down")

            try await postgres.server.restart()
            for base in bases {
                _ = try await PostgresDownAtStartTests.until(base + "/debug/healthz") { $0.contains("idle, depth 0") }
            }
            await pagerDuty.log.waitForAccepted(1)

            let store = try await PostgresStore.open(postgres.store, logger: PostgresStoreFixture.quietLogger)
            defer { store.close() }
            let perWindow = try await postgres.superuserSQL(
                """
                SELECT o.window_start::bigint || ' ' || o.asset || ' ' || COUNT(*) FROM outcomes o JOIN runs r ON r.id = o.run_id
                WHERE r.trigger_kind = 'schedule' AND r.status != 'aborted' GROUP BY o.window_start, o.asset ORDER BY 1
                """)
            let today = Int64(opens.timeIntervalSince1970)
            let yesterday = today - 86_400
            #expect(
                perWindow == "\(yesterday) billing-db 1\n\(yesterday) orders-db 1\n\(today) billing-db 1\n\(today) orders-db 1\n",
                "each asset once per window: \(perWindow)")
            let failedToday = try await postgres.superuserSQL(
                "SELECT COUNT(*) FROM outcomes WHERE window_start = \(today) AND state IN ('failed', 'missing')")
            #expect(failedToday == "1\n", "billing-db failed today's window, once")
            // The incident is decided once the drained run is triaged; its page is then sent.
            try await Self.until("the failure triaged") { try await !store.incidents(limit: 10, openOnly: false).isEmpty }
            let incidents = try await store.incidents(limit: 10, openOnly: false)
            #expect(incidents.map(\.asset) == ["billing-db"], "\(incidents.map(\.dedupKey))")
            #expect(pagerDuty.alerts.count == 1)
            #expect(pagerDuty.events.count == 1, "one page, nothing sent twice")
            // Each replica verified both assets of today's window; all but the first run to drain lost them.
            var dropped = 0
            for base in bases {
                let metrics = try await FakeHTTPRequests.send(.GET, base + "/metrics").text
                let line = metrics.split(separator: "\n").first { $0.hasPrefix("backstop_store_buffer_window_parts_dropped_total ") }
                dropped += line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? -1_000
            }
            if replicas == 1 {
                #expect(dropped == 0, "alone, nothing was verified twice")
            } else {
                #expect(dropped == 2 * (replicas - 1), "\(dropped) parts left out")
            }
            #expect(try await store.verifyChains().breaks.isEmpty)
        }
    }

    /// Polls `condition` for at most two minutes; fails the test with `what` if it never holds.
    static func until(_ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while try await !condition() {
            try #require(ContinuousClock.now < deadline, "\(what) within two minutes")
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    /// Waits for a moment of the wall clock (the window's opening), polling: the test's own
    /// timeline, not a synchronisation with the process under test.
    static func waitUntil(_ moment: Date) async throws {
        while Date() < moment { try await Task.sleep(for: .milliseconds(200)) }
    }
}
