import BackstopCore
import BackstopInput

/// The labels that tie a Jira issue to Backstop. Jira cannot search by anything the sink chose
/// at creation except labels, so the incident id label is what makes a retried create find the
/// issue instead of opening a second one.
enum JiraLabels {
    static let backstop = "backstop"
    static let maximumLength = 255

    /// `backstop/orders-db/disk_full` → `backstop_orders-db_disk_full`: labels cannot hold
    /// spaces, and JQL is happiest with letters, digits, `-`, `_` and `.`.
    static func label(_ text: String) -> String {
        let cleaned = text.map { character -> Character in
            character.isASCII && (character.isLetter || character.isNumber || "-_.".contains(character)) ? character : "_"
        }
        let label = String(String(cleaned).prefix(maximumLength))
        return label.isEmpty ? "_" : label
    }

    static func incident(_ incidentID: String) -> String { label(incidentID) }

    static func all(for incident: Incident, payload: OutboxPayload) -> [String] {
        var labels = [backstop]
        for label in [label(payload.dedupKey), Self.incident(incident.id)] where !labels.contains(label) {
            labels.append(label)
        }
        return labels
    }
}
