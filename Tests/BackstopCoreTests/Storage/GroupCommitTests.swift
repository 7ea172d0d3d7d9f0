import BackstopCore
import Synchronization
import Testing

/// Writes that arrive while a commit is in flight go to the store together, each answered with
/// its own result only after its batch committed; a bad write fails only itself.
@Suite struct GroupCommitTests {
    /// A store that records each batch it was asked to commit, holds every commit until the test
    /// releases it, and refuses items it was told to.
    final class GatedStore: Sendable {
        let batches = Mutex<[[Int]]>([])
        let committed = Mutex<Set<Int>>([])
        let refused: Set<Int>
        private let gate: AsyncStream<Void>
        private let opener: AsyncStream<Void>.Continuation

        init(refusing refused: Set<Int> = []) {
            self.refused = refused
            (gate, opener) = AsyncStream.makeStream(of: Void.self)
        }

        /// Lets one waiting commit through.
        func release(_ count: Int = 1) { for _ in 0..<count { opener.yield() } }

        func commit(_ batch: [Int]) async throws(StoreError) -> [String] {
            batches.withLock { $0.append(batch) }
            var iterator = gate.makeAsyncIterator()
            _ = await iterator.next()
            if let bad = batch.first(where: refused.contains) { throw StoreError("item \(bad) refused") }
            committed.withLock { $0.formUnion(batch) }
            return batch.map { "wrote \($0)" }
        }
    }

    @Test func writesArrivingDuringACommitShareTheNextOneAndEachAnswerFollowsItsCommit() async throws {
        let store = GatedStore()
        let group = GroupCommit<Int, String>(maxBatch: 100) { batch async throws(StoreError) in try await store.commit(batch) }
        let first = Task { try await group.submit(0) }
        while store.batches.withLock({ $0.count }) < 1 { await Task.yield() }
        // The first commit is in flight: these five wait for it, then commit together.
        let later = (1...5).map { item in Task { (item, try await group.submit(item), store.committed.withLock { $0.contains(item) }) } }
        while await group.waitingCount < 5 { await Task.yield() }
        store.release()
        #expect(try await first.value == "wrote 0")
        store.release()
        for task in later {
            let (item, answer, durableWhenAnswered) = try await task.value
            #expect(answer == "wrote \(item)")
            #expect(durableWhenAnswered, "item \(item) was answered before its batch committed")
        }
        #expect(store.batches.withLock { $0.map { Set($0) } } == [[0], [1, 2, 3, 4, 5]])
    }

    @Test func aRefusedWriteFailsAloneAndTheRestOfItsBatchIsWritten() async throws {
        let store = GatedStore(refusing: [3])
        let group = GroupCommit<Int, String>(maxBatch: 100) { batch async throws(StoreError) in try await store.commit(batch) }
        let first = Task { try await group.submit(0) }
        while store.batches.withLock({ $0.count }) < 1 { await Task.yield() }
        let later = (1...4).map { item in
            Task { () -> (Int, Result<String, StoreError>) in
                do throws(StoreError) { return (item, .success(try await group.submit(item))) } catch { return (item, .failure(error)) }
            }
        }
        while await group.waitingCount < 4 { await Task.yield() }
        // The first commit, the batch of four (refused), then each of the four alone.
        store.release(6)
        _ = try await first.value
        for task in later {
            let (item, result) = await task.value
            switch result {
            case .success(let answer): #expect(item != 3 && answer == "wrote \(item)")
            case .failure(let error): #expect(item == 3 && error.message == "item 3 refused")
            }
        }
        #expect(store.committed.withLock { $0 } == [0, 1, 2, 4])
    }

    @Test func aBatchIsNoLargerThanTheLimit() async throws {
        let store = GatedStore()
        let group = GroupCommit<Int, String>(maxBatch: 2) { batch async throws(StoreError) in try await store.commit(batch) }
        let first = Task { try await group.submit(0) }
        while store.batches.withLock({ $0.count }) < 1 { await Task.yield() }
        let later = (1...5).map { item in Task { try await group.submit(item) } }
        while await group.waitingCount < 5 { await Task.yield() }
        store.release(4)
        _ = try await first.value
        for task in later { _ = try await task.value }
        #expect(store.batches.withLock { $0.map(\.count) } == [1, 2, 2, 1])
    }
}
