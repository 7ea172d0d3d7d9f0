import BackstopCore
import Foundation

/// One weekly digest: the trends of the period, named by the ISO week it covers.
package struct Digest: Sendable, Equatable, Codable {
    /// `2026-W47`: the ISO week of the period's middle.
    package var week: String
    package var generatedAt: Date
    package var trends: TrendReport
}

/// Writes digests as `reports/YYYY-Www.md` and `.json` and reads back the latest.
package struct DigestWriter: Sendable {
    package let store: any RecordStore
    package let assets: [Asset]
    package let directory: String

    package init(store: any RecordStore, assets: [Asset], directory: String) {
        self.store = store
        self.assets = assets
        self.directory = directory
    }

    /// Writes the digest of the period that ends at `end` (each file atomically) and returns it.
    @discardableResult
    package func write(endingAt end: Date, window: Duration, now: Date) async throws -> Digest {
        let start = end.addingTimeInterval(-window.seconds)
        let trends = try await store.trendReport(assets: assets, from: start, to: end)
        let digest = Digest(week: Self.week(endingAt: end, window: window), generatedAt: now, trends: trends)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let base = URL(fileURLWithPath: directory).appendingPathComponent(digest.week)
        try JSONEncoder.api.encode(digest).write(to: base.appendingPathExtension("json"), options: .atomic)
        let markdown = TrendMarkdown.render(trends, title: "Backstop weekly digest \(digest.week)")
        try Data(markdown.utf8).write(to: base.appendingPathExtension("md"), options: .atomic)
        return digest
    }

    /// Whether the digest of the period ending at `end` was written already.
    package func exists(endingAt end: Date, window: Duration) -> Bool {
        let name = Self.week(endingAt: end, window: window) + ".json"
        return FileManager.default.fileExists(atPath: URL(fileURLWithPath: directory).appendingPathComponent(name).path)
    }

    /// The newest digest's files (JSON, Markdown), by name: ISO week names sort by time.
    package func latest() -> (json: Data, markdown: String)? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory),
            let newest = names.filter({ $0.hasSuffix(".json") && $0.contains("-W") }).max()
        else { return nil }
        let base = URL(fileURLWithPath: directory).appendingPathComponent(String(newest.dropLast(".json".count)))
        guard let json = try? Data(contentsOf: base.appendingPathExtension("json")) else { return nil }
        let markdown = (try? String(contentsOf: base.appendingPathExtension("md"), encoding: .utf8)) ?? ""
        return (json, markdown)
    }

    /// The ISO 8601 week (`2026-W47`, UTC) of the period's middle: a digest written on Monday
    /// morning is named after the week that just ended, not the one that just began.
    package static func week(endingAt end: Date, window: Duration) -> String {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let middle = end.addingTimeInterval(-window.seconds / 2)
        let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: middle)
        return String(format: "%04d-W%02d", parts.yearForWeekOfYear ?? 0, parts.weekOfYear ?? 0)
    }
}
