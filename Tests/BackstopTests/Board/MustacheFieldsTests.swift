import BackstopCore
import Foundation
import Mustache
import Testing

@testable import Backstop

/// The row values that answer Mustache's lookups by hand (`MustacheFields.swift`, for speed)
/// answer every stored property, with the value reflection would give: a field added to a row
/// and not to its `child(named:)` fails here instead of rendering empty.
@Suite struct MustacheFieldsTests {
    /// swift-mustache's reflection answers an optional unwrapped, nil when empty.
    static func unwrapped(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first?.value
    }

    static func expectAnswersLikeReflection(_ value: some MustacheParent, allSet: Bool) throws {
        let mirror = Mirror(reflecting: value)
        #expect(!mirror.children.isEmpty)
        for field in mirror.children {
            let label = try #require(field.label)
            let answered = value.child(named: label)
            #expect(
                answered.map { String(describing: $0) } == unwrapped(field.value).map { String(describing: $0) },
                "\(type(of: value)).\(label)")
            if allSet { #expect(answered != nil, "\(type(of: value)).\(label) is not answered") }
        }
        #expect(value.child(named: "noSuchField") == nil)
    }

    @Test(arguments: [true, false])
    func boardRowsAnswerEveryField(failing: Bool) throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let window = WindowOutcome(
            runID: "run_1", windowStart: now.addingTimeInterval(-3_600), state: failing ? .failed : .healthy,
            cause: failing ? .diskFull : nil, verifiedAt: now.addingTimeInterval(-600))
        let detail = AssetBoardDetail(
            windows: [window], lastHealthyAt: now.addingTimeInterval(-86_400), failingSince: failing ? now.addingTimeInterval(-600) : nil,
            lastRestoreSeconds: 42)
        let asset = Asset(name: "orders-db", kind: .database, scheduleName: "nightly", backup: BackupSpec(path: "backups/*"))
        let row = StatusBoardView.row(
            asset: asset, state: window.state, cause: window.cause, detail: failing ? detail : nil, now: now)
        try Self.expectAnswersLikeReflection(row, allSet: failing)
        try Self.expectAnswersLikeReflection(row.style, allSet: true)
        try Self.expectAnswersLikeReflection(HistoryCell(window), allSet: true)
        try Self.expectAnswersLikeReflection(TimeView(now, now: now), allSet: true)
    }

    /// What the page shows is the same either way: a missing optional renders as falsy.
    @Test func aRowRendersItsFieldsThroughTheTemplate() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let asset = Asset(name: "users-db", kind: .volume, scheduleName: "hourly", backup: BackupSpec(path: "backups/*"))
        let row = StatusBoardView.row(asset: asset, state: nil, cause: nil, detail: nil, now: now)
        let template = try MustacheTemplate(
            string:
                "{{name}}|{{style.label}}|{{#failingSince}}{{relative}}{{/failingSince}}{{^failingSince}}—{{/failingSince}}|{{lastRestore}}|{{kind}}"
        )
        #expect(template.render(row) == "users-db|not verified yet|—|not tested|volume")
    }
}
