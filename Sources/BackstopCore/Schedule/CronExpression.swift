import Foundation

/// A standard five-field cron expression (minute hour day-of-month month day-of-week).
///
/// Written here because none of the packages Backstop may depend on parses cron. Supports `*`,
/// lists, ranges, steps, month and weekday names, and the `@hourly`/`@daily`/`@weekly`/
/// `@monthly`/`@yearly` macros. As in Vixie cron, when both day fields are restricted a day
/// matches if either does.
package struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    package let description: String
    let minutes: Set<Int>
    let hours: Set<Int>
    let daysOfMonth: Set<Int>
    let months: Set<Int>
    /// 0 = Sunday … 6 = Saturday (7 is folded into 0 when parsing).
    let daysOfWeek: Set<Int>
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool

    package init(_ text: String) throws(CronError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let expanded = Self.macros[trimmed.lowercased()] ?? trimmed
        let fields = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw CronError(
                expression: text,
                problem: "has \(fields.count) fields; expected 5 (minute hour day-of-month month day-of-week) or a macro like @daily"
            )
        }
        description = trimmed
        minutes = try Self.parseField(fields[0], name: "minute", range: 0...59, names: [:], expression: text)
        hours = try Self.parseField(fields[1], name: "hour", range: 0...23, names: [:], expression: text)
        daysOfMonth = try Self.parseField(
            fields[2], name: "day-of-month", range: 1...31, names: [:], expression: text)
        months = try Self.parseField(fields[3], name: "month", range: 1...12, names: Self.monthNames, expression: text)
        let weekdays = try Self.parseField(
            fields[4], name: "day-of-week", range: 0...7, names: Self.weekdayNames, expression: text)
        daysOfWeek = Set(weekdays.map { $0 == 7 ? 0 : $0 })
        dayOfMonthRestricted = !fields[2].hasPrefix("*")
        dayOfWeekRestricted = !fields[4].hasPrefix("*")
    }

    // MARK: - Matching

    /// The first minute strictly after `date` that matches, or nil when none does within five years.
    package func nextFire(after date: Date, in timeZone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var candidate = Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 60).rounded(.down) * 60 + 60)
        let limit = date.addingTimeInterval(5 * 366 * 86_400)
        while candidate <= limit {
            let parts = calendar.dateComponents([.month, .day, .hour, .minute, .weekday], from: candidate)
            guard let month = parts.month, let day = parts.day, let hour = parts.hour,
                let minute = parts.minute, let weekday = parts.weekday
            else { return nil }
            let minutesLeftInHour = Double(60 - minute) * 60
            if !months.contains(month) || !dayMatches(day: day, weekday: weekday - 1) {
                candidate = Self.startOfNextDay(after: candidate, calendar: calendar)
            } else if !hours.contains(hour) {
                candidate = candidate.addingTimeInterval(minutesLeftInHour)
            } else if !minutes.contains(minute) {
                candidate = candidate.addingTimeInterval(60)
            } else {
                return candidate
            }
        }
        return nil
    }

    /// The last matching minute at or before `date`, or nil when none within five years.
    package func previousFire(atOrBefore date: Date, in timeZone: TimeZone) -> Date? {
        let lookbacks: [TimeInterval] = [3_600, 2 * 86_400, 40 * 86_400, 400 * 86_400, 5 * 366 * 86_400]
        for lookback in lookbacks {
            guard var fire = nextFire(after: date.addingTimeInterval(-lookback - 1), in: timeZone),
                fire <= date
            else { continue }
            while let next = nextFire(after: fire, in: timeZone), next <= date {
                fire = next
            }
            return fire
        }
        return nil
    }

    private func dayMatches(day: Int, weekday: Int) -> Bool {
        let domMatches = daysOfMonth.contains(day)
        let dowMatches = daysOfWeek.contains(weekday)
        if dayOfMonthRestricted && dayOfWeekRestricted { return domMatches || dowMatches }
        return domMatches && dowMatches
    }

    private static func startOfNextDay(after date: Date, calendar: Calendar) -> Date {
        let start = calendar.startOfDay(for: date)
        if let next = calendar.date(byAdding: .day, value: 1, to: start), next > date { return next }
        // A time zone whose midnight is skipped or repeated: fall back to plain minute steps.
        return date.addingTimeInterval(60)
    }

    // MARK: - Parsing

    private static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]
    private static let monthNames = [
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
        "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
    ]
    private static let weekdayNames = ["sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6]

    private static func parseField(
        _ field: String, name: String, range: ClosedRange<Int>, names: [String: Int], expression: String
    ) throws(CronError) -> Set<Int> {
        var values = Set<Int>()
        for part in field.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2, let rangeText = pieces.first, !rangeText.isEmpty else {
                throw CronError(expression: expression, problem: "\(name) field '\(field)' is malformed")
            }
            var step = 1
            if pieces.count == 2 {
                guard let parsed = Int(pieces[1]), parsed > 0 else {
                    throw CronError(expression: expression, problem: "\(name) step '\(pieces[1])' must be a positive number")
                }
                step = parsed
            }
            let bounds: ClosedRange<Int>
            if rangeText == "*" {
                bounds = range
            } else if let dash = rangeText.firstIndex(of: "-") {
                let low = try value(rangeText[..<dash], name: name, range: range, names: names, expression: expression)
                let high = try value(
                    rangeText[rangeText.index(after: dash)...], name: name, range: range, names: names,
                    expression: expression)
                guard low <= high else {
                    throw CronError(expression: expression, problem: "\(name) range '\(rangeText)' runs backwards")
                }
                bounds = low...high
            } else {
                let single = try value(rangeText, name: name, range: range, names: names, expression: expression)
                bounds = single...(pieces.count == 2 ? range.upperBound : single)
            }
            values.formUnion(stride(from: bounds.lowerBound, through: bounds.upperBound, by: step))
        }
        return values
    }

    private static func value(
        _ text: Substring, name: String, range: ClosedRange<Int>, names: [String: Int], expression: String
    ) throws(CronError) -> Int {
        if let number = Int(text), range.contains(number) { return number }
        if let named = names[text.lowercased()] { return named }
        throw CronError(
            expression: expression,
            problem: "\(name) value '\(text)' is not in \(range.lowerBound)-\(range.upperBound)"
        )
    }
}

/// A cron expression that cannot be parsed, with what is wrong in it.
package struct CronError: Error, Equatable, CustomStringConvertible {
    package var expression: String
    package var problem: String
    package var description: String { "cron expression '\(expression)' \(problem)" }
}
