/// Group commit: writes that arrive while a commit is in flight wait for it, then go to the store
/// together, in one transaction and one fsync, and each caller gets its own answer only after
/// that transaction committed. Nothing waits on purpose: an idle store commits a lone write at
/// once, and a busy one commits whatever gathered during the previous fsync, so the batch grows
/// with the load and the cost of an fsync is shared by every request of the batch.
///
/// The store only has to write a batch atomically (``Commit``); any backend that has
/// transactions (SQLite, PostgreSQL) can. When a batch fails, each of its items is written alone,
/// so one bad write (a taken id) fails only its own request.
package actor GroupCommit<Item: Sendable, Output: Sendable> {
    /// Writes the batch in one transaction and returns one output per item, in order; throws
    /// when nothing of the batch was written.
    package typealias Commit = @Sendable ([Item]) async throws(StoreError) -> [Output]

    private struct Waiter {
        let item: Item
        let continuation: CheckedContinuation<Output, any Error>
    }

    private let commit: Commit
    private let maxBatch: Int
    private var waiting: [Waiter] = []
    private var committing = false
    /// Told of every request and every commit, so triage can let the intake go first.
    private let priority: IntakePriority?

    /// `maxBatch` bounds one transaction, so a storm's first requests are not held by its last.
    package init(maxBatch: Int = 512, priority: IntakePriority? = nil, commit: @escaping Commit) {
        self.maxBatch = max(1, maxBatch)
        self.priority = priority
        self.commit = commit
    }

    /// Writes waiting for the commit in flight (for tests and diagnostics).
    package var waitingCount: Int { waiting.count }

    /// Writes `item` with whatever else is waiting; returns once its transaction committed.
    package func submit(_ item: Item) async throws(StoreError) -> Output {
        do {
            return try await withCheckedThrowingContinuation { continuation in
                priority?.arrived()
                waiting.append(Waiter(item: item, continuation: continuation))
                if !committing {
                    committing = true
                    Task { await self.commitWaiting() }
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError("could not write to the store: \(error)")
        }
    }

    /// Commits batches until nobody waits; writes that arrive meanwhile join the next batch.
    private func commitWaiting() async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(maxBatch))
            waiting.removeFirst(batch.count)
            let results = await results(of: batch.map(\.item))
            for (waiter, result) in zip(batch, results) {
                waiter.continuation.resume(with: result)
            }
            priority?.committed(batch.count)
        }
        committing = false
    }

    /// One result per item: the batch's outputs, or, when the batch failed, each item written alone.
    private func results(of items: [Item]) async -> [Result<Output, StoreError>] {
        do {
            return try await checked(commit(items), count: items.count).map { .success($0) }
        } catch {
            guard items.count > 1 else { return [.failure(error)] }
            var results: [Result<Output, StoreError>] = []
            for item in items {
                do {
                    results.append(.success(try await checked(commit([item]), count: 1)[0]))
                } catch {
                    results.append(.failure(error))
                }
            }
            return results
        }
    }

    private func checked(_ outputs: [Output], count: Int) throws(StoreError) -> [Output] {
        guard outputs.count == count else {
            throw StoreError("internal: the store answered \(outputs.count) results for a batch of \(count) writes")
        }
        return outputs
    }
}
