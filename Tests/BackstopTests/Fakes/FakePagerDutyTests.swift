import BackstopTesting
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5))) struct FakePagerDutyTests {
    static let key = "0123456789abcdef0123456789abcdef"

    static func trigger(
        routingKey: JSONValue? = .string(key), severity: JSONValue = "critical", summary: String = "Backup of orders failed",
        dedupKey: String? = "backstop/orders"
    ) -> JSONValue {
        var event: [String: JSONValue] = [
            "event_action": "trigger",
            "payload": [
                "summary": .string(summary), "source": "backstop.example", "severity": severity,
                "timestamp": "2026-11-22T02:00:00.000+0000",
            ],
            "links": [["href": "https://backstop.example/runs/42", "text": "Run 42"]],
        ]
        if let routingKey { event["routing_key"] = routingKey }
        if let dedupKey { event["dedup_key"] = .string(dedupKey) }
        return .object(event)
    }

    static func enqueue(_ url: String, _ event: JSONValue) async throws -> FakeAnswer {
        try await FakeHTTPRequests.post("\(url)/v2/enqueue", json: event)
    }

    @Test func acceptsATriggerAndDeduplicatesUntilResolved() async throws {
        let pagerDuty = try FakePagerDuty(routingKeys: [Self.key])
        let (first, second, resolve) = try await pagerDuty.run { url in
            let first = try await Self.enqueue(url, Self.trigger())
            let second = try await Self.enqueue(url, Self.trigger(summary: "Backup of orders failed again"))
            let resolve = try await Self.enqueue(
                url, ["routing_key": .string(Self.key), "event_action": "resolve", "dedup_key": "backstop/orders"])
            return (first, second, resolve)
        }
        #expect(first.status == 202)
        #expect(first.json == ["status": "success", "message": "Event processed", "dedup_key": "backstop/orders"])
        #expect(second.status == 202 && resolve.status == 202)
        let alert = try #require(pagerDuty.alert("backstop/orders"))
        #expect(alert.status == .resolved)
        #expect(alert.triggerCount == 2)
        #expect(alert.summary == "Backup of orders failed again")
        #expect(alert.links.first?["href"] == "https://backstop.example/runs/42")
        #expect(pagerDuty.events.map(\.action) == ["trigger", "trigger", "resolve"])
        #expect(pagerDuty.log.acceptedCount == 3)
    }

    @Test func generatesADedupKeyWhenTheTriggerHasNone() async throws {
        let pagerDuty = try FakePagerDuty(routingKeys: [Self.key])
        let answer = try await pagerDuty.run { url in try await Self.enqueue(url, Self.trigger(dedupKey: nil)) }
        let dedupKey = try #require(answer.json?["dedup_key"]?.string)
        #expect(pagerDuty.alert(dedupKey)?.status == .triggered)
    }

    @Test func rejectsAnEventWithoutRoutingKey() async throws {
        let answer = try await Self.rejected(Self.trigger(routingKey: nil))
        #expect(answer.status == 400)
        #expect(answer.json?["status"] == "invalid event")
        #expect(answer.json?["message"] == "Event object is invalid")
        #expect(Self.errors(answer).contains("routing_key: is required"))
    }

    @Test func rejectsASeverityOutsideTheContract() async throws {
        let answer = try await Self.rejected(Self.trigger(severity: "urgent"))
        #expect(answer.status == 400)
        #expect(Self.errors(answer) == ["payload.severity: 'urgent' is not one of critical, warning, error, info"])
    }

    @Test func rejectsASummaryLongerThan1024Characters() async throws {
        let answer = try await Self.rejected(Self.trigger(summary: String(repeating: "x", count: 1_025)))
        #expect(answer.status == 400)
        #expect(Self.errors(answer) == ["payload.summary: is 1025 characters long, more than the maximum of 1024"])
    }

    @Test func rejectsARoutingKeyOf33Characters() async throws {
        let answer = try await Self.rejected(Self.trigger(routingKey: .string(Self.key + "0")))
        #expect(answer.status == 400)
        #expect(Self.errors(answer) == ["Length of 'routing_key' is incorrect (should be 32 characters)"])
    }

    @Test func answersAnUnknownRoutingKeyAsPagerDutyDoes() async throws {
        let answer = try await Self.rejected(Self.trigger(routingKey: .string(String(repeating: "f", count: 32))))
        #expect(answer.status == 400)
        #expect(answer.text == "Invalid routing key")
    }

    @Test func rejectsAResolveWithoutDedupKeyAndUnparsableJSON() async throws {
        let pagerDuty = try FakePagerDuty(routingKeys: [Self.key])
        let (resolve, garbage) = try await pagerDuty.run { url in
            let resolve = try await Self.enqueue(url, ["routing_key": .string(Self.key), "event_action": "resolve"])
            let garbage = try await FakeHTTPRequests.send(.POST, "\(url)/v2/enqueue", body: Data("{not json".utf8))
            return (resolve, garbage)
        }
        #expect(resolve.status == 400)
        #expect(Self.errors(resolve) == ["dedup_key: is required when event_action is resolve"])
        #expect(garbage.status == 400)
        #expect(garbage.json?["status"] == "Unrecognized object")
        #expect(pagerDuty.events.isEmpty)
    }

    @Test func throttlesARoutingKeyOverItsLimitUntilTheMinuteHasPassed() async throws {
        let clock = TestClock()
        let pagerDuty = try FakePagerDuty(routingKeys: [Self.key], eventsPerMinute: 2, now: clock.now)
        let statuses = try await pagerDuty.run { url in
            var statuses: [Int] = []
            for _ in 0..<3 { statuses.append(try await Self.enqueue(url, Self.trigger()).status) }
            clock.advance(60)
            statuses.append(try await Self.enqueue(url, Self.trigger()).status)
            return statuses
        }
        #expect(statuses == [202, 202, 429, 202])
        #expect(pagerDuty.alert("backstop/orders")?.triggerCount == 3)
    }

    @Test func rejectsAnEventLargerThan512KB() async throws {
        var event = Self.trigger().object ?? [:]
        event["payload"] = [
            "summary": "big", "source": "backstop.example", "severity": "info",
            "custom_details": ["log": .string(String(repeating: "x", count: 512 * 1_024))],
        ]
        let answer = try await Self.rejected(.object(event))
        #expect(answer.status == 400)
        #expect(Self.errors(answer) == ["The event is larger than the 512 KB PagerDuty accepts"])
    }

    @Test func testsCanAwaitTheNthAcceptedEventWithoutSleeping() async throws {
        let pagerDuty = try FakePagerDuty(routingKeys: [Self.key])
        try await pagerDuty.run { url in
            let sender = Task {
                for _ in 0..<3 { _ = try await Self.enqueue(url, Self.trigger()) }
            }
            await pagerDuty.log.waitForAccepted(3)
            #expect(pagerDuty.alert("backstop/orders")?.triggerCount == 3)
            try await sender.value
        }
        let first = await pagerDuty.received.next()
        #expect(first?.method == "POST" && first?.path == "/v2/enqueue" && first?.status == 202)
    }

    @Test func faultsAreAnsweredWithoutChangingAlerts() async throws {
        let pagerDuty = try FakePagerDuty(routingKeys: [Self.key])
        try await FakeFaultChecks.check(
            faults: pagerDuty.faults, log: pagerDuty.log, run: { body in try await pagerDuty.run(body) },
            send: { url, timeout in try await FakeHTTPRequests.post("\(url)/v2/enqueue", json: Self.trigger(), timeout: timeout) },
            rateLimitStatus: 429)
        #expect(pagerDuty.alert("backstop/orders")?.triggerCount == 1, "only the request after the faults was applied")
    }

    private static func rejected(_ event: JSONValue) async throws -> FakeAnswer {
        let pagerDuty = try FakePagerDuty(routingKeys: [key])
        let answer = try await pagerDuty.run { url in try await enqueue(url, event) }
        #expect(pagerDuty.events.isEmpty && pagerDuty.alerts.isEmpty)
        return answer
    }

    private static func errors(_ answer: FakeAnswer) -> [String] {
        answer.json?["errors"]?.array?.compactMap(\.string) ?? []
    }
}
