import BackstopCore
import Foundation
import Logging

/// Leases on shared work, so that among replicas sharing one store exactly one does each item:
/// an (asset, window) verification, a run's triage, an outbox delivery. Only a shared store
/// (PostgreSQL) has them; with the embedded store one process does everything and there are none.
package protocol WorkLeases: Sendable {
    /// How long a claim lasts without renewal: how long a dead replica's work waits.
    var lease: Duration { get }

    /// Claims keys in order until `limit` are granted; returns those granted. A key this process
    /// is already working on is never granted twice. A store error grants nothing (logged).
    func claim(_ keys: [String], limit: Int) async -> [String]

    /// Extends the leases of `keys`; returns those still held (a lost one may be another's now).
    func renew(_ keys: [String]) async -> Set<String>

    /// Gives the keys back (the work is done and in the record, or handed back).
    func release(_ keys: [String]) async
}

extension WorkLeases {
    /// Claims up to `limit` of `keys`, does `work` with the granted ones while renewing their
    /// leases every third of a lease, then releases them. Nil when none was granted.
    package func holding<Result: Sendable>(
        _ keys: [String], limit: Int = .max, _ work: @Sendable ([String]) async -> Result
    ) async -> Result? {
        let granted = await claim(keys, limit: limit)
        guard !granted.isEmpty else { return nil }
        let lease = lease
        let renewal = Task {
            while !Task.isCancelled {
                // The renewal period, not a synchronisation.
                try? await Task.sleep(for: lease / 3)
                if Task.isCancelled { break }
                _ = await renew(granted)
            }
        }
        let result = await work(granted)
        renewal.cancel()
        await release(granted)
        return result
    }

    /// Does `work` only if this replica wins `key` (nil otherwise), holding it meanwhile.
    package func holding<Result: Sendable>(_ key: String, _ work: @Sendable () async -> Result) async -> Result? {
        await holding([key], limit: 1) { _ in await work() }
    }
}

/// Serialises incident decisions across the processes sharing one store, as the desk's own
/// turn does inside one process (``IncidentDesk``).
package protocol SharedStore: RecordStore {
    /// Leases held under `holder` (a replica's name: host, process id, start).
    func workLeases(holder: String, logger: Logger) -> any WorkLeases

    /// The lock every replica's desk takes around a decision.
    func decisionLock(logger: Logger) -> any DecisionLock

    /// The assets of `schedule` whose window starting at `windowStart` a scheduled run that was
    /// not aborted has verified.
    func verifiedAssets(schedule: String, windowStart: Date) async throws(StoreError) -> Set<String>
}

/// A replica's name in claims and logs: host, process id and a random suffix.
package enum ReplicaName {
    package static let current: String = {
        let host = ProcessInfo.processInfo.hostName
        return "\(host)/\(ProcessInfo.processInfo.processIdentifier)/\(UUID().uuidString.prefix(8))"
    }()
}
