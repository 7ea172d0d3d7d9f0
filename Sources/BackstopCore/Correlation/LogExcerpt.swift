import Foundation

/// One line of a report's log excerpt: repeated lines collapsed into one with a count.
package struct LogExcerptLine: Sendable, Equatable, Codable {
    package var first: Date
    package var last: Date
    package var count: Int
    package var text: String
    package var source: String
    package var signals: [LogSignal.Kind]
    package var relevance: Double

    package init(first: Date, last: Date, count: Int, text: String, source: String, signals: [LogSignal.Kind], relevance: Double) {
        self.first = first
        self.last = last
        self.count = count
        self.text = text
        self.source = source
        self.signals = signals
        self.relevance = relevance
    }
}

/// What the logs said around one failure, per service, and which sources could not be read.
package struct CorrelatedLogs: Sendable, Equatable, Codable {
    package struct ServiceExcerpt: Sendable, Equatable, Codable {
        package var service: String
        /// `source` for the asset's own service, `adjacent` for its neighbours.
        package var role: String
        package var lines: [LogExcerptLine]
        /// Lines read before collapsing and capping.
        package var linesRead: Int
    }

    package var windowStart: Date
    package var windowEnd: Date
    package var services: [ServiceExcerpt]
    package var signals: [LogSignal]
    /// "loki http://loki:3100: connection refused" — sources that failed or timed out.
    package var sourceProblems: [String]

    package init(windowStart: Date, windowEnd: Date, services: [ServiceExcerpt], signals: [LogSignal], sourceProblems: [String]) {
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.services = services
        self.signals = signals
        self.sourceProblems = sourceProblems
    }
}
