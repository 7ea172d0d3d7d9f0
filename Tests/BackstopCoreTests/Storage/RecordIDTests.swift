import Foundation
import Testing

@testable import BackstopCore

/// Ids carry the UTC minute of their creation, as a Gregorian calendar in UTC reads it, and a
/// random hex suffix of the asked length; they sort by time.
@Suite struct RecordIDTests {
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        return calendar
    }()

    /// What Foundation's calendar says the stamp of `date` is.
    static func stamp(_ date: Date) -> String {
        let parts = utc.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let fields = [(parts.year, 4), (parts.month, 2), (parts.day, 2), (parts.hour, 2), (parts.minute, 2)].map { value, width in
            let text = String(value ?? -1)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return fields[0] + fields[1] + fields[2] + "_" + fields[3] + fields[4]
    }

    @Test(arguments: [
        "2026-11-22T02:15:59Z", "2024-02-29T23:59:00Z", "2025-12-31T23:59:59Z", "2026-01-01T00:00:00Z", "2000-03-01T09:05:00Z",
    ])
    func theStampIsTheUTCMinute(_ text: String) throws {
        let date = try #require(ISO8601DateFormatter().date(from: text))
        let id = RecordID.make(prefix: "run", at: date)
        #expect(id.hasPrefix("run_\(Self.stamp(date))_"), "\(id) for \(text)")
    }

    @Test func stampsAgreeWithTheCalendarOverManyDates() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            // 1990 to 2100, with fractions of a second.
            let date = Date(timeIntervalSince1970: Double.random(in: 631_152_000...4_102_444_800, using: &generator))
            let id = RecordID.make(prefix: "evt", at: date, randomDigits: 12)
            #expect(id.dropFirst(4).prefix(13) == Self.stamp(date), "\(id) for \(date.timeIntervalSince1970)")
        }
    }

    @Test(arguments: [1, 6, 12, 16, 40]) func theSuffixIsHexOfTheAskedLength(digits: Int) {
        let id = RecordID.make(prefix: "ntf", at: Date(), randomDigits: digits)
        let suffix = id.split(separator: "_").last.map(String.init) ?? ""
        #expect(suffix.count == min(digits, 16))
        #expect(suffix.allSatisfy(\.isHexDigit) && suffix == suffix.lowercased(), "\(id)")
    }

    @Test func idsMadeInALaterMinuteSortAfter() {
        let earlier = RecordID.make(prefix: "run", at: Date(timeIntervalSince1970: 1_795_000_000))
        let later = RecordID.make(prefix: "run", at: Date(timeIntervalSince1970: 1_795_000_060))
        #expect(earlier < later)
    }

    /// A clock set far ahead is a bad clock, not a reason to cut a digit off the year.
    @Test func aYearPast9999KeepsEveryDigit() {
        let id = RecordID.make(prefix: "run", at: Date(timeIntervalSince1970: 253_402_300_800))
        #expect(id.hasPrefix("run_100000101_0000_"), "\(id)")
    }

    /// Every suffix has exactly the asked number of hex digits, the largest ones too (a suffix
    /// of 16 digits at or over 16^15 once came out with four zeros too many).
    @Test(arguments: [
        (UInt64.max, 16, "ffffffffffffffff"), (1 << 60, 16, "1000000000000000"), (0, 16, "0000000000000000"),
        (0xabc, 12, "000000000abc"), (UInt64.max, 1, "f"),
    ])
    func suffixesAtTheEdgesKeepTheirLength(suffix: UInt64, digits: Int, expected: String) {
        let id = RecordID.make(prefix: "ntf", at: Date(timeIntervalSince1970: 0), suffix: suffix, digits: digits)
        #expect(id == "ntf_19700101_0000_\(expected)")
    }

    @Test func aYearBeforeOneIsWrittenAsZerosNotATrap() {
        let id = RecordID.make(prefix: "run", at: Date(timeIntervalSince1970: -70_000_000_000))
        #expect(id.hasPrefix("run_0000"), "\(id)")
    }
}
