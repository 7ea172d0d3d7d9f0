import Foundation

/// Renders a ``TrendReport`` as Markdown for people (the weekly digest, `backstop trends`).
package enum TrendMarkdown {
    package static func render(_ report: TrendReport, title: String? = nil) -> String {
        var out = "# \(title ?? "Backup trends") — \(day(report.from)) to \(day(report.to))\n\n"
        out +=
            "- **Verified backups:** \(report.verifications), **failed:** \(report.failures) (\(ReadableText.percent(report.failureRate)))\n"
        out += "- **Incidents:** \(report.incidentsOpened) opened, \(report.incidentsResolved) resolved"
        out += report.mttrSeconds.map { ", mean time to resolve \(ReadableText.duration($0))" } ?? ""
        out += "\n\n"

        out += "## Recurring causes\n\n"
        if report.recurring.isEmpty {
            out += "None: no asset failed with the same cause in two incidents.\n\n"
        } else {
            out += "The same asset and cause in several incidents: fix the cause behind the pattern.\n\n"
            out += "| Asset | Cause | Incidents | Failed verifications | Last |\n|---|---|---|---|---|\n"
            for entry in report.recurring {
                out += "| \(entry.asset) | \(entry.cause) | \(entry.incidents) | \(entry.failures) | \(day(entry.last)) |\n"
            }
            out += "\n"
        }

        out +=
            "## Failure rate by asset\n\n| Asset | Schedule | Verified | Failed | Rate | Incidents | MTTR |\n|---|---|---|---|---|---|---|\n"
        for asset in report.assets {
            out +=
                "| \(asset.asset) | \(asset.schedule) | \(asset.verifications) | \(asset.failures) | \(ReadableText.percent(asset.failureRate)) | \(asset.incidents) | \(asset.mttrSeconds.map(ReadableText.duration) ?? "—") |\n"
        }

        out += "\n## Slowest restores\n\n"
        out += restoreTable(report.slowestRestores, empty: "No restore tests in this period.")
        out += "\n## Restores getting slower\n\n"
        out += restoreTable(
            report.fastestGrowingRestores, empty: "None: no restore got slower (or fewer than 3 tests per asset).")
        out += "\n## Never restore-tested\n\n"
        out +=
            report.neverRestoreTested.isEmpty
            ? "Every asset has been restored at least once.\n"
            : "No restore test in the whole record, so nothing proves these backups can be restored:\n\n"
                + report.neverRestoreTested.map { "- \($0)\n" }.joined()
        return out
    }

    private static func restoreTable(_ trends: [TrendReport.RestoreTrend], empty: String) -> String {
        guard !trends.isEmpty else { return empty + "\n" }
        var out = "| Asset | Tests | Failed | Median | Max | Last | Growth |\n|---|---|---|---|---|---|---|\n"
        for trend in trends {
            let growth = trend.growth.map { ($0 >= 0 ? "+" : "") + ReadableText.percent($0) } ?? "—"
            out +=
                "| \(trend.asset) | \(trend.tests) | \(trend.failed) | \(seconds(trend.medianSeconds)) | \(seconds(trend.maxSeconds)) | \(seconds(trend.lastSeconds)) | \(growth) |\n"
        }
        return out
    }

    static func seconds(_ value: Double) -> String { value < 10 ? String(format: "%.1f s", value) : "\(Int(value.rounded())) s" }

    static func day(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle().year().month().day().dateSeparator(.dash))
    }
}
