import BackstopCore
import Logging
import ServiceLifecycle

/// Drains the PostgreSQL buffer (``BufferDrain``) whenever something waits in it, publishes its
/// depth and what was drained, and, once it is empty after an outage, hands the record's backlog
/// (the drained runs, events and notifications not yet triaged or verified) to the workers, so
/// they are picked up at once rather than at the next sweep.
package struct BufferDrainService: Service {
    let drain: BufferDrain
    let metrics: BackstopMetrics
    let afterDrain: @Sendable () async -> Void
    /// Set when `serve` started while PostgreSQL was down: the start's reads (``StartReads``),
    /// done once PostgreSQL answers and the buffer is drained; true once done.
    var startReads: (@Sendable () async -> Bool)?
    let logger: Logger

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            var drainedSinceIdle = 0
            var startReadsDone = startReads == nil
            while !Task.isCancelled {
                let step = await drain.step()
                metrics.setStoreBuffer(drain.buffer.status)
                if step == .idle, !startReadsDone, let startReads, await startReads() {
                    startReadsDone = true
                    // What waits in the record is taken at once, as after a drain.
                    await afterDrain()
                }
                switch step {
                case .drained(let count):
                    drainedSinceIdle += count
                    continue
                case .idle where drainedSinceIdle > 0:
                    logger.notice("the PostgreSQL buffer is drained", metadata: ["items": "\(drainedSinceIdle)"])
                    drainedSinceIdle = 0
                    await afterDrain()
                default: break
                }
                // The retry and polling period, not a synchronisation: a write to the buffer is
                // answered at once, and its drain may start up to a second later.
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}

extension BufferDrainService {
    /// The drain of the store's buffer, if it has one; after a drain the workers take the
    /// record's backlog, as ``ReplicaSweep`` does once per lease.
    static func make(
        store: any RecordStore, metrics: BackstopMetrics, events: DurableQueueWorker<CompletionEventHandler>,
        triage: DurableQueueWorker<RecordedRunHandler>, alerts: DurableQueueWorker<NotificationHandler>, logger: Logger,
        startReads: (@Sendable () async -> Bool)? = nil
    ) -> BufferDrainService? {
        guard let store = store as? any BufferedStore, let buffer = store.buffer else { return nil }
        metrics.setStoreBuffer(buffer.status)
        return BufferDrainService(
            drain: BufferDrain(store: store, buffer: buffer, logger: logger), metrics: metrics,
            afterDrain: {
                await events.handleBacklog()
                await triage.handleBacklog()
                await alerts.handleBacklog()
            }, startReads: startReads, logger: logger)
    }
}
