import Foundation

/// RFC 3339 times with 0–9 fraction digits, as backup tools and Alertmanager write them.
package enum RFC3339 {
    package static func parse(_ text: String) -> Date? {
        // ISO8601 parsing takes at most millisecond fractions; trim longer ones first.
        var trimmed = text
        if let dot = text.firstIndex(of: "."),
            let zone = text[dot...].firstIndex(where: { $0 == "Z" || $0 == "z" || $0 == "+" || $0 == "-" })
        {
            let digits = text[text.index(after: dot)..<zone]
            guard digits.allSatisfy(\.isNumber), !digits.isEmpty else { return nil }
            trimmed = String(text[..<dot]) + "." + digits.prefix(3).padding(toLength: 3, withPad: "0", startingAt: 0) + text[zone...]
        }
        let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        let plain = Date.ISO8601FormatStyle()
        return (try? withFraction.parse(trimmed.uppercased())) ?? (try? plain.parse(trimmed.uppercased()))
    }

    package static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false))
    }
}
