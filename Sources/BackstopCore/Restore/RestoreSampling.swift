/// How many restore tests a run performs, and which assets it prefers.
package struct RestoreSampling: Sendable, Equatable {
    package enum Amount: Sendable, Equatable {
        /// A fraction (0…1] of the eligible assets, rounded up.
        case fraction(Double)
        case count(Int)
    }

    package enum Strategy: String, Sendable, Equatable, CaseIterable {
        /// Assets never tested first, then the longest untested.
        case leastRecentlyTested = "least_recently_tested"
        /// A seeded random pick (after the assets that must be re-tested).
        case random
    }

    package var amount: Amount
    package var minimum: Int
    package var strategy: Strategy
    /// Makes the choice reproducible; without it the run's start time seeds the pick.
    package var seed: UInt64?

    package init(amount: Amount = .fraction(0.25), minimum: Int = 1, strategy: Strategy = .leastRecentlyTested, seed: UInt64? = nil) {
        self.amount = amount
        self.minimum = minimum
        self.strategy = strategy
        self.seed = seed
    }
}
