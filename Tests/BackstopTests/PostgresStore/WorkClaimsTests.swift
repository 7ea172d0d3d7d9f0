import Backstop
import BackstopTesting
import Foundation
import PostgresNIO
import Testing

/// Claims with leases on a real PostgreSQL, from separate connections as separate replicas have.
@Suite(.serialized) struct WorkClaimsTests {
    static let keys = (0..<200).map { "verify/asset-\($0)/2026-11-22T02:00Z" }

    static func replicas(_ count: Int) async throws -> (PostgresStoreFixture, [WorkClaims]) {
        let fixture = try await PostgresStoreFixture.start()
        defer { withExtendedLifetime(fixture) {} }
        var claims: [WorkClaims] = []
        for index in 0..<count {
            let connection = try await fixture.connect(id: index + 1)
            if index == 0 { try await PostgresMigrator.migrate(connection, logger: PostgresStoreFixture.quietLogger) }
            claims.append(WorkClaims(connection: connection, holder: "replica-\(index)", logger: PostgresStoreFixture.quietLogger))
        }
        return (fixture, claims)
    }

    @Test func threeReplicasClaimingTheSameKeysAreEachGrantedEveryKeyOnce() async throws {
        let (fixture, replicas) = try await Self.replicas(3)
        defer { withExtendedLifetime(fixture) {} }
        let granted = try await withThrowingTaskGroup(of: (Int, [String]).self) { group in
            for (index, replica) in replicas.enumerated() {
                group.addTask {
                    var mine: [String] = []
                    for key in Self.keys.shuffled() where try await replica.claim(key, lease: .seconds(300)) { mine.append(key) }
                    return (index, mine)
                }
            }
            return try await group.reduce(into: [Int: [String]]()) { $0[$1.0] = $1.1 }
        }
        #expect(granted.values.map(\.count).reduce(0, +) == Self.keys.count)
        #expect(Set(granted.values.joined()) == Set(Self.keys))
        // The database agrees with what each replica was told.
        for (index, replica) in replicas.enumerated() {
            #expect(try await replica.held() == Set(granted[index] ?? []))
        }
        #expect(try await fixture.superuserSQL("SELECT count(*) FROM work_claims") == "200\n")
    }

    @Test func aHolderThatStopsRenewingLosesItsKeysToAnotherAfterTheLease() async throws {
        let (fixture, replicas) = try await Self.replicas(2)
        defer { withExtendedLifetime(fixture) {} }
        let (first, second) = (replicas[0], replicas[1])
        let lease = Duration.seconds(2)
        for key in Self.keys { #expect(try await first.claim(key, lease: lease)) }
        let last = try #require(Self.keys.last)
        #expect(try await second.claim(last, lease: lease) == false)
        let renewedAt = ContinuousClock.now
        #expect(try await first.renew(last, lease: lease))
        // The first replica now stops renewing, as a dead one does. Taking over is what the lease's
        // expiry permits, so the second polls until it has every key (bounded by a deadline).
        var pending = Set(Self.keys)
        let deadline = ContinuousClock.now + .seconds(60)
        while !pending.isEmpty, ContinuousClock.now < deadline {
            for key in pending where try await second.claim(key, lease: .seconds(300)) { pending.remove(key) }
            if !pending.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(pending.isEmpty)
        #expect(ContinuousClock.now - renewedAt >= lease)
        #expect(try await second.held() == Set(Self.keys))
        #expect(try await first.held().isEmpty)
        #expect(try await first.renew(last, lease: lease) == false)
        #expect(try await first.release(last) == false)
        #expect(try await fixture.superuserSQL("SELECT DISTINCT holder FROM work_claims") == "replica-1\n")
    }

    @Test func aReleasedKeyIsFreeAtOnceAndARenewedOneStaysTaken() async throws {
        let (fixture, replicas) = try await Self.replicas(2)
        defer { withExtendedLifetime(fixture) {} }
        let (first, second) = (replicas[0], replicas[1])
        #expect(try await first.claim("outbox/42", lease: .seconds(300)))
        #expect(try await first.claim("outbox/42", lease: .seconds(300)))  // its own claim again: renewed
        #expect(try await first.renew("outbox/42", lease: .seconds(300)))
        #expect(try await second.claim("outbox/42", lease: .seconds(300)) == false)
        #expect(try await second.release("outbox/42") == false)
        #expect(try await first.release("outbox/42"))
        #expect(try await second.claim("outbox/42", lease: .seconds(300)))
        #expect(try await first.renew("outbox/42", lease: .seconds(300)) == false)
    }
}
