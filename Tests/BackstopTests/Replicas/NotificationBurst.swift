import BackstopTesting
import Foundation
import Testing

/// A burst of Alertmanager notifications spread over the replicas: each group is posted to two
/// replicas at once, as HA Alertmanager peers do, and a copy that is not acknowledged (its
/// replica was killed, or answered 5xx) is posted again to the next replica, as a load balancer
/// in front of the replicas would route Alertmanager's retry.
enum NotificationBurst {
    struct Acknowledged: Sendable {
        /// The services whose notification was acknowledged (each is one alert group).
        var services: Set<String> = []
        /// The ids of the copies answered `accepted` (the others were answered `duplicate`).
        var ids: [String] = []
    }

    static let inFlight = 8

    static func post(count: Int, to ports: [Int]) async throws -> Acknowledged {
        var acknowledged = Acknowledged()
        try await withThrowingTaskGroup(of: (String, String?).self) { group in
            var next = 0
            func add() {
                let index = next / 2
                let copy = next % 2
                next += 1
                group.addTask { try await send(service: "burst-\(index)", first: (index + copy) % ports.count, ports: ports) }
            }
            while next < min(count * 2, inFlight) { add() }
            for try await (service, id) in group {
                acknowledged.services.insert(service)
                if let id { acknowledged.ids.append(id) }
                if next < count * 2 { add() }
            }
        }
        return acknowledged
    }

    /// Posts one copy until a replica acknowledges it (bounded); the id when it was `accepted`.
    private static func send(service: String, first: Int, ports: [Int]) async throws -> (String, String?) {
        let deadline = ContinuousClock.now + .seconds(120)
        var target = first
        while true {
            let answer = try? await FakeHTTPRequests.send(
                .POST, "http://127.0.0.1:\(ports[target])/api/v1/alerts",
                headers: [("Authorization", "Bearer \(ReplicaFixtures.webhookToken)"), ("Content-Type", "application/json")],
                body: ReplicaFixtures.alert(service: service))
            if let answer, (200..<300).contains(answer.status) {
                let json = try JSONSerialization.jsonObject(with: Data(answer.text.utf8)) as? [String: Any]
                return (service, json?["status"] as? String == "accepted" ? json?["id"] as? String : nil)
            }
            if let answer { try #require(answer.status >= 500, "\(service): \(answer.status) \(answer.text)") }
            try #require(ContinuousClock.now < deadline, "\(service) was not acknowledged by any replica within 120 s")
            target = (target + 1) % ports.count
            try await Task.sleep(for: .milliseconds(100))  // a retry's back-off, as Alertmanager's
        }
    }
}
