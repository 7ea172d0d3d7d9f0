import BackstopCore
import Logging
import ServiceLifecycle

/// With replicas sharing the store, one of them exports the record's metrics: the one holding
/// the `exporter` lease, renewed every third of a lease. When it dies another takes the lease
/// after it expires; when it stops gracefully it hands the lease back at once.
package struct ExporterLease: Service {
    static let key = "exporter"
    let leases: any WorkLeases
    let metrics: BackstopMetrics
    let logger: Logger

    package func run() async throws {
        metrics.setExporterLeader(false)
        let held = await cancelWhenGracefulShutdown { () async -> Bool in
            var held = false
            while !Task.isCancelled {
                if held { held = await leases.renew([Self.key]).contains(Self.key) }
                if !held {
                    held = await !leases.claim([Self.key], limit: 1).isEmpty
                    if held { logger.info("this replica now exports the record's metrics (exporter lease)") }
                }
                metrics.setExporterLeader(held)
                // The renewal period, not a synchronisation.
                try? await Task.sleep(for: leases.lease / 3)
            }
            return held
        }
        if held == true { await leases.release([Self.key]) }
    }
}
