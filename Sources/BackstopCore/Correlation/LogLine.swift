import Foundation

/// One line of a service's log, as a log source returns it.
package struct LogLine: Sendable, Equatable, Codable {
    package var timestamp: Date
    package var service: String
    /// Which configured source it came from (`file`, `journald`, `loki`).
    package var source: String
    package var text: String
    /// The level the log itself gave (`error`, `warning`, …), when it gave one.
    package var level: String?

    package init(timestamp: Date, service: String, source: String, text: String, level: String? = nil) {
        self.timestamp = timestamp
        self.service = service
        self.source = source
        self.text = text
        self.level = level
    }
}
