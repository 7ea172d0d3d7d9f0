import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// Issue 16, "Tests with the real things": three real `backstop serve` replicas on one real
/// PostgreSQL verify a scheduled window while a random replica is SIGKILLed at a random moment
/// (half the time started again, as systemd would) and a burst of Alertmanager notifications,
/// each posted to two replicas as HA Alertmanager peers do, arrives meanwhile. After each trial:
/// every asset of the window verified exactly once, every broken asset and every notification
/// group one incident and one page, every acknowledged notification stored exactly once, the
/// hash chains intact.
///
/// 5 trials of 24 assets in the normal suite; `BACKSTOP_SLOW_TESTS=1` runs 30 trials of 200
/// assets with 60 notifications each. Each failure names its trial's seed;
/// `BACKSTOP_TRIAL_SEED=<seed>` replays that one trial (in the tier's sizes).
@Suite(.serialized, .timeLimit(.minutes(90))) struct ReplicaKillTrialTests {
    struct Tier {
        let trials: Int
        let assets: Int
        let notifications: Int
        /// The kill lands this long at most after the victim starts verifying.
        let killWithin: Duration
    }

    static var tier: Tier {
        ProcessInfo.processInfo.environment["BACKSTOP_SLOW_TESTS"] == "1"
            ? Tier(trials: 30, assets: 200, notifications: 60, killWithin: .seconds(12))
            : Tier(trials: 5, assets: 24, notifications: 8, killWithin: .seconds(3))
    }

    static var seeds: [UInt64] {
        if let replay = ProcessInfo.processInfo.environment["BACKSTOP_TRIAL_SEED"].flatMap(UInt64.init) { return [replay] }
        // Fresh seeds each run, so the trials keep exploring; each is printed on failure.
        var seeds = SystemRandomNumberGenerator()
        return (0..<tier.trials).map { _ in seeds.next() }
    }

    @Test func sigkillOfARandomReplicaAtARandomMomentLosesAndDoublesNothing() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: BackstopProcess.executable),
            "build the executable first: swift build --build-tests (scripts/test does)")
        let tier = Self.tier
        let started = ContinuousClock.now
        var moments: [String] = []
        for seed in Self.seeds {
            moments.append(try await Self.trial(seed: seed, tier: tier))
        }
        let midRun = moments.filter { $0.contains("mid-run") }.count
        print(
            "ReplicaKillTrialTests: \(moments.count) trials of \(tier.assets) assets in \(started.duration(to: .now)), "
                + "\(midRun) killed mid-run: " + moments.joined(separator: "; "))
        // Kills that all land after the victim's work would prove nothing about taking it over.
        if moments.count >= 5 { #expect(midRun > 0, "no kill landed while its replica was verifying") }
    }

    /// One trial; returns what was killed when.
    static func trial(seed: UInt64, tier: Tier) async throws -> String {
        var random = SplitMix64(seed: seed)
        let broken = Set((0..<tier.assets).filter { _ in Double.random(in: 0..<1, using: &random) < 0.08 }).union([
            Int.random(in: 0..<tier.assets, using: &random)
        ])
        let victim = Int.random(in: 0..<3, using: &random)
        let delay = Duration.milliseconds(Int.random(in: 0...Int(tier.killWithin.components.seconds * 1_000), using: &random))
        let restart = Bool.random(using: &random)
        let plan =
            "seed \(seed) (replay: BACKSTOP_TRIAL_SEED=\(seed)): replica \(victim) killed \(delay) into its verification\(restart ? ", restarted" : "")"
        let cluster = try await ReplicaCluster.start(assets: tier.assets, broken: broken)
        defer { cluster.stop() }
        return try await cluster.pagerDuty.run { url in
            try await cluster.startReplicas(pagerDuty: url)
            let burst = Task { try await NotificationBurst.post(count: tier.notifications, to: cluster.ports) }
            #expect(
                await cluster.replicas[victim].waitForLine(containing: "verification started", within: .seconds(60)) != nil,
                "\(plan): \(cluster.replicas[victim].recentLines.suffix(20))")
            try await Task.sleep(for: delay)  // the random moment of the kill, not a wait for anything
            let midRun = Self.isVerifying(cluster.replicas[victim])
            cluster.kill(victim)
            if restart { try await cluster.restart(victim, pagerDuty: url) }
            let acknowledged = try await burst.value
            try await cluster.check(broken: broken, notifications: acknowledged, context: plan)
            // Whether or not the victim exported the metrics, one live replica does once its lease
            // ends, and counts the window once however many runs verified it.
            let scrapes = try await ReplicaWorkSharingTests.waitForOneLeader(
                restart ? cluster.ports : cluster.ports.enumerated().filter { $0.offset != victim }.map(\.element),
                upSeries: tier.assets)
            ReplicaCluster.expectOneWindow(in: scrapes, assets: tier.assets, failed: true, context: plan)
            return "\(victim)@\(delay)\(midRun ? " mid-run" : "")\(restart ? " +restart" : "")"
        }
    }

    /// Whether the replica's log shows a run started and not finished yet (it holds claims).
    static func isVerifying(_ replica: BackstopProcess) -> Bool {
        let lines = replica.recentLines
        let started = lines.lastIndex { $0.contains("verification started") }
        let finished = lines.lastIndex { $0.contains("verification finished") }
        return started.map { start in finished.map { $0 < start } ?? true } ?? false
    }
}
