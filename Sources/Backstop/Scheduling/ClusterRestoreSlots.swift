import BackstopCore
import Logging

/// ``RestoreSlots`` as `count` leases in the shared store (`work_claims` keys `restore-slot/0`
/// … `restore-slot/N-1`): a restore test runs while its replica holds one, renewed as any
/// claim, so at most `count` run at once across the replicas, and a dead replica's slot comes
/// back when its lease expires.
package struct ClusterRestoreSlots: RestoreSlots {
    package let leases: any WorkLeases
    package let count: Int
    let logger: Logger
    /// How often a replica waiting for a slot asks again: the rate of claims a waiting replica
    /// sends, not a synchronisation (a slot is granted by the database).
    var retry: Duration = .milliseconds(500)

    package init(leases: any WorkLeases, count: Int, logger: Logger) {
        self.leases = leases
        self.count = count
        self.logger = logger
    }

    var keys: [String] { (0..<count).map { "restore-slot/\($0)" } }

    package func holding<Result: Sendable>(_ work: @Sendable () async -> Result) async -> Result? {
        var waited = false
        while !Task.isCancelled {
            if let result = await leases.holding(keys, limit: 1, { _ in await work() }) { return result }
            if !waited {
                logger.info("waiting for a restore slot: restore_tests.cluster_concurrency are running", metadata: ["slots": "\(count)"])
                waited = true
            }
            try? await Task.sleep(for: retry)
        }
        return nil
    }
}
