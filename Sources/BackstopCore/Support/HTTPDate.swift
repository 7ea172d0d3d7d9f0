import Foundation

/// HTTP's date format (IMF-fixdate, RFC 9110 §5.6.7): `Sun, 22 Nov 2026 02:30:00 GMT`, as in
/// S3's `Last-Modified` and a tracker's `Retry-After`.
package enum HTTPDate {
    /// Nil when `text` is not such a date. A formatter per call: `DateFormatter` is not Sendable,
    /// and each caller reads one header per request, far off any hot path.
    package static func parse(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
