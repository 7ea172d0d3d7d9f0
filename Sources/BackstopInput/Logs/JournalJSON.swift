import BackstopCore
import Foundation

/// Parses `journalctl -o json` output: one object per line; MESSAGE is a string, or an array
/// of bytes when it is not valid UTF-8; `__REALTIME_TIMESTAMP` is microseconds as a string.
package enum JournalJSON {
    static let levels = ["emerg", "alert", "crit", "error", "warning", "notice", "info", "debug"]

    package static func parse(_ output: String, service: String) -> [LogLine] {
        output.split(whereSeparator: \.isNewline).compactMap { line in
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                let micros = (object["__REALTIME_TIMESTAMP"] as? String).flatMap(Double.init)
            else { return nil }
            let message: String
            if let text = object["MESSAGE"] as? String {
                message = text
            } else if let bytes = object["MESSAGE"] as? [Int] {
                message = String(decoding: bytes.map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self)
            } else {
                return nil
            }
            let priority = (object["PRIORITY"] as? String).flatMap(Int.init)
            return LogLine(
                timestamp: Date(timeIntervalSince1970: micros / 1_000_000), service: service, source: "journald", text: message,
                level: priority.flatMap { levels.indices.contains($0) ? levels[$0] : nil })
        }
    }
}
