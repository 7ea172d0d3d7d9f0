import BackstopInput

/// `incidents.pagerduty`: the Events API v2 integration.
package struct PagerDutyConfiguration: Sendable, Equatable {
    /// Base URL; the default is the real service.
    package var url = "https://events.pagerduty.com"
    package var routingKey: Secret

    package init(routingKey: Secret) { self.routingKey = routingKey }
}
