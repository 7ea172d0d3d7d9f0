import BackstopCore
import Foundation

/// Reads services' logs from files: a path template per source (`/var/log/{service}/*.log`),
/// plain text in the common timestamp formats or JSON lines. Only the tail of each file is read
/// (`tailBytes`), so a multi-gigabyte log costs no more than its recent part.
package struct FileLogSource: LogSource {
    package var pathTemplate: String
    package var timeZone: TimeZone
    package var tailBytes: Int

    package init(pathTemplate: String, timeZone: TimeZone, tailBytes: Int = 32 << 20) {
        self.pathTemplate = pathTemplate
        self.timeZone = timeZone
        self.tailBytes = tailBytes
    }

    package var name: String { "file \(pathTemplate)" }

    package func lines(of service: String, from start: Date, to end: Date, limit: Int) async throws(LogSourceError) -> [LogLine] {
        let pattern = pathTemplate.replacingOccurrences(of: "{service}", with: service)
        let files: [String]
        do {
            files = try Glob.paths(matching: pattern)
        } catch {
            throw LogSourceError("\(name): \(error.message)")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parser = LogLineParser(timeZone: timeZone, year: calendar.component(.year, from: end))
        var result: [LogLine] = []
        for file in files {
            let text: String
            do {
                text = try Self.tail(of: file, bytes: tailBytes)
            } catch {
                throw LogSourceError("\(name): cannot read \(file): \(error.localizedDescription)")
            }
            var current: Date?
            var level: String?
            for raw in text.split(whereSeparator: \.isNewline) {
                let parsed = parser.parse(String(raw))
                if let timestamp = parsed.timestamp {
                    current = timestamp
                    level = parsed.level
                }
                guard let timestamp = current, timestamp >= start, timestamp <= end else { continue }
                result.append(
                    LogLine(timestamp: timestamp, service: service, source: "file", text: parsed.message, level: parsed.level ?? level))
            }
        }
        result.sort { $0.timestamp < $1.timestamp }
        return Array(result.suffix(limit))
    }

    private static func tail(of path: String, bytes: Int) throws -> String {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        let offset = size > UInt64(bytes) ? size - UInt64(bytes) : 0
        try handle.seek(toOffset: offset)
        var text = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
        if offset > 0, let newline = text.firstIndex(of: "\n") { text = String(text[text.index(after: newline)...]) }
        return text
    }
}
