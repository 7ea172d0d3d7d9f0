import Backstop
import Testing

@Suite struct UnitsTests {
    @Test(arguments: [
        ("90s", 90.0), ("2h", 7_200), ("15m", 900), ("1h30m", 5_400), ("500ms", 0.5), ("7d", 604_800), ("1w", 604_800),
        ("1.5h", 5_400),
    ])
    func durations(text: String, seconds: Double) {
        #expect(Units.duration(text) == .milliseconds(Int64(seconds * 1000)))
    }

    @Test(arguments: ["", "2", "2 hours", "h", "-1h", "1x", "1h-"])
    func invalidDurations(text: String) {
        #expect(Units.duration(text) == nil)
    }

    @Test(arguments: [
        ("512", Int64(512)), ("100B", 100), ("1KiB", 1_024), ("1MiB", 1_048_576), ("50GiB", 53_687_091_200), ("1.5GB", 1_500_000_000),
        ("2 MB", 2_000_000), ("1k", 1_024), ("3TiB", 3_298_534_883_328),
    ])
    func sizes(text: String, bytes: Int64) {
        #expect(Units.bytes(text) == bytes)
    }

    @Test(arguments: ["big", "1 XB", "MiB", "-5MiB", ""])
    func invalidSizes(text: String) {
        #expect(Units.bytes(text) == nil)
    }

    @Test func percentages() {
        #expect(Units.percent("25%") == 0.25)
        #expect(Units.percent("150%") == 1.5)
        #expect(Units.percent("25") == nil)
        #expect(Units.percent("%") == nil)
    }
}
