import BackstopCore
import Foundation
import Testing

@testable import Backstop

@Suite struct MarkdownHTMLTests {
    @Test func rawHTMLInAReportIsShownAsText() {
        let html = MarkdownHTML.render("Service <script>alert(1)</script> said <img src=x onerror=alert(1)>\n")
        #expect(!html.contains("<script") && !html.contains("<img"))
        #expect(html.contains("&lt;script&gt;"))
    }

    @Test func codeBlocksKeepLogLinesAsEscapedText() {
        let html = MarkdownHTML.render("**Logs**\n\n```\n02:31:07 <script>x()</script> & more\n```\n")
        #expect(html.contains("<strong>Logs</strong>"))
        #expect(html.contains("&lt;script&gt;x()&lt;/script&gt; &amp; more"))
        #expect(!html.contains("<script"))
    }

    @Test(arguments: [
        ("[runbook](https://example.com/a?b=1&c=2)", #"<a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer">runbook</a>"#),
        ("[report](/incidents/inc_1)", #"<a href="/incidents/inc_1" rel="noopener noreferrer">report</a>"#),
        ("[click](javascript:alert(1))", "click"),
        ("[x](data:text/html,hi)", "x"),
    ])
    func linksKeepOnlyWebAndRelativeTargets(markdown: String, expected: String) {
        let html = MarkdownHTML.render(markdown)
        #expect(html.contains(expected), "\(html)")
        #expect(!html.contains("javascript:") && !html.contains("data:"))
    }
}

@Suite struct BoardFilterTests {
    static func assets(_ count: Int) -> [Asset] {
        (1...count).map { index in
            Asset(
                name: String(format: "asset-%05d", index), kind: index % 2 == 0 ? .database : .volume,
                scheduleName: index % 3 == 0 ? "hourly" : "nightly",
                backup: BackupSpec(path: "backups/*"))
        }
    }

    @Test func tenThousandAssetsArePagedFailingFirst() {
        let assets = Self.assets(10_000)
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        var states: [String: AssetStatus] = [:]
        for asset in assets { states[asset.name] = AssetStatus(state: .healthy, cause: nil, verifiedAt: at, runID: "run_1") }
        states["asset-09999"] = AssetStatus(state: .failed, cause: .diskFull, verifiedAt: at, runID: "run_1")
        states["asset-00007"] = AssetStatus(state: .missing, cause: nil, verifiedAt: at, runID: "run_1")
        states["asset-00003"] = nil
        let first = BoardSelection.select(assets: assets, states: states, filter: BoardFilter())
        #expect(first.matched == 10_000 && first.pages == 200 && first.rows.count == BoardFilter.pageSize)
        #expect(first.rows.prefix(4).map(\.asset.name) == ["asset-09999", "asset-00007", "asset-00003", "asset-00001"])
        let last = BoardSelection.select(assets: assets, states: states, filter: BoardFilter(page: 999))
        #expect(last.page == 200 && last.rows.last?.asset.name == "asset-10000", "a page past the end shows the last")
        let failing = BoardSelection.select(assets: assets, states: states, filter: BoardFilter(state: "failing"))
        #expect(failing.rows.map(\.asset.name) == ["asset-09999", "asset-00007"])
        let search = BoardSelection.select(assets: assets, states: states, filter: BoardFilter(kind: .database, text: "ASSET-0000"))
        #expect(search.rows.map(\.asset.name) == ["asset-00002", "asset-00004", "asset-00006", "asset-00008"])
    }

    @Test func theQueryStringRoundTripsForPaging() throws {
        let filter = try BoardFilter { ["state": "failed", "schedule": "night ly", "kind": "volume", "q": "a&b", "page": "3"][$0] }
        #expect(filter == BoardFilter(state: "failed", schedule: "night ly", kind: .volume, text: "a&b", page: 3))
        let query = filter.query(page: 4)
        let items = URLComponents(string: "/" + query)?.queryItems ?? []
        let parsed = try BoardFilter { name in items.first { $0.name == name }?.value }
        #expect(parsed == BoardFilter(state: "failed", schedule: "night ly", kind: .volume, text: "a&b", page: 4))
    }

    static let ages: [(Double, String)] = [
        (30, "just now"), (300, "5 min ago"), (10_800, "3 h ago"), (172_800, "2 d ago"), (-600, "in 10 min"),
    ]

    @Test(arguments: ages)
    func relativeTimes(secondsAgo: Double, expected: String) {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(TimeView.relative(now.addingTimeInterval(-secondsAgo), now: now) == expected)
    }

    @Test func everyTemplateParses() throws {
        let renderer = try PageRenderer()
        #expect(PageRenderer.templates.count == 8)
        _ = renderer
    }
}
