import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// `storage.postgres.buffer` against a real PostgreSQL that is really stopped (`pg_ctl stop -m
/// immediate`) and started again: writes are answered from the buffer while it is down, drain in
/// order once it is back, and a drain cut short after PostgreSQL's commit (kill -9 before the
/// buffer's removal) stores nothing twice when a new process drains the same buffer.
@Suite(.timeLimit(.minutes(5))) struct PostgresBufferTests {
    static let logger = PostgresStoreFixture.quietLogger

    static func event(_ id: String) -> CompletionEvent {
        CompletionEvent(
            id: id, asset: "orders-db", receivedAt: StoreSamples.now,
            report: ToolReport(asset: "orders-db", tool: "restic", status: .failure, exitCode: 1, output: "event \(id)"))
    }

    @Test func writesWaitWhilePostgresIsDownAndDrainOnceInOrderAcrossACrashMidDrain() async throws {
        let fixture = try await PostgresStoreFixture.start()
        let directory = try TemporaryDirectory()
        var configuration = fixture.store
        configuration.buffer = directory.file("buffer.db")
        let store = try await PostgresStore.open(configuration, logger: Self.logger)
        let buffer = try #require(store.buffer)
        #expect(try await store.appendNotifications([StoreSamples.notification("ntf_0", dedupKey: "k-before")]) == [.appended])
        #expect(buffer.depth == 0, "PostgreSQL answers: nothing is buffered")

        try await fixture.server.stopAndWait()
        let during = [
            StoreSamples.notification("ntf_1", dedupKey: "k1"),
            // PostgreSQL has this one already: found to be a duplicate when it drains.
            StoreSamples.notification("ntf_2", dedupKey: "k-before"),
            // Alertmanager's retry of ntf_1 while it waits in the buffer.
            StoreSamples.notification("ntf_3", dedupKey: "k1"),
        ]
        #expect(try await store.appendNotifications(during) == [.appended, .appended, .duplicate])
        try await store.append(events: [Self.event("evt_1"), Self.event("evt_2")])
        let run = StoreSamples.run("run_1", trigger: .event("evt_1"), outcomes: [StoreSamples.outcome("orders-db", healthy: false)])
        try await store.append(run)
        #expect(buffer.depth == 5)
        #expect(buffer.unreachableSince != nil)
        // The buffered run verified evt_1; evt_2 still waits for its verification.
        #expect(try await store.unprocessedEvents().map(\.id) == ["evt_2"])
        await #expect {
            _ = try await store.recentRuns(limit: 1)
        } throws: { error in
            (error as? StoreError)?.isUnavailable == true
        }
        let drain = BufferDrain(store: store, buffer: buffer, logger: Self.logger)
        #expect(await drain.step() == .unreachable)
        #expect(buffer.depth == 5, "nothing leaves the buffer while PostgreSQL is down")

        try await fixture.server.restart()
        // kill -9 mid-drain: PostgreSQL committed the oldest three, the buffer still holds them.
        let firstThree = try buffer.journal.oldest(limit: 3)
        try await Self.untilPostgresAnswers { () throws(StoreError) in try await store.ping() }
        _ = try await store.writeDrained(firstThree)
        store.close()

        let restarted = try await PostgresStore.open(configuration, logger: Self.logger)
        defer { restarted.close() }
        let reopened = try #require(restarted.buffer)
        #expect(reopened.depth == 5, "the buffer file kept every write across the crash")
        let resumed = BufferDrain(store: restarted, buffer: reopened, logger: Self.logger)
        var steps: [BufferDrain.Step] = []
        let deadline = Date().addingTimeInterval(60)
        while reopened.depth > 0, Date() < deadline { steps.append(await resumed.step()) }
        #expect(reopened.depth == 0, "\(steps)")
        #expect(reopened.status.drained == 5)
        #expect(await resumed.step() == .idle)

        #expect(try await fixture.superuserSQL("SELECT dedup_key FROM alert_notifications ORDER BY seq") == "k-before\nk1\n")
        #expect(try await fixture.superuserSQL("SELECT id FROM alert_notifications ORDER BY seq") == "ntf_0\nntf_1\n")
        #expect(try await fixture.superuserSQL("SELECT id FROM events ORDER BY seq") == "evt_1\nevt_2\n")
        #expect(try await fixture.superuserSQL("SELECT id FROM runs") == "run_1\n")
        #expect(try await fixture.superuserSQL("SELECT COUNT(*) FROM outcomes") == "1\n")
        #expect(try await restarted.run(id: "run_1") == run, "stored exactly as accepted")
        #expect(try await restarted.unprocessedEvents().map(\.id) == ["evt_2"])
        #expect(try await restarted.verifyChains().breaks.isEmpty)
    }

    @Test func aWritePostgresRefusesIsAnsweredAsARefusalNotBuffered() async throws {
        var configuration = try await SharedPostgres.freshDatabase()
        let directory = try TemporaryDirectory()
        configuration.buffer = directory.file("buffer.db")
        let store = try await PostgresStore.open(configuration, logger: Self.logger)
        defer { store.close() }
        // A rule of the database's own that this notification breaks: a refusal, not an outage.
        _ = try await SharedPostgres.sql(
            "ALTER TABLE alert_notifications ADD CONSTRAINT test_refusal CHECK (receiver <> 'refused')",
            database: configuration.database)
        var notification = StoreSamples.notification("ntf_refused", dedupKey: "k-refused")
        notification.receiver = "refused"
        await #expect {
            _ = try await store.appendNotifications([notification])
        } throws: { error in
            (error as? StoreError).map { !$0.isUnavailable && $0.message.contains("test_refusal") } == true
        }
        #expect(store.buffer?.depth == 0)
        #expect(store.buffer?.unreachableSince == nil)
    }

    /// Retries `body` while PostgreSQL (just restarted) is not yet reachable by the store's pool,
    /// for at most a minute: polling a condition with a deadline, not a sleep.
    static func untilPostgresAnswers(_ body: () async throws(StoreError) -> Void) async throws {
        let deadline = Date().addingTimeInterval(60)
        while true {
            do throws(StoreError) {
                return try await body()
            } catch {
                guard error.isUnavailable, Date() < deadline else { throw error }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }
}
