import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// The real `backstop serve` on a real PostgreSQL (`storage.postgres`), one replica: it
/// verifies at start, shows the verdicts on /metrics and the board, takes an Alertmanager
/// notification, and opens incidents through a PagerDuty that enforces Events API v2.
@Suite(.timeLimit(.minutes(5))) struct PostgresServeTests {
    @Test func serveOnPostgresVerifiesShowsTakesWebhooksAndPages() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: BackstopProcess.executable),
            "build the executable first: swift build --build-tests (scripts/test does)")
        let replicas = try await ReplicaFixtures.make()
        let fixtures = BackupFixtures(directory: replicas.directory)
        try fixtures.setModified(try await fixtures.archive("backups/orders-1.tar.gz"), to: Date())
        let broken = try await fixtures.archive("backups/billing-1.tar.gz", rows: 2_000)
        let size = (try FileManager.default.attributesOfItem(atPath: broken)[.size] as? Int) ?? 0
        try await fixtures.truncate(broken, to: size / 2)
        try fixtures.setModified(broken, to: Date())
        let pagerDuty = try FakePagerDuty(routingKeys: [IncidentFixtures.routingKey], eventsPerMinute: 100_000)
        try await pagerDuty.run { url in
            let port = try FreePort.find()
            let config = try replicas.configuration(
                port: port,
                assets: """
                      - { name: orders-db, schedule: daily, backup: { path: backups/orders-*.tar.gz, checksum: sidecar }, \(ServeFixtures.tarRestore) }
                      - { name: billing-db, schedule: daily, backup: { path: backups/billing-*.tar.gz, checksum: sidecar }, \(ServeFixtures.tarRestore) }
                    """, pagerDuty: url)
            let backstop = try BackstopProcess(arguments: ["serve", "--config", config, "--log-format", "text", "--log-level", "info"])
            defer { backstop.requestTermination(keepingUntilExit: replicas.directory) }
            let started = await backstop.waitForLine(containing: "starting backstop")
            #expect(
                started?.contains(#"store="postgres://backstop@127.0.0.1"#) == true,
                "\(started ?? backstop.recentLines.joined(separator: "\n"))")
            // The missed window is verified at start; the corrupt artifact pages.
            #expect(await backstop.waitForLine(containing: "verification finished") != nil, "\(backstop.recentLines)")
            await pagerDuty.log.waitForAccepted(1)

            let base = "http://127.0.0.1:\(port)"
            let metrics = try await FakeHTTPRequests.send(.GET, base + "/metrics").text
            #expect(metrics.contains(#"backstop_backup_up{asset="orders-db",schedule="daily"} 1"#), "\(metrics.prefix(3_000))")
            #expect(metrics.contains(#"backstop_backup_up{asset="billing-db",schedule="daily"} 0"#))
            #expect(metrics.contains(#"backstop_incidents_open 1"#))
            let board = try await FakeHTTPRequests.send(.GET, base + "/")
            #expect(board.status == 200 && board.text.contains("orders-db") && board.text.contains("billing-db"))
            let assetPage = try await FakeHTTPRequests.send(.GET, base + "/assets/billing-db")
            #expect(assetPage.status == 200 && assetPage.text.contains("corrupted_artifact"), "\(assetPage.text.prefix(500))")

            let answer = try await FakeHTTPRequests.send(
                .POST, base + "/api/v1/alerts",
                headers: [("Authorization", "Bearer \(ReplicaFixtures.webhookToken)"), ("Content-Type", "application/json")],
                body: ReplicaFixtures.alert(service: "minio"))
            #expect(answer.status == 200, "\(answer.text)")
            await pagerDuty.log.waitForAccepted(2)

            let store = try await replicas.open()
            defer { store.close() }
            let incidents = try await store.incidents(limit: 10, openOnly: true)
            #expect(Set(incidents.map(\.asset)) == ["billing-db", "minio"], "\(incidents.map(\.dedupKey))")
            #expect(incidents.first { $0.asset == "billing-db" }?.cause == .corruptedArtifact)
            #expect(pagerDuty.alerts.count == 2)
            #expect(try await store.recentRuns(limit: 10).count == 1)
            #expect(try await store.verifyChains().breaks.isEmpty)
        }
    }
}
