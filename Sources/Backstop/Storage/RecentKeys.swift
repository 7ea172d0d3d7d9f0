import DequeModule

/// Keys seen recently: at most `limit` of them, the oldest forgotten first, and none seen before
/// the cutoff last given. Keys are added in the order they were seen, so the oldest is always at
/// the front and forgetting is one step per key.
package struct RecentKeys<Key: Hashable & Sendable>: Sendable {
    package let limit: Int
    private var keys: Set<Key> = []
    private var order: Deque<(key: Key, seenAt: Double)> = []

    package init(limit: Int) {
        self.limit = limit
    }

    package var count: Int { keys.count }

    package func contains(_ key: Key) -> Bool {
        keys.contains(key)
    }

    /// Adds a key seen at `seenAt` (seconds since 1970), forgetting the oldest past `limit`. A
    /// key already there keeps its first time.
    package mutating func insert(_ key: Key, seenAt: Double) {
        guard keys.insert(key).inserted else { return }
        order.append((key, seenAt))
        if order.count > limit { forgetOldest() }
    }

    /// Forgets the keys seen before `cutoff`.
    package mutating func forget(before cutoff: Double) {
        while let oldest = order.first, oldest.seenAt < cutoff { forgetOldest() }
    }

    private mutating func forgetOldest() {
        keys.remove(order.removeFirst().key)
    }
}
