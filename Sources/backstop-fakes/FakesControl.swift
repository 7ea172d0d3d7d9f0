import BackstopTesting
import Foundation
import Hummingbird

/// The control API of `backstop-fakes`:
///
/// - `POST /faults/{sink}?fault=500|429|hang&count=N`: the sink's next N requests fail so.
/// - `POST /outage/{sink}?fault=500|429|hang|none`: every request fails so until `none`.
/// - `GET /state`: what each fake holds (issues with their comments and attachments, pages) and
///   how many requests it accepted, as JSON, for the driver's invariant checks.
struct FakesControl: Sendable {
    let pagerDuty: FakePagerDuty
    let jira: FakeJira
    let linear: FakeLinear

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/faults/:sink") { request, context in
            let (plan, fault) = try plan(request, context)
            guard let fault else { throw HTTPError(.badRequest, message: "fault=none is for /outage") }
            plan.failNext(request.uri.queryParameters.get("count").flatMap(Int.init) ?? 1, with: fault)
            return "ok\n"
        }
        router.post("/outage/:sink") { request, context in
            let (plan, fault) = try plan(request, context)
            plan.setOutage(fault)
            return "ok\n"
        }
        router.get("/state") { _, _ in
            let body = try JSONEncoder().encode(state())
            return Response(
                status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }
        return router
    }

    private func plan(_ request: Request, _ context: BasicRequestContext) throws -> (FaultPlan, Fault?) {
        let plan: FaultPlan
        switch context.parameters.get("sink") {
        case "pagerduty": plan = pagerDuty.faults
        case "jira": plan = jira.faults
        case "linear": plan = linear.faults
        default: throw HTTPError(.notFound, message: "sink is one of pagerduty, jira, linear")
        }
        switch request.uri.queryParameters.get("fault") {
        case "500": return (plan, .status(500))
        case "429": return (plan, .rateLimited(retryAfterSeconds: 1))
        case "hang": return (plan, .hang)
        case "none": return (plan, nil)
        default: throw HTTPError(.badRequest, message: "fault is one of 500, 429, hang, none")
        }
    }

    struct State: Encodable {
        struct Issue: Encodable {
            var key: String
            var labels: [String]
            var comments: [String]
            var attachments: [String]
        }
        struct Page: Encodable {
            var dedupKey: String
            var status: String
            var triggerCount: Int
        }
        var jira: [Issue]
        var linear: [Issue]
        var pages: [Page]
        var pagerDutyEvents: [String]
        var accepted: [String: Int]
    }

    private func state() -> State {
        State(
            jira: jira.issues.map { issue in
                .init(
                    key: issue.key, labels: issue.labels, comments: issue.comments.map { String(decoding: $0.body.data, as: UTF8.self) },
                    attachments: issue.attachments.map(\.filename))
            },
            linear: linear.issues.map { issue in
                .init(
                    key: issue.identifier, labels: [], comments: issue.comments.map(\.body),
                    attachments: issue.attachments.map { "\($0.url) \($0.subtitle ?? "")" })
            },
            pages: pagerDuty.alerts.values.map { .init(dedupKey: $0.dedupKey, status: $0.status.rawValue, triggerCount: $0.triggerCount) },
            pagerDutyEvents: pagerDuty.events.map { "\($0.action) \($0.dedupKey)" },
            accepted: ["pagerduty": pagerDuty.log.acceptedCount, "jira": jira.log.acceptedCount, "linear": linear.log.acceptedCount])
    }
}
