import Backstop
import BackstopCore
import Foundation
import Logging
import Synchronization
import Testing

/// The exporter lease's gauge follows the lease, not the answers of the store: a replica whose
/// renewal hangs (an unreachable PostgreSQL holds it in the pool's queue) stops exporting when its
/// lease ends, since another replica may hold it by then. Seen with three real replicas after a
/// PostgreSQL outage: two said `backstop_exporter_leader 1` for over a minute.
@Suite struct ExporterLeaseTests {
    /// Grants the first claim, then never answers a renewal until cancelled.
    final class HangingRenewals: WorkLeases {
        let lease: Duration = .milliseconds(300)
        let renewalsWaiting = Atomic<Int>(0)

        func claim(_ keys: [String], limit: Int) async -> [String] { Array(keys.prefix(limit)) }

        func renew(_ keys: [String]) async -> Set<String> {
            renewalsWaiting.add(1, ordering: .sequentiallyConsistent)
            defer { renewalsWaiting.subtract(1, ordering: .sequentiallyConsistent) }
            try? await Task.sleep(for: .seconds(3_600))  // a renewal that does not answer, until cancelled
            return []
        }

        func release(_ keys: [String]) async {}
    }

    @Test func aReplicaWhoseRenewalHangsStopsExportingWhenItsLeaseEnds() async throws {
        let metrics = BackstopMetrics(version: "1.0", revision: "abc", assets: [], schedules: ["nightly"])
        let leases = HangingRenewals()
        let service = ExporterLease(leases: leases, metrics: metrics, logger: Logger(label: "test"))
        let running = Task { try await service.run() }
        defer { running.cancel() }
        try await Self.waitUntil(metrics, says: 1)
        let deadline = ContinuousClock.now + .seconds(120)
        while leases.renewalsWaiting.load(ordering: .sequentiallyConsistent) == 0 {
            try #require(ContinuousClock.now < deadline, "the lease was never renewed")
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Self.waitUntil(metrics, says: 0)
        #expect(leases.renewalsWaiting.load(ordering: .sequentiallyConsistent) == 1, "the renewal has not answered yet")
    }

    /// Polls the exposition until `backstop_exporter_leader` is `value` (bounded; generous, for a
    /// loaded machine: the renewal it must not wait for takes an hour).
    static func waitUntil(_ metrics: BackstopMetrics, says value: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while !String(decoding: metrics.exposition(), as: UTF8.self).contains("\nbackstop_exporter_leader \(value)\n") {
            try #require(ContinuousClock.now < deadline, "backstop_exporter_leader never became \(value)")
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
