import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// pgBackRest stanzas verified and restored into throwaway clusters with the real PostgreSQL
/// and pgBackRest: the backup is proven only when a database comes back and answers.
@Suite(.serialized) struct PgBackRestTests {
    static func asset(_ fixture: PgBackRestFixture, validate: [String], check: String = "", extra: String = "") -> String {
        let queries = validate.map { "\"\($0)\"" }.joined(separator: ", ")
        return """
              - name: orders-db
                kind: database
                schedule: nightly
                backup:
                  type: pgbackrest
                  stanza: \(PgBackRestFixture.stanza)
                  config: \(fixture.configFile)
                  \(check)
                restore:
                  postgres:
                    validate_sql: [\(queries)]
                  timeout: 5m
            \(extra)
            """
    }

    static let healthyQueries = [
        "SELECT count(*) >= 1000 FROM orders", "SELECT max(created_at) > now() - interval '2 days' FROM orders",
    ]

    func verify(_ fixture: PgBackRestFixture, assets: String) async throws -> (VerificationOutcome, [Incident]) {
        let harness = try Harness(now: Date())
        let services = try await harness.services(try harness.configuration(assets: assets))
        let run = try await services.verifyTriageAndDeliver(deliver: false)
        let outcome = try #require(run.outcome("orders-db"))
        #expect(harness.scratchLeftovers.isEmpty, "the throwaway cluster and its scratch are gone")
        return (outcome, try await services.store.incidents(limit: 10, openOnly: true))
    }

    @Test func aHealthyBackupRestoresRecoversAndAnswersTheQueries() async throws {
        let fixture = try await PgBackRestFixture.start()
        try await fixture.backup()
        try await fixture.archiveMoreWAL(2)
        // The newest backup is an incremental one on top of the full: rows added in between
        // must come back (2,000 + 2 × 10 + 500), which only a restore of the whole chain gives.
        try await fixture.addOrders(500)
        let label = try await fixture.backup(type: "incr")
        #expect(label.hasSuffix("I"))
        let queries = Self.healthyQueries + ["SELECT count(*) = 2520 FROM orders"]
        let (outcome, incidents) = try await verify(fixture, assets: Self.asset(fixture, validate: queries))
        #expect(outcome.state == .healthy, "\(outcome.failedChecks.map(\.evidence))")
        #expect(outcome.artifact?.reference == label)
        #expect(outcome.check(.checksum)?.evidence.message.contains("without errors") == true)
        #expect(outcome.check(.walArchive)?.status == .passed)
        let restore = try #require(outcome.check(.restore))
        #expect(restore.status == .passed)
        #expect(restore.evidence.message.contains("passed 3 validation queries"))
        #expect(restore.evidence.message.contains("recovered in"))
        #expect(incidents.isEmpty)
    }

    @Test func aFailingValidationQueryFailsTheRestoreNamingTheQueryAndItsAnswer() async throws {
        let fixture = try await PgBackRestFixture.start()
        try await fixture.backup()
        let query = "SELECT count(*) >= 1000000 FROM orders"
        let (outcome, incidents) = try await verify(fixture, assets: Self.asset(fixture, validate: [query]))
        #expect(outcome.state == .failed)
        let restore = try #require(outcome.check(.restore))
        #expect(restore.status == .failed)
        #expect(restore.evidence.message.contains(query))
        #expect(restore.evidence.message.contains("returned 'f'"))
        #expect(incidents.count == 1)
    }

    @Test func aMissingWALSegmentFailsTheArchiveCheckWithTheGap() async throws {
        let fixture = try await PgBackRestFixture.start()
        try await fixture.backup()
        try await fixture.archiveMoreWAL(4)
        let segments = try fixture.archivedSegments()
        let removed = try #require(segments.dropLast().last)
        try FileManager.default.removeItem(atPath: removed)
        let (outcome, incidents) = try await verify(fixture, assets: Self.asset(fixture, validate: Self.healthyQueries))
        let check = try #require(outcome.check(.walArchive))
        #expect(check.status == .failed)
        let name = String((removed as NSString).lastPathComponent.prefix(24))
        #expect(check.evidence.message.contains(name), "\(check.evidence.message)")
        #expect(outcome.state == .failed)
        #expect(incidents.count == 1)
    }

    @Test func aDamagedRepositoryFileIsCaughtByVerifyAndByTheRestore() async throws {
        let fixture = try await PgBackRestFixture.start()
        let label = try await fixture.backup()
        try fixture.damage(backup: label)
        let (outcome, incidents) = try await verify(
            fixture, assets: Self.asset(fixture, validate: Self.healthyQueries, check: "check: { verify: true }"))
        #expect(outcome.state == .failed)
        #expect(outcome.check(.checksum)?.status == .failed, "pgbackrest verify")
        #expect(outcome.check(.restore)?.status == .failed, "the restore")
        #expect(
            incidents.map(\.cause) == [.corruptedArtifact],
            "\(outcome.failedChecks.map(\.evidence)) \(String(describing: outcome.diagnosis))")
    }

    @Test func aStanzaThatDoesNotExistIsNamed() async throws {
        let fixture = try await PgBackRestFixture.start()
        let assets = Self.asset(fixture, validate: Self.healthyQueries).replacingOccurrences(of: "stanza: main", with: "stanza: nope")
        let (outcome, incidents) = try await verify(fixture, assets: assets)
        #expect(outcome.state == .missing)
        #expect(outcome.check(.exists)?.evidence.message.contains("stanza nope") == true)
        #expect(incidents.count == 1)
    }
}
