import Foundation

/// Identifiers that read like those in operators' logs: `run_20261122_0215_3fa91c`
/// (UTC time of creation plus random hex, so ids sort by time). Six hex digits suit what is
/// made a few times a minute (runs, incidents); what arrives by the thousand per minute
/// (notifications, events) takes more, and its store still refuses a repeated id.
package enum RecordID {
    package static func make(prefix: String, at date: Date, randomDigits: Int = 6) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let stamp = String(
            format: "%04d%02d%02d_%02d%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0,
            parts.minute ?? 0)
        let digits = min(max(randomDigits, 1), 16)
        let random = String(String(format: "%016llx", UInt64.random(in: 0...UInt64.max)).suffix(digits))
        return "\(prefix)_\(stamp)_\(random)"
    }
}
