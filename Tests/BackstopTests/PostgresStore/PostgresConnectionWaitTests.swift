import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import PostgresNIO
import Synchronization
import Testing

/// A call waits a bounded time for a pooled connection, and its answer is the truth: one that
/// gave up never writes later. Without the bound, postgres-nio's pool held the call about a
/// minute and then served it if PostgreSQL had come back meanwhile, so a webhook on a replica
/// without a buffer hung past its sender's timeout and was stored after the sender had sent it
/// elsewhere (`ReplicaPostgresOutageTests` saw three such events in one run).
@Suite(.timeLimit(.minutes(5))) struct PostgresConnectionWaitTests {
    @Test func aCallWithNoConnectionGivesUpAtTheBoundWithoutRunning() async throws {
        let port = try FreePort.find()
        let configuration = PostgresStoreConfiguration(
            host: "127.0.0.1", port: port, user: "backstop", database: "backstop", sslMode: .disable, password: Secret("unused"))
        let client = PostgresClient(
            configuration: try PostgresConnector(configuration).clientConfiguration(), backgroundLogger: PostgresStoreFixture.quietLogger)
        let pool = Task { await client.run() }
        defer { pool.cancel() }
        let ran = Ran()
        let answer = await withDeadline(.seconds(30)) { () -> (any Error)? in
            do {
                try await PostgresConnectionWait.withConnection(from: client, within: .seconds(1)) { _ in ran.flag.withLock { $0 = true } }
                return nil
            } catch {
                return error
            }
        }
        let outcome = try #require(answer, "no answer within 30 s: the call waited on the pool past its 1 s bound")
        let error = try #require(outcome, "a call succeeded with nothing listening on port \(port)")
        #expect(error is PostgresConnectionWaitExceeded, "\(String(reflecting: error))")
        #expect(PostgresUnavailability.isUnavailable(error), "giving up on a connection is an outage (buffered, retried)")
        #expect(!ran.flag.withLock { $0 }, "the call's body never runs once the bound has passed")
    }

    @Test func aCallThatGotItsConnectionIsNotCutByTheBound() async throws {
        let fixture = try await PostgresStoreFixture.start()
        let client = PostgresClient(
            configuration: try PostgresConnector(fixture.store).clientConfiguration(), backgroundLogger: PostgresStoreFixture.quietLogger)
        let pool = Task { await client.run() }
        defer { pool.cancel() }
        // A connection made first (a loaded machine may take seconds to open one): the bound
        // below is then on the wait for an idle connection, which the statement outlasts by far.
        _ = try await PostgresConnectionWait.withConnection(from: client, within: .seconds(60)) { connection in
            try await connection.query("SELECT 1", logger: PostgresStoreFixture.quietLogger)
        }
        let value = try await PostgresConnectionWait.withConnection(from: client, within: .seconds(1)) { connection in
            let rows = try await connection.query("SELECT pg_sleep(3), 42", logger: PostgresStoreFixture.quietLogger)
            var answer = 0
            for try await (_, number) in rows.decode((String, Int).self) { answer = number }
            return answer
        }
        #expect(value == 42)
    }

    @Test func aWriteWhilePostgresIsDownAnswersAndItsAnswerIsTheTruth() async throws {
        let fixture = try await PostgresStoreFixture.start()
        let store = try await PostgresStore.open(fixture.store, logger: PostgresStoreFixture.quietLogger)
        defer { store.close() }
        try await fixture.server.stopAndWait()
        // Given up while PostgreSQL stays down: unavailable, within the bound, not a minute later.
        let early = await withDeadline(.seconds(40)) { await Self.write(store, "evt_early") }
        let earlyAnswer = try #require(
            early, "a write with PostgreSQL down did not answer within 40 s (bound: \(PostgresStore.connectionWait))")
        #expect(earlyAnswer?.isUnavailable == true, "\(String(describing: earlyAnswer))")
        // One that is waiting when PostgreSQL comes back either gets its connection in time and is
        // stored, or gives up and is not: never answered "unavailable" and stored all the same.
        let late = Task { await Self.write(store, "evt_late") }
        try await fixture.server.restart()
        let lateAnswer = await late.value
        let stored = try await fixture.superuserSQL("SELECT id FROM events ORDER BY id").split(separator: "\n").map(String.init)
        #expect(!stored.contains("evt_early"), "a write answered unavailable was stored once PostgreSQL came back")
        #expect(stored.contains("evt_late") == (lateAnswer == nil), "answered \(String(describing: lateAnswer)), stored: \(stored)")
    }

    /// Nil when the event was written; the store's error otherwise.
    static func write(_ store: PostgresStore, _ id: String) async -> StoreError? {
        do throws(StoreError) {
            try await store.append(events: [PostgresBufferTests.event(id)])
            return nil
        } catch {
            return error
        }
    }

    /// Whether a body ran (shared with the pool's task).
    final class Ran: Sendable {
        let flag = Mutex(false)
    }
}
