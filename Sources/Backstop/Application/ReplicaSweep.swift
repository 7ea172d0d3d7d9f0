import BackstopCore
import Logging
import ServiceLifecycle

/// With replicas sharing the store, takes over what a dead replica left: once per lease, the
/// record's backlog of untriaged runs, unprocessed events and untriaged notifications is handed
/// to this replica's workers, which claim each item (runs, events) or decide it under the desk's
/// shared lock (notifications), so what another replica is doing or did is not done again.
package struct ReplicaSweep: Service {
    let events: DurableQueueWorker<CompletionEventHandler>
    let triage: DurableQueueWorker<RecordedRunHandler>
    let alerts: DurableQueueWorker<NotificationHandler>
    let period: Duration

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                // The sweep period, not a synchronisation: a dead replica's work waits its lease.
                try? await Task.sleep(for: period)
                if Task.isCancelled { break }
                await events.handleBacklog()
                await triage.handleBacklog()
                await alerts.handleBacklog()
            }
        }
    }
}
