import BackstopCore
import BackstopInput
import Yams

extension SinkKind {
    package static let pagerduty = SinkKind(rawValue: "pagerduty")
}

/// PagerDuty's registration: it pages, folds recurrences into its open alert (no updates) and
/// has no "reopen" (a new trigger opens the alert again).
struct PagerDutyPlugin: SinkPlugin {
    var kind: SinkKind { .pagerduty }
    var displayName: String { "PagerDuty" }
    var traits: SinkTraits { SinkTraits(takesUpdates: false, reopens: false, pages: true) }

    func parseSettings(_ node: Node, reader: ConfigReader, baseDirectory: String) -> PagerDutyConfiguration? {
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

    func makeSink(_ settings: PagerDutyConfiguration, http: SinkHTTPClient) -> any IncidentSink {
        PagerDutySink(configuration: settings, http: http)
    }
}

extension PagerDutyConfiguration: SinkSettings {}

extension Configuration {
    /// `incidents.pagerduty`, when configured.
    package var pagerDuty: PagerDutyConfiguration? { sinks[.pagerduty] as? PagerDutyConfiguration }
}
