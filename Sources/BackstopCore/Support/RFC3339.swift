import Foundation
import Synchronization

/// RFC 3339 times with 0–9 fraction digits, as backup tools and Alertmanager write them.
package enum RFC3339 {
    // Built once: the webhook parses each alert's times, and building the styles per call showed
    // in its profile.
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let plain = Date.ISO8601FormatStyle()

    /// Texts parsed lately, with their dates. An alert storm's notifications carry the same few
    /// times over and over (a rule's alerts start at the evaluation that fired them), and
    /// Foundation's parse was 4% of the webhook's CPU. A text always gives the same date, so a
    /// remembered one is exact; emptied when full, it stays under 20 KB.
    private static let recent = Mutex<[String: Date]>([:])
    private static let recentCapacity = 256

    package static func parse(_ text: String) -> Date? {
        if let known = recent.withLock({ $0[text] }) { return known }
        guard let date = parseAnew(text) else { return nil }
        recent.withLock { recent in
            if recent.count >= recentCapacity { recent.removeAll(keepingCapacity: true) }
            recent[text] = date
        }
        return date
    }

    private static func parseAnew(_ text: String) -> Date? {
        // Foundation's style wants an upper-case `T` and `Z`; RFC 3339 allows lower case.
        let upper = text.utf8.contains { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") } ? text.uppercased() : text
        guard let dot = upper.firstIndex(of: ".") else { return try? plain.parse(upper) }
        // ISO8601 parsing takes at most millisecond fractions; trim longer ones first.
        guard let zone = upper[dot...].firstIndex(where: { $0 == "Z" || $0 == "+" || $0 == "-" }) else { return nil }
        let digits = upper[upper.index(after: dot)..<zone]
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        guard digits.utf8.count != 3 else { return try? withFraction.parse(upper) }
        // Built from Swift strings: Foundation's `padding(toLength:)` goes through NSString, which
        // showed in the webhook's profile (Alertmanager writes nine digits).
        let milliseconds = digits.prefix(3) + String(repeating: "0", count: max(0, 3 - digits.utf8.count))
        let trimmed = upper[..<dot] + "." + milliseconds + upper[zone...]
        return try? withFraction.parse(String(trimmed))
    }

    package static func format(_ date: Date) -> String {
        date.formatted(plain)
    }
}
