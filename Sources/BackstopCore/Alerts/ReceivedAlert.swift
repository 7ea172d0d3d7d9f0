import Foundation

/// One alert of an Alertmanager notification, as Backstop keeps it in the intake record.
package struct ReceivedAlert: Sendable, Equatable, Codable {
    package enum Status: String, Sendable, Codable {
        case firing
        case resolved
    }

    package var status: Status
    package var labels: [String: String]
    package var annotations: [String: String]
    package var startsAt: Date
    /// Nil while firing (Alertmanager sends the zero time `0001-01-01T00:00:00Z`).
    package var endsAt: Date?
    package var generatorURL: String?
    /// Alertmanager's fingerprint of the label set; computed from the labels when absent.
    package var fingerprint: String

    package init(
        status: Status, labels: [String: String], annotations: [String: String] = [:], startsAt: Date, endsAt: Date? = nil,
        generatorURL: String? = nil, fingerprint: String
    ) {
        self.status = status
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.generatorURL = generatorURL
        self.fingerprint = fingerprint
    }

    package var name: String { labels["alertname"] ?? "unnamed alert" }

    /// Identifies one firing or one resolution of one alert, whichever notification carries it
    /// (group updates, repeats and HA peers repeat the same transition).
    package var transition: AlertTransition.Key {
        AlertTransition.Key(fingerprint: fingerprint, startsAt: startsAt, status: status)
    }

    /// The firing this alert's resolution ends.
    package var firingTransition: AlertTransition.Key {
        AlertTransition.Key(fingerprint: fingerprint, startsAt: startsAt, status: .firing)
    }
}

/// An Alertmanager notification accepted into the intake record (written before the 200).
package struct AlertNotification: Sendable, Equatable, Codable {
    /// `ntf_YYYYMMDD_HHMM_<6 hex>`.
    package var id: String
    package var receivedAt: Date
    package var receiver: String
    package var status: ReceivedAlert.Status
    package var groupKey: String
    /// Identifies the notification's content: the same group with the same alert states, as
    /// retries and HA peers send it again.
    package var dedupKey: String
    package var externalURL: String?
    package var alerts: [ReceivedAlert]

    package init(
        id: String, receivedAt: Date, receiver: String, status: ReceivedAlert.Status, groupKey: String, dedupKey: String,
        externalURL: String?, alerts: [ReceivedAlert]
    ) {
        self.id = id
        self.receivedAt = receivedAt
        self.receiver = receiver
        self.status = status
        self.groupKey = groupKey
        self.dedupKey = dedupKey
        self.externalURL = externalURL
        self.alerts = alerts
    }
}

/// A firing or resolution of one alert that has been acted on, appended to the record with
/// the triage that acted on it, so it is acted on once.
package struct AlertTransition: Sendable, Equatable {
    package struct Key: Sendable, Hashable {
        package var fingerprint: String
        /// `startsAt` in whole milliseconds: an exact key however the time was stored and read.
        package var startsAtMilliseconds: Int64
        package var status: ReceivedAlert.Status

        package init(fingerprint: String, startsAt: Date, status: ReceivedAlert.Status) {
            self.init(
                fingerprint: fingerprint, startsAtMilliseconds: Int64((startsAt.timeIntervalSince1970 * 1_000).rounded()),
                status: status)
        }

        package init(fingerprint: String, startsAtMilliseconds: Int64, status: ReceivedAlert.Status) {
            self.fingerprint = fingerprint
            self.startsAtMilliseconds = startsAtMilliseconds
            self.status = status
        }
    }

    /// What the alert did to the ledger.
    package enum Action: String, Sendable, Codable {
        /// Opened (or reopened) an incident of its own.
        case opened
        /// Joined an incident that was already open for the asset (from verification or another alert).
        case joined
        /// Resolved the incident it had opened.
        case resolved
        /// Changed nothing: a resolution of an alert that opened nothing, or whose incident
        /// other alerts or Backstop's own verification still hold open.
        case none
    }

    package var key: Key
    package var action: Action
    package var notificationID: String
    package var alertName: String
    /// The asset the alert was mapped to (or named after, when no configured asset matched).
    package var asset: String
    /// The incident it opened, joined or resolved; nil when there was nothing to resolve.
    package var incidentID: String?

    package init(key: Key, action: Action, notificationID: String, alertName: String, asset: String, incidentID: String?) {
        self.key = key
        self.action = action
        self.notificationID = notificationID
        self.alertName = alertName
        self.asset = asset
        self.incidentID = incidentID
    }
}
