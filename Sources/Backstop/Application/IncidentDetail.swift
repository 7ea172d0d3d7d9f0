import BackstopCore
import Foundation

/// One incident with its timeline and the state of its outbound calls, as `incidents show` and
/// `GET /api/v1/incidents/{id}` present it.
package struct IncidentDetail: Sendable, Encodable {
    package struct Delivery: Sendable, Encodable {
        var id: Int64
        var sink: SinkKind
        var action: OutboxAction
        var state: OutboxMessage.State
        var attempts: Int
        var nextAttemptAt: Date?
        var lastError: String?
    }

    package var incident: Incident
    package var reportURL: String?
    package var timeline: [IncidentEvent]
    package var deliveries: [Delivery]

    /// Nil when there is no incident with this id.
    package static func load(id: String, ledger: any IncidentStore, policy: IncidentPolicy) async throws(StoreError) -> IncidentDetail? {
        guard let incident = try await ledger.incident(id: id) else { return nil }
        let deliveries = try await ledger.outboxMessages(incidentID: id).map { message in
            Delivery(
                id: message.id, sink: message.target, action: message.action, state: message.state, attempts: message.attempts,
                nextAttemptAt: message.state == .pending ? message.nextAttemptAt : nil, lastError: message.lastError)
        }
        return IncidentDetail(
            incident: incident, reportURL: policy.reportURL(incident: id), timeline: try await ledger.events(incidentID: id),
            deliveries: deliveries)
    }
}
