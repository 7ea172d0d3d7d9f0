import Backstop
import BackstopCore
import Foundation

/// Real SQLite records of N assets for the metrics benchmarks, each built once in a benchmark's
/// setup and removed in its teardown (building 10,000 assets' runs takes longer than reading them).
actor BenchRecords {
    static let shared = BenchRecords()

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    private var stores: [Int: (store: SQLiteRunStore, directory: URL)] = [:]
    private var rendered: [Int: (BackstopMetrics, MetricsSnapshot)] = [:]

    /// The record of `assets` assets: three nightly runs, the last with one asset in ten failing
    /// its checksum (so the failure families have series too).
    func store(assets: Int) async throws -> SQLiteRunStore {
        if let built = stores[assets] { return built.store }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backstop-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try SQLiteRunStore(path: directory.appendingPathComponent("record.db").path)
        for day in 0..<3 {
            try await store.append(Self.run(day: day, assets: assets))
        }
        stores[assets] = (store, directory)
        return store
    }

    /// Backstop's metrics for that record's assets, and the snapshot rebuilt from it.
    func metrics(assets: Int) async throws -> (BackstopMetrics, MetricsSnapshot) {
        if let built = rendered[assets] { return built }
        let snapshot = try await store(assets: assets).metricsSnapshot()
        let metrics = BackstopMetrics(
            version: "bench", revision: "bench", assets: Self.assets(assets), schedules: ["nightly"],
            incidentSink: SinkKind(rawValue: "tracker"))
        rendered[assets] = (metrics, snapshot)
        return (metrics, snapshot)
    }

    func remove(assets: Int) {
        rendered[assets] = nil
        if let built = stores.removeValue(forKey: assets) { try? FileManager.default.removeItem(at: built.directory) }
    }

    static func assets(_ count: Int) -> [Asset] {
        (0..<count).map { index in
            Asset(
                name: "asset-\(index)", kind: .database, service: "service-\(index % 50)", scheduleName: "nightly",
                backup: BackupSpec(path: "/srv/backups/asset-\(index)/%Y-%m-%d.tar.gz"))
        }
    }

    static func run(day: Int, assets: Int) -> VerificationRun {
        let start = Date(timeIntervalSince1970: 1_795_348_800 + Double(day) * 86_400)
        let window = BackupWindow(schedule: "nightly", start: start, end: start + 3_600, closesAt: start + 3_600)
        let outcomes = (0..<assets).map { index in
            let failing = day == 2 && index % 10 == 0
            var outcome = VerificationOutcome(
                asset: "asset-\(index)", schedule: "nightly", window: window,
                artifact: Artifact(path: "/srv/backups/asset-\(index)/\(day).tar.gz", sizeBytes: 4_096, modifiedAt: start + 600),
                checks: [
                    CheckResult(.exists, .passed, Evidence("found")),
                    CheckResult(.size, .passed, Evidence("4 KiB")),
                    CheckResult(.checksum, failing ? .failed : .passed, Evidence(failing ? "checksum mismatch" : "matches")),
                    CheckResult(.freshness, .passed, Evidence("made in the window")),
                ],
                producedAt: start + 600, late: false, bytesHashed: 4_096, verifiedAt: start + 3_700)
            if failing {
                outcome.diagnosis = Diagnosis(
                    cause: .corruptedArtifact, confidence: 0.9, evidence: ["checksum mismatch"], rule: "checksum")
            }
            return outcome
        }
        return VerificationRun(
            id: "run-\(day)", trigger: .schedule("nightly"), startedAt: start + 3_600, finishedAt: start + 3_800,
            status: day == 2 ? .failed : .healthy, outcomes: outcomes, restoreTests: [])
    }
}
