import BackstopCore
import Foundation
import Testing

@Suite struct RestoreSamplerTests {
    let assets = (1...12).map { "asset-\($0)" }

    @Test func theSameSeedGivesTheSameChoice() {
        let sampler = RestoreSampler(sampling: RestoreSampling(amount: .fraction(0.25), strategy: .random))
        let first = sampler.choose(eligible: assets, history: [:], seed: 42)
        let second = sampler.choose(eligible: assets.reversed(), history: [:], seed: 42)
        #expect(first == second)
        #expect(first.count == 3)
        let others = (0..<20).map { sampler.choose(eligible: assets, history: [:], seed: UInt64($0)) }
        #expect(Set(others).count > 1, "different seeds should pick differently")
    }

    @Test func minimumIsHonouredAndCappedByWhatIsEligible() {
        let sampler = RestoreSampler(sampling: RestoreSampling(amount: .fraction(0.01), minimum: 2))
        #expect(sampler.choose(eligible: assets, history: [:], seed: 1).count == 2)
        let greedy = RestoreSampler(sampling: RestoreSampling(amount: .count(50), minimum: 1))
        #expect(greedy.choose(eligible: assets, history: [:], seed: 1).count == assets.count)
        #expect(greedy.choose(eligible: [], history: [:], seed: 1).isEmpty)
    }

    @Test func neverTestedComeFirstThenLeastRecentlyTested() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var history: [String: AssetHistory] = [:]
        for (index, asset) in assets.enumerated() where index < 10 {
            history[asset] = AssetHistory(lastRestoreTestAt: now.addingTimeInterval(Double(index) * 3_600))
        }
        let sampler = RestoreSampler(sampling: RestoreSampling(amount: .count(4)))
        let chosen = sampler.choose(eligible: assets, history: history, seed: 7)
        #expect(Set(chosen.prefix(2)) == ["asset-11", "asset-12"])
        #expect(Array(chosen.suffix(2)) == ["asset-1", "asset-2"])
    }

    @Test func anAssetWhoseLastRunFailedIsAlwaysRetested() {
        var history: [String: AssetHistory] = [:]
        for asset in assets { history[asset] = AssetHistory(lastRestoreTestAt: .now) }
        history["asset-5"] = AssetHistory(lastRestoreTestAt: .now, lastRunFailed: true)
        history["asset-9"] = AssetHistory(lastRestoreTestAt: .now, lastRunFailed: true)
        let sampler = RestoreSampler(sampling: RestoreSampling(amount: .count(1), minimum: 1))
        for seed in 0..<20 {
            let chosen = sampler.choose(eligible: assets, history: history, seed: UInt64(seed))
            #expect(Set(chosen).isSuperset(of: ["asset-5", "asset-9"]))
        }
    }
}
