/// A limit on restore tests running at once across every process sharing the store
/// (`restore_tests.cluster_concurrency`): a restore test runs only while it holds a slot.
package protocol RestoreSlots: Sendable {
    /// Waits for a free slot, runs `work` holding it, and frees it. Nil when cancelled while
    /// waiting (a shutdown): `work` did not run.
    func holding<Result: Sendable>(_ work: @Sendable () async -> Result) async -> Result?
}
