import Foundation

/// Chooses which assets get a restore test in a run.
///
/// Assets whose last run failed are always re-tested; the rest are chosen by the strategy until
/// the sample size (at least `minimum`) is reached. Ties are broken by a seeded shuffle, so the
/// same inputs and seed always give the same choice.
package struct RestoreSampler: Sendable {
    package var sampling: RestoreSampling

    package init(sampling: RestoreSampling) {
        self.sampling = sampling
    }

    /// Picks from `eligible` (assets that have an artifact and a restore command).
    package func choose(eligible: [String], history: [String: AssetHistory], seed: UInt64) -> [String] {
        guard !eligible.isEmpty else { return [] }
        let target: Int
        switch sampling.amount {
        case .fraction(let fraction): target = Int((Double(eligible.count) * fraction).rounded(.up))
        case .count(let count): target = count
        }
        let size = min(eligible.count, max(target, sampling.minimum))

        var generator = SplitMix64(seed: sampling.seed ?? seed)
        let shuffled = eligible.sorted().shuffled(using: &generator)
        let mustRetest = shuffled.filter { history[$0]?.lastRunFailed == true }
        let others = shuffled.filter { history[$0]?.lastRunFailed != true }
        let ordered: [String]
        switch sampling.strategy {
        case .random:
            ordered = others
        case .leastRecentlyTested:
            // Stable sort keeps the seeded order among equals; never tested sorts first.
            ordered = others.enumerated().sorted { lhs, rhs in
                let left = history[lhs.element]?.lastRestoreTestAt ?? .distantPast
                let right = history[rhs.element]?.lastRestoreTestAt ?? .distantPast
                return left == right ? lhs.offset < rhs.offset : left < right
            }.map(\.element)
        }
        return mustRetest + ordered.prefix(max(0, size - mustRetest.count))
    }
}

/// A small, fast, seedable generator (Steele, Lea & Flood's SplitMix64); the standard library
/// offers no seedable one.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    package init(seed: UInt64) {
        state = seed
    }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
