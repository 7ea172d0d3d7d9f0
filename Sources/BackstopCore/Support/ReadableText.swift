import Foundation

/// How reports, comments and digests write numbers for people.
package enum ReadableText {
    /// "45 min", "5 h", "3 d": the unit an on-call person thinks in.
    package static func duration(_ seconds: TimeInterval) -> String {
        let minutes = Int(seconds / 60)
        if minutes < 120 { return "\(minutes) min" }
        let hours = minutes / 60
        return hours < 48 ? "\(hours) h" : "\(hours / 24) d"
    }

    /// 0.257 → "26 %".
    package static func percent(_ value: Double) -> String { "\(Int((value * 100).rounded())) %" }
}
