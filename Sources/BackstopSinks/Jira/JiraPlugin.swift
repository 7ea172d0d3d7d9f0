import BackstopCore
import BackstopInput
import Yams

extension SinkKind {
    package static let jira = SinkKind(rawValue: "jira")
}

/// Jira's registration: a tracker (every action).
struct JiraPlugin: SinkPlugin {
    var kind: SinkKind { .jira }
    var displayName: String { "Jira" }
    var traits: SinkTraits { .tracker }

    func parseSettings(_ node: Node, reader: ConfigReader, baseDirectory: String) -> JiraConfiguration? {
        let path = "incidents.jira"
        let allowed = [
            "url", "api", "project", "issue_type", "email", "token_file", "token_env", "resolve_transition", "reopen_transition",
        ]
        guard let fields = reader.mapping(node, path, allowed: allowed) else { return nil }
        let url = reader.nonEmptyString(reader.require(fields["url"], in: node, "\(path).url", "your Jira's base URL"), "\(path).url")
        let project = reader.nonEmptyString(
            reader.require(fields["project"], in: node, "\(path).project", "the project key, like OPS"), "\(path).project")
        let token = reader.secret(fields, "token", path: path, baseDirectory: baseDirectory, required: true, parent: node)
        guard let url, reader.isHTTPURL(url, fields["url"], "\(path).url"), let project, let token else { return nil }
        var configuration = JiraConfiguration(url: url, project: project, token: token)
        if let api = reader.int(fields["api"], "\(path).api", atLeast: 2) {
            if api == 2 || api == 3 { configuration.api = api } else { reader.report(fields["api"], "\(path).api", "use 2 or 3") }
        }
        if let value = fields["issue_type"].flatMap({ reader.nonEmptyString($0, "\(path).issue_type") }) { configuration.issueType = value }
        configuration.email = fields["email"].flatMap { reader.nonEmptyString($0, "\(path).email") }
        if let value = fields["resolve_transition"].flatMap({ reader.nonEmptyString($0, "\(path).resolve_transition") }) {
            configuration.resolveTransition = value
        }
        configuration.reopenTransition = fields["reopen_transition"].flatMap { reader.nonEmptyString($0, "\(path).reopen_transition") }
        return configuration
    }

    func makeSink(_ settings: JiraConfiguration, http: SinkHTTPClient) -> any IncidentSink {
        JiraSink(configuration: settings, http: http)
    }
}

extension JiraConfiguration: SinkSettings {}

extension Configuration {
    /// `incidents.jira`, when configured.
    package var jira: JiraConfiguration? { sinks[.jira] as? JiraConfiguration }
}
