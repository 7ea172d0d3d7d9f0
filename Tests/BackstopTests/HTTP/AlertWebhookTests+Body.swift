import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

/// What the intake record keeps of a notification: the body exactly as accepted.
extension AlertWebhookTests {
    @Test func theRecordKeepsTheBodyByteForByteAndTriageWorksFromIt() async throws {
        let harness = try Harness()
        try await IncidentFixtures.writeHealthy(harness, asset: "orders")
        let services = try await services(harness)
        // Whitespace, key order and fields Backstop ignores are all kept, as Alertmanager sent them.
        let body = Self.body(alerts: [("firing", Self.pgbackrestLabels, Self.diskFull)])
            .replacingOccurrences(of: #","version":"4""#, with: #", "version" : "4", "notification_reason":"re-send""#)
        try await buildApplication(services: services, runScheduler: false, runBackgroundServices: false).test(.router) { client in
            try await post(client, body) { #expect($0.status == .ok) }
        }
        let stored = try await services.sqliteDatabase.read { db in
            try Row.fetchAll(db, sql: "SELECT id, notification_json FROM alert_notifications").map { ($0["id"] as String, $0[1] as String) }
        }
        #expect(stored.map(\.1) == [body])
        let waiting = try await services.store.untriagedNotifications()
        #expect(waiting.unreadable.isEmpty)
        #expect(waiting.notifications.map(\.id) == stored.map(\.0))
        #expect(waiting.notifications.first?.alerts.first?.labels == Self.pgbackrestLabels)
        #expect(waiting.notifications.first?.receiver == "backstop-webhook")

        await services.alerts.handleBacklog()
        let incidents = try await services.store.incidents(limit: 10, openOnly: false)
        #expect(incidents.map(\.asset) == ["orders"])
        #expect(incidents.first?.cause == .diskFull, "the cause comes from the stored body's description")
        #expect(try await services.store.untriagedNotifications().notifications.isEmpty)
        #expect(try await services.store.verifyChains().breaks.isEmpty)
    }

    @Test func aBodyThatIsNotUTF8IsRefusedSayingSo() async throws {
        let harness = try Harness()
        let services = try await services(harness)
        let headers: HTTPFields = [.authorization: "Bearer \(Self.token)", .contentType: "application/json"]
        // A valid notification in UTF-16: JSON, but not what the record may keep as text.
        let utf16 = Self.body(alerts: [("firing", Self.pgbackrestLabels, [:])]).data(using: .utf16) ?? Data()
        try await buildApplication(services: services, runScheduler: false, runBackgroundServices: false).test(.router) { client in
            try await client.execute(uri: "/api/v1/alerts", method: .post, headers: headers, body: ByteBuffer(bytes: utf16)) {
                #expect($0.status == .badRequest)
                #expect(String(buffer: $0.body).contains("the body is not UTF-8 text"))
            }
        }
        #expect(try await services.store.untriagedNotifications().notifications.isEmpty)
    }
}
