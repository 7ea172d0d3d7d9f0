import BackstopCore
import Foundation
import Testing

@Suite struct BackupWindowTests {
    let nightly = Schedule(
        name: "nightly", cron: try! CronExpression("0 2 * * *"), timeZone: TimeZone(identifier: "UTC")!,
        window: .seconds(7_200), grace: .seconds(900))

    func date(_ text: String) -> Date { try! Date(text, strategy: .iso8601) }

    @Test func lastClosedWindowIsTheLatestWhoseGraceHasPassed() {
        // Today's window (02:00–04:00, grace to 04:15) has not closed at 04:10.
        let atTen = nightly.lastClosedWindow(at: date("2026-11-22T04:10:00Z"))
        #expect(atTen?.start == date("2026-11-21T02:00:00Z"))
        let afterClose = nightly.lastClosedWindow(at: date("2026-11-22T04:15:00Z"))
        #expect(afterClose?.start == date("2026-11-22T02:00:00Z"))
        #expect(afterClose?.end == date("2026-11-22T04:00:00Z"))
        #expect(afterClose?.closesAt == date("2026-11-22T04:15:00Z"))
    }

    @Test func nextClosingWindowIncludesTheOneStillOpen() {
        let next = nightly.nextClosingWindow(after: date("2026-11-22T03:00:00Z"))
        #expect(next?.start == date("2026-11-22T02:00:00Z"))
        #expect(next?.closesAt == date("2026-11-22T04:15:00Z"))
        let later = nightly.nextClosingWindow(after: date("2026-11-22T04:15:00Z"))
        #expect(later?.start == date("2026-11-23T02:00:00Z"))
    }

    @Test func lateMeansAfterItsOwnWindowsGrace() {
        #expect(!nightly.isLate(producedAt: date("2026-11-22T03:59:00Z")))
        #expect(!nightly.isLate(producedAt: date("2026-11-22T04:15:00Z")))
        #expect(nightly.isLate(producedAt: date("2026-11-22T04:16:00Z")))
        #expect(nightly.isLate(producedAt: date("2026-11-23T01:59:00Z")))
        #expect(!nightly.isLate(producedAt: date("2026-11-23T02:01:00Z")))
    }
}
