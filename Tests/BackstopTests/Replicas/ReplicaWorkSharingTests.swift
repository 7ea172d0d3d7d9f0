import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// Three real `backstop serve` replicas on one real PostgreSQL share the work: each asset of a
/// scheduled window is verified exactly once, and a notification posted to every replica makes
/// one incident and one page. (Replicas killed mid-window: ``ReplicaKillTrialTests``.)
/// One test at a time: each runs three servers, and the rest of the suite shares two cores.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ReplicaWorkSharingTests {
    static let assets = 24

    @Test func threeReplicasVerifyEachAssetOfTheWindowOnceAndPageEachFailureOnce() async throws {
        try await Self.withReplicas(count: 3, broken: [3, 17]) { replicas, fixtures, pagerDuty, ports in
            try await Self.waitUntilVerified(fixtures)
            #expect(try await Self.outcomesPerAsset(fixtures).values.allSatisfy { $0 == 1 })
            // Metrics that add up: one replica exports the record's families, so once it has read
            // the other replicas' runs (its record watcher looks every second) each asset's series
            // appears once over the three scrapes, and the leader gauges sum to 1.
            let scrapes = try await Self.waitForOneLeader(ports, upSeries: Self.assets)
            let upSeries = scrapes.flatMap { $0.split(separator: "\n").filter { $0.hasPrefix("backstop_backup_up{") } }
            #expect(upSeries.count == Self.assets, "\(upSeries.count) backstop_backup_up series over three replicas")
            #expect(scrapes.allSatisfy { $0.contains("backstop_build_info{") })
            // The window was verified as several runs from three replicas: one window in the metrics.
            ReplicaCluster.expectOneWindow(in: scrapes, assets: Self.assets, failed: true, context: "three replicas")
            await pagerDuty.log.waitForAccepted(2)
            let store = try await fixtures.open()
            defer { store.close() }
            let incidents = try await Self.waitForIncidents(store, count: 2)
            #expect(Set(incidents.map(\.asset)) == ["asset-3", "asset-17"], "\(incidents.map(\.dedupKey))")
            #expect(pagerDuty.alerts.count == 2)
            _ = replicas
        }
    }

    @Test func aNotificationPostedToEveryReplicaMakesOneIncidentAndOnePage() async throws {
        try await Self.withReplicas(count: 3, broken: []) { replicas, fixtures, pagerDuty, ports in
            try await Self.waitUntilVerified(fixtures)
            // HA Alertmanager peers post the same notification to different replicas, and a
            // second alert about the same job arrives at yet another one, all at once.
            try await withThrowingTaskGroup(of: Int.self) { group in
                for (index, port) in ports.enumerated() {
                    group.addTask {
                        let body = index == 2 ? Self.secondAlert() : ReplicaFixtures.alert(service: "minio")
                        return try await FakeHTTPRequests.send(
                            .POST, "http://127.0.0.1:\(port)/api/v1/alerts",
                            headers: [("Authorization", "Bearer \(ReplicaFixtures.webhookToken)"), ("Content-Type", "application/json")],
                            body: body
                        ).status
                    }
                }
                for try await status in group { #expect(status == 200) }
            }
            await pagerDuty.log.waitForAccepted(1)
            let store = try await fixtures.open()
            defer { store.close() }
            // Every accepted notification triaged (by whichever replica), then count.
            while try await !store.untriagedNotifications().notifications.isEmpty {
                try await Task.sleep(for: .milliseconds(100))
            }
            let incidents = try await store.incidents(limit: 10, openOnly: false)
            #expect(incidents.count == 1 && incidents.first?.asset == "minio", "\(incidents.map(\.dedupKey))")
            #expect(pagerDuty.alerts.count == 1)
            _ = replicas
        }
    }

    // MARK: - Fixtures

    /// `count` replicas over ``assets`` assets (those in `broken` truncated), a lease of 3 s.
    static func withReplicas(
        count: Int, broken: Set<Int>,
        _ body: @Sendable ([BackstopProcess], ReplicaFixtures, FakePagerDuty, [Int]) async throws -> Void
    ) async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: BackstopProcess.executable),
            "build the executable first: swift build --build-tests (scripts/test does)")
        let fixtures = try await ReplicaFixtures.make()
        try await fixtures.writeBackups(count: assets, broken: broken)
        let assetLines = ReplicaFixtures.assetLines(count: assets, restore: ServeFixtures.tarRestore)
        let pagerDuty = try FakePagerDuty(routingKeys: [IncidentFixtures.routingKey], eventsPerMinute: 100_000)
        try await pagerDuty.run { url in
            var ports: [Int] = []
            var replicas: [BackstopProcess] = []
            defer { for replica in replicas { replica.requestTermination(keepingUntilExit: fixtures.directory) } }
            for _ in 0..<count {
                let port = try FreePort.find()
                let config = try fixtures.configuration(
                    port: port, assets: assetLines, pagerDuty: url, extra: "verification: { concurrency: 1 }", lease: "3s")
                replicas.append(
                    try BackstopProcess(arguments: ["serve", "--config", config, "--log-format", "text", "--log-level", "info"]))
                ports.append(port)
            }
            for replica in replicas {
                #expect(await replica.waitForLine(containing: "starting backstop", within: .seconds(60)) != nil, "\(replica.recentLines)")
            }
            try await body(replicas, fixtures, pagerDuty, ports)
        }
    }

    /// Waits (bounded) until every asset of the window has a verified outcome in the record.
    static func waitUntilVerified(_ fixtures: ReplicaFixtures) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while try await outcomesPerAsset(fixtures).count < assets {
            try #require(ContinuousClock.now < deadline, "the window was not verified within two minutes")
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// How many outcomes of scheduled, not aborted runs each asset has.
    static func outcomesPerAsset(_ fixtures: ReplicaFixtures) async throws -> [String: Int] {
        let output = try await SharedPostgres.sql(
            """
            SELECT o.asset || ' ' || COUNT(*) FROM outcomes o JOIN runs r ON r.id = o.run_id
            WHERE r.trigger_kind = 'schedule' AND r.status != 'aborted' GROUP BY o.asset
            """, database: fixtures.store.database)
        var counts: [String: Int] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let count = Int(parts[1]) { counts[String(parts[0])] = count }
        }
        return counts
    }

    static func waitForIncidents(_ store: PostgresStore, count: Int) async throws -> [Incident] {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            let incidents = try await store.incidents(limit: 50, openOnly: false)
            if incidents.count >= count || ContinuousClock.now > deadline { return incidents }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Scrapes every replica until exactly one says it is the exporter and, when `upSeries` is
    /// given, the scrapes hold that many `backstop_backup_up` series (bounded); the scrapes.
    static func waitForOneLeader(_ ports: [Int], upSeries: Int? = nil) async throws -> [String] {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            var scrapes: [String] = []
            for port in ports { scrapes.append(try await FakeHTTPRequests.send(.GET, "http://127.0.0.1:\(port)/metrics").text) }
            let leaders = scrapes.filter { $0.contains("\nbackstop_exporter_leader 1\n") }.count
            let followers = scrapes.filter { $0.contains("\nbackstop_exporter_leader 0\n") }.count
            let series = scrapes.map { $0.split(separator: "\n").filter { $0.hasPrefix("backstop_backup_up{") }.count }.reduce(0, +)
            if leaders == 1 && followers == ports.count - 1 && (upSeries.map { $0 == series } ?? true) { return scrapes }
            try #require(ContinuousClock.now < deadline, "not exactly one exporter among \(ports.count) replicas: \(leaders) leaders")
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    static func secondAlert() -> Data {
        Data(
            String(decoding: ReplicaFixtures.alert(service: "minio"), as: UTF8.self)
                .replacingOccurrences(of: "fp-minio", with: "fp-minio-2")
                .replacingOccurrences(of: "BackupJobFailed", with: "BackupJobStale").utf8)
    }
}
