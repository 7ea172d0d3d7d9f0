import Foundation

/// Turns the raw lines of a failure's services into what an on-call engineer reads first:
/// signals (errors, restarts, deploys, traffic spikes, lock waits), repeated lines collapsed
/// with a count, ranked by relevance (severity, shared terms with the failure's evidence,
/// distance in time) and capped per service, then shown in time order.
package struct LogCorrelator: Sendable {
    /// Lines kept per service in an excerpt.
    package var linesPerService = 15
    /// Characters kept of one line.
    package var lineLength = 300

    package init(linesPerService: Int = 15, lineLength: Int = 300) {
        self.linesPerService = linesPerService
        self.lineLength = lineLength
    }

    /// `lines` by service; `roles` says which service is the asset's own (`source`) and which
    /// are `adjacent`; `focus` is when the failure happened; `evidence` the diagnosis lines.
    package func correlate(
        lines: [String: [LogLine]], roles: [(service: String, role: String)], focus: Date, evidence: [String],
        windowStart: Date, windowEnd: Date, sourceProblems: [String]
    ) -> CorrelatedLogs {
        let terms = Self.terms(in: evidence.joined(separator: " "))
        var services: [CorrelatedLogs.ServiceExcerpt] = []
        var signals: [LogSignal] = []
        for (service, role) in roles {
            let serviceLines = (lines[service] ?? []).sorted { $0.timestamp < $1.timestamp }
            let collapsed = collapse(serviceLines, focus: focus, terms: terms)
            for line in collapsed where !line.signals.isEmpty {
                for kind in line.signals {
                    signals.append(LogSignal(kind: kind, service: service, at: line.first, text: line.text, count: line.count))
                }
            }
            signals += trafficSpikes(serviceLines, service: service, from: windowStart, to: windowEnd)
            let chosen = collapsed.sorted { $0.relevance > $1.relevance }.prefix(linesPerService).sorted { $0.first < $1.first }
            services.append(.init(service: service, role: role, lines: Array(chosen), linesRead: serviceLines.count))
        }
        signals.sort { $0.at < $1.at }
        return CorrelatedLogs(
            windowStart: windowStart, windowEnd: windowEnd, services: services, signals: Self.strongest(signals),
            sourceProblems: sourceProblems)
    }

    // MARK: - Collapsing and ranking

    private func collapse(_ lines: [LogLine], focus: Date, terms: Set<String>) -> [LogExcerptLine] {
        var order: [String] = []
        var groups: [String: (first: LogLine, last: LogLine, count: Int)] = [:]
        for line in lines {
            let key = Self.shape(of: line.text)
            if let group = groups[key] {
                groups[key] = (group.first, line, group.count + 1)
            } else {
                groups[key] = (line, line, 1)
                order.append(key)
            }
        }
        return order.compactMap { key in
            guard let group = groups[key] else { return nil }
            let kinds = SignalRules.kinds(of: group.first)
            let text = group.first.text.count > lineLength ? String(group.first.text.prefix(lineLength)) + "…" : group.first.text
            return LogExcerptLine(
                first: group.first.timestamp, last: group.last.timestamp, count: group.count, text: text, source: group.first.source,
                signals: kinds, relevance: relevance(of: group.first, count: group.count, kinds: kinds, focus: focus, terms: terms))
        }
    }

    private func relevance(of line: LogLine, count: Int, kinds: [LogSignal.Kind], focus: Date, terms: Set<String>) -> Double {
        var score = 0.0
        for kind in kinds {
            switch kind {
            case .lockWait: score += 2
            case .error: score += 1.5
            case .restart, .deploy: score += 1
            case .trafficSpike: score += 0.5
            }
        }
        let shared = Self.terms(in: line.text).intersection(terms).count
        score += min(2, 0.5 * Double(shared))
        let minutes = abs(line.timestamp.timeIntervalSince(focus)) / 60
        score += 1 / (1 + minutes / 5)
        score += 0.3 * log10(Double(count))
        return (score * 1000).rounded() / 1000
    }

    /// A line's shape: numbers, hex ids and quoted values replaced, so repeats collapse.
    static func shape(of text: String) -> String {
        var shape = ""
        var previousWasDigit = false
        for character in text {
            if character.isNumber {
                if !previousWasDigit { shape.append("#") }
                previousWasDigit = true
            } else {
                shape.append(character)
                previousWasDigit = false
            }
        }
        return shape
    }

    /// Words of four or more letters, lower-cased, that can tie a log line to the evidence.
    static func terms(in text: String) -> Set<String> {
        let stop: Set<String> = [
            "error", "failed", "with", "from", "that", "this", "have", "were", "will", "into", "backup", "code", "exit",
        ]
        let words = text.lowercased().split { !$0.isLetter && $0 != "_" }.map(String.init)
        return Set(words.filter { $0.count >= 4 && !stop.contains($0) })
    }

    // MARK: - Traffic

    /// Minutes whose line rate is at least three times the window's median rate (and ≥ 10 lines).
    private func trafficSpikes(_ lines: [LogLine], service: String, from start: Date, to end: Date) -> [LogSignal] {
        let minutes = max(1, Int(end.timeIntervalSince(start) / 60))
        guard lines.count >= 10, minutes >= 3 else { return [] }
        var counts = [Int](repeating: 0, count: minutes + 1)
        for line in lines {
            let index = Int(line.timestamp.timeIntervalSince(start) / 60)
            if counts.indices.contains(index) { counts[index] += 1 }
        }
        let median = counts.sorted()[counts.count / 2]
        let threshold = max(10, 3 * max(median, 1))
        return counts.enumerated().filter { $0.element >= threshold }.map { index, count in
            LogSignal(
                kind: .trafficSpike, service: service, at: start.addingTimeInterval(Double(index) * 60),
                text: "\(count) lines in one minute against a median of \(median) per minute", count: count)
        }
    }

    /// Keeps the report readable: at most 20 signals, errors and lock waits before the rest.
    private static func strongest(_ signals: [LogSignal]) -> [LogSignal] {
        guard signals.count > 20 else { return signals }
        let weight: (LogSignal.Kind) -> Int = { [.lockWait: 0, .error: 1, .restart: 2, .deploy: 3, .trafficSpike: 4][$0] ?? 5 }
        return signals.sorted { weight($0.kind) < weight($1.kind) }.prefix(20).sorted { $0.at < $1.at }
    }
}
