/// Parsers for the human units used in configuration: durations (`90s`, `2h`, `1h30m`, `7d`),
/// byte sizes (`512MiB`, `1.5GB`) and percentages (`25%`).
///
/// Written by hand: Yams decodes scalars but knows no units, and these follow Prometheus'
/// duration syntax that operators already write in `prometheus.yml`.
package enum Units {
    private static let durationUnits: [(String, Double)] = [
        ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3_600), ("d", 86_400), ("w", 604_800), ("y", 31_536_000),
    ]

    /// The longest duration accepted: far beyond any backup window or timeout, and far below
    /// what `Duration` and the scheduler's date arithmetic can hold.
    package static let maximumDuration: Duration = .seconds(100 * 31_536_000)
    package static let maximumDurationText = "100y"

    /// A duration no longer than ``maximumDuration``; nil when malformed or longer.
    package static func duration(_ text: String) -> Duration? {
        guard let seconds = durationSeconds(text), seconds <= Double(maximumDuration.components.seconds) else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// The duration in seconds, however long (finite), or nil when malformed.
    package static func durationSeconds(_ text: String) -> Double? {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        guard !rest.isEmpty else { return nil }
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unitText = rest.prefix { $0.isLetter }
            guard let unit = durationUnits.first(where: { $0.0 == unitText }) else { return nil }
            rest = rest.dropFirst(unitText.count)
            total += value * unit.1
        }
        return total.isFinite ? total : nil
    }

    private static let sizeUnits: [String: Double] = [
        "": 1, "b": 1,
        "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12, "pb": 1e15,
        "k": 1024, "kib": 1024, "m": 1_048_576, "mib": 1_048_576, "g": 1_073_741_824, "gib": 1_073_741_824,
        "t": 1_099_511_627_776, "tib": 1_099_511_627_776, "pib": 1_125_899_906_842_624,
    ]

    package static func bytes(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let number = trimmed.prefix { $0.isNumber || $0 == "." }
        guard let value = Double(number), value.isFinite, value >= 0 else { return nil }
        let unit = trimmed.dropFirst(number.count).trimmingCharacters(in: .whitespaces).lowercased()
        guard let multiplier = sizeUnits[unit] else { return nil }
        let result = value * multiplier
        return result < Double(Int64.max) ? Int64(result.rounded()) : nil
    }

    /// `25%` → 0.25.
    package static func percent(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasSuffix("%"), let value = Double(trimmed.dropLast()), value.isFinite, value >= 0 else { return nil }
        return value / 100
    }
}
