import Foundation

/// Checks an Events API v2 alert event the way PagerDuty does: the request-body schema of
/// `POST /enqueue` from the official OpenAPI document, then the limits the developer docs state
/// in prose (32-character routing key, summary ≤ 1024, dedup_key ≤ 255, payload required for
/// trigger, dedup_key required for acknowledge/resolve).
struct PagerDutyEventValidator {
    static let contractFile = "pagerduty-events-v2.openapiv3.json"
    static let maximumSummaryLength = 1_024
    static let maximumDedupKeyLength = 255

    let contract: OpenAPISchemaValidator

    init() throws {
        contract = try OpenAPISchemaValidator.contract(Self.contractFile)
    }

    /// PagerDuty's messages for what is wrong, empty when the event is valid.
    func errors(in event: JSONValue) throws -> [String] {
        var errors = try contract.validateRequestBody(event, path: "/enqueue", method: "POST").map(\.description)
        guard case .object = event else { return errors }
        if let routingKey = event["routing_key"]?.string {
            // Worded as PagerDuty words them (seen in its 400 answers).
            if routingKey.count != 32 { errors.append("Length of 'routing_key' is incorrect (should be 32 characters)") }
            if !routingKey.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
                errors.append("'routing_key' cannot contain non-alphanumeric characters.")
            }
        }
        let action = event["event_action"]?.string
        if action == "trigger", event["payload"] == nil {
            errors.append("payload: is required when event_action is trigger")
        }
        if let summary = event["payload"]?["summary"]?.string, summary.count > Self.maximumSummaryLength {
            errors.append("payload.summary: is \(summary.count) characters long, more than the maximum of \(Self.maximumSummaryLength)")
        }
        let dedupKey = event["dedup_key"]?.string
        if let dedupKey, dedupKey.count > Self.maximumDedupKeyLength {
            errors.append("dedup_key: is \(dedupKey.count) characters long, more than the maximum of \(Self.maximumDedupKeyLength)")
        }
        if let action, action == "acknowledge" || action == "resolve", dedupKey?.isEmpty ?? true {
            errors.append("dedup_key: is required when event_action is \(action)")
        }
        return errors
    }
}
