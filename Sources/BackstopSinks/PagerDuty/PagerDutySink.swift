import BackstopCore
import BackstopInput
import Foundation
import HTTPTypes

/// Pages through PagerDuty's Events API v2. The alert's `dedup_key` is the incident's dedup key,
/// so PagerDuty folds a repeated trigger into the open alert: delivery is idempotent without a
/// lookup.
package struct PagerDutySink: IncidentSink {
    package var configuration: PagerDutyConfiguration
    package var http: SinkHTTPClient
    /// Shown as the alert's `source`: where Backstop runs.
    package var source: String
    /// Events with the same dedup key make one alert: a repeat after a crash needs no wait.
    package var deduplicatesRepeats: Bool { true }

    package init(configuration: PagerDutyConfiguration, http: SinkHTTPClient, source: String = "backstop") {
        self.configuration = configuration
        self.http = http
        self.source = source
    }

    package var kind: SinkKind { .pagerduty }

    static let maximumSummaryLength = 1_024
    static let maximumDedupKeyLength = 255

    package func deliver(_ message: OutboxMessage, incident: Incident) async throws(SinkError) -> ExternalReference? {
        let event = event(for: message, incident: incident)
        let body: Data
        do {
            body = try JSONEncoder().encode(event)
        } catch {
            throw SinkError(.rejected, "PagerDuty: the event could not be encoded: \(error)")
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        let url = configuration.url.trimmingSuffix("/") + "/v2/enqueue"
        let response = try await http.expectSuccess(.post, url, headers: headers, body: body, service: "PagerDuty")
        let answer = try? response.decode(PagerDutyAnswer.self, service: "PagerDuty")
        return ExternalReference(id: answer?.dedupKey ?? event.dedupKey)
    }

    func event(for message: OutboxMessage, incident: Incident) -> PagerDutyEvent {
        let payload = message.payload
        let dedupKey = String(payload.dedupKey.prefix(Self.maximumDedupKeyLength))
        guard message.action != .resolve else {
            return PagerDutyEvent(routingKey: configuration.routingKey.value, eventAction: "resolve", dedupKey: dedupKey)
        }
        // A page links to the trackers' issues already known, and always to the report.
        var links: [PagerDutyEvent.Link] = []
        for kind in SinkRegistry.plugins.map(\.kind) where kind != self.kind {
            if let reference = incident.references[kind], let url = reference.url {
                links.append(.init(href: url, text: "\(kind.displayName) \(reference.key ?? reference.id)"))
            }
        }
        if let report = payload.reportURL { links.append(.init(href: report, text: "Backstop incident report")) }
        var details = payload.details
        details["incident"] = incident.id
        let summary = message.action == .page ? payload.summary : payload.title + ". " + payload.summary
        return PagerDutyEvent(
            routingKey: configuration.routingKey.value, eventAction: "trigger", dedupKey: dedupKey,
            payload: .init(
                summary: String(summary.prefix(Self.maximumSummaryLength)), source: source, severity: Self.severity(payload.cause),
                timestamp: payload.occurredAt.formatted(.iso8601), component: payload.asset, group: payload.schedule,
                class: payload.cause.rawValue, customDetails: details),
            links: links.isEmpty ? nil : links, client: "Backstop", clientURL: payload.reportURL)
    }

    /// Data that may already be lost or unrestorable pages as critical; the rest as error.
    static func severity(_ cause: FailureCause) -> String {
        switch cause {
        case .corruptedArtifact, .diskFull, .quotaExceeded: "critical"
        default: "error"
        }
    }
}
