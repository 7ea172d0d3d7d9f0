import BackstopCore

/// Builds Jira's client from its parsed `incidents.jira` (parsed in BackstopInput, where
/// `JiraParser` is registered in ``SinkCatalog``).
extension JiraConfiguration: SinkClientSettings {
    package func makeSink(http: SinkHTTPClient) -> any IncidentSink { JiraSink(configuration: self, http: http) }
}
