import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// A local PagerDuty Events API v2 (`POST /v2/enqueue`, as on `https://events.pagerduty.com`).
/// It validates events against the official contract and documented limits, accepts only the
/// routing keys it was given, throttles per routing key, and keeps alerts by `dedup_key`.
package final class FakePagerDuty: Sendable {
    /// Events are limited to 512 KB (Events API v2 overview, "Size Limits").
    package static let maximumEventBytes = 512 * 1_024

    private struct State {
        var alerts: [String: PagerDutyAlert] = [:]
        var events: [PagerDutyEvent] = []
    }

    package let routingKeys: Set<String>
    private let service: FakeService
    private let limiter: SlidingWindowRateLimiter
    private let validator: PagerDutyEventValidator
    private let now: @Sendable () -> Date
    private let state = Mutex(State())

    /// - Parameters:
    ///   - routingKeys: the integration keys that exist; others get PagerDuty's invalid routing key answer.
    ///   - eventsPerMinute: the per-key limit over a sliding minute (PagerDuty documents about 120).
    ///   - now: the clock for rate limiting and timestamps, so tests can move time.
    package init(routingKeys: Set<String>, eventsPerMinute: Int = 120, now: @escaping @Sendable () -> Date = { Date() }) throws {
        self.routingKeys = routingKeys
        self.now = now
        validator = try PagerDutyEventValidator()
        limiter = SlidingWindowRateLimiter(limit: eventsPerMinute, window: 60, now: now)
        service = FakeService(respondToFault: Self.faultResponse)
    }

    /// Faults to answer coming requests with.
    package var faults: FaultPlan { service.faults }
    /// Every request answered, as it happens.
    package var received: EventRecorder<ReceivedRequest> { service.log.events }
    /// Every request answered so far, with ways to wait for a count.
    package var log: RequestLog { service.log }

    /// Alerts by `dedup_key` (the latest alert for a key; a trigger after a resolve starts a new one).
    package var alerts: [String: PagerDutyAlert] { state.withLock { $0.alerts } }

    package func alert(_ dedupKey: String) -> PagerDutyAlert? { state.withLock { $0.alerts[dedupKey] } }

    /// Accepted events in arrival order.
    package var events: [PagerDutyEvent] { state.withLock { $0.events } }

    package func run<Result: Sendable>(_ body: @Sendable (_ baseURL: String) async throws -> Result) async throws -> Result {
        let router = Router()
        router.post("/v2/enqueue") { request, _ in await self.service.handle(request) { await self.enqueue(request) } }
        return try await service.run(router, body)
    }

    private func enqueue(_ request: Request) async -> Response {
        guard let data = await FakeHTTP.body(of: request, limit: Self.maximumEventBytes) else {
            return Self.invalid(["The event is larger than the 512 KB PagerDuty accepts"])
        }
        guard let event = try? JSONValue.parse(data), case .object = event else {
            // The answer from the contract's own example for an unparsable body.
            return FakeHTTP.json(
                .badRequest,
                ["status": "Unrecognized object", "message": "Event object format is unrecognized", "errors": ["JSON parse error"]])
        }
        let errors: [String]
        do {
            errors = try validator.errors(in: event)
        } catch {
            return FakeHTTP.json(.internalServerError, ["status": "error", "message": .string("contract unavailable: \(error)")])
        }
        guard errors.isEmpty else { return Self.invalid(errors) }
        guard let routingKey = event["routing_key"]?.string, let action = event["event_action"]?.string else {
            return Self.invalid(["routing_key and event_action are required"])
        }
        guard routingKeys.contains(routingKey) else {
            // A well-formed key that names no integration: PagerDuty answers 400 with this text.
            return FakeHTTP.text(.badRequest, "Invalid routing key")
        }
        if limiter.admit(routingKey) != nil {
            return FakeHTTP.json(.tooManyRequests, Self.throttled)
        }
        let dedupKey = event["dedup_key"]?.string ?? UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        apply(event, routingKey: routingKey, action: action, dedupKey: dedupKey)
        return FakeHTTP.json(.accepted, ["status": "success", "message": "Event processed", "dedup_key": .string(dedupKey)])
    }

    /// De-duplication as documented: a trigger joins the open alert with its key (same routing
    /// key) or opens a new one; acknowledge/resolve apply to an open alert or are dropped.
    private func apply(_ event: JSONValue, routingKey: String, action: String, dedupKey: String) {
        let receivedAt = now()
        state.withLock { state in
            let existing = state.alerts[dedupKey]
            let open = existing.flatMap { $0.status != .resolved && $0.routingKey == routingKey ? $0 : nil }
            var applied = true
            switch action {
            case "trigger":
                var alert =
                    open
                    ?? PagerDutyAlert(
                        dedupKey: dedupKey, routingKey: routingKey, status: .triggered, triggerCount: 0, lastPayload: [:], links: [])
                alert.triggerCount += 1
                alert.lastPayload = event["payload"] ?? [:]
                if let links = event["links"]?.array, !links.isEmpty { alert.links = links }
                state.alerts[dedupKey] = alert
            case "acknowledge", "resolve":
                if var alert = open {
                    alert.status = action == "resolve" ? .resolved : .acknowledged
                    state.alerts[dedupKey] = alert
                } else {
                    applied = false
                }
            default:
                applied = false
            }
            state.events.append(
                PagerDutyEvent(
                    routingKey: routingKey, action: action, dedupKey: dedupKey, body: event, receivedAt: receivedAt, applied: applied))
        }
    }

    private static func invalid(_ errors: [String]) -> Response {
        FakeHTTP.json(
            .badRequest, ["status": "invalid event", "message": "Event object is invalid", "errors": .array(errors.map(JSONValue.string))])
    }

    private static let throttled: JSONValue = [
        "status": "throttle event", "message": "Requests for this service are arriving too quickly. Please retry later.",
    ]

    private static func faultResponse(_ fault: Fault) -> Response {
        switch fault {
        case .rateLimited(let seconds):
            return FakeHTTP.json(.tooManyRequests, throttled, headers: FakeHTTP.retryAfterHeader(seconds))
        case .status(let code):
            let status = HTTPResponse.Status(code: code)
            return FakeHTTP.json(status, ["status": "error", "message": .string(status.reasonPhrase)])
        case .hang:
            return FakeHTTP.empty(.serviceUnavailable)
        }
    }
}
