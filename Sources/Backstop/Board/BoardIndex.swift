import BackstopCore

/// Every configured asset in the board's order (failing first, then by name) with what the
/// filters read, and the summary counts. Built once per version of the record (it is part of
/// ``BoardRecord``), so a request filters one pre-sorted pass and pays only for the page it shows:
/// at 10,000 assets, sorting and case-folding the whole estate on every request cost more than
/// the page itself.
struct BoardIndex: Sendable {
    struct Entry: Sendable {
        var asset: Asset
        var status: AssetStatus?
        /// The name case-folded once, for the `q` search.
        var folded: String
    }

    var entries: [Entry]
    var healthy = 0
    var failed = 0
    var missing = 0
    var unverified = 0

    init(assets: [Asset], states: [String: AssetStatus]) {
        entries = assets.map { Entry(asset: $0, status: states[$0.name], folded: $0.name.lowercased()) }
            .sorted { (BoardSelection.rank($0.status?.state), $0.asset.name) < (BoardSelection.rank($1.status?.state), $1.asset.name) }
        for entry in entries {
            switch entry.status?.state {
            case .healthy: healthy += 1
            case .failed: failed += 1
            case .missing: missing += 1
            case .noWindowYet, nil: unverified += 1
            }
        }
    }
}
