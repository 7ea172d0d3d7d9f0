import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Logging
import Testing

/// `restore_tests.cluster_concurrency` on a real PostgreSQL: four workers (each as a replica,
/// with its own store pool and its own name in `work_claims`) run their restore tests at once,
/// and the restore tests' own start and duration in the shared record never overlap more than
/// the limit.
@Suite(.timeLimit(.minutes(5))) struct ClusterRestoreLimitTests {
    static let workers = 4
    static let assetsPerWorker = 3
    static let limit = 2

    @Test func restoreTestsAcrossReplicasNeverExceedTheClusterLimit() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("pg-password", PostgresStoreFixture.password + "\n")
        let fixtures = BackupFixtures(directory: directory)
        let store = try await SharedPostgres.freshDatabase()
        var runners: [FileVerificationRunner] = []
        var services: [BackstopServices] = []
        for worker in 0..<Self.workers {
            var assets = ""
            for index in 0..<Self.assetsPerWorker {
                let name = "db-\(worker)-\(index)"
                try fixtures.setModified(try await fixtures.archive("backups/\(name)-1.tar.gz"), to: Date())
                // The validation takes a second, so restore tests of different workers overlap
                // unless the limit holds them back.
                assets += """
                      - { name: \(name), schedule: daily, backup: { path: backups/\(name)-*.tar.gz }, restore: { command: ["tar", "-xzf", "{artifact}", "-C", "{scratch}"], validate: ["sleep", "1"], timeout: 1m } }

                    """
            }
            let path = try directory.write(
                "worker-\(worker).yml",
                """
                storage:
                  postgres:
                    url: postgres://\(store.user)@127.0.0.1:\(store.port)/\(store.database)?sslmode=disable
                    password_file: ./pg-password
                schedules: { daily: { cron: "0 0 * * *", timezone: UTC, window: 1h } }
                restore_tests: { sample: 100%, scratch: ./scratch-\(worker), cluster_concurrency: \(Self.limit) }
                diagnosis: { probes: false }
                assets:
                \(assets)
                """)
            let made = try await BackstopServices.make(
                configuration: try ConfigurationLoader.load(path: path), logger: PostgresStoreFixture.quietLogger)
            let configured = try #require(made.runner.restoreSlots as? ClusterRestoreSlots, "the key makes the runner take slots")
            #expect(configured.count == Self.limit)
            // In one test process every service has the process's replica name; each worker
            // gets its own, as separate replicas have.
            let shared = try #require(made.store as? any SharedStore)
            var runner = made.runner
            runner.restoreSlots = ClusterRestoreSlots(
                leases: shared.workLeases(holder: "worker-\(worker)", logger: PostgresStoreFixture.quietLogger), count: Self.limit,
                logger: PostgresStoreFixture.quietLogger)
            runners.append(runner)
            services.append(made)
        }

        try await withThrowingTaskGroup(of: VerificationRun.self) { group in
            for runner in runners { group.addTask { try await runner.run(VerificationRequest(trigger: .manual)) } }
            for try await run in group { #expect(run.restoreTests.count == Self.assetsPerWorker && run.status == .healthy) }
        }

        let rows = try await SharedPostgres.sql(
            "SELECT started_at || ' ' || (started_at + duration_seconds) FROM restore_tests", database: store.database)
        let intervals = rows.split(separator: "\n").compactMap { line -> (Double, Double)? in
            let parts = line.split(separator: " ").compactMap { Double($0) }
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }
        #expect(intervals.count == Self.workers * Self.assetsPerWorker)
        let most = Self.mostAtOnce(intervals)
        #expect(most <= Self.limit, "\(most) restore tests ran at once: \(intervals)")
        // And the limit is what held them: without it the four workers would run four at once.
        #expect(most == Self.limit, "the workers never restored in parallel: \(intervals)")
        for made in services { (made.store as? PostgresStore)?.close() }
    }

    /// The most intervals open at one instant (an end and a start at the same instant do not overlap).
    static func mostAtOnce(_ intervals: [(Double, Double)]) -> Int {
        var events: [(at: Double, change: Int)] = []
        for (start, end) in intervals {
            events.append((start, 1))
            events.append((end, -1))
        }
        events.sort { first, second in first.at == second.at ? first.change < second.change : first.at < second.at }
        var open = 0
        var most = 0
        for (_, change) in events {
            open += change
            most = max(most, open)
        }
        return most
    }
}
