import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// A notification answered 200 survives `kill -9` of the real process: after a restart it is
/// triaged and paged, once.
@Suite(.timeLimit(.minutes(5))) struct WebhookCrashTests {
    static let token = "crash-webhook-token"
    static let services = ["minio", "velero", "k8up", "rsnapshot", "pgbackrest"]

    @Test func notificationsAnsweredBeforeAKillAreTriagedAndPagedOnceAfterTheRestart() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: BackstopProcess.executable),
            "build the executable first: swift build --build-tests (scripts/test does)")
        let directory = try TemporaryDirectory()
        // A healthy backup, so the verification at start opens no incident of its own.
        let fixtures = BackupFixtures(directory: directory)
        try fixtures.setModified(try await fixtures.archive("backups/orders-1.tar.gz"), to: Date())
        let pagerDuty = try FakePagerDuty(routingKeys: [IncidentFixtures.routingKey], eventsPerMinute: 100_000)
        try await pagerDuty.run { url in
            let port = try FreePort.find()
            let config = try Self.writeConfiguration(in: directory, port: port, pagerDuty: url)
            let arguments = ["serve", "--config", config, "--log-format", "text", "--log-level", "info"]
            let first = try BackstopProcess(arguments: arguments)
            #expect(await first.waitForLine(containing: "starting backstop") != nil)
            for service in Self.services {
                let answer = try await FakeHTTPRequests.send(
                    .POST, "http://127.0.0.1:\(port)/api/v1/alerts",
                    headers: [("Authorization", "Bearer \(Self.token)"), ("Content-Type", "application/json")],
                    body: Data(Self.notification(service: service).utf8))
                #expect(answer.status == 200, "\(answer.text)")
            }
            // Killed the moment the last one was answered: some are triaged, some not, some paged.
            first.kill()

            let second = try BackstopProcess(arguments: arguments)
            defer { second.requestTermination(keepingUntilExit: directory) }
            // A trigger in flight at the kill is sent again, so count distinct alerts, not requests.
            var accepted = Self.services.count
            await pagerDuty.log.waitForAccepted(accepted)
            while pagerDuty.alerts.count < Self.services.count {
                accepted += 1
                await pagerDuty.log.waitForAccepted(accepted)
            }
            let store = try SQLiteRunStore(path: directory.file("data/backstop.db"))
            let incidents = try await store.incidents(limit: 20, openOnly: false)
            #expect(Set(incidents.map(\.asset)) == Set(Self.services))
            #expect(incidents.count == Self.services.count)
            // One PagerDuty alert per incident. A trigger that was in flight at the kill is sent
            // again with the same dedup_key, which PagerDuty folds into the same alert.
            #expect(pagerDuty.alerts.count == Self.services.count, "one page per incident")
            #expect(pagerDuty.alerts.values.allSatisfy { $0.status == .triggered })
            #expect(try await store.untriagedNotifications().notifications.isEmpty)
            #expect(try await store.verifyChains().breaks.isEmpty)
        }
    }

    static func notification(service: String) -> String {
        """
        {"receiver":"backstop","status":"firing","groupKey":"{}:{job=\\"\(service)\\"}","version":"4","truncatedAlerts":0,
         "groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://am:9093",
         "alerts":[{"status":"firing","labels":{"alertname":"BackupJobFailed","job":"\(service)","severity":"critical"},
                    "annotations":{"summary":"\(service) backup failed: connection timed out"},
                    "startsAt":"2026-11-23T02:00:00.000Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"fp-\(service)"}]}
        """
    }

    static func writeConfiguration(in directory: TemporaryDirectory, port: Int, pagerDuty: String) throws -> String {
        _ = try directory.write("pagerduty-key", IncidentFixtures.routingKey)
        _ = try directory.write("webhook-token", token)
        return try directory.write(
            "backstop.yml",
            """
            listen: 127.0.0.1:\(port)
            storage: { sqlite: ./data/backstop.db }
            schedules: { daily: { cron: "0 0 * * *", timezone: UTC, window: 1h, grace: 1m } }
            diagnosis: { probes: false }
            assets:
              - { name: orders-db, schedule: daily, backup: { path: backups/orders-*.tar.gz } }
            webhook: { bearer_token_file: ./webhook-token }
            incidents:
              sink: pagerduty
              page: pagerduty
              pagerduty: { url: "\(pagerDuty)", routing_key_file: ./pagerduty-key }
            """)
    }
}
