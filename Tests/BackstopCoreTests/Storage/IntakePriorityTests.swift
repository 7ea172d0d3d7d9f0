import BackstopCore
import Synchronization
import Testing

/// Triage lets the webhook's intake go first: a triage batch waits while requests keep arriving,
/// goes once the intake has had nothing in flight for the quiet period, and is never held for
/// more than a bounded number of commits, so a storm still drains.
@Suite struct IntakePriorityTests {
    /// A store whose commits the test releases one at a time, noting each in the log.
    final class HeldStore: Sendable {
        let log: Log
        private let gate: AsyncStream<Void>
        private let opener: AsyncStream<Void>.Continuation
        let started = Mutex(0)

        init(log: Log) {
            self.log = log
            (gate, opener) = AsyncStream.makeStream(of: Void.self)
        }

        func release() { opener.yield() }

        func commit(_ batch: [Int]) async throws(StoreError) -> [Int] {
            started.withLock { $0 += 1 }
            var iterator = gate.makeAsyncIterator()
            _ = await iterator.next()
            log.append("commit \(batch.sorted())")
            return batch
        }
    }

    final class Log: Sendable {
        let events = Mutex<[String]>([])
        func append(_ event: String) { events.withLock { $0.append(event) } }
        var all: [String] { events.withLock { $0 } }
    }

    @Test func triageWaitsForTheCommitOfAWaitingRequestAndGoesOnceTheIntakeIsIdle() async throws {
        let log = Log()
        let store = HeldStore(log: log)
        let priority = IntakePriority(maxDeferredCommits: 8)
        let group = GroupCommit<Int, Int>(priority: priority) { batch async throws(StoreError) in try await store.commit(batch) }
        let request = Task { try await group.submit(1) }
        while store.started.withLock({ $0 }) < 1 { await Task.yield() }
        let triage = Task {
            await priority.waitForTurn()
            log.append("triage")
        }
        while priority.waitingTriage < 1 { await Task.yield() }
        #expect(log.all.isEmpty, "triage ran while a request waited for its commit")
        store.release()
        _ = try await request.value
        await triage.value
        #expect(log.all == ["commit [1]", "triage"])
        #expect(priority.deferredBatches == 1)
        #expect(priority.inFlight == 0)
    }

    @Test func triageGoesAtOnceWhenNoRequestIsInFlight() async {
        let priority = IntakePriority()
        await priority.waitForTurn()
        #expect(priority.deferredBatches == 0)
    }

    @Test func underSustainedIntakeTriageWaitsAtMostTheBoundedNumberOfCommits() async throws {
        let log = Log()
        let store = HeldStore(log: log)
        let priority = IntakePriority(maxDeferredCommits: 2)
        let group = GroupCommit<Int, Int>(priority: priority) { batch async throws(StoreError) in try await store.commit(batch) }
        var requests = [Task { try await group.submit(0) }]
        while store.started.withLock({ $0 }) < 1 { await Task.yield() }
        let triage = Task {
            await priority.waitForTurn()
            log.append("triage")
        }
        while priority.waitingTriage < 1 { await Task.yield() }
        // Requests keep arriving while each commit is in flight: the intake never goes idle.
        for commit in 1...2 {
            requests.append(Task { try await group.submit(commit) })
            while await group.waitingCount < 1 { await Task.yield() }
            store.release()
            while store.started.withLock({ $0 }) < commit + 1 { await Task.yield() }
        }
        await triage.value
        // Two commits ended with a request still in flight; the triage went anyway.
        #expect(log.all == ["commit [0]", "commit [1]", "triage"])
        #expect(priority.inFlight == 1)
        store.release()
        for request in requests { _ = try await request.value }
        #expect(priority.inFlight == 0)
    }

    @Test func aCancelledTriageStopsWaiting() async throws {
        let log = Log()
        let store = HeldStore(log: log)
        let priority = IntakePriority()
        let group = GroupCommit<Int, Int>(priority: priority) { batch async throws(StoreError) in try await store.commit(batch) }
        let request = Task { try await group.submit(1) }
        while store.started.withLock({ $0 }) < 1 { await Task.yield() }
        let triage = Task { await priority.waitForTurn() }
        while priority.waitingTriage < 1 { await Task.yield() }
        triage.cancel()
        await triage.value
        #expect(priority.waitingTriage == 0)
        #expect(log.all.isEmpty, "the triage should have returned on cancellation, before the commit")
        store.release()
        _ = try await request.value
    }

    @Test func aBatchIsSmallWhileRequestsAreInFlightAndWholeOnceTheIntakeIsIdle() {
        let priority = IntakePriority(busyBatchLimit: 16, quietPeriod: .zero)
        #expect(priority.batchLimit(64) == 64)
        priority.arrived()
        #expect(priority.batchLimit(64) == 16)
        #expect(priority.batchLimit(4) == 4, "the busy limit only ever lowers a batch")
        priority.committed(1)
        #expect(priority.batchLimit(64) == 64)
    }

    /// One request in flight and a triage waiting for its turn behind it.
    static func triageWaitingBehindARequest(_ priority: IntakePriority) async -> Task<Void, Never> {
        priority.arrived()
        let triage = Task { await priority.waitForTurn() }
        while priority.waitingTriage < 1 { await Task.yield() }
        return triage
    }

    /// Under load every commit may answer all the requests in flight, and the senders' next ones
    /// follow at once: such a commit does not end the burst.
    @Test func aCommitThatAnswersEveryRequestInFlightDoesNotLetTheTriageIn() async {
        let priority = IntakePriority(maxDeferredCommits: 3, busyBatchLimit: 4, quietPeriod: .seconds(3_600))
        let triage = await Self.triageWaitingBehindARequest(priority)
        for _ in 1...2 {
            priority.committed(1)
            #expect(priority.inFlight == 0)
            #expect(priority.waitingTriage == 1, "the triage went when a commit left nothing in flight")
            #expect(priority.batchLimit(64) == 4, "a batch right after a commit took more than the busy limit")
            priority.arrived()
        }
        // The third commit is the most the triage waits for.
        priority.committed(1)
        await triage.value
        #expect(priority.waitingTriage == 0)
        #expect(priority.deferredBatches == 1)
    }

    @Test func theTriageGoesOnceNothingHasBeenInFlightForTheQuietPeriod() async {
        let quiet = Duration.milliseconds(30)
        let priority = IntakePriority(maxDeferredCommits: 1_000, quietPeriod: quiet)
        let triage = await Self.triageWaitingBehindARequest(priority)
        priority.committed(1)
        let idle = ContinuousClock.now
        #expect(priority.waitingTriage == 1)
        await triage.value
        #expect(ContinuousClock.now - idle >= quiet, "the triage went before the intake was quiet")
        #expect(priority.isQuiet)
        #expect(priority.batchLimit(64) == 64)
    }

    /// A request that came and went while the triage waited starts the quiet period again.
    @Test func aRequestDuringTheQuietPeriodStartsItAgain() async {
        let quiet = Duration.milliseconds(30)
        let priority = IntakePriority(maxDeferredCommits: 1_000, quietPeriod: quiet)
        let triage = await Self.triageWaitingBehindARequest(priority)
        priority.committed(1)
        priority.arrived()
        priority.committed(1)
        let lastIdle = ContinuousClock.now
        await triage.value
        #expect(ContinuousClock.now - lastIdle >= quiet)
    }
}
