import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// The drain's rule for windows verified while PostgreSQL was down: two replicas' buffers hold
/// scheduled runs whose (asset, window) parts overlap each other and a run PostgreSQL already
/// holds; once drained, each (asset, window) is in the record once, the run first in PostgreSQL
/// is the verdict, a run left with nothing is not stored, and a drain repeated after a crash
/// stores nothing more. Real PostgreSQL, real buffer files.
@Suite(.timeLimit(.minutes(5))) struct PostgresWindowDrainTests {
    static let logger = PostgresStoreFixture.quietLogger
    static let window = StoreSamples.window(StoreSamples.now.addingTimeInterval(-3_600))

    static func run(_ id: String, _ assets: [(String, Bool)]) -> VerificationRun {
        let outcomes = assets.map { StoreSamples.outcome($0.0, healthy: $0.1) }
        return StoreSamples.run(id, status: outcomes.contains { $0.state.isFailure } ? .failed : .healthy, outcomes: outcomes)
    }

    /// Appends `run` as the scheduler does while PostgreSQL is down: verified without claims,
    /// so it goes to the buffer even though PostgreSQL answers here.
    static func appendWithoutClaims(_ run: VerificationRun, to store: PostgresStore) async throws {
        let buffer = try #require(store.buffer)
        let result = await buffer.withoutClaims(schedule: "nightly", windowStart: window.start) { () async -> Result<Void, StoreError> in
            do throws(StoreError) {
                return .success(try await store.append(run))
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// Drains `store`'s buffer step by step until it is empty, for at most two minutes (a
    /// loaded machine may make a step miss its deadline; the next one carries on).
    static func drainAll(_ store: PostgresStore) async throws {
        let buffer = try #require(store.buffer)
        let drain = BufferDrain(store: store, buffer: buffer, logger: logger)
        let deadline = ContinuousClock.now + .seconds(120)
        var steps: [BufferDrain.Step] = []
        while buffer.depth > 0 || buffer.unreachableSince != nil {
            try #require(ContinuousClock.now < deadline, "the buffer drained within two minutes: \(steps)")
            steps.append(await drain.step())
        }
        #expect(!steps.contains(.failed), "\(steps)")
    }

    @Test func overlappingWindowPartsOfTwoBuffersReachPostgresOnceEach() async throws {
        var configuration = try await SharedPostgres.freshDatabase()
        let directory = try TemporaryDirectory()
        configuration.buffer = directory.file("replica-a.db")
        let replicaA = try await PostgresStore.open(configuration, logger: Self.logger)
        defer { replicaA.close() }
        configuration.buffer = directory.file("replica-b.db")
        let replicaB = try await PostgresStore.open(configuration, logger: Self.logger)
        defer { replicaB.close() }
        let (bufferA, bufferB) = (try #require(replicaA.buffer), try #require(replicaB.buffer))

        // Before the outage replica A verified asset-x of the window, claimed as usual.
        try await replicaA.append(Self.run("run_before", [("asset-x", true)]))
        #expect(bufferA.depth == 0)
        // During it each replica verified the window without claims; their runs wait in their buffers.
        let runA = Self.run("run_a", [("asset-x", false), ("asset-a", true), ("asset-b", false)])
        let runB1 = Self.run("run_b1", [("asset-b", true), ("asset-c", false)])
        let runB2 = Self.run("run_b2", [("asset-c", true)])
        try await Self.appendWithoutClaims(runA, to: replicaA)
        try await Self.appendWithoutClaims(runB1, to: replicaB)
        try await Self.appendWithoutClaims(runB2, to: replicaB)
        #expect(bufferA.depth == 1 && bufferB.depth == 2, "runs verified without claims wait in the buffer even when PostgreSQL answers")
        #expect(try bufferA.journal.windowAssets(schedule: "nightly", windowStart: Self.window.start) == ["asset-x", "asset-a", "asset-b"])
        let entriesB = try bufferB.journal.oldest(limit: 10)

        try await Self.drainAll(replicaA)
        try await Self.drainAll(replicaB)
        #expect(bufferA.status.windowPartsDropped == 1, "asset-x: run_before has it")
        #expect(bufferB.status.windowPartsDropped == 2, "asset-b: run_a has it; asset-c: run_b1 has it")
        #expect(try bufferA.journal.windowAssets(schedule: "nightly", windowStart: Self.window.start).isEmpty)

        // A drain cut short after PostgreSQL's commit, repeated: nothing is stored again.
        let again = try await replicaB.writeDrained(entriesB)
        #expect(again.map(\.runID) == ["run_b2"] && again.allSatisfy { !$0.runKept }, "\(again)")

        let perAsset = try await SharedPostgres.sql(
            "SELECT o.asset || '=' || COUNT(*) FROM outcomes o JOIN runs r ON r.id = o.run_id GROUP BY o.asset ORDER BY o.asset",
            database: configuration.database)
        #expect(perAsset == "asset-a=1\nasset-b=1\nasset-c=1\nasset-x=1\n", "each (asset, window) once")
        #expect(
            try await SharedPostgres.sql("SELECT id FROM runs ORDER BY seq", database: configuration.database)
                == "run_before\nrun_a\nrun_b1\n")
        var expectedA = runA
        expectedA.outcomes.removeFirst()
        #expect(try await replicaA.run(id: "run_a") == expectedA, "stored without asset-x, still failed (asset-b)")
        var expectedB1 = runB1
        expectedB1.outcomes.removeFirst()
        #expect(try await replicaA.run(id: "run_b1") == expectedB1, "stored without asset-b; failed by asset-c")
        #expect(
            try await replicaA.verifiedAssets(schedule: "nightly", windowStart: Self.window.start) == [
                "asset-x", "asset-a", "asset-b", "asset-c",
            ])
        #expect(try await replicaA.verifyChains().breaks.isEmpty)
    }

    @Test func aRunLeftWithHealthyPartsOnlyIsStoredHealthyAndAnAbortedRunIsKeptWhole() async throws {
        var configuration = try await SharedPostgres.freshDatabase()
        let directory = try TemporaryDirectory()
        configuration.buffer = directory.file("buffer.db")
        let store = try await PostgresStore.open(configuration, logger: Self.logger)
        defer { store.close() }
        let buffer = try #require(store.buffer)
        try await store.append(Self.run("run_before", [("asset-b", true)]))
        // asset-b failed here, but run_before verified it first: the run is stored healthy.
        try await Self.appendWithoutClaims(Self.run("run_late", [("asset-a", true), ("asset-b", false)]), to: store)
        // An aborted run verified nothing for the window: stored as it was.
        var aborted = Self.run("run_aborted", [("asset-b", true)])
        aborted.status = .aborted
        try await Self.appendWithoutClaims(aborted, to: store)
        try await Self.drainAll(store)
        let late = try #require(try await store.run(id: "run_late"))
        #expect(late.status == .healthy && late.outcomes.map(\.asset) == ["asset-a"], "\(late)")
        #expect(try await store.run(id: "run_aborted") == aborted)
        #expect(buffer.status.windowPartsDropped == 1)
    }
}
