import Backstop
import Testing

/// The in-memory queue behind every durable queue: the worker takes the oldest items first, at
/// most a batch at a time, while producers keep adding (as the webhook does during a storm).
@Suite struct WorkQueueTests {
    @Test func takesTheOldestFirstInBatchesWhileItemsKeepArriving() {
        let queue = WorkQueue<Int>()
        var next = 0
        for _ in 0..<1_000 {
            queue.enqueue(next)
            next += 1
        }
        var taken: [Int] = []
        var batches = 0
        while true {
            let batch = queue.take(upTo: 16)
            if batch.isEmpty { break }
            #expect(batch.count <= 16)
            taken += batch
            batches += 1
            // Producers add between takes, more than is taken, for a while.
            if batches <= 100 {
                for _ in 0..<20 {
                    queue.enqueue(next)
                    next += 1
                }
            }
        }
        #expect(next == 3_000)
        #expect(taken == Array(0..<next))
    }

    @Test func anEmptyQueueGivesAnEmptyBatch() {
        let queue = WorkQueue<String>()
        #expect(queue.take(upTo: 64).isEmpty)
        queue.enqueue("ntf-1")
        #expect(queue.take(upTo: 64) == ["ntf-1"])
        #expect(queue.take(upTo: 64).isEmpty)
    }

    @Test func pastItsLimitItemsAreLeftToTheRecordUntilTheWorkerHasReadIt() {
        let queue = WorkQueue<Int>(memoryLimit: 3)
        for item in 0..<5 { queue.enqueue(item) }
        #expect(!queue.takeLeftToRecord(), "the record was read before the queue's items were taken")
        #expect(queue.take(upTo: 2) == [0, 1])
        // Room again, but later items still go to the record: none may overtake 3 and 4.
        queue.enqueue(5)
        #expect(queue.take(upTo: 10) == [2])
        #expect(queue.takeLeftToRecord())
        #expect(!queue.takeLeftToRecord(), "the record was to be read twice for the same items")
        queue.enqueue(6)
        #expect(queue.take(upTo: 10) == [6], "an item queued after the record was read was not held")
        #expect(!queue.takeLeftToRecord())
    }
}
