import BackstopCore
import Foundation
import Yams

/// `digest:`: when the weekly trend digest is written, over which period, and where.
package struct DigestConfiguration: Sendable {
    /// Monday 06:00: the week just ended is on the desk when the team starts.
    static let defaultSchedule = "0 6 * * 1"

    package var schedule: CronExpression
    package var timeZone = TimeZone(identifier: "UTC") ?? .current
    package var window: Duration = .seconds(7 * 86_400)
    package var directory: String

    /// Weekly, next to the store in `reports/`.
    package init(schedule: CronExpression, storePath: String) {
        self.schedule = schedule
        directory = URL(fileURLWithPath: storePath).deletingLastPathComponent().appendingPathComponent("reports").path
    }
}

/// Parses `digest:`.
struct DigestParser {
    let reader: ConfigReader
    let resolve: (String) -> String

    func parse(_ node: Node, into configuration: inout Configuration) {
        let allowed = ["enabled", "schedule", "timezone", "window", "directory"]
        guard let fields = reader.mapping(node, "digest", allowed: allowed) else { return }
        guard var digest = configuration.digest else { return }
        if reader.bool(fields["enabled"], "digest.enabled") == false {
            configuration.digest = nil
            return
        }
        if let text = reader.nonEmptyString(fields["schedule"], "digest.schedule") {
            do {
                digest.schedule = try CronExpression(text)
            } catch {
                reader.report(fields["schedule"], "digest.schedule", "\(error.description)")
            }
        }
        if let identifier = reader.nonEmptyString(fields["timezone"], "digest.timezone") {
            if let zone = TimeZone(identifier: identifier) {
                digest.timeZone = zone
            } else {
                reader.report(fields["timezone"], "digest.timezone", "'\(identifier)' is not a known time zone; use an IANA name like UTC")
            }
        }
        if let window = fields["window"].flatMap({ reader.duration($0, "digest.window") }) { digest.window = window }
        if let directory = reader.nonEmptyString(fields["directory"], "digest.directory") { digest.directory = resolve(directory) }
        configuration.digest = digest
    }
}
