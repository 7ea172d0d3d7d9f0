import BackstopCore
import Foundation

/// The board's filters and page, read from the query string (`state`, `schedule`, `kind`, `q`,
/// `page`). Filtering and paging run over every configured asset on the server (in the order
/// ``BoardIndex`` sorted once) so the page stays small at 10,000 assets. `q` matches names
/// case-insensitively.
struct BoardFilter: Sendable, Equatable {
    /// States a reader filters by; `failing` is failed or missing.
    static let states = ["failing", "failed", "missing", "healthy", "unverified", "no_window_yet"]
    static let pageSize = 50

    var state: String?
    var schedule: String?
    var kind: AssetKind?
    var text: String?
    var page = 1

    /// A parameter a person could mistype is answered 400 naming it and what it accepts.
    struct Invalid: Error, Equatable {
        var message: String
    }

    init(state: String? = nil, schedule: String? = nil, kind: AssetKind? = nil, text: String? = nil, page: Int = 1) {
        self.state = state
        self.schedule = schedule
        self.kind = kind
        self.text = text
        self.page = page
    }

    init(query: (String) -> String?) throws(Invalid) {
        func value(_ name: String) -> String? {
            guard let raw = query(name)?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
        state = value("state")
        if let state, !Self.states.contains(state) {
            throw Invalid(message: "state '\(state)' is not one of: \(Self.states.joined(separator: ", "))")
        }
        schedule = value("schedule")
        if let kind = value("kind") {
            guard let parsed = AssetKind(rawValue: kind) else {
                throw Invalid(
                    message: "kind '\(kind)' is not one of: \(AssetKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            self.kind = parsed
        }
        text = value("q")
        if let page = value("page") {
            guard let number = Int(page), number >= 1 else { throw Invalid(message: "page must be a whole number from 1, not '\(page)'") }
            self.page = number
        }
    }

    /// Whether an asset passes every filter; `folded` is its name lowercased (``BoardIndex``),
    /// `foldedText` the search text lowercased once per request.
    func matches(_ entry: BoardIndex.Entry, foldedText: String?) -> Bool {
        if let schedule, entry.asset.scheduleName != schedule { return false }
        if let kind, entry.asset.kind != kind { return false }
        if let foldedText, !entry.folded.contains(foldedText) { return false }
        guard let state else { return true }
        switch state {
        case "failing": return entry.status?.state.isFailure == true
        case "unverified": return entry.status == nil
        default: return entry.status?.state.rawValue == state
        }
    }

    /// The query string for another page of the same filters.
    func query(page: Int) -> String {
        var items: [URLQueryItem] = []
        if let state { items.append(URLQueryItem(name: "state", value: state)) }
        if let schedule { items.append(URLQueryItem(name: "schedule", value: schedule)) }
        if let kind { items.append(URLQueryItem(name: "kind", value: kind.rawValue)) }
        if let text { items.append(URLQueryItem(name: "q", value: text)) }
        items.append(URLQueryItem(name: "page", value: String(page)))
        var components = URLComponents()
        components.queryItems = items
        return "?" + (components.percentEncodedQuery ?? "")
    }
}

/// The assets one board page shows, in the order a reader needs them.
struct BoardSelection: Sendable {
    var rows: [(asset: Asset, status: AssetStatus?)]
    /// Assets that matched the filters, over all pages.
    var matched: Int
    var page: Int
    var pages: Int

    /// Failing first (failed, then missing), then not verified, then waiting, then healthy; by name
    /// within. One pass over the index (already in that order): only the page's rows are kept.
    static func select(index: BoardIndex, filter: BoardFilter) -> BoardSelection {
        let foldedText = filter.text?.lowercased()
        func pass(page: Int) -> (rows: [(asset: Asset, status: AssetStatus?)], matched: Int) {
            let first = (page - 1) * BoardFilter.pageSize
            var matched = 0
            var rows: [(asset: Asset, status: AssetStatus?)] = []
            for entry in index.entries where filter.matches(entry, foldedText: foldedText) {
                if matched >= first && rows.count < BoardFilter.pageSize { rows.append((entry.asset, entry.status)) }
                matched += 1
            }
            return (rows, matched)
        }
        var (rows, matched) = pass(page: filter.page)
        let pages = max(1, (matched + BoardFilter.pageSize - 1) / BoardFilter.pageSize)
        let page = min(filter.page, pages)
        // A page past the end (a bookmark after assets went away) shows the last one.
        if page < filter.page { rows = pass(page: page).rows }
        return BoardSelection(rows: rows, matched: matched, page: page, pages: pages)
    }

    static func select(assets: [Asset], states: [String: AssetStatus], filter: BoardFilter) -> BoardSelection {
        select(index: BoardIndex(assets: assets, states: states), filter: filter)
    }

    static func rank(_ state: BackupState?) -> Int {
        switch state {
        case .failed: 0
        case .missing: 1
        case nil: 2
        case .noWindowYet: 3
        case .healthy: 4
        }
    }
}
