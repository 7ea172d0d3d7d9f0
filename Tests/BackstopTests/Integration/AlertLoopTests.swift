import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// The whole loop with the shipped configuration and real servers: the real `backstop serve`,
/// Debian's Prometheus scraping it and evaluating `alerts/backstop.rules.yml`, Debian's
/// Alertmanager routing with `deploy/alertmanager/alertmanager.yml` back to Backstop's webhook,
/// and a PagerDuty that enforces Events API v2. Only addresses, file paths and intervals are
/// substituted; each substitution must find its placeholder, so a drifting config fails here.
@Suite(.timeLimit(.minutes(5))) struct AlertLoopTests {
    static let repository = ServeFixtures.repository
    static let token = "loop-webhook-token"
    /// Backstop requires tokens (api.tokens): Prometheus scrapes with a read token, events carry an ingest token.
    static let ingest = [("Authorization", "Bearer loop-ingest-token")]

    @Test func aBrokenBackupFiresTheShippedRuleAndComesBackAsOneIncidentThatTheFixResolves() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: BackstopProcess.executable),
            "build the executable first: swift build --build-tests (scripts/test does)")
        let directory = try TemporaryDirectory()
        let fixtures = BackupFixtures(directory: directory)
        let logLine = "write to /backups failed: input/output error"
        let artifact = try await fixtures.archive("backups/orders-db-1.tar.gz", rows: 2_000)
        let size = (try FileManager.default.attributesOfItem(atPath: artifact)[.size] as? Int) ?? 0
        try await fixtures.truncate(artifact, to: size / 2)
        try fixtures.setModified(artifact, to: Date())
        _ = try directory.write(
            "logs/orders-api.log", "\(RFC3339.format(Date().addingTimeInterval(-60))) ERROR orders-api: \(logLine)\n")
        let pagerDuty = try FakePagerDuty(routingKeys: [IncidentFixtures.routingKey], eventsPerMinute: 100_000)
        try await pagerDuty.run { pagerDutyURL in
            let port = try FreePort.find()
            let config = try Self.writeConfiguration(in: directory, port: port, pagerDuty: pagerDutyURL)
            let backstop = try BackstopProcess(arguments: ["serve", "--config", config, "--log-format", "text", "--log-level", "info"])
            defer { backstop.requestTermination(keepingUntilExit: directory) }
            #expect(await backstop.waitForLine(containing: "starting backstop") != nil)
            let alertmanager = try await LoopbackDaemon.alertmanager(
                configuration: try Self.shipped(
                    "deploy/alertmanager/alertmanager.yml",
                    replacing: [
                        "http://127.0.0.1:10027/api/v1/alerts": "http://127.0.0.1:\(port)/api/v1/alerts",
                        "/etc/backstop/webhook-token": directory.file("webhook-token"),
                        "group_wait: 30s": "group_wait: 1s", "group_interval: 5m": "group_interval: 1s",
                    ]))
            defer { alertmanager.stop() }
            let rules = try directory.write("backstop.rules.yml", try Self.rulesFiringAtOnce("BackupFailed"))
            let prometheus = try await LoopbackDaemon.prometheus(
                configuration: try Self.shipped(
                    "deploy/prometheus/prometheus.yml",
                    replacing: [
                        "127.0.0.1:10027": "127.0.0.1:\(port)", "127.0.0.1:9093": "127.0.0.1:\(alertmanager.port)",
                        "../../alerts/backstop.rules.yml": rules, "scrape_interval: 30s": "scrape_interval: 1s",
                        "/etc/prometheus/backstop-token": directory.file("prometheus-token"),
                        "evaluation_interval: 30s": "evaluation_interval: 1s",
                    ]))
            defer { prometheus.stop() }

            // A backup-completion event: Backstop verifies, finds the artifact corrupt, pages.
            let eventURL = "http://127.0.0.1:\(port)/api/v1/events"
            let event: JSONValue = .object(["asset": .string("orders-db"), "status": .string("success"), "exit_code": .number(0)])
            #expect(try await FakeHTTPRequests.post(eventURL, json: event, headers: Self.ingest).status == 202)
            await pagerDuty.log.waitForAccepted(1)
            // Prometheus scrapes backstop_backup_up 0, the shipped rule fires, Alertmanager posts
            // it to the webhook, and the alert joins the incident verification opened.
            let joined = await backstop.waitForLine(containing: "alert firing: joined")
            #expect(joined?.contains("BackupFailed") == true, "\(joined ?? "backstop exited")")

            let store = try SQLiteRunStore(path: directory.file("data/backstop.db"))
            let incidents = try await store.incidents(limit: 10, openOnly: false)
            #expect(incidents.count == 1, "\(incidents.map(\.dedupKey))")
            let incident = try #require(incidents.first)
            #expect(incident.cause == .corruptedArtifact)
            #expect(try await store.events(incidentID: incident.id).contains { $0.text.contains("alert BackupFailed firing") })
            let page = try #require(pagerDuty.alert(incident.dedupKey))
            #expect(page.summary?.contains("corrupted_artifact") == true)
            #expect(page.lastPayload["custom_details"]?["log_excerpt"]?.string?.contains(logLine) == true)
            #expect(pagerDuty.events.map(\.action) == ["trigger"])

            // The fix: a good backup arrives; verification resolves the incident, and the alert
            // resolves through the same loop without a second resolve or a new incident.
            let fixed = try await fixtures.archive("backups/orders-db-2.tar.gz")
            try fixtures.setModified(fixed, to: Date().addingTimeInterval(1))
            #expect(try await FakeHTTPRequests.post(eventURL, json: event, headers: Self.ingest).status == 202)
            await pagerDuty.log.waitForAccepted(2)
            #expect(await backstop.waitForLine(containing: "alert resolved:") != nil)
            #expect(pagerDuty.events.map(\.action) == ["trigger", "resolve"])
            let after = try await store.incidents(limit: 10, openOnly: false)
            #expect(after.map(\.id) == [incident.id] && after.first?.state == .resolved)
            let counts = try await store.notificationCounts()
            #expect(counts["firing", default: 0] >= 1 && counts["resolved", default: 0] >= 1, "\(counts)")
        }
    }

    /// A shipped file with its placeholders replaced; every placeholder must be in the file.
    static func shipped(_ path: String, replacing replacements: [String: String]) throws -> String {
        var text = try String(contentsOf: repository.appendingPathComponent(path), encoding: .utf8)
        for (placeholder, value) in replacements {
            try #require(text.contains(placeholder), "\(path) no longer contains '\(placeholder)'")
            text = text.replacingOccurrences(of: placeholder, with: value)
        }
        return text
    }

    /// The shipped rules with `alert`'s `for:` set to 0s, so the test need not wait 15 minutes.
    static func rulesFiringAtOnce(_ alert: String) throws -> String {
        let text = try String(contentsOf: repository.appendingPathComponent("alerts/backstop.rules.yml"), encoding: .utf8)
        let start = try #require(text.range(of: "- alert: \(alert)\n"), "alerts/backstop.rules.yml has no \(alert)")
        let forKey = try #require(text.range(of: "for: ", range: start.upperBound..<text.endIndex))
        let lineEnd = text[forKey.upperBound...].firstIndex(of: "\n") ?? text.endIndex
        return text.replacingCharacters(in: forKey.upperBound..<lineEnd, with: "0s")
    }

    static func writeConfiguration(in directory: TemporaryDirectory, port: Int, pagerDuty: String) throws -> String {
        _ = try directory.write("pagerduty-key", IncidentFixtures.routingKey)
        _ = try directory.write("webhook-token", token + "\n")
        _ = try directory.write("prometheus-token", "loop-prometheus-token\n")
        _ = try directory.write("ingest-token", "loop-ingest-token\n")
        return try directory.write(
            "backstop.yml",
            """
            \(ServeFixtures.preamble(port: port))
            assets:
              - name: orders-db
                kind: database
                service: orders-api
                schedule: daily
                backup: { path: backups/orders-db-*.tar.gz, checksum: sidecar }
                \(ServeFixtures.tarRestore)
            logs: { sources: [{ type: file, path: "./logs/{service}.log" }] }
            webhook: { bearer_token_file: ./webhook-token }
            api:
              tokens:
                - { name: prometheus, role: read, token_file: ./prometheus-token }
                - { name: backup-jobs, role: ingest, token_file: ./ingest-token }
            incidents:
              sink: pagerduty
              page: pagerduty
              report_base_url: http://backstop.test
              pagerduty: { url: "\(pagerDuty)", routing_key_file: ./pagerduty-key }
            """)
    }
}
