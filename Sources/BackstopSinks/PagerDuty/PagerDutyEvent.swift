/// An Events API v2 alert event (`POST /v2/enqueue`).
struct PagerDutyEvent: Encodable {
    struct Payload: Encodable {
        var summary: String
        var source: String
        var severity: String
        var timestamp: String
        var component: String
        var group: String
        var `class`: String
        var customDetails: [String: String]

        enum CodingKeys: String, CodingKey {
            case summary, source, severity, timestamp, component, group, `class`
            case customDetails = "custom_details"
        }
    }

    struct Link: Encodable {
        var href: String
        var text: String
    }

    var routingKey: String
    var eventAction: String
    var dedupKey: String
    var payload: Payload?
    var links: [Link]?
    var client: String?
    var clientURL: String?

    enum CodingKeys: String, CodingKey {
        case routingKey = "routing_key"
        case eventAction = "event_action"
        case dedupKey = "dedup_key"
        case payload, links, client
        case clientURL = "client_url"
    }
}

/// PagerDuty's answer to an accepted or rejected event.
struct PagerDutyAnswer: Decodable {
    var status: String?
    var message: String?
    var dedupKey: String?
    var errors: [String]?

    enum CodingKeys: String, CodingKey {
        case status, message, errors
        case dedupKey = "dedup_key"
    }
}
