import Backstop
import BackstopCore
import Foundation
import Testing

/// The Alertmanager intake's contract, held by every backend.
@Suite struct AlertIntakeConformanceTests {
    @Test(arguments: StoreBackend.allCases)
    func aNotificationWaitsUntilItsTriageIsCommitted(_ backend: StoreBackend) async throws {
        let stores = try await backend.make()
        defer { extendLifetime(stores) }
        let first = StoreSamples.notification("ntf_1", dedupKey: "group-a")
        let second = StoreSamples.notification("ntf_2", dedupKey: "group-b", status: .resolved)
        #expect(try await stores.intake.appendNotification(first) == .appended)
        #expect(try await stores.intake.appendNotification(second) == .appended)
        var waiting = try await stores.intake.untriagedNotifications()
        #expect(waiting.notifications == [first, second] && waiting.unreadable.isEmpty)

        try await stores.ledger.commit(LedgerChange(), triagedRunID: "ntf_1")
        waiting = try await stores.intake.untriagedNotifications()
        #expect(waiting.notifications.map(\.id) == ["ntf_2"])
        #expect(try await stores.intake.notificationCounts() == ["firing": 1, "resolved": 1])
    }

    @Test(arguments: StoreBackend.allCases)
    func aRepeatedNotificationIsADuplicateAndAddsNothing(_ backend: StoreBackend) async throws {
        let stores = try await backend.make()
        defer { extendLifetime(stores) }
        let intake = stores.intake
        #expect(try await intake.appendNotification(StoreSamples.notification("ntf_1", dedupKey: "group-a")) == .appended)
        #expect(try await intake.appendNotification(StoreSamples.notification("ntf_2", dedupKey: "group-a")) == .duplicate)
        #expect(try await intake.untriagedNotifications().notifications.map(\.id) == ["ntf_1"])
        #expect(try await intake.notificationCounts() == ["firing": 1])
    }

    @Test(arguments: StoreBackend.allCases)
    func aTakenIdFailsTheWrite(_ backend: StoreBackend) async throws {
        let stores = try await backend.make()
        defer { extendLifetime(stores) }
        let intake = stores.intake
        _ = try await intake.appendNotification(StoreSamples.notification("ntf_1", dedupKey: "group-a"))
        await #expect(throws: StoreError.self) {
            try await intake.appendNotification(StoreSamples.notification("ntf_1", dedupKey: "group-b"))
        }
    }
}

/// The webhook's form of a notification: the record keeps the body as accepted, and reads it
/// back as the webhook decoded it.
extension AlertIntakeConformanceTests {
    static let acceptedBody = """
        {"receiver":"backstop\\\\-webhook","status":"firing","groupKey":"{}:{alertname=\\"Nightly\\"}","version":"4",
         "truncatedAlerts":0,"externalURL":"http://alertmanager.example:9093",
         "alerts":[{"status":"firing","labels":{"alertname":"Nightly","asset":"orders"},"annotations":{"summary":"é ✓"},
                    "startsAt":"2026-11-22T02:40:00.123456789Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"f1"},
                   {"status":"resolved","labels":{"alertname":"Nightly","asset":"billing"},
                    "startsAt":"2026-11-22T01:00:00Z","endsAt":"2026-11-22T02:00:00.5Z","generatorURL":"http://prom/graph"}]}
        """

    @Test(arguments: StoreBackend.allCases)
    func aNotificationAcceptedWithItsBodyReadsBackAsTheWebhookDecodedIt(_ backend: StoreBackend) async throws {
        let stores = try await backend.make()
        defer { extendLifetime(stores) }
        // A whole second: the row's time is a number of seconds since 1970, exact for it.
        let accepted = try AlertmanagerPayload.notification(
            from: Data(Self.acceptedBody.utf8), id: "ntf_body", receivedAt: Date(timeIntervalSince1970: 1_795_000_000))
        let legacy = StoreSamples.notification("ntf_legacy", dedupKey: "group-a")
        #expect(try await stores.intake.appendNotification(EncodedNotification(accepted, acceptedBody: Self.acceptedBody)) == .appended)
        #expect(try await stores.intake.appendNotification(legacy) == .appended)
        let waiting = try await stores.intake.untriagedNotifications()
        #expect(waiting.unreadable.isEmpty)
        #expect(waiting.notifications == [accepted, legacy], "both forms read back, in the order accepted")
        #expect(waiting.notifications.first?.alerts.first?.startsAt == accepted.alerts.first?.startsAt)
        #expect(waiting.notifications.first?.receiver == "backstop-webhook")
    }

    /// The triage reads what its full queue left to the record a page at a time: a page ends at
    /// its limit or at the record's end, and the next one starts after it.
    @Test(arguments: StoreBackend.allCases)
    func untriagedNotificationsAreReadInPagesFromWhereThePreviousPageEnded(_ backend: StoreBackend) async throws {
        let stores = try await backend.make()
        defer { extendLifetime(stores) }
        for index in 1...5 {
            #expect(
                try await stores.intake.appendNotification(StoreSamples.notification("ntf_\(index)", dedupKey: "group-\(index)"))
                    == .appended)
        }
        try await stores.ledger.commit(LedgerChange(), triagedRunID: "ntf_2")
        let first = try await stores.intake.untriagedNotifications(after: nil, limit: 2)
        #expect(first.notifications.map(\.id) == ["ntf_1", "ntf_3"])
        let second = try await stores.intake.untriagedNotifications(after: first.position, limit: 2)
        #expect(second.notifications.map(\.id) == ["ntf_4", "ntf_5"])
        let end = try await stores.intake.untriagedNotifications(after: second.position, limit: 2)
        #expect(end.notifications.isEmpty && end.position != nil)
        // Triaged meanwhile: not read again. Appended later: read after the end.
        try await stores.ledger.commit(LedgerChange(), triagedRunID: "ntf_1")
        #expect(try await stores.intake.appendNotification(StoreSamples.notification("ntf_6", dedupKey: "group-6")) == .appended)
        let later = try await stores.intake.untriagedNotifications(after: end.position, limit: 2)
        #expect(later.notifications.map(\.id) == ["ntf_6"])
        #expect(
            try await stores.intake.untriagedNotifications(after: nil, limit: 10).notifications.map(\.id) == [
                "ntf_3", "ntf_4", "ntf_5", "ntf_6",
            ])
    }
}
