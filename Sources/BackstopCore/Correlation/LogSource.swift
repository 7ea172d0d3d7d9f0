import Foundation

/// Somewhere a service's logs can be read for a time range: files, the journal, Loki.
package protocol LogSource: Sendable {
    /// A short name for reports: `file`, `journald`, `loki http://loki:3100`.
    var name: String { get }

    /// Lines of `service` between `start` and `end` (inclusive), oldest first, at most `limit`.
    /// A source that does not know the service returns no lines.
    func lines(of service: String, from start: Date, to end: Date, limit: Int) async throws(LogSourceError) -> [LogLine]
}

/// Why a log source could not be read; it degrades the report, it never drops it.
package struct LogSourceError: Error, Equatable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}
