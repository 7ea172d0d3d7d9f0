import Foundation

/// Finds the timestamp and level of a log line in the formats services commonly write: JSON
/// lines, RFC 3339, PostgreSQL, nginx (access and error), syslog. Lines without a timestamp
/// (stack traces, continuation lines) get none and inherit the previous line's when read.
package struct LogLineParser: Sendable {
    /// For timestamps that carry no zone (syslog, nginx error log, "2026-11-22 02:15:03").
    package var timeZone: TimeZone
    /// For syslog timestamps, which carry no year.
    package var year: Int

    package init(timeZone: TimeZone, year: Int) {
        self.timeZone = timeZone
        self.year = year
    }

    package struct Parsed: Equatable {
        package var timestamp: Date?
        package var level: String?
        package var message: String
    }

    package func parse(_ line: String) -> Parsed {
        if line.first == "{", let parsed = parseJSON(line) { return parsed }
        let level = Self.level(in: line)
        for format in Self.formats {
            guard let match = format.regex?.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)),
                let date = format.date(match, line, self)
            else { continue }
            let end = Range(match.range, in: line)?.upperBound ?? line.startIndex
            let message = line[end...].trimmingCharacters(in: .whitespaces)
            return Parsed(timestamp: date, level: level, message: format.keepsWholeLine ? line : message)
        }
        return Parsed(timestamp: nil, level: level, message: line)
    }

    // MARK: - JSON lines

    private func parseJSON(_ line: String) -> Parsed? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else { return nil }
        let timeKeys = ["time", "ts", "timestamp", "@timestamp", "t", "date"]
        var timestamp: Date?
        for key in timeKeys {
            if let text = object[key] as? String {
                timestamp = parseRFC3339(text)
            } else if let number = object[key] as? Double {
                timestamp = Date(timeIntervalSince1970: number > 1e12 ? number / 1000 : number)
            }
            if timestamp != nil { break }
        }
        let level = ["level", "lvl", "severity", "log.level"].lazy.compactMap { object[$0] as? String }.first?.lowercased()
        let message = ["msg", "message", "MESSAGE", "log"].lazy.compactMap { object[$0] as? String }.first ?? line
        return Parsed(timestamp: timestamp, level: level, message: message)
    }

    // MARK: - Text formats

    private struct Format: Sendable {
        var regex: NSRegularExpression?
        var keepsWholeLine: Bool
        var date: @Sendable (NSTextCheckingResult, String, LogLineParser) -> Date?
    }

    private static let months = [
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
    ]

    private static func group(_ match: NSTextCheckingResult, _ index: Int, _ line: String) -> String? {
        guard index < match.numberOfRanges, let range = Range(match.range(at: index), in: line) else { return nil }
        return String(line[range])
    }

    private static let formats: [Format] = [
        // 2026-11-22T02:15:03.123Z, 2026-11-22 02:15:03,123 +01:00, PostgreSQL's "2026-11-22 02:15:03.123 UTC"
        Format(
            regex: regex(
                #"^\[?(\d{4})[-/](\d{2})[-/](\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s*(Z|[+-]\d{2}:?\d{2}|[A-Z]{2,5})?\]?"#),
            keepsWholeLine: false,
            date: { match, line, parser in
                parser.date(
                    year: group(match, 1, line), month: group(match, 2, line), day: group(match, 3, line), hour: group(match, 4, line),
                    minute: group(match, 5, line), second: group(match, 6, line), fraction: group(match, 7, line),
                    zone: group(match, 8, line))
            }),
        // nginx access log: 127.0.0.1 - - [22/Nov/2026:02:15:03 +0000] "GET / HTTP/1.1" 200
        Format(
            regex: regex(#"\[(\d{2})/([A-Za-z]{3})/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})\]"#),
            keepsWholeLine: true,
            date: { match, line, parser in
                let month = group(match, 2, line).flatMap { months[$0.lowercased()] }.map(String.init)
                return parser.date(
                    year: group(match, 3, line), month: month, day: group(match, 1, line), hour: group(match, 4, line),
                    minute: group(match, 5, line), second: group(match, 6, line), fraction: nil, zone: group(match, 7, line))
            }),
        // syslog: Nov 22 02:15:03 host proc[123]: message
        Format(
            regex: regex(#"^([A-Za-z]{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})"#),
            keepsWholeLine: false,
            date: { match, line, parser in
                let month = group(match, 1, line).flatMap { months[$0.lowercased()] }.map(String.init)
                return parser.date(
                    year: String(parser.year), month: month, day: group(match, 2, line), hour: group(match, 3, line),
                    minute: group(match, 4, line), second: group(match, 5, line), fraction: nil, zone: nil)
            }),
    ]

    /// Constant patterns, each exercised by the parser's tests.
    private static func regex(_ pattern: String) -> NSRegularExpression? {
        try? NSRegularExpression(pattern: pattern)
    }

    private func date(
        year: String?, month: String?, day: String?, hour: String?, minute: String?, second: String?, fraction: String?, zone: String?
    ) -> Date? {
        guard let year = year.flatMap(Int.init), let month = month.flatMap(Int.init), let day = day.flatMap(Int.init),
            let hour = hour.flatMap(Int.init), let minute = minute.flatMap(Int.init), let second = second.flatMap(Int.init)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone.flatMap(Self.timeZone(from:)) ?? timeZone
        guard
            let whole = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))
        else { return nil }
        let fractionSeconds = fraction.flatMap { Double("0.\($0)") } ?? 0
        return whole.addingTimeInterval(fractionSeconds)
    }

    private static func timeZone(from text: String) -> TimeZone? {
        if text == "Z" { return TimeZone(identifier: "UTC") }
        if text.first == "+" || text.first == "-" {
            let digits = text.dropFirst().filter(\.isNumber)
            guard digits.count == 4, let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2)) else { return nil }
            return TimeZone(secondsFromGMT: (text.first == "-" ? -1 : 1) * (hours * 3600 + minutes * 60))
        }
        return TimeZone(abbreviation: text)
    }

    private func parseRFC3339(_ text: String) -> Date? {
        let parsed = parse(text)
        return parsed.timestamp
    }

    // MARK: - Levels

    private static let levelRegex = regex(
        #"(?i:\b(?:level|lvl|severity)=)"?([A-Za-z]+)|\b(ERROR|FATAL|PANIC|CRITICAL|CRIT|WARNING|WARN|NOTICE|INFO|DEBUG|LOG)\b:?|\[(error|crit|alert|emerg|warn|notice|info|debug)\]"#
    )

    package static func level(in line: String) -> String? {
        guard let match = levelRegex?.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) else { return nil }
        return (group(match, 1, line) ?? group(match, 2, line) ?? group(match, 3, line))?.lowercased()
    }
}
