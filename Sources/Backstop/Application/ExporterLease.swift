import BackstopCore
import Logging
import ServiceLifecycle
import Synchronization

/// With replicas sharing the store, one of them exports the record's metrics: the one holding
/// the `exporter` lease, renewed every third of a lease. When it dies another takes the lease
/// after it expires; when it stops gracefully it hands the lease back at once.
package struct ExporterLease: Service {
    static let key = "exporter"
    let leases: any WorkLeases
    let metrics: BackstopMetrics
    let logger: Logger

    package init(leases: any WorkLeases, metrics: BackstopMetrics, logger: Logger) {
        self.leases = leases
        self.metrics = metrics
        self.logger = logger
    }

    package func run() async throws {
        metrics.setExporterLeader(false)
        // Until when the lease last granted lasts, from the start of the call that got it (the
        // database's expiry is later, so this is never past it).
        let grantedUntil = LeaseEnd()
        let held = await cancelWhenGracefulShutdown { () async -> Bool in
            await withTaskGroup(of: Bool?.self) { group in
                // A renewal can wait on an unreachable PostgreSQL for a minute (postgres-nio's pool
                // holds the request), and another replica takes the lease once it expires: this
                // replica stops exporting when its lease ends, not when the renewal answers, so two
                // replicas never both export.
                group.addTask {
                    while !Task.isCancelled {
                        grantedUntil.end.withLock { until in
                            guard let end = until, ContinuousClock.now >= end else { return }
                            until = nil
                            metrics.setExporterLeader(false)
                        }
                        // How often the lease's end is looked at, not a synchronisation.
                        try? await Task.sleep(for: leases.lease / 10)
                    }
                    return nil
                }
                group.addTask {
                    var held = false
                    while !Task.isCancelled {
                        let asked = ContinuousClock.now
                        if held { held = await leases.renew([Self.key]).contains(Self.key) }
                        if !held {
                            held = await !leases.claim([Self.key], limit: 1).isEmpty
                            if held { logger.info("this replica now exports the record's metrics (exporter lease)") }
                        }
                        let until = asked + leases.lease
                        let current = held && ContinuousClock.now < until
                        grantedUntil.end.withLock {
                            $0 = current ? until : nil
                            metrics.setExporterLeader(current)
                        }
                        // The renewal period, not a synchronisation.
                        try? await Task.sleep(for: leases.lease / 3)
                    }
                    return held
                }
                var held = false
                for await result in group {
                    if let result { held = result }
                }
                return held
            }
        }
        if held == true { await leases.release([Self.key]) }
    }

    /// Shared by the renewing loop and the one that watches the lease's end.
    private final class LeaseEnd: Sendable {
        let end = Mutex<ContinuousClock.Instant?>(nil)
    }
}
