import BackstopCore
import Foundation

#if !FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    import Crypto
#endif

/// Alertmanager's webhook body, version 4 (`notify/webhook` in Alertmanager). Fields Backstop
/// does not use (`groupLabels`, `truncatedAlerts`, `notification_reason`, …) are ignored, so
/// older and newer Alertmanagers decode alike.
package struct AlertmanagerPayload: Decodable, Equatable {
    struct Alert: Decodable, Equatable {
        var status: String
        var labels: TextMap
        var annotations: TextMap?
        var startsAt: String
        var endsAt: String?
        var generatorURL: String?
        var fingerprint: String?
    }

    var version: String?
    var groupKey: String
    var status: String
    var receiver: String
    var externalURL: String?
    var alerts: [Alert]
}

/// Why a body is not an Alertmanager notification, naming the field.
package struct PayloadError: Error, Equatable {
    package var message: String

    package init(message: String) {
        self.message = message
    }
}

extension AlertmanagerPayload {
    /// One decoder for every request: its options never change, and decoding is thread-safe.
    private static let decoder = JSONDecoder()

    /// Decodes and validates a body into a notification for the intake record.
    package static func notification(from body: Data, id: String, receivedAt: Date) throws(PayloadError) -> AlertNotification {
        let read = Self.read(body)
        let payload = if let read { read } else { try decoded(body) }
        return try notification(from: payload, id: id, receivedAt: receivedAt)
    }

    /// ``notification(from:id:receivedAt:)`` for a body already checked to be UTF-8 text (the
    /// webhook keeps it as text for the record).
    package static func notification(fromText body: String, id: String, receivedAt: Date) throws(PayloadError) -> AlertNotification {
        var body = body
        let read = body.withUTF8 { bytes in Self.read(validUTF8: UnsafeRawBufferPointer(bytes)) }
        let payload = if let read { read } else { try decoded(Data(body.utf8)) }
        return try notification(from: payload, id: id, receivedAt: receivedAt)
    }

    /// `JSONDecoder`, for what ``read(validUTF8:)`` leaves to it, wording any error.
    package static func decoded(_ body: Data) throws(PayloadError) -> AlertmanagerPayload {
        do {
            return try decoder.decode(AlertmanagerPayload.self, from: body)
        } catch let error as DecodingError {
            throw PayloadError(message: error.readableDescription)
        } catch {
            throw PayloadError(message: "the body is not JSON: \(error)")
        }
    }

    private static func notification(from payload: AlertmanagerPayload, id: String, receivedAt: Date) throws(PayloadError)
        -> AlertNotification
    {
        guard let status = ReceivedAlert.Status(rawValue: payload.status) else {
            throw PayloadError(message: "field 'status' is '\(payload.status)'; Alertmanager sends 'firing' or 'resolved'")
        }
        guard !payload.alerts.isEmpty else {
            throw PayloadError(message: "field 'alerts' is empty; a notification carries at least one alert")
        }
        guard !payload.groupKey.isEmpty else { throw PayloadError(message: "field 'groupKey' is empty") }
        var alerts: [ReceivedAlert] = []
        alerts.reserveCapacity(payload.alerts.count)
        for (index, alert) in payload.alerts.enumerated() {
            alerts.append(try Self.alert(alert, index: index))
        }
        return AlertNotification(
            id: id, receivedAt: receivedAt, receiver: unescapeRegex(payload.receiver), status: status, groupKey: payload.groupKey,
            dedupKey: dedupKey(groupKey: payload.groupKey, status: status, alerts: alerts),
            externalURL: payload.externalURL, alerts: alerts)
    }

    /// `index` names the alert in errors (`alerts[2].startsAt`), a path built only for them.
    private static func alert(_ alert: Alert, index: Int) throws(PayloadError) -> ReceivedAlert {
        var path: String { "alerts[\(index)]" }
        guard let status = ReceivedAlert.Status(rawValue: alert.status) else {
            throw PayloadError(message: "field '\(path).status' is '\(alert.status)'; expected 'firing' or 'resolved'")
        }
        let labels = alert.labels.values
        guard !labels.isEmpty else { throw PayloadError(message: "field '\(path).labels' is empty; an alert is its labels") }
        guard let startsAt = RFC3339.parse(alert.startsAt) else {
            throw PayloadError(message: "field '\(path).startsAt' is '\(alert.startsAt)', not an RFC 3339 time")
        }
        var endsAt: Date?
        // Firing alerts carry Go's zero time, 0001-01-01T00:00:00Z.
        if let text = alert.endsAt, !text.isEmpty, !text.hasPrefix("0001-01-01") {
            guard let parsed = RFC3339.parse(text) else {
                throw PayloadError(message: "field '\(path).endsAt' is '\(text)', not an RFC 3339 time")
            }
            endsAt = parsed
        }
        return ReceivedAlert(
            status: status, labels: labels, annotations: alert.annotations?.values ?? [:], startsAt: startsAt, endsAt: endsAt,
            generatorURL: alert.generatorURL.flatMap { $0.isEmpty ? nil : $0 },
            fingerprint: alert.fingerprint.flatMap { $0.isEmpty ? nil : $0 } ?? fingerprint(of: labels))
    }

    /// The same group with the same alert states is the same notification, however often it
    /// arrives (Alertmanager retries, HA peers). The group key alone is not enough: the group's
    /// later notifications (a new alert, a resolution) share it.
    static func dedupKey(groupKey: String, status: ReceivedAlert.Status, alerts: [ReceivedAlert]) -> String {
        // One string per alert, hashed in place: the key is worked out for every notification of
        // a storm, and arrays of parts joined twice showed in its profile.
        // The text is the key's definition (stored keys must keep matching): the group key, the
        // status, then each alert's `fingerprint|status|start|end`, sorted, one per line.
        var states: [String] = []
        states.reserveCapacity(alerts.count)
        for alert in alerts {
            let start = alert.startsAt.timeIntervalSince1970
            let end = alert.endsAt?.timeIntervalSince1970 ?? 0
            states.append("\(alert.fingerprint)|\(alert.status.rawValue)|\(start)|\(end)")
        }
        states.sort()
        // The parts go to the hasher one by one: the same bytes as the text they make, without
        // building it.
        var hasher = SHA256()
        hasher.update(utf8Of: groupKey)
        hasher.update(utf8Of: "\n")
        hasher.update(utf8Of: status.rawValue)
        for state in states {
            hasher.update(utf8Of: "\n")
            hasher.update(utf8Of: state)
        }
        return hasher.finalize().hexString
    }

    /// For senders that omit `fingerprint`: a stable hash of the sorted label set.
    static func fingerprint(of labels: [String: String]) -> String {
        let text = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{1F}")
        return SHA256.hash(data: Data(text.utf8)).prefix(8).hexString
    }

    /// Alertmanager sends the receiver name through Go's `regexp.QuoteMeta`.
    static func unescapeRegex(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "\\")) else { return text }
        var result = ""
        var escaped = false
        for character in text {
            if escaped || character != "\\" {
                result.append(character)
                escaped = false
            } else {
                escaped = true
            }
        }
        return result
    }
}
