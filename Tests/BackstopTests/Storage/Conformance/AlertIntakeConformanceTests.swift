import BackstopCore
import Foundation
import Testing

/// The Alertmanager intake's contract, held by every backend.
@Suite struct AlertIntakeConformanceTests {
    @Test(arguments: StoreBackend.allCases)
    func aNotificationWaitsUntilItsTriageIsCommitted(_ backend: StoreBackend) async throws {
        let stores = try backend.make()
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
        let stores = try backend.make()
        defer { extendLifetime(stores) }
        let intake = stores.intake
        #expect(try await intake.appendNotification(StoreSamples.notification("ntf_1", dedupKey: "group-a")) == .appended)
        #expect(try await intake.appendNotification(StoreSamples.notification("ntf_2", dedupKey: "group-a")) == .duplicate)
        #expect(try await intake.untriagedNotifications().notifications.map(\.id) == ["ntf_1"])
        #expect(try await intake.notificationCounts() == ["firing": 1])
    }

    @Test(arguments: StoreBackend.allCases)
    func aTakenIdFailsTheWrite(_ backend: StoreBackend) async throws {
        let stores = try backend.make()
        defer { extendLifetime(stores) }
        let intake = stores.intake
        _ = try await intake.appendNotification(StoreSamples.notification("ntf_1", dedupKey: "group-a"))
        await #expect(throws: StoreError.self) {
            try await intake.appendNotification(StoreSamples.notification("ntf_1", dedupKey: "group-b"))
        }
    }
}
