import BackstopCore
import Foundation
import Testing

/// The batch writes group commit relies on (``GroupCommit``), held by every backend: a batch is
/// written in order, as one transaction, all or nothing.
@Suite struct BatchWriteConformanceTests {
    @Test(arguments: StoreBackend.allCases)
    func aBatchOfNotificationsIsWrittenInOrderAndARepeatWithinItIsADuplicate(_ backend: StoreBackend) async throws {
        let stores = try backend.make()
        defer { extendLifetime(stores) }
        _ = try await stores.intake.appendNotification(StoreSamples.notification("ntf_0", dedupKey: "group-0"))
        let writes = try await stores.intake.appendNotifications([
            StoreSamples.notification("ntf_1", dedupKey: "group-a"), StoreSamples.notification("ntf_2", dedupKey: "group-0"),
            StoreSamples.notification("ntf_3", dedupKey: "group-b"), StoreSamples.notification("ntf_4", dedupKey: "group-a"),
        ])
        #expect(writes == [.appended, .duplicate, .appended, .duplicate])
        #expect(try await stores.intake.untriagedNotifications().notifications.map(\.id) == ["ntf_0", "ntf_1", "ntf_3"])
    }

    @Test(arguments: StoreBackend.allCases)
    func aBatchWithATakenIdWritesNothing(_ backend: StoreBackend) async throws {
        let stores = try backend.make()
        defer { extendLifetime(stores) }
        _ = try await stores.intake.appendNotification(StoreSamples.notification("ntf_0", dedupKey: "group-0"))
        await #expect(throws: StoreError.self) {
            try await stores.intake.appendNotifications([
                StoreSamples.notification("ntf_1", dedupKey: "group-a"), StoreSamples.notification("ntf_0", dedupKey: "group-b"),
            ])
        }
        #expect(try await stores.intake.untriagedNotifications().notifications.map(\.id) == ["ntf_0"])
    }

    @Test(arguments: StoreBackend.allCases)
    func aBatchOfEventsIsWrittenInOrder(_ backend: StoreBackend) async throws {
        let stores = try backend.make()
        defer { extendLifetime(stores) }
        let events = (1...3).map { index in
            CompletionEvent(
                id: "evt_\(index)", asset: "orders-db", receivedAt: StoreSamples.now.addingTimeInterval(Double(index)),
                report: ToolReport(asset: "orders-db", tool: "restic", status: .success, exitCode: 0, output: "run \(index)"))
        }
        try await stores.record.append(events: events)
        #expect(try await stores.record.unprocessedEvents() == events)
    }
}
