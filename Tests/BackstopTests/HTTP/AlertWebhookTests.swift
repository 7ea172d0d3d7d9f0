import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

/// `POST /api/v1/alerts` through the real wiring: the SQLite intake record, the triage, the
/// ledger and a PagerDuty that enforces Events API v2.
@Suite(.timeLimit(.minutes(5))) struct AlertWebhookTests {
    static let token = "s3cret-webhook-token"

    /// A webhook body as Alertmanager 0.25+ sends it (version 4).
    static func body(
        status: String = "firing", alerts: [(status: String, labels: [String: String], annotations: [String: String])],
        groupKey: String = #"{}/{severity="critical"}:{alertname="PgbackrestBackupFailed"}"#,
        startsAt: String = "2026-11-22T02:40:00.123456789Z"
    ) -> String {
        let alertObjects = alerts.map { alert -> [String: Any] in
            [
                "status": alert.status, "labels": alert.labels, "annotations": alert.annotations, "startsAt": startsAt,
                "endsAt": alert.status == "firing" ? "0001-01-01T00:00:00Z" : "2026-11-22T03:10:00Z",
                "generatorURL": "http://prometheus.example:9090/graph?g0.expr=up", "fingerprint": "fp-\(alert.labels["job"] ?? "x")",
            ]
        }
        let object: [String: Any] = [
            "receiver": #"backstop\-webhook"#, "status": status, "alerts": alertObjects, "groupLabels": ["alertname": "x"],
            "commonLabels": [:], "commonAnnotations": [:], "externalURL": "http://alertmanager.example:9093", "version": "4",
            "groupKey": groupKey, "truncatedAlerts": 0,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    static let pgbackrestLabels = [
        "alertname": "PgbackrestBackupFailed", "job": "pgbackrest", "instance": "db1:9854", "severity": "critical",
    ]
    static let diskFull = [
        "summary": "pgBackRest backup of stanza main failed",
        "description": "ERROR: [047]: unable to write '/var/lib/pgbackrest/backup/main/20261122-024000F': No space left on device",
    ]

    func services(_ harness: Harness, extra: String = "", webhook: String? = nil) async throws -> BackstopServices {
        _ = try harness.directory.write("webhook-token", Self.token + "\n")
        let section =
            webhook ?? """
                webhook:
                  bearer_token_file: ./webhook-token
                  alert_mapping: { asset_label: asset, jobs: { pgbackrest: orders } }
                """
        return try await harness.services(
            try harness.configuration(assets: IncidentFixtures.asset("orders"), extra: extra + "\n" + section))
    }

    func post(
        _ client: some TestClientProtocol, _ body: String, authorization: String? = "Bearer \(token)",
        _ check: @escaping @Sendable (TestResponse) throws -> Void
    ) async throws {
        var headers = HTTPFields()
        if let authorization { headers[.authorization] = authorization }
        headers[.contentType] = "application/json"
        try await client.execute(uri: "/api/v1/alerts", method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
            try check(response)
        }
    }

    @Test func aFiringAlertBecomesAPagedIncidentWithItsCauseAndLogsAndItsResolutionResolvesIt() async throws {
        let harness = try Harness()
        try await IncidentFixtures.writeHealthy(harness, asset: "orders")
        _ = try IncidentFixtures.writeLog(harness, asset: "orders")
        let logLine = "unable to write /var/lib/pgbackrest/backup/main: No space left on device"
        _ = try harness.directory.write("logs/orders-api.log", "2026-11-22T02:39:58Z ERROR orders-api: \(logLine)\n")
        let pagerDuty = try FakePagerDuty(routingKeys: [IncidentFixtures.routingKey])
        try await pagerDuty.run { url in
            let services = try await services(harness, extra: IncidentFixtures.pagerDutyConfiguration(url: url))
            let app = buildApplication(services: services, runScheduler: false, runBackgroundServices: false)
            try await app.test(.router) { client in
                try await post(client, Self.body(alerts: [("firing", Self.pgbackrestLabels, Self.diskFull)])) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains(#""accepted""#))
                }
            }
            // The router test runs no background services: the notification waits in the record,
            // as it would after a crash right after the 200.
            await services.alerts.handleBacklog()
            try await services.delivery.deliverDue()

            let incident = try #require(try await services.store.incidents(limit: 10, openOnly: true).first)
            #expect(incident.asset == "orders", "mapped through alert_mapping.jobs")
            #expect(incident.cause == .diskFull)
            let report = try #require(try await services.store.latestReport(incidentID: incident.id))
            #expect(report.markdown.contains(logLine), "the correlated log lines are in the report")
            #expect(report.markdown.contains("PgbackrestBackupFailed"))
            #expect(report.markdown.contains("Alertmanager notification"))
            let page = try #require(pagerDuty.alert(incident.dedupKey))
            #expect(page.status == .triggered && page.triggerCount == 1)
            #expect(page.lastPayload["custom_details"]?["log_excerpt"]?.string?.contains(logLine) == true)

            try await app.test(.router) { client in
                try await post(client, Self.body(status: "resolved", alerts: [("resolved", Self.pgbackrestLabels, Self.diskFull)])) {
                    #expect($0.status == .ok)
                }
            }
            await services.alerts.handleBacklog()
            try await services.delivery.deliverDue()
            #expect(try await services.store.incident(id: incident.id)?.state == .resolved)
            #expect(pagerDuty.events.map(\.action) == ["trigger", "resolve"])
            let exposition = String(decoding: services.metrics.exposition(), as: UTF8.self)
            #expect(exposition.contains(#"backstop_alertmanager_notifications_total{status="firing"} 1"#))
            #expect(exposition.contains(#"backstop_alertmanager_notifications_total{status="resolved"} 1"#))
        }
    }

    @Test func anAlertAboutAnAssetWithAnOpenIncidentJoinsItWithoutASecondPage() async throws {
        let harness = try Harness()
        try await IncidentFixtures.writeTruncated(harness, asset: "orders")
        _ = try IncidentFixtures.writeLog(harness, asset: "orders")
        let pagerDuty = try FakePagerDuty(routingKeys: [IncidentFixtures.routingKey])
        try await pagerDuty.run { url in
            let services = try await services(harness, extra: IncidentFixtures.pagerDutyConfiguration(url: url))
            try await services.verifyTriageAndDeliver()
            let opened = try #require(try await services.store.incidents(limit: 10, openOnly: true).first)

            let labels = ["alertname": "BackupFailed", "asset": "orders", "severity": "critical"]
            let app = buildApplication(services: services, runScheduler: false, runBackgroundServices: false)
            try await app.test(.router) { client in
                try await post(client, Self.body(alerts: [("firing", labels, ["summary": "Backup of orders failing"])])) {
                    #expect($0.status == .ok)
                }
            }
            await services.alerts.handleBacklog()
            try await services.delivery.deliverDue()

            let incidents = try await services.store.incidents(limit: 10, openOnly: false)
            #expect(incidents.map(\.id) == [opened.id], "one incident for one failure, whichever path saw it first")
            #expect(incidents.first?.occurrences == 2)
            let events = try await services.store.events(incidentID: opened.id)
            #expect(events.contains { $0.text.contains("alert BackupFailed firing") })
            #expect(pagerDuty.events.map(\.action) == ["trigger"], "joining does not page again")

            // The alert resolving does not resolve what Backstop's own verification still sees failing.
            try await app.test(.router) { client in
                try await post(client, Self.body(status: "resolved", alerts: [("resolved", labels, [:])])) { #expect($0.status == .ok) }
            }
            await services.alerts.handleBacklog()
            #expect(try await services.store.incident(id: opened.id)?.state == .open)
        }
    }

    @Test func aRepeatedNotificationIsRecognisedAndCreatesNoNewWork() async throws {
        let harness = try Harness()
        try await IncidentFixtures.writeHealthy(harness, asset: "orders")
        let services = try await services(harness)
        let app = buildApplication(services: services, runScheduler: false, runBackgroundServices: false)
        let body = Self.body(alerts: [("firing", Self.pgbackrestLabels, Self.diskFull)])
        try await app.test(.router) { client in
            try await post(client, body) { #expect(String(buffer: $0.body).contains(#""accepted""#)) }
            // An HA peer's copy of the same notification, with its keys in another order.
            let reordered = body.replacingOccurrences(of: #""version":"4""#, with: #""version":"4","notification_reason":"x""#)
            try await post(client, reordered) {
                #expect($0.status == .ok)
                #expect(String(buffer: $0.body).contains(#""duplicate""#))
            }
        }
        #expect(try await services.store.untriagedNotifications().notifications.count == 1)
        await services.alerts.handleBacklog()
        #expect(try await services.store.incidents(limit: 10, openOnly: false).count == 1)

        // The same alert in a later notification of its group (another alert joined it): the
        // known alert is not acted on again.
        let other = ["alertname": "PgbackrestBackupFailed", "job": "other", "severity": "critical"]
        try await app.test(.router) { client in
            try await post(client, Self.body(alerts: [("firing", Self.pgbackrestLabels, Self.diskFull), ("firing", other, [:])])) {
                #expect(String(buffer: $0.body).contains(#""accepted""#))
            }
        }
        await services.alerts.handleBacklog()
        let incidents = try await services.store.incidents(limit: 10, openOnly: false)
        #expect(incidents.first { $0.asset == "orders" }?.occurrences == 1)
        #expect(incidents.count == 2, "the new alert, about an unmapped job, is an incident of its own")
        #expect(incidents.contains { $0.asset == "other" })
    }

    @Test(
        arguments: [
            (nil, "missing or wrong credentials"),
            ("Bearer wrong-token", "missing or wrong credentials"),
            ("Basic \(Data("backstop:\(token)".utf8).base64EncodedString())", "missing or wrong credentials"),
            ("Bearer \(token)x", "missing or wrong credentials"),
        ] as [(String?, String)])
    func requestsWithoutTheConfiguredBearerTokenAreRefused(authorization: String?, message: String) async throws {
        let harness = try Harness()
        let services = try await services(harness)
        try await buildApplication(services: services, runScheduler: false, runBackgroundServices: false).test(.router) { client in
            try await post(client, Self.body(alerts: [("firing", Self.pgbackrestLabels, [:])]), authorization: authorization) {
                #expect($0.status == .unauthorized)
                #expect($0.headers[.wwwAuthenticate] == #"Bearer realm="backstop""#)
                #expect(String(buffer: $0.body).contains(message))
                #expect(!String(buffer: $0.body).contains(Self.token))
            }
        }
        #expect(try await services.store.untriagedNotifications().notifications.isEmpty)
        #expect(String(decoding: services.metrics.exposition(), as: UTF8.self).contains(#"notifications_total{status="rejected"} 1"#))
    }

    @Test func basicAuthFromAPasswordFileIsAccepted() async throws {
        let harness = try Harness()
        _ = try harness.directory.write("am-password", "pa:ss word\n")
        let services = try await services(
            harness, webhook: "webhook: { basic_auth: { username: alertmanager, password_file: ./am-password } }")
        try await buildApplication(services: services, runScheduler: false, runBackgroundServices: false).test(.router) { client in
            let body = Self.body(alerts: [("firing", Self.pgbackrestLabels, [:])])
            let good = "basic " + Data("alertmanager:pa:ss word".utf8).base64EncodedString()
            try await post(client, body, authorization: good) { #expect($0.status == .ok) }
            let wrongUser = "Basic " + Data("admin:pa:ss word".utf8).base64EncodedString()
            try await post(client, body, authorization: wrongUser) {
                #expect($0.status == .unauthorized)
                #expect($0.headers[.wwwAuthenticate] == #"Basic realm="backstop""#)
            }
        }
    }

    @Test(arguments: [
        ("not json", "not valid JSON"),
        (#"{"status":"firing","receiver":"r","groupKey":"g"}"#, "field 'alerts' is required"),
        (#"{"status":"firing","receiver":"r","groupKey":"g","alerts":[]}"#, "field 'alerts' is empty"),
        (#"{"status":"burning","receiver":"r","groupKey":"g","alerts":[]}"#, "field 'status' is 'burning'"),
        (
            #"{"status":"firing","receiver":"r","groupKey":"g","alerts":[{"status":"firing","labels":{"a":"b"}}]}"#,
            "field 'alerts[0].startsAt' is required"
        ),
        (
            #"{"status":"firing","receiver":"r","groupKey":"g","alerts":[{"status":"firing","labels":{"a":1},"startsAt":"2026-11-22T02:40:00Z"}]}"#,
            "field 'alerts[0].labels.a': expected a string"
        ),
        (
            #"{"status":"firing","receiver":"r","groupKey":"g","alerts":[{"status":"firing","labels":{"a":"b"},"startsAt":"yesterday"}]}"#,
            "field 'alerts[0].startsAt' is 'yesterday', not an RFC 3339 time"
        ),
        (
            #"{"status":"firing","receiver":"r","groupKey":"g","alerts":[{"status":"firing","labels":{},"startsAt":"2026-11-22T02:40:00Z"}]}"#,
            "field 'alerts[0].labels' is empty"
        ),
    ])
    func badBodiesAreRefusedNamingTheField(body: String, message: String) async throws {
        let harness = try Harness()
        let services = try await services(harness)
        try await buildApplication(services: services, runScheduler: false, runBackgroundServices: false).test(.router) { client in
            try await post(client, body) {
                #expect($0.status == .badRequest)
                #expect(String(buffer: $0.body).contains(message), "\(String(buffer: $0.body))")
            }
        }
        #expect(try await services.store.untriagedNotifications().notifications.isEmpty, "nothing rejected is recorded")
    }

    @Test func aBodyOverTheLimitIsRefusedWith413() async throws {
        let harness = try Harness()
        _ = try harness.directory.write("webhook-token", Self.token)
        let services = try await services(harness, webhook: "webhook: { bearer_token_file: ./webhook-token, max_body_size: 2KiB }")
        let big = ["description": String(repeating: "x", count: 4_096)]
        try await buildApplication(services: services, runScheduler: false, runBackgroundServices: false).test(.router) { client in
            try await post(client, Self.body(alerts: [("firing", Self.pgbackrestLabels, big)])) {
                #expect($0.status == .contentTooLarge)
                #expect(String(buffer: $0.body).contains("webhook.max_body_size"))
            }
            try await post(client, Self.body(alerts: [("firing", Self.pgbackrestLabels, [:])])) { #expect($0.status == .ok) }
        }
    }

    @Test func whenTheRecordCannotBeWrittenTheAnswerIs503SoAlertmanagerRetries() async throws {
        let harness = try Harness()
        let services = try await services(harness)
        // A real write failure of the intake record: the database refuses the insert.
        try await services.sqliteDatabase.write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER refuse_intake BEFORE INSERT ON alert_notifications
                    BEGIN SELECT RAISE(ABORT, 'disk I/O error (simulated by the test)'); END
                    """)
        }
        let body = Self.body(alerts: [("firing", Self.pgbackrestLabels, [:])])
        try await buildApplication(services: services, runScheduler: false, runBackgroundServices: false).test(.router) { client in
            try await post(client, body) { #expect($0.status == .serviceUnavailable) }
            try await services.sqliteDatabase.write { db in try db.execute(sql: "DROP TRIGGER refuse_intake") }
            // Alertmanager's retry of the same notification is then accepted, not taken for a duplicate.
            try await post(client, body) { #expect(String(buffer: $0.body).contains(#""accepted""#)) }
        }
    }
}
