/// A lock shared by every process that decides incidents on one store (replicas on PostgreSQL):
/// held from the desk's read of the ledger to its commit, so two replicas never both open an
/// incident for one key, nor both act on one run or notification.
package protocol DecisionLock: Sendable {
    func lock() async throws(StoreError)
    func unlock() async
}
