import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Synchronization
import Testing

/// The buffer's journal on a real SQLite file: the order of acceptance, one item per kind and
/// key, removal only of what was drained, refusals kept, and everything still there after the
/// file is opened again (a restart).
@Suite struct BufferJournalTests {
    static func event(_ id: String) -> CompletionEvent {
        CompletionEvent(
            id: id, asset: "orders-db", receivedAt: StoreSamples.now,
            report: ToolReport(asset: "orders-db", tool: "restic", status: .success, exitCode: 0, output: "event \(id)"))
    }

    @Test func itemsComeBackInTheOrderTheyWereAcceptedAndSurviveAReopen() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("buffer.db")
        let items: [BufferedItem] = [
            .notification(EncodedNotification(StoreSamples.notification("ntf_1", dedupKey: "k1"))), .event(Self.event("evt_1")),
            .run(StoreSamples.run("run_1", trigger: .event("evt_1"), outcomes: [StoreSamples.outcome("orders-db", healthy: false)])),
            .notification(EncodedNotification(StoreSamples.notification("ntf_2", dedupKey: "k2"))),
        ]
        let journal = try BufferJournal(path: path)
        #expect(try journal.append(Array(items.prefix(2)), at: StoreSamples.now) { _ in } == [true, true])
        #expect(try journal.append(Array(items.dropFirst(2)), at: StoreSamples.now) { _ in } == [true, true])
        let reopened = try BufferJournal(path: path)
        let entries = try reopened.oldest(limit: 10)
        #expect(entries.map(\.item) == items)
        #expect(entries.map(\.seq) == entries.map(\.seq).sorted())
        #expect(try reopened.oldest(limit: 2).map(\.item) == Array(items.prefix(2)))
    }

    @Test func theSameKeyWaitsOnceAndAnotherKindWithTheSameKeyIsItsOwnItem() throws {
        let directory = try TemporaryDirectory()
        let journal = try BufferJournal(path: directory.file("buffer.db"))
        let depths = Mutex<[Int]>([])
        let first = try journal.append(
            [.notification(EncodedNotification(StoreSamples.notification("ntf_1", dedupKey: "same"))), .event(Self.event("same"))],
            at: StoreSamples.now
        ) { depth in depths.withLock { $0.append(depth) } }
        // Alertmanager's retry of a buffered notification has a new id and the same dedup key.
        let retry = try journal.append(
            [.notification(EncodedNotification(StoreSamples.notification("ntf_2", dedupKey: "same")))], at: StoreSamples.now
        ) {
            depth in depths.withLock { $0.append(depth) }
        }
        #expect(first == [true, true])
        #expect(retry == [false])
        #expect(depths.withLock { $0 } == [2, 2])
        #expect(try journal.count().pending == 2)
    }

    @Test func removalTakesOnlyWhatWasDrainedAndARefusedItemIsKeptAside() throws {
        let directory = try TemporaryDirectory()
        let journal = try BufferJournal(path: directory.file("buffer.db"))
        _ = try journal.append((1...4).map { .event(Self.event("evt_\($0)")) }, at: StoreSamples.now) { _ in }
        let oldest = try journal.oldest(limit: 2)
        let depth = Atomic<Int>(-1)
        try journal.remove(through: oldest[1].seq) { depth.store($0, ordering: .relaxed) }
        #expect(depth.load(ordering: .relaxed) == 2)
        let rest = try journal.oldest(limit: 10)
        #expect(rest.map(\.item) == [.event(Self.event("evt_3")), .event(Self.event("evt_4"))])
        try journal.refuse(rest[0].seq, error: "events.id: refused", at: StoreSamples.now) { depth.store($0, ordering: .relaxed) }
        #expect(depth.load(ordering: .relaxed) == 1)
        #expect(try journal.count() == (pending: 1, refused: 1))
        #expect(try journal.oldest(limit: 10).map(\.item) == [.event(Self.event("evt_4"))])
    }

    @Test func bufferedEventsAreUnprocessedUntilABufferedRunVerifiedThem() throws {
        let directory = try TemporaryDirectory()
        let journal = try BufferJournal(path: directory.file("buffer.db"))
        _ = try journal.append(
            [
                .event(Self.event("evt_1")), .event(Self.event("evt_2")),
                .run(StoreSamples.run("run_1", trigger: .event("evt_1"), outcomes: [StoreSamples.outcome("orders-db", healthy: true)])),
            ], at: StoreSamples.now
        ) { _ in }
        let (events, processed) = try journal.events()
        #expect(events.map(\.id) == ["evt_1", "evt_2"])
        #expect(processed == ["evt_1"])
        #expect(try journal.holdsEvent("evt_2"))
        #expect(try !journal.holdsEvent("evt_3"))
    }

    @Test func aBufferThatCannotBeOpenedSaysWhereAndWhatToCheck() throws {
        let directory = try TemporaryDirectory()
        _ = try directory.write("not-a-directory", "x")
        #expect {
            _ = try BufferJournal(path: directory.file("not-a-directory/buffer.db"))
        } throws: { error in
            "\(error)".contains("storage.postgres.buffer") && "\(error)".contains("not-a-directory/buffer.db")
        }
    }
}
