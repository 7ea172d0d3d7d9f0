import Foundation

/// Expands `{date:FORMAT}` placeholders in artifact paths, FORMAT using strftime's common
/// conversions (%Y %m %d %H %M %S %y %j %%), e.g. `orders-{date:%Y-%m-%d}.sql.gz`.
///
/// Written by hand because Foundation's formatters use a different pattern language and
/// strftime depends on the process's TZ; the schedule's time zone must decide the date.
package enum DateTemplate {
    package static func containsPlaceholder(_ path: String) -> Bool { path.contains("{date:") }

    package static func render(_ path: String, date: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let dayOfYear = calendar.ordinality(of: .day, in: .year, for: date) ?? 0
        var result = ""
        var rest = Substring(path)
        while let open = rest.range(of: "{date:") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                rest = rest[open.lowerBound...]
                break
            }
            result += expand(rest[open.upperBound..<close], parts: parts, dayOfYear: dayOfYear)
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    /// Checks a format for conversions this expander does not know; nil when it is fine.
    package static func problem(in path: String) -> String? {
        var rest = Substring(path)
        while let open = rest.range(of: "{date:") {
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                return "'{date:' is not closed with '}'"
            }
            var format = rest[open.upperBound..<close].makeIterator()
            while let character = format.next() {
                guard character == "%" else { continue }
                guard let conversion = format.next(), "YmdHMSyj%".contains(conversion) else {
                    return "unsupported date conversion in '\(rest[open.lowerBound...close])'; use %Y %m %d %H %M %S %y %j"
                }
            }
            rest = rest[rest.index(after: close)...]
        }
        return nil
    }

    private static func expand(_ format: Substring, parts: DateComponents, dayOfYear: Int) -> String {
        var output = ""
        var iterator = format.makeIterator()
        while let character = iterator.next() {
            guard character == "%", let conversion = iterator.next() else {
                output.append(character)
                continue
            }
            switch conversion {
            case "Y": output += String(format: "%04d", parts.year ?? 0)
            case "y": output += String(format: "%02d", (parts.year ?? 0) % 100)
            case "m": output += String(format: "%02d", parts.month ?? 0)
            case "d": output += String(format: "%02d", parts.day ?? 0)
            case "H": output += String(format: "%02d", parts.hour ?? 0)
            case "M": output += String(format: "%02d", parts.minute ?? 0)
            case "S": output += String(format: "%02d", parts.second ?? 0)
            case "j": output += String(format: "%03d", dayOfYear)
            default: output += "%\(conversion)"
            }
        }
        return output
    }
}
