import BackstopCore
import BackstopTesting
import ServiceLifecycleTestKit
import Testing

@testable import Backstop

/// The buffer's drain replaces the store's pool (``PostgresStore/replacePool()``) from inside a
/// service. postgres-nio's `PostgresClient.run()` ends with the graceful shutdown of the task
/// that runs it; a pool whose run task inherited the drain's shutdown was closed by a SIGTERM
/// while the other services (shut down after the drain) still wrote their last records on it.
@Suite(.timeLimit(.minutes(5))) struct PostgresPoolReplacementTests {
    @Test func aPoolReplacedByAServiceThatIsStoppingStillServesTheStore() async throws {
        let fixture = try await PostgresStoreFixture.start()
        let store = try await PostgresStore.open(fixture.store, logger: PostgresStoreFixture.quietLogger)
        defer { store.close() }
        try await testGracefulShutdown { trigger in
            // As the drain does when its step runs after the SIGTERM reached it.
            trigger.triggerGracefulShutdown()
            try store.replacePool()
            try await store.append(events: [PostgresBufferTests.event("evt_after_replacement")])
        }
        #expect(try await store.storedUnprocessedEvents().map(\.id) == ["evt_after_replacement"])
    }

    @Test func queriesOnTheReplacedPoolAnswerAndTheNewPoolServes() async throws {
        let fixture = try await PostgresStoreFixture.start()
        let store = try await PostgresStore.open(fixture.store, logger: PostgresStoreFixture.quietLogger)
        defer { store.close() }
        // Writes in flight while the pool is replaced: each is stored, or fails (to be retried);
        // none waits forever (the suite's time limit).
        let writes = (0..<20).map { index in
            Task { () -> Bool in
                do throws(StoreError) {
                    try await store.append(events: [PostgresBufferTests.event("evt_\(index)")])
                    return true
                } catch {
                    return false
                }
            }
        }
        try store.replacePool()
        var stored = 0
        for write in writes where await write.value { stored += 1 }
        try await store.append(events: [PostgresBufferTests.event("evt_new_pool")])
        let ids = try await store.storedUnprocessedEvents().map(\.id)
        #expect(ids.count == stored + 1, "every write answered stored was stored, once")
        #expect(ids.contains("evt_new_pool"))
    }
}
