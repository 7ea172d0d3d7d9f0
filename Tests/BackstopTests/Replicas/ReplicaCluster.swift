import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Synchronization
import Testing

/// Three real `backstop serve` replicas on a fresh database of the shared PostgreSQL, over
/// `assets` backups (those in `broken` truncated, so their restore test fails), paging through
/// a fake PagerDuty; a replica can be killed and started again on its port.
final class ReplicaCluster: Sendable {
    static let count = 3

    let fixtures: ReplicaFixtures
    let assets: Int
    let pagerDuty: FakePagerDuty
    let ports: [Int]
    private let assetLines: String
    private let processes = Mutex<[BackstopProcess]>([])
    private let killed = Mutex<Set<Int>>([])

    private init(fixtures: ReplicaFixtures, assets: Int, assetLines: String) throws {
        self.fixtures = fixtures
        self.assets = assets
        self.assetLines = assetLines
        pagerDuty = try FakePagerDuty(routingKeys: [IncidentFixtures.routingKey], eventsPerMinute: 100_000)
        ports = try (0..<Self.count).map { _ in try FreePort.find() }
    }

    static func start(assets: Int, broken: Set<Int>) async throws -> ReplicaCluster {
        let fixtures = try await ReplicaFixtures.make()
        try await fixtures.writeBackups(count: assets, broken: broken)
        // Each restore takes a moment, so a kill lands while its replica holds claims.
        let restore =
            #"restore: { command: ["sh", "-c", "sleep 0.2; tar -xzf {artifact} -C {scratch}"], validate: ["test", "-s", "{scratch}/dump.sql"], timeout: 1m }"#
        return try ReplicaCluster(
            fixtures: fixtures, assets: assets, assetLines: ReplicaFixtures.assetLines(count: assets, restore: restore))
    }

    var replicas: [BackstopProcess] { processes.withLock { $0 } }

    func startReplicas(pagerDuty url: String) async throws {
        for index in 0..<Self.count {
            let process = try launch(index, pagerDuty: url)
            processes.withLock { $0.append(process) }
        }
        for replica in replicas {
            #expect(await replica.waitForLine(containing: "starting backstop", within: .seconds(60)) != nil, "\(replica.recentLines)")
        }
    }

    func kill(_ index: Int) {
        killed.withLock { _ = $0.insert(index) }
        replicas[index].kill()
    }

    /// Starts replica `index` again on its port and configuration, as systemd would.
    func restart(_ index: Int, pagerDuty url: String) async throws {
        let process = try launch(index, pagerDuty: url)
        processes.withLock { $0[index] = process }
        killed.withLock { _ = $0.remove(index) }
        #expect(await process.waitForLine(containing: "starting backstop", within: .seconds(60)) != nil, "\(process.recentLines)")
    }

    /// SIGTERM to every replica still running.
    func stop() {
        let dead = killed.withLock { $0 }
        for (index, replica) in replicas.enumerated() where !dead.contains(index) {
            replica.requestTermination(keepingUntilExit: fixtures.directory)
        }
    }

    private func launch(_ index: Int, pagerDuty url: String) throws -> BackstopProcess {
        let config = try fixtures.configuration(
            port: ports[index], assets: assetLines, pagerDuty: url, extra: "verification: { concurrency: 1 }", lease: "3s")
        return try BackstopProcess(arguments: ["serve", "--config", config, "--log-format", "text", "--log-level", "info"])
    }

    /// SQL as the superuser on this cluster's database.
    func sql(_ statements: String) async throws -> String {
        try await SharedPostgres.sql(statements, database: fixtures.store.database)
    }

    /// Waits (bounded) until `condition` holds; fails the test with `what` if it never does.
    func waitUntil(_ what: String, within limit: Duration = .seconds(180), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + limit
        while try await !condition() {
            try #require(ContinuousClock.now < deadline, "\(what) within \(limit)")
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    /// How many outcomes of scheduled, not aborted runs each asset has.
    func outcomesPerAsset() async throws -> [String: Int] {
        try await ReplicaWorkSharingTests.outcomesPerAsset(fixtures)
    }
}
