import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// `restore_tests.cluster_concurrency` across three real `backstop serve` replicas on one real
/// PostgreSQL. Every restore blocks at a gate the test controls (``RestoreGates``), so restores
/// of different replicas overlap for as long as the test wants: with all three replicas holding a
/// restore to do, exactly the limit run and the third replica waits for a slot, until the test
/// lets one finish. Then the test releases the restores one by one until the window is done.
/// From the restores' own start and end markers, in the order written: never more than the limit
/// at once, and every restore test ran exactly once.
@Suite(.serialized, .timeLimit(.minutes(6))) struct ReplicaRestoreLimitTests {
    static let limit = 2
    /// Each replica claims four assets at a time (`verification.concurrency: 1`): fifteen give all
    /// three replicas restores to do at the start, and leave some for whoever is free first.
    static let assets = 15

    /// With `stopWaiting`, the replica waiting for a slot gets SIGTERM while it waits: it exits,
    /// records no failure, and the others restore its assets.
    @Test(arguments: [false, true])
    func threeReplicasNeverRunMoreRestoresAtOnceThanTheClusterLimit(stopWaiting: Bool) async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: BackstopProcess.executable),
            "build the executable first: swift build --build-tests (scripts/test does)")
        let fixtures = try await ReplicaFixtures.make()
        try await fixtures.writeBackups(count: Self.assets, broken: [])
        let artifacts = (0..<Self.assets).map { "asset-\($0)-1.tar.gz" }
        let gates = try RestoreGates(directory: fixtures.directory, artifacts: artifacts)
        let assetLines = ReplicaFixtures.assetLines(count: Self.assets, restore: gates.restore)
        let pagerDuty = try FakePagerDuty(routingKeys: [IncidentFixtures.routingKey], eventsPerMinute: 100_000)
        try await pagerDuty.run { url in
            var replicas: [BackstopProcess] = []
            var stopped: Set<Int32> = []
            defer {
                gates.releaseWaiting()
                for replica in replicas where !stopped.contains(replica.pid) {
                    replica.requestTermination(keepingUntilExit: fixtures.directory)
                }
            }
            for _ in 0..<3 {
                let config = try fixtures.configuration(
                    port: try FreePort.find(), assets: assetLines, pagerDuty: url, extra: "verification: { concurrency: 1 }", lease: "3s",
                    clusterRestores: Self.limit)
                replicas.append(
                    try BackstopProcess(arguments: ["serve", "--config", config, "--log-format", "text", "--log-level", "info"]))
            }
            let pids = Set(replicas.map(\.pid))

            // Held: the limit runs, and the replica left out says it waits for a slot.
            let saturated = try await Self.until("\(Self.limit) restores running and the third replica waiting", gates, replicas) {
                markers in
                let running = RestoreGates.running(markers)
                let busy = Set(running.map(\.replica))
                let waiting = replicas.filter {
                    !busy.contains($0.pid) && $0.recentLines.contains { $0.contains("waiting for a restore slot") }
                }
                return running.count == Self.limit && !waiting.isEmpty
            }
            #expect(Set(RestoreGates.running(saturated).map(\.replica)).count == Self.limit, "one restore at a time per replica")
            if stopWaiting {
                let waiter = try #require(replicas.first { !saturated.map(\.replica).contains($0.pid) })
                stopped.insert(waiter.pid)
                let hang = await waiter.stop()
                #expect(hang == nil, "a replica waiting for a restore slot exits on SIGTERM: \(hang ?? "")")
            }

            // Released one at a time, oldest first, each until its end marker is written.
            while true {
                let markers = try gates.read()
                if markers.filter({ !$0.started }).count == Self.assets { break }
                if let oldest = RestoreGates.running(markers).first {
                    try await gates.release(oldest.artifact)
                    _ = try await Self.until("the restore of \(oldest.artifact) ended", gates, replicas) {
                        $0.contains(RestoreGates.Marker(started: false, artifact: oldest.artifact, replica: oldest.replica))
                    }
                } else {
                    _ = try await Self.until("another restore started", gates, replicas) { $0.count > markers.count }
                }
            }

            let markers = try gates.read()
            let most = RestoreGates.mostAtOnce(markers)
            #expect(most == Self.limit, "at most \(Self.limit) restores at once across the replicas, and that many: \(most)")
            let started = Dictionary(grouping: markers.filter(\.started), by: \.artifact).mapValues(\.count)
            #expect(started == Dictionary(uniqueKeysWithValues: artifacts.map { ($0, 1) }), "each restore once: \(started)")
            #expect(Set(markers.map(\.replica)).isSubset(of: pids), "restores are run by the replicas themselves")
            #expect(Set(markers.map(\.replica)) == pids.subtracting(stopped), "each running replica restored some of the window")

            // The record: each asset verified once, with one passed restore test.
            let deadline = ContinuousClock.now + .seconds(120)
            while try await ReplicaWorkSharingTests.outcomesPerAsset(fixtures).count < Self.assets {
                try #require(ContinuousClock.now < deadline, "the window was not recorded within two minutes")
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(try await ReplicaWorkSharingTests.outcomesPerAsset(fixtures).values.allSatisfy { $0 == 1 })
            let restoreTests = try await SharedPostgres.sql(
                "SELECT asset || ' ' || status FROM restore_tests ORDER BY asset COLLATE \"C\"", database: fixtures.store.database)
            let expected = (0..<Self.assets).map { "asset-\($0) passed" }.sorted()
            #expect(restoreTests.split(separator: "\n").map(String.init) == expected, "\(restoreTests)")
            // A replica's own shutdown fails no backup.
            let statuses = try await SharedPostgres.sql("SELECT DISTINCT status FROM runs", database: fixtures.store.database)
            #expect(Set(statuses.split(separator: "\n")).isSubset(of: ["healthy", "aborted"]), "run statuses: \(statuses)")
            #expect(pagerDuty.alerts.isEmpty)
        }
    }

    /// Reads the markers until `done` holds for them (bounded, checking the limit on every
    /// read); the markers then.
    static func until(
        _ what: String, _ gates: RestoreGates, _ replicas: [BackstopProcess], _ done: ([RestoreGates.Marker]) -> Bool
    ) async throws -> [RestoreGates.Marker] {
        let deadline = ContinuousClock.now + .seconds(120)
        while true {
            let markers = try gates.read()
            let running = RestoreGates.running(markers)
            try #require(running.count <= limit, "\(running.count) restores running at once: \(running.map(\.artifact))")
            if done(markers) { return markers }
            try #require(
                ContinuousClock.now < deadline,
                "\(what) within 120 s; markers: \(markers.count), logs: \(replicas.map { $0.recentLines.suffix(8) })")
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
