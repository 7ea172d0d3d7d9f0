import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// One suite, every sink: each is driven against its local stand-in, which enforces the
/// official contract, through the same lifecycle and the same failures.
@Suite(.timeLimit(.minutes(5))) struct SinkConformanceTests {
    static let now = Date(timeIntervalSince1970: 1_795_314_600)

    static func incident(_ id: String = "inc_20261122_0231_abc123") -> Incident {
        Incident(
            id: id, dedupKey: "backstop/orders-db/disk_full", asset: "orders-db", cause: .diskFull, schedule: "nightly", state: .open,
            title: "Backup of orders-db failed: disk_full", summary: "Backup of orders-db (schedule nightly) failed: disk_full.",
            openedAt: now, updatedAt: now, lastRunID: "run_20261122_0231_def456")
    }

    static func message(_ action: OutboxAction, id: Int64 = 1, inDoubt: Bool = false, incident: Incident = incident()) -> OutboxMessage {
        let markdown =
            action == .open
            ? "# Backup of orders-db failed\n\n**Cause:** disk_full\n\n- No space left on device\n\n```\nrestic: write /backups: no space left on device\n```\n"
            : "Failed again in run run_2 (occurrence 2): disk_full."
        let payload = OutboxPayload(
            title: incident.title, summary: incident.summary, markdown: markdown, dedupKey: incident.dedupKey, asset: incident.asset,
            cause: incident.cause, schedule: incident.schedule,
            reportURL: "https://backstop.example.com/api/v1/incidents/\(incident.id)/report.md",
            details: ["asset": incident.asset, "cause": incident.cause.rawValue], occurredAt: now)
        return OutboxMessage(
            id: id, incidentID: incident.id, target: .pagerduty, action: action, payload: payload, createdAt: now, inDoubt: inDoubt)
    }

    /// Delivers `message` as the outbox does: the reference returned is kept on the incident.
    static func deliver(_ sink: any IncidentSink, _ message: OutboxMessage, incident: inout Incident) async throws(SinkError) {
        var message = message
        message.target = sink.kind
        if let reference = try await sink.deliver(message, incident: incident) { incident.references[sink.kind] = reference }
    }

    @Test(arguments: SinkStandIn.Kind.allCases)
    func openUpdateResolveCreatesOneIncidentAndClosesIt(kind: SinkStandIn.Kind) async throws {
        let standIn = try await SinkStandIn.make(kind)
        try await standIn.run { sink in
            var incident = Self.incident()
            try await Self.deliver(sink, Self.message(.open), incident: &incident)
            // A retry after a crash mid-call must find what the first call created.
            try await Self.deliver(sink, Self.message(.open, inDoubt: true), incident: &incident)
            #expect(incident.references[sink.kind] != nil)
            #expect(standIn.createdCount(incident) == 1)
            if kind.tracksComments {
                try await Self.deliver(sink, Self.message(.update, id: 2), incident: &incident)
            }
            try await Self.deliver(sink, Self.message(.resolve, id: 3), incident: &incident)
            #expect(standIn.isResolved(incident))
        }
    }

    @Test(arguments: SinkStandIn.Kind.allCases)
    func rateLimitsAndServerErrorsAreRetryableAndHonourRetryAfter(kind: SinkStandIn.Kind) async throws {
        let standIn = try await SinkStandIn.make(kind)
        try await standIn.run { sink in
            var incident = Self.incident()
            standIn.faults.failNext(1, with: .rateLimited(retryAfterSeconds: 42))
            let limited = await #expect(throws: SinkError.self) { try await Self.deliver(sink, Self.message(.open), incident: &incident) }
            #expect(limited?.reason == .rateLimited && limited?.isRetryable == true)
            #expect(limited?.retryAfter == .seconds(42))
            standIn.faults.failNext(1, with: .status(503))
            let down = await #expect(throws: SinkError.self) { try await Self.deliver(sink, Self.message(.open), incident: &incident) }
            #expect(down?.isRetryable == true)
            #expect(standIn.createdCount(incident) == 0)
            try await Self.deliver(sink, Self.message(.open), incident: &incident)
            #expect(standIn.createdCount(incident) == 1)
        }
    }

    @Test(arguments: SinkStandIn.Kind.allCases)
    func aHangingServiceTimesOutAndTheCallIsInDoubt(kind: SinkStandIn.Kind) async throws {
        let standIn = try await SinkStandIn.make(kind, timeout: .milliseconds(400))
        try await standIn.run { sink in
            var incident = Self.incident()
            standIn.faults.failNext(1, with: .hang)
            let error = await #expect(throws: SinkError.self) { try await Self.deliver(sink, Self.message(.open), incident: &incident) }
            #expect(error?.reason == .timeout && error?.mayHaveReached == true && error?.isRetryable == true)
        }
    }

    @Test(arguments: SinkStandIn.Kind.allCases)
    func wrongCredentialsAreFinalAndNeverEchoed(kind: SinkStandIn.Kind) async throws {
        let standIn = try await SinkStandIn.make(kind, wrongCredentials: true)
        try await standIn.run { sink in
            var incident = Self.incident()
            let error = await #expect(throws: SinkError.self) { try await Self.deliver(sink, Self.message(.open), incident: &incident) }
            #expect(error?.isRetryable == false)
            #expect(error?.reason == .unauthorized || (kind == .pagerduty && error?.reason == .rejected))
            #expect(!(error?.message.contains(standIn.wrongSecret) ?? true))
        }
    }
}
