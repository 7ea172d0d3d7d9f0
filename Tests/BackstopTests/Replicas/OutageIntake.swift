import BackstopTesting
import Foundation
import Testing

/// What the replicas' intake acknowledged while PostgreSQL was down: Alertmanager notifications
/// (each group posted to two replicas, as HA peers do) and completion events, each copy sent
/// again to the next replica when one answers 5xx (a replica without a buffer cannot store it),
/// as a load balancer in front of the replicas would route the retry.
struct OutageIntake: Sendable {
    struct Copy: Sendable {
        /// The notification's service (its group), or the event's asset.
        let subject: String
        /// The replica that acknowledged it.
        let replica: Int
        /// Its id when the answer was `accepted` (nil for a `duplicate`).
        let id: String?
        /// The replicas that answered this copy 5xx before.
        let refusedBy: [Int]
        /// The replicas that gave it no answer (the request failed or timed out): such a copy
        /// may still be stored by that replica after the sender gave up on it and sent it again.
        let unansweredBy: [Int]
    }

    var notifications: [Copy] = []
    var events: [Copy] = []

    /// Services whose notification was acknowledged at least once.
    var services: Set<String> { Set(notifications.map(\.subject)) }

    static let webhook = [("Authorization", "Bearer \(ReplicaFixtures.webhookToken)"), ("Content-Type", "application/json")]

    /// Posts `groups` notification groups, each to replicas `g` and `g + 1`, and an event for each
    /// of `events` (asset, first replica); all at once.
    static func post(groups: Int, events: [(asset: String, replica: Int)], to ports: [Int]) async throws -> OutageIntake {
        var intake = OutageIntake()
        try await withThrowingTaskGroup(of: (Bool, Copy).self) { group in
            for index in 0..<groups {
                for copy in 0..<2 {
                    group.addTask {
                        let service = "outage-\(index)"
                        let body = ReplicaFixtures.alert(service: service)
                        return (true, try await send(service, "/api/v1/alerts", body, first: (index + copy) % ports.count, ports))
                    }
                }
            }
            for (asset, replica) in events {
                group.addTask {
                    let body = try JSONSerialization.data(withJSONObject: ["asset": asset, "status": "success", "exit_code": 0])
                    return (false, try await send(asset, "/api/v1/events", body, first: replica, ports))
                }
            }
            for try await (isNotification, copy) in group {
                if isNotification { intake.notifications.append(copy) } else { intake.events.append(copy) }
            }
        }
        return intake
    }

    /// Posts one copy until a replica acknowledges it with a 2xx (bounded).
    private static func send(_ subject: String, _ path: String, _ body: Data, first: Int, _ ports: [Int]) async throws -> Copy {
        let deadline = ContinuousClock.now + .seconds(150)
        var target = first
        var refusedBy: [Int] = []
        var unansweredBy: [Int] = []
        while true {
            let answer: FakeAnswer?
            do {
                answer = try await FakeHTTPRequests.send(.POST, "http://127.0.0.1:\(ports[target])\(path)", headers: webhook, body: body)
            } catch {
                answer = nil
                unansweredBy.append(target)
            }
            if let answer, (200..<300).contains(answer.status) {
                let json = try JSONSerialization.jsonObject(with: Data(answer.text.utf8)) as? [String: Any]
                let id = json?["status"] as? String == "accepted" ? json?["id"] as? String : nil
                return Copy(subject: subject, replica: target, id: id, refusedBy: refusedBy, unansweredBy: unansweredBy)
            }
            if let answer { try #require(answer.status >= 500, "\(subject) to replica \(target): \(answer.status) \(answer.text)") }
            try #require(ContinuousClock.now < deadline, "\(subject) was not acknowledged by any replica within 150 s")
            if answer != nil { refusedBy.append(target) }
            target = (target + 1) % ports.count
            try await Task.sleep(for: .milliseconds(100))  // a retry's back-off, as Alertmanager's
        }
    }
}
