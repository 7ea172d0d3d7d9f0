import Foundation

/// An alert the PagerDuty fake holds, keyed by its `dedup_key`.
package struct PagerDutyAlert: Sendable {
    package enum Status: String, Sendable {
        case triggered, acknowledged, resolved
    }

    package var dedupKey: String
    package var routingKey: String
    package var status: Status
    /// Trigger events applied to this alert (the first one included).
    package var triggerCount: Int
    /// The `payload` object of the latest trigger.
    package var lastPayload: JSONValue
    /// `links` of the latest trigger that had any.
    package var links: [JSONValue]

    package var summary: String? { lastPayload["summary"]?.string }
    package var severity: String? { lastPayload["severity"]?.string }
}

/// An event the fake accepted (answered 202), in arrival order.
package struct PagerDutyEvent: Sendable {
    package var routingKey: String
    package var action: String
    package var dedupKey: String
    package var body: JSONValue
    package var receivedAt: Date
    /// False for acknowledge/resolve events that found no open alert: PagerDuty accepts and
    /// then drops them.
    package var applied: Bool
}
