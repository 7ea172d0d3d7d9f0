import BackstopCore
import Foundation
import Testing

/// The run record's contract, held by every backend.
@Suite struct RunRecordConformanceTests {
    @Test(arguments: StoreBackend.allCases)
    func runsAreReadBackAsAppendedNewestFirst(_ backend: StoreBackend) async throws {
        let stores = try backend.make()
        defer { extendLifetime(stores) }
        let first = StoreSamples.run("run_1", outcomes: [StoreSamples.outcome("orders-db", healthy: false)])
        let second = StoreSamples.run(
            "run_2", status: .healthy, outcomes: [StoreSamples.outcome("orders-db", healthy: true)],
            at: StoreSamples.now.addingTimeInterval(60))
        try await stores.record.append(first)
        try await stores.record.append(second)

        #expect(try await stores.record.recentRuns(limit: 10).map(\.id) == ["run_2", "run_1"])
        #expect(try await stores.record.recentRuns(limit: 1).map(\.failed) == [0])
        let read = try #require(try await stores.record.run(id: "run_1"))
        #expect(read.outcomes.map(\.state) == [.failed] && read.outcomes.first?.cause == .corruptedArtifact)
        #expect(read.outcomes.first?.checks == first.outcomes.first?.checks)
        #expect(try await stores.record.run(id: "run_none") == nil)
        #expect(try await stores.record.latestOutcome(asset: "orders-db")?.state == .healthy)
        #expect(try await stores.record.latestOutcomes().map(\.asset) == ["orders-db"])
    }

    @Test(arguments: StoreBackend.allCases)
    func historyHasHealthySizesNewestFirstAndTheLastVerdict(_ backend: StoreBackend) async throws {
        let stores = try backend.make()
        defer { extendLifetime(stores) }
        for (index, size) in [100, 200, 300].enumerated() {
            try await stores.record.append(
                StoreSamples.run(
                    "run_\(index)", status: .healthy, outcomes: [StoreSamples.outcome("orders-db", healthy: true, size: Int64(size))],
                    at: StoreSamples.now.addingTimeInterval(Double(index) * 60)))
        }
        try await stores.record.append(
            StoreSamples.run(
                "run_3", outcomes: [StoreSamples.outcome("orders-db", healthy: false, size: 5)],
                at: StoreSamples.now.addingTimeInterval(240)))
        let history = try await stores.record.history(of: ["orders-db", "unknown"], sizeSamples: 2)
        #expect(history["orders-db"]?.recentHealthySizes == [300, 200])
        #expect(history["orders-db"]?.lastRunFailed == true)
        #expect(history["unknown"]?.recentHealthySizes == [])
    }

    @Test(arguments: StoreBackend.allCases)
    func anEventIsUnprocessedUntilARunItTriggeredIsRecorded(_ backend: StoreBackend) async throws {
        let stores = try backend.make()
        defer { extendLifetime(stores) }
        let report = ToolReport(asset: "orders-db", tool: "restic", status: .failure, exitCode: 1, output: "no space left on device")
        try await stores.record.append(CompletionEvent(id: "evt_1", asset: "orders-db", receivedAt: StoreSamples.now, report: report))
        try await stores.record.append(CompletionEvent(id: "evt_2", asset: "orders-db", receivedAt: StoreSamples.now, report: report))
        #expect(try await stores.record.unprocessedEvents().map(\.id) == ["evt_1", "evt_2"])
        #expect(try await stores.record.unprocessedEvents().first?.report == report)

        try await stores.record.append(
            StoreSamples.run("run_1", trigger: .event("evt_1"), outcomes: [StoreSamples.outcome("orders-db", healthy: false)]))
        #expect(try await stores.record.unprocessedEvents().map(\.id) == ["evt_2"])
    }

    @Test(arguments: StoreBackend.allCases)
    func theMetricsSnapshotCountsEveryRecordedOutcome(_ backend: StoreBackend) async throws {
        let stores = try backend.make()
        defer { extendLifetime(stores) }
        try await stores.record.append(StoreSamples.run("run_1", outcomes: [StoreSamples.outcome("orders-db", healthy: false)]))
        try await stores.record.append(
            StoreSamples.run(
                "run_2", status: .healthy, outcomes: [StoreSamples.outcome("orders-db", healthy: true)],
                at: StoreSamples.now.addingTimeInterval(60)))
        var expected = MetricsSnapshot()
        for id in ["run_1", "run_2"] { expected.apply(try #require(try await stores.record.run(id: id))) }
        #expect(try await stores.record.metricsSnapshot() == expected)
    }
}
