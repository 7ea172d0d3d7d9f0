import BackstopCore
import Foundation
import Testing

@Suite struct CronExpressionTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let berlin = TimeZone(identifier: "Europe/Berlin")!

    static func date(_ text: String) -> Date {
        try! Date(text, strategy: .iso8601)
    }

    @Test(arguments: [
        ("0 2 * * *", "2026-11-22T10:00:00Z", "2026-11-23T02:00:00Z"),
        ("*/15 * * * *", "2026-11-22T10:07:00Z", "2026-11-22T10:15:00Z"),
        ("30 4 1 * *", "2026-11-22T00:00:00Z", "2026-12-01T04:30:00Z"),
        ("0 0 * * sun", "2026-11-22T00:00:00Z", "2026-11-29T00:00:00Z"),
        ("0 9-17/4 * * mon-fri", "2026-11-21T12:00:00Z", "2026-11-23T09:00:00Z"),
        ("@hourly", "2026-11-22T10:00:00Z", "2026-11-22T11:00:00Z"),
        ("0 0 29 feb *", "2026-11-22T00:00:00Z", "2028-02-29T00:00:00Z"),
        // Both day fields restricted: either matches (Vixie cron). 2026-11-23 is a Monday.
        ("0 0 1 * mon", "2026-11-22T00:00:00Z", "2026-11-23T00:00:00Z"),
        ("0 12 * 1,6 *", "2026-11-22T00:00:00Z", "2027-01-01T12:00:00Z"),
    ])
    func nextFire(expression: String, after: String, expected: String) throws {
        let cron = try CronExpression(expression)
        #expect(cron.nextFire(after: Self.date(after), in: Self.utc) == Self.date(expected))
    }

    @Test func nextFireUsesTheScheduleTimeZone() throws {
        let cron = try CronExpression("0 2 * * *")
        // 02:00 in Berlin is 01:00 UTC in winter and 00:00 UTC in summer.
        #expect(cron.nextFire(after: Self.date("2026-11-22T10:00:00Z"), in: Self.berlin) == Self.date("2026-11-23T01:00:00Z"))
        #expect(cron.nextFire(after: Self.date("2026-07-01T10:00:00Z"), in: Self.berlin) == Self.date("2026-07-02T00:00:00Z"))
    }

    @Test func aTimeSkippedByDaylightSavingNeverFires() throws {
        // On 2026-03-29 Berlin jumps from 02:00 to 03:00: 02:30 does not exist that day.
        let cron = try CronExpression("30 2 * * *")
        let next = cron.nextFire(after: Self.date("2026-03-28T12:00:00Z"), in: Self.berlin)
        #expect(next == Self.date("2026-03-30T00:30:00Z"))
    }

    @Test func previousFireIsTheLastMatchAtOrBefore() throws {
        let cron = try CronExpression("0 2 * * *")
        #expect(cron.previousFire(atOrBefore: Self.date("2026-11-22T10:00:00Z"), in: Self.utc) == Self.date("2026-11-22T02:00:00Z"))
        #expect(cron.previousFire(atOrBefore: Self.date("2026-11-22T02:00:00Z"), in: Self.utc) == Self.date("2026-11-22T02:00:00Z"))
        #expect(cron.previousFire(atOrBefore: Self.date("2026-11-22T01:59:00Z"), in: Self.utc) == Self.date("2026-11-21T02:00:00Z"))
        let yearly = try CronExpression("@yearly")
        #expect(yearly.previousFire(atOrBefore: Self.date("2026-11-22T10:00:00Z"), in: Self.utc) == Self.date("2026-01-01T00:00:00Z"))
    }

    @Test func anImpossibleDateNeverFires() throws {
        let cron = try CronExpression("0 0 30 2 *")
        #expect(cron.nextFire(after: Self.date("2026-11-22T00:00:00Z"), in: Self.utc) == nil)
    }

    @Test(arguments: [
        ("0 2 * *", "has 4 fields"),
        ("60 * * * *", "minute value '60' is not in 0-59"),
        ("* 24 * * *", "hour value '24' is not in 0-23"),
        ("* * 0 * *", "day-of-month value '0' is not in 1-31"),
        ("* * * 13 *", "month value '13' is not in 1-12"),
        ("* * * * 8", "day-of-week value '8' is not in 0-7"),
        ("*/0 * * * *", "minute step '0' must be a positive number"),
        ("5-1 * * * *", "minute range '5-1' runs backwards"),
        ("* * * foo *", "month value 'foo'"),
        ("1,,2 * * * *", "minute field '1,,2' is malformed"),
    ])
    func invalidExpressionsSayWhatIsWrong(expression: String, problem: String) {
        #expect {
            try CronExpression(expression)
        } throws: { error in
            "\(error)".contains(problem)
        }
    }
}
