import BackstopCore
import BackstopInput
import Yams

/// Linear's registration: a tracker (every action).
struct LinearPlugin: SinkPlugin {
    var kind: SinkKind { .linear }
    var displayName: String { "Linear" }
    var traits: SinkTraits { .tracker }
    static let keys = ["url", "team_id", "api_key_file", "api_key_env", "completed_state", "priority"]

    func parseSettings(_ node: Node, reader: ConfigReader, baseDirectory: String) -> LinearConfiguration? {
        let path = "incidents.linear"
        guard let fields = reader.mapping(node, path, allowed: Self.keys) else { return nil }
        let team = reader.nonEmptyString(reader.require(fields["team_id"], in: node, "\(path).team_id", "the team's id"), "\(path).team_id")
        let key = reader.secret(fields, "api_key", path: path, baseDirectory: baseDirectory, required: true, parent: node)
        guard let team, let key else { return nil }
        var configuration = LinearConfiguration(teamID: team, apiKey: key)
        if let url = reader.httpURL(fields["url"], "\(path).url") { configuration.url = url }
        if let value = fields["completed_state"].flatMap({ reader.nonEmptyString($0, "\(path).completed_state") }) {
            configuration.completedState = value
        }
        if let value = reader.int(fields["priority"], "\(path).priority", atLeast: 0) {
            if value <= 4 {
                configuration.priority = value
            } else {
                reader.report(fields["priority"], "\(path).priority", "use 0 (none) to 4 (low)")
            }
        }
        return configuration
    }

    func makeSink(_ settings: LinearConfiguration, http: SinkHTTPClient) -> any IncidentSink {
        LinearSink(configuration: settings, http: http)
    }
}

extension LinearConfiguration: SinkSettings {}

extension Configuration {
    /// `incidents.linear`, when configured.
    package var linear: LinearConfiguration? { sinks[.linear] as? LinearConfiguration }
}

extension SinkKind {
    package static let linear = SinkKind(rawValue: "linear")
}
