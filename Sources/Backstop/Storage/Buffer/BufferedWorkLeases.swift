import BackstopCore
import Synchronization

/// Work leases with a buffer. A completion event that waits in this replica's buffer is known to
/// no other replica, so verifying it needs no claim in PostgreSQL, and it is verified while
/// PostgreSQL is down. Every other key is claimed in PostgreSQL; while PostgreSQL is known to be
/// down none is granted (a run's triage, a window's assets, an outbox message wait for it). A
/// run waiting in the buffer is not triaged until it is drained, even if PostgreSQL answers.
final class BufferedWorkLeases: WorkLeases {
    let shared: any WorkLeases
    let buffer: StoreBuffer
    /// Buffered events this process is verifying (granted here, not in PostgreSQL).
    private let local = Mutex<Set<String>>([])

    init(shared: any WorkLeases, buffer: StoreBuffer) {
        self.shared = shared
        self.buffer = buffer
    }

    var lease: Duration { shared.lease }

    func claim(_ keys: [String], limit: Int) async -> [String] {
        var granted: [String] = []
        var others: [String] = []
        for key in keys where granted.count < limit {
            if isBufferedEvent(key), local.withLock({ $0.insert(key).inserted }) {
                granted.append(key)
            } else if isBufferedRunTriage(key) {
                // Not in PostgreSQL yet, and its drain may leave parts of it out (a window
                // verified without claims): triaged from the record once drained.
                continue
            } else {
                others.append(key)
            }
        }
        guard granted.count < limit, !others.isEmpty, buffer.unreachableSince == nil else { return granted }
        return granted + (await shared.claim(others, limit: limit - granted.count))
    }

    func renew(_ keys: [String]) async -> Set<String> {
        let (mine, others) = partition(keys)
        guard !others.isEmpty else { return mine }
        return mine.union(await shared.renew(others))
    }

    func release(_ keys: [String]) async {
        let (mine, others) = partition(keys)
        local.withLock { $0.subtract(mine) }
        if !others.isEmpty { await shared.release(others) }
    }

    private func partition(_ keys: [String]) -> (mine: Set<String>, others: [String]) {
        let mine = local.withLock { local in Set(keys.filter { local.contains($0) }) }
        return (mine, keys.filter { !mine.contains($0) })
    }

    private func isBufferedRunTriage(_ key: String) -> Bool {
        guard key.hasPrefix("triage/") else { return false }
        return (try? buffer.journal.holdsRun(String(key.dropFirst("triage/".count)))) ?? false
    }

    private func isBufferedEvent(_ key: String) -> Bool {
        guard key.hasPrefix("event/") else { return false }
        return (try? buffer.journal.holdsEvent(String(key.dropFirst("event/".count)))) ?? false
    }
}
