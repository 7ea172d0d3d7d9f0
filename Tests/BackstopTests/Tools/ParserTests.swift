import Backstop
import BackstopCore
import Foundation
import Testing

@Suite struct ChecksumFileTests {
    static let hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

    @Test(arguments: [
        ("\(hex)  orders.tar.gz\n", "orders.tar.gz", hex),
        ("\(hex) *orders.tar.gz\n", "/srv/b/orders.tar.gz", hex),
        ("\(hex)\n", "anything.gz", hex),
        ("\(hex.uppercased())  ./dir/orders.tar.gz", "orders.tar.gz", hex),
        (
            "# comment\n\n0000000000000000000000000000000000000000000000000000000000000000  other.gz\n\(hex)  orders.tar.gz",
            "orders.tar.gz", hex
        ),
    ])
    func findsTheChecksum(text: String, file: String, expected: String) {
        #expect(ChecksumFile.checksum(for: file, in: text) == expected)
    }

    @Test(arguments: [
        ("\(hex)  other.gz", "orders.tar.gz"),
        ("not a checksum  orders.tar.gz", "orders.tar.gz"),
        ("abc  orders.tar.gz", "orders.tar.gz"),
        ("\(hex)\n\(hex)\n", "orders.tar.gz"),
        ("", "orders.tar.gz"),
    ])
    func reportsNothingWhenItIsNotListed(text: String, file: String) {
        #expect(ChecksumFile.checksum(for: file, in: text) == nil)
    }
}

@Suite struct DateTemplateTests {
    @Test func rendersInTheGivenTimeZone() throws {
        let date = try Date("2026-11-22T23:30:00Z", strategy: .iso8601)
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        #expect(DateTemplate.render("/b/orders-{date:%Y-%m-%d}.gz", date: date, timeZone: berlin) == "/b/orders-2026-11-23.gz")
        #expect(DateTemplate.render("/b/{date:%Y}/{date:%j-%H%M%S}-%%", date: date, timeZone: .gmt) == "/b/2026/326-233000-%%")
        #expect(DateTemplate.render("/b/{date:%y%m%d}*.gz", date: date, timeZone: .gmt) == "/b/261122*.gz")
    }

    @Test func reportsUnsupportedConversions() {
        #expect(DateTemplate.problem(in: "/b/{date:%Y-%m-%d}.gz") == nil)
        #expect(DateTemplate.problem(in: "/b/{date:%F}.gz")?.contains("unsupported date conversion") == true)
        #expect(DateTemplate.problem(in: "/b/{date:%Y.gz")?.contains("not closed") == true)
    }
}

@Suite struct RFC3339Tests {
    @Test(arguments: [
        ("2026-11-22T02:15:00Z", 1_795_313_700.0),
        ("2026-11-22T02:15:00.5Z", 1_795_313_700.5),
        ("2026-11-22T02:15:00.123456789Z", 1_795_313_700.123),
        ("2026-11-22T03:15:00+01:00", 1_795_313_700.0),
        ("2026-11-22t02:15:00z", 1_795_313_700.0),
        ("2026-11-22t02:15:00.25z", 1_795_313_700.25),
        ("2026-11-21T21:15:00.250-05:00", 1_795_313_700.25),
        ("2026-11-21T21:15:00-05:00", 1_795_313_700.0),
        ("2026-11-22T02:15:00.740Z", 1_795_313_700.74),
    ])
    func parses(text: String, seconds: Double) throws {
        let date = try #require(RFC3339.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.001)
    }

    /// Parsed times are remembered, a few hundred at most: more distinct times than that, each
    /// parsed twice, still give each its own date.
    @Test func manyDistinctTimesParsedTwiceKeepTheirOwnDates() throws {
        let texts = (0..<600).map { minute in "2026-11-22T\(10 + minute / 60):\(String(format: "%02d", minute % 60)):00.250Z" }
        for _ in 0..<2 {
            for (minute, text) in texts.enumerated() {
                let date = try #require(RFC3339.parse(text))
                #expect(date.timeIntervalSince1970 == 1_795_341_600.25 + Double(minute * 60), "\(text)")
            }
        }
    }

    @Test func parsesTheZeroTimeAlertmanagerSendsForFiringAlerts() throws {
        let date = try #require(RFC3339.parse("0001-01-01T00:00:00Z"))
        #expect(date < Date(timeIntervalSince1970: 0))
    }

    @Test(arguments: [
        "yesterday", "2026-11-22", "2026-11-22T02:15:00", "2026-11-22T02:15:00.Z", "2026-11-22T02:15:00.5", "2026-11-22T02:15:00.5x",
    ])
    func rejects(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }
}
