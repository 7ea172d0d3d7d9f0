import Foundation

/// Something in a service's logs that may explain a failure.
package struct LogSignal: Sendable, Equatable, Codable {
    package enum Kind: String, Sendable, Codable, CaseIterable {
        case error
        case restart
        case deploy
        case trafficSpike = "traffic_spike"
        case lockWait = "lock_wait"
    }

    package var kind: Kind
    package var service: String
    package var at: Date
    /// The line that shows it (or a description, for traffic spikes).
    package var text: String
    /// How many collapsed lines this signal stands for.
    package var count: Int

    package init(kind: Kind, service: String, at: Date, text: String, count: Int = 1) {
        self.kind = kind
        self.service = service
        self.at = at
        self.text = text
        self.count = count
    }
}
