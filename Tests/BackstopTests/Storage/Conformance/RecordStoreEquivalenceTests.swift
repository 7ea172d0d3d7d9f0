import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// What `serve` reads beyond the store protocols the conformance suites cover (the board, the
/// trends, the incident metrics, the record's marks): PostgreSQL answers exactly as SQLite does
/// for the same record, written through the protocols to both.
@Suite struct RecordStoreEquivalenceTests {
    static let now = StoreSamples.now

    @Test func postgresAnswersTheBoardTrendsMetricsAndMarksAsSQLiteDoes() async throws {
        let directory = try TemporaryDirectory()
        let sqlite = try SQLiteRunStore(path: directory.file("backstop.db"))
        let postgres = try await PostgresStore.open(try await SharedPostgres.freshDatabase(), logger: PostgresStoreFixture.quietLogger)
        defer { postgres.close() }
        for store in [sqlite, postgres] as [any RecordStore] { try await Self.writeSample(store) }

        let answers = try await (Self.answers(sqlite), Self.answers(postgres))
        for (name, expected) in answers.0 {
            #expect(answers.1[name] == expected, "\(name): PostgreSQL \(answers.1[name] ?? "-") vs SQLite \(expected)")
        }
        // The sample must be one where each answer says something, or equality would prove nothing.
        #expect(answers.0["states"]?.contains("corruptedArtifact") == true)
        #expect(answers.0["failuresPerDay"]?.contains("count: 2") == true, "\(answers.0["failuresPerDay"] ?? "")")
        #expect(answers.0["resolutions"]?.contains("seconds: 7200.0") == true, "\(answers.0["resolutions"] ?? "")")
        #expect(answers.0["runIDs"]?.contains("run_3") == true)
    }

    /// Three runs of two assets over two days (a restore test each), an incident opened on the
    /// first failure and resolved two hours later.
    static func writeSample(_ store: any RecordStore) async throws {
        let day = 86_400.0
        for (index, healthy) in [true, false, false].enumerated() {
            let at = now.addingTimeInterval(Double(index) * day / 2)
            var run = StoreSamples.run(
                "run_\(index + 1)", status: healthy ? .healthy : .failed,
                outcomes: [
                    StoreSamples.outcome("orders-db", healthy: healthy, at: at), StoreSamples.outcome("billing-db", healthy: true, at: at),
                ],
                at: at)
            run.restoreTests = [
                RestoreOutcome(
                    asset: "orders-db", artifactPath: "/backups/orders-db.tar.gz", startedAt: at.addingTimeInterval(-3),
                    durationSeconds: Double(index) + 1.5, status: healthy ? .passed : .failed, evidence: Evidence("restored"))
            ]
            try await store.append(run)
        }
        var opened = LedgerChange()
        opened.incidents = [StoreSamples.incident("inc_1", openedAt: now.addingTimeInterval(day / 2))]
        opened.events = [IncidentEvent(incidentID: "inc_1", at: now.addingTimeInterval(day / 2), kind: .opened, text: "opened")]
        try await store.commit(opened, triagedRunID: "run_2")
        var resolved = StoreSamples.incident("inc_1", state: .resolved, openedAt: now.addingTimeInterval(day / 2))
        resolved.resolvedAt = now.addingTimeInterval(day / 2 + 7_200)
        var resolution = LedgerChange()
        resolution.incidents = [resolved]
        resolution.events = [
            IncidentEvent(incidentID: "inc_1", at: now.addingTimeInterval(day / 2 + 7_200), kind: .resolved, text: "fixed")
        ]
        try await store.commit(resolution, triagedRunID: "run_3")
    }

    /// Every answer as text (dictionaries by sorted key), by query.
    static func answers(_ store: any RecordStore) async throws -> [String: String] {
        let from = now.addingTimeInterval(-2 * 86_400)
        let to = now.addingTimeInterval(3 * 86_400)
        let later = now.addingTimeInterval(2 * 86_400)
        let metrics = try await store.incidentMetrics(now: later, resolutionsAfter: 0)
        let trends = try await store.trendInputs(from: from, to: to)
        return [
            "boardVersion": "\(try await store.boardVersion())",
            "states": "\(try await store.latestStates().sorted { $0.key < $1.key })",
            "details":
                "\(try await store.boardDetails(assets: ["orders-db", "billing-db", "none"], windows: 30).sorted { $0.key < $1.key })",
            "failuresPerDay": "\(try await store.failuresPerDay(from: from, to: to))",
            "resolutions": "\(try await store.resolutions(from: from, to: to))",
            "restoreHistory": "\(try await store.restoreHistory(asset: "orders-db", limit: 2))",
            "trends":
                "\(trends.verifications) \(trends.openings) \(trends.resolutions) \(trends.restoreTests) \(trends.everRestoreTested.sorted())",
            "incidentMetrics": "\(metrics.opened) \(metrics.open) \(metrics.resolutions.map { ($0.seconds, $0.key) }) "
                + "\(metrics.meanTimeToResolve ?? -1) \(metrics.openSince) \(metrics.recentResolutions) \(metrics.recoveryAttempts)",
            "marks": "\(try await store.recordMarks())",
            "snapshotMarks": "\(try await store.metricsSnapshotWithMarks().1)",
            "runIDs": "\(try await store.runIDs(after: 1).map(\.id))",
        ]
    }
}
