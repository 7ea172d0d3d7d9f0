import BackstopCore
import Foundation
import Testing

@Suite struct TrendAnalyzerTests {
    static let start = Date(timeIntervalSince1970: 1_795_000_000)
    static func at(_ day: Double) -> Date { start.addingTimeInterval(day * 86_400) }

    static func inputs() -> TrendInputs {
        var inputs = TrendInputs()
        for day in 0..<10 {
            inputs.verifications.append(.init(asset: "orders-db", schedule: "nightly", failed: false, cause: nil, at: at(Double(day))))
            let failed = day % 2 == 0
            inputs.verifications.append(
                .init(asset: "users-db", schedule: "hourly", failed: failed, cause: failed ? "disk_full" : nil, at: at(Double(day))))
        }
        inputs.openings = [
            .init(incidentID: "inc_1", asset: "users-db", cause: "disk_full", at: at(0)),
            .init(incidentID: "inc_2", asset: "users-db", cause: "disk_full", at: at(4)),
            .init(incidentID: "inc_3", asset: "users-db", cause: "disk_full", at: at(8)),
            .init(incidentID: "inc_4", asset: "orders-db", cause: "lock_wait", at: at(3)),
        ]
        inputs.resolutions = [.init(asset: "users-db", seconds: 3_600), .init(asset: "users-db", seconds: 7_200)]
        // orders-db restores get slower: 10, 10, 11, 20, 30, 40 s; users-db stays at 5 s.
        for (index, seconds) in [10.0, 10, 11, 20, 30, 40].enumerated() {
            inputs.restoreTests.append(.init(asset: "orders-db", at: at(Double(index)), seconds: seconds, passed: true))
            inputs.restoreTests.append(.init(asset: "users-db", at: at(Double(index)), seconds: 5, passed: index != 2))
        }
        inputs.everRestoreTested = ["orders-db", "users-db"]
        return inputs
    }

    static let analyzer = TrendAnalyzer(assets: [("orders-db", "nightly"), ("users-db", "hourly"), ("media", "nightly")])

    @Test func failureRatesAndMTTRPerAssetWorstFirst() {
        let report = Self.analyzer.analyze(Self.inputs(), from: Self.start, to: Self.at(10))
        #expect(report.verifications == 20 && report.failures == 5)
        #expect(report.failureRate == 0.25)
        #expect(report.assets.map(\.asset) == ["users-db", "media", "orders-db"], "worst first, then by name")
        let users = report.assets.first { $0.asset == "users-db" }
        #expect(users?.failureRate == 0.5 && users?.incidents == 3 && users?.mttrSeconds == 5_400)
        #expect(report.assets.first { $0.asset == "media" }?.verifications == 0, "a configured asset never verified is listed")
        #expect(report.mttrSeconds == 5_400 && report.incidentsOpened == 4 && report.incidentsResolved == 2)
        #expect(report.schedules.map(\.schedule) == ["hourly", "nightly"])
        #expect(report.schedules.first?.failureRate == 0.5 && report.schedules.last?.verifications == 10)
    }

    @Test func theSameAssetAndCauseInSeveralIncidentsIsFlaggedRecurring() {
        let report = Self.analyzer.analyze(Self.inputs(), from: Self.start, to: Self.at(10))
        #expect(report.recurring.count == 1, "one lock_wait incident is not a pattern")
        let recurring = report.recurring.first
        #expect(recurring?.asset == "users-db" && recurring?.cause == "disk_full")
        #expect(recurring?.incidents == 3 && recurring?.failures == 5 && recurring?.last == Self.at(8))
    }

    @Test func restoresAreRankedBySpeedAndGrowth() {
        let report = Self.analyzer.analyze(Self.inputs(), from: Self.start, to: Self.at(10))
        #expect(report.slowestRestores.map(\.asset) == ["orders-db", "users-db"])
        let orders = report.slowestRestores.first
        #expect(orders?.medianSeconds == 15.5 && orders?.maxSeconds == 40 && orders?.lastSeconds == 40)
        // Latest third (30, 40) over earliest third (10, 10): 250 % slower.
        #expect(report.fastestGrowingRestores.map(\.asset) == ["orders-db"])
        #expect(orders?.growth == 2.5)
        #expect(report.slowestRestores.last?.failed == 1)
        #expect(report.neverRestoreTested == ["media"])
    }

    @Test func anEmptyPeriodIsAReportNotAnError() {
        let report = Self.analyzer.analyze(TrendInputs(), from: Self.start, to: Self.at(7))
        #expect(report.failureRate == 0 && report.mttrSeconds == nil && report.recurring.isEmpty)
        #expect(report.neverRestoreTested == ["orders-db", "users-db", "media"])
        #expect(TrendMarkdown.render(report).contains("No restore tests in this period."))
    }
}
