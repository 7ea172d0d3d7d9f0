import BackstopCore

/// Builds PagerDuty's client from its parsed `incidents.pagerduty` (parsed in BackstopInput, where
/// `PagerDutyParser` is registered in ``SinkCatalog``).
extension PagerDutyConfiguration: SinkClientSettings {
    package func makeSink(http: SinkHTTPClient) -> any IncidentSink { PagerDutySink(configuration: self, http: http) }
}
