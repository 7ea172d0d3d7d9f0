/// The ids of the items a queue worker handled most recently, to skip a copy that arrives
/// again (an item both in the backlog read at start and enqueued live). Bounded: under steady
/// intake a set of every id ever handled would grow without end; an older copy is rare, and the
/// handlers are idempotent anyway (triage marks, event ids), so forgetting old ids is safe.
package struct RecentIDs {
    private var members = Set<String>()
    private var order: [String] = []
    private var oldest = 0
    package let capacity: Int

    package init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    package var count: Int { members.count }

    /// Whether `id` was not among the recent ones; it is recent from now on.
    package mutating func insert(_ id: String) -> Bool {
        guard members.insert(id).inserted else { return false }
        order.append(id)
        if members.count > capacity {
            members.remove(order[oldest])
            oldest += 1
            // Drop the forgotten prefix now and then rather than on every insert.
            if oldest >= capacity {
                order.removeFirst(oldest)
                oldest = 0
            }
        }
        return true
    }
}
