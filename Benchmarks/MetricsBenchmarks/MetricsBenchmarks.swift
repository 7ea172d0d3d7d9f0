import Backstop
import BackstopCore
import Benchmark

/// In-process figures of the metrics path (scripts/bench --inproc): rebuilding the snapshot
/// from a real SQLite record at start, and rendering the exposition from it when the record
/// changes, at 1,000 and 10,000 assets. scripts/bench measures the same paths whole-process
/// (serve ready, scrape latency); these isolate them, with their allocations.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
        warmupIterations: 1,
        maxDuration: .seconds(5),
        maxIterations: 50
    )

    for assets in [1_000, 10_000] {
        Benchmark("Snapshot rebuild from the record (\(assets) assets)") { benchmark in
            let store = try await BenchRecords.shared.store(assets: assets)
            benchmark.startMeasurement()
            blackHole(try await store.metricsSnapshot())
            benchmark.stopMeasurement()
        } setup: {
            _ = try await BenchRecords.shared.store(assets: assets)
        } teardown: {
            await BenchRecords.shared.remove(assets: assets)
        }

        // What serve does on a change of the record: re-render the record's families from the
        // snapshot, then a scrape hands out the ready bytes (plain, and gzip as Prometheus asks).
        Benchmark("Exposition render (\(assets) assets)") { benchmark in
            let (metrics, snapshot) = try await BenchRecords.shared.metrics(assets: assets)
            benchmark.startMeasurement()
            metrics.load(snapshot)
            blackHole(metrics.exposition())
            benchmark.stopMeasurement()
        } setup: {
            _ = try await BenchRecords.shared.metrics(assets: assets)
        } teardown: {
            await BenchRecords.shared.remove(assets: assets)
        }

        Benchmark("Exposition render + gzip (\(assets) assets)") { benchmark in
            let (metrics, snapshot) = try await BenchRecords.shared.metrics(assets: assets)
            benchmark.startMeasurement()
            metrics.load(snapshot)
            guard let body = metrics.gzippedExposition() else { throw BenchRecords.Failure("the exposition did not compress") }
            blackHole(body)
            benchmark.stopMeasurement()
        } setup: {
            _ = try await BenchRecords.shared.metrics(assets: assets)
        } teardown: {
            await BenchRecords.shared.remove(assets: assets)
        }
    }
}
