import Foundation

/// Identifiers that read like those in operators' logs: `run_20261122_0215_3fa91c`
/// (UTC time of creation plus random hex, so ids sort by time and never collide in practice).
package enum RecordID {
    package static func make(prefix: String, at date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let stamp = String(
            format: "%04d%02d%02d_%02d%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0,
            parts.minute ?? 0)
        let random = String(format: "%06x", UInt32.random(in: 0..<0x100_0000))
        return "\(prefix)_\(stamp)_\(random)"
    }
}
