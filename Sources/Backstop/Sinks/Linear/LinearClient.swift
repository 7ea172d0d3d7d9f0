import BackstopCore

/// Builds Linear's client from its parsed `incidents.linear` (parsed in BackstopInput, where
/// `LinearParser` is registered in ``SinkCatalog``).
extension LinearConfiguration: SinkClientSettings {
    package func makeSink(http: SinkHTTPClient) -> any IncidentSink { LinearSink(configuration: self, http: http) }
}
