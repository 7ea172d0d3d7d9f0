import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET /api/v1/approvals` and `POST /api/v1/approvals/{id}/approve|deny` through the real
/// router and authorization: operators answer, named by their token; read tokens are refused.
@Suite(.timeLimit(.minutes(3))) struct ApprovalsHTTPTests {
    static func services(_ harness: Harness, fixes: Bool = true) async throws -> BackstopServices {
        var api = "api:\n  tokens:\n"
        for role in ["read", "operator"] {
            _ = try harness.directory.write("tokens/\(role)", "token-\(role)\n")
            api += "    - { name: \(role)-client, role: \(role), token_file: ./tokens/\(role) }\n"
        }
        return try await ApprovalFixtures.services(harness, fixes: fixes, extra: api)
    }

    static func call(
        _ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, role: String, body: String = ""
    ) async throws -> (status: HTTPResponse.Status, json: Any?, text: String) {
        let response = try await client.execute(
            uri: uri, method: method, headers: [.authorization: "Bearer token-\(role)"], body: ByteBuffer(string: body)
        ) { $0 }
        let text = String(buffer: response.body)
        return (response.status, try? JSONSerialization.jsonObject(with: Data(text.utf8)), text)
    }

    @Test func anOperatorListsAndApprovesAndTheAnswerNamesTheToken() async throws {
        let harness = try Harness()
        let services = try await Self.services(harness)
        try await services.verifyTriageAndDeliver()
        let approval = try #require(try await services.store.approvals(state: .pendingApproval, limit: 10).first)
        try await buildApplication(services: services, runScheduler: false, runBackgroundServices: false).test(.router) { client in
            let refused = try await Self.call(client, .get, "/api/v1/approvals", role: "read")
            #expect(refused.status == .forbidden)
            let refusedApproval = try await Self.call(client, .post, "/api/v1/approvals/\(approval.id)/approve", role: "read")
            #expect(refusedApproval.status == .forbidden)

            // The board's incident page shows the request and how to answer it.
            let page = try await Self.call(client, .get, "/incidents/\(try #require(approval.incident))", role: "read")
            #expect(page.status == .ok)
            #expect(page.text.contains("Retry approvals") && page.text.contains("pending_approval"))
            #expect(page.text.contains("<code>backstop approve \(approval.id)</code>"))
            #expect(page.text.contains("/api/v1/approvals/\(approval.id)/approve"))

            let listed = try await Self.call(client, .get, "/api/v1/approvals?state=pending_approval", role: "operator")
            #expect(listed.status == .ok)
            let first = try #require((listed.json as? [[String: Any]])?.first)
            #expect(first["id"] as? String == approval.id && first["state"] as? String == "pending_approval")
            #expect(first["asset"] as? String == "orders" && first["action"] as? String == "retry")
            #expect(first["cause"] as? String == "corrupted_artifact" && first["requested_at"] is String)
            #expect(first.keys.contains("decided_by") && first["decided_by"] is NSNull)
            #expect(first["incident"] as? String == approval.incident && first["expires_at"] is String)

            let approved = try await Self.call(
                client, .post, "/api/v1/approvals/\(approval.id)/approve", role: "operator", body: #"{"comment": "go ahead"}"#)
            #expect(approved.status == .ok, "\(approved.text)")
            let answer = try #require(approved.json as? [String: Any])
            #expect(answer["state"] as? String == "approved" && answer["decided_by"] as? String == "operator-client")
            #expect(answer["comment"] as? String == "go ahead" && answer["decided_at"] is String)

            let twice = try await Self.call(client, .post, "/api/v1/approvals/\(approval.id)/approve", role: "operator")
            #expect(twice.status == .conflict && twice.text.contains("already approved (by operator-client)"), "\(twice.text)")
            let denyAfter = try await Self.call(client, .post, "/api/v1/approvals/\(approval.id)/deny", role: "operator")
            #expect(denyAfter.status == .conflict)
            let unknown = try await Self.call(client, .post, "/api/v1/approvals/apr_nope/deny", role: "operator")
            #expect(unknown.status == .notFound && unknown.text.contains("backstop approvals list"))
            let badBody = try await Self.call(client, .post, "/api/v1/approvals/\(approval.id)/deny", role: "operator", body: "yes")
            #expect(badBody.status == .badRequest && badBody.text.contains("the body must be empty or JSON"))
            let badState = try await Self.call(client, .get, "/api/v1/approvals?state=maybe", role: "operator")
            #expect(badState.status == .badRequest)
        }
        await services.approvals.pass()
        #expect(ApprovalFixtures.retries(harness.directory) == 1)
        #expect(try await services.store.incident(id: try #require(approval.incident))?.state == .resolved)
    }

    @Test func anOperatorDeniesAndAnExpiredRequestIsAConflict() async throws {
        let harness = try Harness()
        let services = try await Self.services(harness)
        try await services.verifyTriageAndDeliver()
        let approvals = try await services.store.approvals(state: .pendingApproval, limit: 10)
        let approval = try #require(approvals.first)
        try await buildApplication(services: services, runScheduler: false, runBackgroundServices: false).test(.router) { client in
            let denied = try await Self.call(client, .post, "/api/v1/approvals/\(approval.id)/deny", role: "operator")
            #expect(denied.status == .ok)
            #expect((denied.json as? [String: Any])?["state"] as? String == "denied")
        }
        #expect(try await services.store.approval(id: approval.id)?.decidedBy == "operator-client")

        // A new failure proposes again; past its deadline, approving it is a conflict.
        try await services.verifyTriageAndDeliver()
        let second = try #require(try await services.store.approvals(state: .pendingApproval, limit: 10).first)
        #expect(second.id != approval.id)
        harness.clock.advance(to: second.expiresAt.addingTimeInterval(1))
        try await buildApplication(services: services, runScheduler: false, runBackgroundServices: false).test(.router) { client in
            let late = try await Self.call(client, .post, "/api/v1/approvals/\(second.id)/approve", role: "operator")
            #expect(late.status == .conflict && late.text.contains("already expired"), "\(late.text)")
        }
        await services.approvals.pass()
        #expect(ApprovalFixtures.retries(harness.directory) == 0)
    }
}
