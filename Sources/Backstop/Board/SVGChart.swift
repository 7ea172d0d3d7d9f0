import BackstopCore
import Foundation

/// Geometry for the server-rendered SVG charts. Hand-written because no package in reach draws
/// SVG charts on the server (Plot and Mustache write markup, not scales); the markup itself comes
/// from the Mustache templates, so every label is escaped there.
struct ChartFrame: Sendable {
    static let width = 640.0
    static let height = 200.0
    static let left = 56.0
    static let right = 12.0
    static let top = 12.0
    static let bottom = 28.0

    var minX: Double
    var maxX: Double
    var maxY: Double

    func x(_ value: Double) -> Double {
        let span = maxX - minX
        let plot = Self.width - Self.left - Self.right
        return Self.rounded(Self.left + (span > 0 ? (value - minX) / span * plot : plot / 2))
    }

    func y(_ value: Double) -> Double {
        let plot = Self.height - Self.top - Self.bottom
        return Self.rounded(Self.top + plot - (maxY > 0 ? value / maxY * plot : 0))
    }

    static func rounded(_ value: Double) -> Double { (value * 10).rounded() / 10 }
}

/// A line chart with one point per measurement; each point has a tooltip and may link somewhere.
struct LineChartView: Sendable {
    struct Point: Sendable {
        var cx: Double
        var cy: Double
        var css: String
        var title: String
        var href: String?
        /// For the data table beside the chart.
        var when: String
        var value: String
    }

    var caption: String
    var points: [Point]
    var polyline: String
    var yMaxLabel: String
    var xStartLabel: String
    var xEndLabel: String
    /// Stored, not computed: Mustache reads values through reflection.
    var empty: Bool
    let width = ChartFrame.width
    let height = ChartFrame.height
    let plotLeft = ChartFrame.left
    let plotBottom = ChartFrame.height - ChartFrame.bottom
    let plotRight = ChartFrame.width - ChartFrame.right
    let labelY = ChartFrame.height - 8

    /// `values` in time order; `format` renders a value for labels.
    init(
        caption: String, values: [(at: Date, value: Double, css: String, href: String?)], format: (Double) -> String
    ) {
        self.caption = caption
        let times = values.map(\.at.timeIntervalSince1970)
        let frame = ChartFrame(minX: times.min() ?? 0, maxX: times.max() ?? 1, maxY: (values.map(\.value).max() ?? 0) * 1.1)
        let points = values.map { item in
            let when = RFC3339.format(item.at)
            return Point(
                cx: frame.x(item.at.timeIntervalSince1970), cy: frame.y(item.value), css: item.css,
                title: "\(when): \(format(item.value))", href: item.href, when: when, value: format(item.value))
        }
        self.points = points
        polyline = points.map { "\($0.cx),\($0.cy)" }.joined(separator: " ")
        yMaxLabel = format(frame.maxY)
        xStartLabel = values.first.map { Self.day($0.at) } ?? ""
        xEndLabel = values.last.map { Self.day($0.at) } ?? ""
        empty = points.isEmpty
    }

    static func day(_ date: Date) -> String { String(RFC3339.format(date).prefix(10)) }
}

/// Failures per UTC day, stacked by cause; colour and legend text name the cause.
struct StackedBarChartView: Sendable {
    struct Segment: Sendable {
        var x: Double
        var y: Double
        var width: Double
        var height: Double
        var css: String
        var title: String
    }

    struct LegendEntry: Sendable {
        var css: String
        var cause: String
        var total: Int
    }

    struct Row: Sendable {
        var day: String
        var cause: String
        var count: Int
    }

    var caption: String
    var segments: [Segment]
    var legend: [LegendEntry]
    var rows: [Row]
    var yMaxLabel: String
    var xStartLabel: String
    var xEndLabel: String
    var empty: Bool
    let width = ChartFrame.width
    let height = ChartFrame.height
    let plotLeft = ChartFrame.left
    let plotBottom = ChartFrame.height - ChartFrame.bottom
    let plotRight = ChartFrame.width - ChartFrame.right
    let labelY = ChartFrame.height - 8

    init(caption: String, failures: [DailyFailures], from: Date, days: Int) {
        self.caption = caption
        let causes = FailureCause.allCases.map(\.rawValue)
        func css(_ cause: String) -> String { "c\(causes.firstIndex(of: cause) ?? causes.count - 1)" }
        let start = (from.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
        var perDay: [Double: Int] = [:]
        for failure in failures { perDay[failure.day.timeIntervalSince1970, default: 0] += failure.count }
        let frame = ChartFrame(minX: 0, maxX: Double(days), maxY: Double(perDay.values.max() ?? 0))
        let slot = (ChartFrame.width - ChartFrame.left - ChartFrame.right) / Double(days)
        var stacked: [Double: Int] = [:]
        let segments = failures.map { failure in
            let dayIndex = (failure.day.timeIntervalSince1970 - start) / 86_400
            let below = stacked[failure.day.timeIntervalSince1970, default: 0]
            stacked[failure.day.timeIntervalSince1970] = below + failure.count
            let top = frame.y(Double(below + failure.count))
            return Segment(
                x: ChartFrame.rounded(frame.x(dayIndex) + 1), y: top, width: ChartFrame.rounded(max(slot - 2, 1)),
                height: ChartFrame.rounded(frame.y(Double(below)) - top), css: css(failure.cause),
                title: "\(LineChartView.day(failure.day)): \(failure.count) \(failure.cause)")
        }
        self.segments = segments
        var totals: [String: Int] = [:]
        for failure in failures { totals[failure.cause, default: 0] += failure.count }
        legend = totals.keys.sorted().map { LegendEntry(css: css($0), cause: $0, total: totals[$0] ?? 0) }
        rows = failures.map { Row(day: LineChartView.day($0.day), cause: $0.cause, count: $0.count) }
        yMaxLabel = String(perDay.values.max() ?? 0)
        xStartLabel = LineChartView.day(Date(timeIntervalSince1970: start))
        xEndLabel = LineChartView.day(Date(timeIntervalSince1970: start + Double(days - 1) * 86_400))
        empty = segments.isEmpty
    }
}
