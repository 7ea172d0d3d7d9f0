import BackstopCore
import Foundation

/// A time as the pages show it: relative ("3 h ago") with the absolute UTC time on hover and in
/// the `datetime` attribute, so a reader at 3 a.m. sees age first and can still quote the time.
struct TimeView: Sendable {
    var iso: String
    var relative: String

    init(_ date: Date, now: Date) {
        iso = RFC3339.format(date)
        relative = Self.relative(date, now: now)
    }

    static func relative(_ date: Date, now: Date) -> String {
        let seconds = now.timeIntervalSince(date)
        let magnitude = abs(seconds)
        let text: String
        switch magnitude {
        case ..<45: return "just now"
        case ..<3_600: text = "\(Int((magnitude / 60).rounded())) min"
        case ..<86_400: text = "\(Int((magnitude / 3_600).rounded())) h"
        default: text = "\(Int((magnitude / 86_400).rounded())) d"
        }
        return seconds >= 0 ? "\(text) ago" : "in \(text)"
    }

    /// "42 s", "3.5 min", "1.2 h": short durations for tables and chart labels.
    static func duration(_ seconds: Double) -> String {
        switch seconds {
        case ..<60: String(format: "%.1f s", seconds)
        case ..<3_600: String(format: "%.1f min", seconds / 60)
        default: String(format: "%.1f h", seconds / 3_600)
        }
    }
}

/// Percent-encodes one path segment for links (Mustache then escapes it for HTML).
enum PagePath {
    private static let segment = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))

    static func asset(_ name: String) -> String { "/assets/" + encode(name) }
    static func run(_ id: String) -> String { "/runs/" + encode(id) }
    static func incident(_ id: String) -> String { "/incidents/" + encode(id) }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: segment) ?? text
    }
}
