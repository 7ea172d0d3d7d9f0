/// Writes metric families in the Prometheus text format 0.0.4, straight from Backstop's state,
/// one byte array per family (so a change re-renders only the families it touches).
///
/// Counters and whole-numbered gauges are written as integers (`1`, not `1.0`: two bytes per
/// sample, 20,000 per scrape at 10,000 assets); other gauges, histogram sums and bounds as
/// Swift's `Double` description.
struct ExpositionWriter {
    enum Kind: String {
        case counter, gauge, histogram
    }

    enum Value {
        case int(Int)
        case double(Double)
    }

    /// Rendered families by name; an empty array is a family without samples, which is not
    /// shown (no `# HELP` without a sample, as the registry did).
    private(set) var families: [String: [UInt8]] = [:]
    private var name = ""
    private var bytes: [UInt8] = []
    private var samples = 0

    /// Starts a family with its `# HELP` and `# TYPE` lines.
    mutating func begin(_ metric: (String, String), _ kind: Kind) {
        name = metric.0
        bytes = []
        samples = 0
        bytes.append(contentsOf: "# HELP \(metric.0) ".utf8)
        // Help text escapes backslash and line feed (text format 0.0.4).
        for byte in metric.1.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\n"): bytes.append(contentsOf: #"\n"#.utf8)
            default: bytes.append(byte)
            }
        }
        bytes.append(contentsOf: "\n# TYPE \(metric.0) \(kind.rawValue)\n".utf8)
    }

    /// Ends the family started last.
    mutating func end() {
        families[name] = samples > 0 ? bytes : []
    }

    /// One sample; labels in key order, and samples in ``LabelOrder`` order (the caller's job).
    mutating func sample(_ labels: [(String, String)], _ value: Value) {
        samples += 1
        bytes.append(contentsOf: name.utf8)
        Self.appendLabels(labels, to: &bytes)
        bytes.append(UInt8(ascii: " "))
        Self.append(value, to: &bytes)
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Samples in any order: sorted here by their rendered labels. For small families only; the
    /// per-asset ones iterate assets in ``LabelOrder`` order instead of sorting lines.
    mutating func sortedSamples(_ rows: [([(String, String)], Value)]) {
        let rendered = rows.map { row -> ([UInt8], Value) in
            var labels: [UInt8] = []
            Self.appendLabels(row.0, to: &labels)
            return (labels, row.1)
        }
        for (labels, value) in rendered.sorted(by: { $0.0.lexicographicallyPrecedes($1.0) }) {
            samples += 1
            bytes.append(contentsOf: name.utf8)
            bytes.append(contentsOf: labels)
            bytes.append(UInt8(ascii: " "))
            Self.append(value, to: &bytes)
            bytes.append(UInt8(ascii: "\n"))
        }
    }

    /// A label-less histogram: cumulative buckets with `le`, `+Inf`, `_sum` and `_count`.
    mutating func histogram(_ histogram: HistogramCounts) {
        samples += 1
        for (bound, count) in zip(histogram.bounds, histogram.cumulativeCounts) {
            bytes.append(contentsOf: "\(name)_bucket{le=\"\(bound.description)\"} \(count)\n".utf8)
        }
        bytes.append(contentsOf: "\(name)_bucket{le=\"+Inf\"} \(histogram.count)\n".utf8)
        bytes.append(contentsOf: "\(name)_sum \(histogram.sum.description)\n".utf8)
        bytes.append(contentsOf: "\(name)_count \(histogram.count)\n".utf8)
    }

    static func appendLabels(_ labels: [(String, String)], to bytes: inout [UInt8]) {
        guard !labels.isEmpty else { return }
        bytes.append(UInt8(ascii: "{"))
        for (index, (key, value)) in labels.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: key.utf8)
            bytes.append(contentsOf: #"=""#.utf8)
            appendEscaped(value, to: &bytes)
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// Label values escape backslash, double quote and line feed (text format 0.0.4).
    static func appendEscaped(_ value: String, to bytes: inout [UInt8]) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\""): bytes.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\n"): bytes.append(contentsOf: #"\n"#.utf8)
            default: bytes.append(byte)
            }
        }
    }

    private static func append(_ value: Value, to bytes: inout [UInt8]) {
        switch value {
        case .int(let int): bytes.append(contentsOf: String(int).utf8)
        case .double(let double):
            // Below 2^53 every whole double is exactly an integer.
            if double == double.rounded(), abs(double) < 9_007_199_254_740_992 {
                bytes.append(contentsOf: String(Int64(double)).utf8)
            } else {
                bytes.append(contentsOf: double.description.utf8)
            }
        }
    }
}

/// The order of samples within a family: by their rendered label text, as a sorted scrape
/// shows them (and as the registry's output was sorted before).
///
/// Comparing the escaped value followed by its closing quote gives exactly the order of whole
/// lines: an escaped value never contains a bare quote, so no key is a prefix of another.
enum LabelOrder {
    static func key(_ value: String) -> [UInt8] {
        var bytes: [UInt8] = []
        ExpositionWriter.appendEscaped(value, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
        return bytes
    }

    /// `values` in sample order.
    static func sorted<S: Sequence<String>>(_ values: S) -> [String] {
        values.map { (key($0), $0) }.sorted { $0.0.lexicographicallyPrecedes($1.0) }.map(\.1)
    }
}

/// A label-less histogram's state, kept as counts so rendering never replays observations.
struct HistogramCounts: Equatable {
    let bounds: [Double]
    private(set) var cumulativeCounts: [Int]
    private(set) var sum = 0.0
    private(set) var count = 0

    init(bounds: [Double]) {
        self.bounds = bounds
        cumulativeCounts = Array(repeating: 0, count: bounds.count)
    }

    /// Observations must be recorded in record order: the sum is a floating-point sum.
    mutating func record(_ value: Double) {
        for index in bounds.indices where bounds[index] >= value { cumulativeCounts[index] += 1 }
        sum += value
        count += 1
    }
}
