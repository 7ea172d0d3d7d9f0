import BackstopCore
import Foundation
import Hummingbird
import Logging

/// `GET /api/v1/approvals` and `POST /api/v1/approvals/{id}/approve|deny`, all three for the
/// `operator` role (see ``RouteAccess``). A decision is recorded with the caller's token name; `serve` runs an
/// approved retry right after. Answering a request twice, or after it expired, is a 409.
struct ApprovalsController {
    let approvals: any ApprovalStore
    /// To name who decided: the token the request authenticated with.
    let access: APIAccess
    let clock: any WallClock
    let logger: Logger
    /// Wakes whoever acts on decisions.
    let decided: @Sendable () -> Void

    static let bodyLimit = 16 << 10

    /// The optional body of a decision.
    struct DecisionBody: Decodable {
        var comment: String?
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/api/v1/approvals") { request, _ in
            let limit = try request.limitParameter()
            let name = request.uri.queryParameters.get("state")
            var state: Approval.State?
            if let name {
                guard let parsed = Approval.State(rawValue: name) else {
                    let states = Approval.State.allCases.map(\.rawValue).joined(separator: ", ")
                    throw HTTPError(.badRequest, message: "state must be one of \(states)")
                }
                state = parsed
            }
            return try JSONResponse.make(try await approvals.approvals(state: state, limit: limit))
        }
        router.post("/api/v1/approvals/:id/approve") { request, context in
            try await decide(.approved, id: try context.parameters.require("id"), request: request)
        }
        router.post("/api/v1/approvals/:id/deny") { request, context in
            try await decide(.denied, id: try context.parameters.require("id"), request: request)
        }
    }

    private func decide(_ decision: ApprovalDecision, id: String, request: Request) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: Self.bodyLimit)
        var comment: String?
        if body.readableBytes > 0 {
            do {
                comment = try JSONDecoder().decode(DecisionBody.self, from: Data(buffer: body)).comment
            } catch {
                throw HTTPError(.badRequest, message: "the body must be empty or JSON like {\"comment\": \"why\"}: \(error)")
            }
        }
        let who = caller(request)
        do {
            let approval = try await approvals.decide(id: id, decision: decision, by: who, comment: comment, at: clock.now)
            decided()
            guard approval.state.rawValue == decision.rawValue else {
                throw ApprovalError.alreadyDecided(id: id, state: approval.state, by: approval.decidedBy)
            }
            logger.notice("retry approval answered", metadata: ["approval": "\(id)", "decision": "\(decision.rawValue)", "by": "\(who)"])
            return try JSONResponse.make(approval)
        } catch ApprovalError.notFound {
            throw HTTPError(.notFound, message: ApprovalError.notFound(id).description)
        } catch let error as ApprovalError {
            if case .store = error { throw HTTPError(.internalServerError, message: error.description) }
            throw HTTPError(.conflict, message: error.description)
        }
    }

    /// The token's name; without tokens (an open API on loopback) the caller has no name.
    private func caller(_ request: Request) -> String {
        APIAuthorizationMiddleware<BasicRequestContext>.bearer(request.headers[.authorization])
            .flatMap { access.token(presented: $0)?.name } ?? "anonymous (API without tokens)"
    }
}
