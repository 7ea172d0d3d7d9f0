import Dispatch
import GRDB
import Synchronization

/// Copies the record's write-ahead log back into the database file on a connection of its own,
/// shortly after writes, instead of in the commit that happens to cross SQLite's threshold.
///
/// SQLite's automatic checkpoint runs inside a commit: under a webhook storm every few hundred
/// commits one of them also wrote about a thousand pages and fsynced the database file, and
/// every request waiting for that commit waited with it (intake p99 23 ms, 14 ms without it).
/// A passive checkpoint on another connection takes no write lock, so commits go on meanwhile.
/// The writer keeps a fallback threshold (``writerFallbackPages``) in case this one falls behind.
package final class WALCheckpointer: Sendable {
    /// The writer's own automatic checkpoint, from this many WAL pages: 10 times SQLite's default.
    package static let writerFallbackPages = 10_000

    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "backstop.wal-checkpoint", qos: .utility)
    private let pending = Atomic<Bool>(false)
    private let delay: DispatchTimeInterval
    /// Told of each checkpoint's WAL frames and frames copied (tests wait on it).
    private let checkpointed: (@Sendable (_ walFrames: Int, _ copied: Int) -> Void)?

    init(
        path: String, configuration: GRDB.Configuration, delay: DispatchTimeInterval = .milliseconds(10),
        checkpointed: (@Sendable (Int, Int) -> Void)? = nil
    ) throws {
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.delay = delay
        self.checkpointed = checkpointed
    }

    /// A write committed: a checkpoint runs within `delay`, one for all the writes until then.
    func writeCommitted() {
        guard pending.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        queue.asyncAfter(deadline: .now() + delay) { [self] in
            pending.store(false, ordering: .releasing)
            // A checkpoint that fails (another one running, the file gone after a test) leaves
            // the frames in the WAL, where readers find them, for the next one or the writer's.
            guard let result = try? connection.writeWithoutTransaction({ try $0.checkpoint(.passive) }) else { return }
            checkpointed?(result.walFrameCount, result.checkpointedFrameCount)
        }
    }
}
