import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Logging
import PostgresNIO
import Testing

/// A statement in flight when PostgreSQL dies (`pg_ctl stop -m immediate`) answers within
/// seconds through ``PostgresConnectionWatch``; with postgres-nio's own `withTransaction` most
/// of these rounds waited forever (the chaos campaign's SIGTERM hang: a verification's run write
/// never returned). Each round stops the server at another moment of a long transaction.
@Suite(.timeLimit(.minutes(5))) struct PostgresConnectionWatchTests {
    static let logger = PostgresStoreFixture.quietLogger

    @Test(arguments: 0..<6) func aTransactionCutByACrashAnswersInsteadOfWaitingForever(round: Int) async throws {
        let fixture = try await PostgresStoreFixture.start()
        let connection = try await PostgresConnector(fixture.store).connect(logger: Self.logger)
        let transaction = Task { () -> (any Error)? in
            do {
                try await PostgresConnectionWatch.transaction(on: connection, logger: Self.logger) { connection in
                    for index in 0..<100_000 {
                        try await connection.query(
                            PostgresQuery(unsafeSQL: "CREATE TABLE t_\(index) (id BIGINT PRIMARY KEY)"), logger: Self.logger)
                    }
                }
                return nil
            } catch {
                return error
            }
        }
        // The moment of the fault, varied per round; not a synchronisation.
        try await Task.sleep(for: .milliseconds(30 + round * 25))
        try await fixture.server.stopAndWait()
        // Counted from the crash: the answer must come, whatever the machine's load before it.
        let answer = await withDeadline(.seconds(20)) { await transaction.value }
        try? await connection.close()
        let outcome = try #require(answer, "the transaction neither committed nor failed within 20 s of the crash")
        let error = try #require(outcome, "100,000 statements finished before the crash; nothing was cut")
        #expect(PostgresUnavailability.isUnavailable(error), "a crash is an outage (buffered, retried): \(String(reflecting: error))")
    }

    @Test func aStoreWriteCutByACrashFailsAsUnavailable() async throws {
        let fixture = try await PostgresStoreFixture.start()
        let store = try await PostgresStore.open(fixture.store, logger: Self.logger)
        defer { store.close() }
        let writes = Task { () -> StoreError? in
            for index in 0..<1_000_000 {
                do throws(StoreError) {
                    try await store.append(events: [PostgresBufferTests.event("evt_\(index)")])
                } catch {
                    return error
                }
            }
            return nil
        }
        try await Task.sleep(for: .milliseconds(200))
        try await fixture.server.stopAndWait()
        // A write cut by the crash answers within seconds; one that starts just after it waits for
        // a pooled connection up to PostgresStore.connectionWait (the store has no buffer here).
        // Either way an answer comes: the bound is against "forever", not a measure of speed.
        let failure = await withDeadline(.seconds(120)) { await writes.value }
        let answered = try #require(failure, "a write neither succeeded nor failed within 120 s of the crash")
        let error = try #require(answered, "1,000,000 writes finished before the crash")
        #expect(error.isUnavailable, "\(error)")
    }
}
