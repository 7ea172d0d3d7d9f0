import BackstopCore
import Yams

extension SinkKind {
    package static let pagerduty = SinkKind(rawValue: "pagerduty")
}

/// How `incidents.pagerduty` is read, and PagerDuty's traits: it pages, folds recurrences into its open alert (no updates) and
/// has no "reopen" (a new trigger opens the alert again).
struct PagerDutyParser: SinkParser {
    var kind: SinkKind { .pagerduty }
    var displayName: String { "PagerDuty" }
    var traits: SinkTraits { SinkTraits(takesUpdates: false, reopens: false, pages: true) }

    func parse(_ node: Node, reader: ConfigReader, baseDirectory: String) -> (any SinkSettings)? {
        let path = "incidents.pagerduty"
        guard let fields = reader.mapping(node, path, allowed: ["url", "routing_key_file", "routing_key_env"]),
            let key = reader.secret(fields, "routing_key", path: path, baseDirectory: baseDirectory, required: true, parent: node)
        else { return nil }
        guard !key.isAvailable || key.value.count == 32 else {
            reader.report(
                fields["routing_key_file"] ?? fields["routing_key_env"], "\(path).routing_key_file",
                "the routing key must be 32 characters (an Events API v2 integration key), found \(key.value.count)")
            return nil
        }
        var configuration = PagerDutyConfiguration(routingKey: key)
        if let url = reader.httpURL(fields["url"], "\(path).url") { configuration.url = url }
        return configuration
    }
}

extension PagerDutyConfiguration: SinkSettings {}

extension Configuration {
    /// `incidents.pagerduty`, when configured.
    package var pagerDuty: PagerDutyConfiguration? { sinks[.pagerduty] as? PagerDutyConfiguration }
}
