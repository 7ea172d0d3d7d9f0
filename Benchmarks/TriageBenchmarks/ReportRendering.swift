import BackstopCore
import Foundation

/// The report an alert opens or joins an incident with, as `Benchmarks/webhook-ingest.py`'s
/// notifications make it (alert-report.json, taken from that benchmark's record): triage renders
/// one per notification, as Markdown and JSON.
enum ReportRendering {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("alert-report.json")

    static func alertReport() throws -> IncidentReport {
        let decoder = JSONDecoder.record
        // The encoder's `convertToSnakeCase` made `run_id` of `runID`, which `convertFromSnakeCase`
        // would read as `runId`.
        decoder.keyDecodingStrategy = .custom { path in
            let key = path.last?.stringValue ?? ""
            // An enum case's unnamed value (`_0`) is no snake-cased word.
            if key.hasPrefix("_") { return Key(stringValue: key) }
            let words = key.split(separator: "_")
            let tail = words.dropFirst().map { $0 == "id" ? "ID" : $0.prefix(1).uppercased() + $0.dropFirst() }
            return Key(stringValue: (words.first.map(String.init) ?? "") + tail.joined())
        }
        return try decoder.decode(IncidentReport.self, from: Data(contentsOf: path))
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
