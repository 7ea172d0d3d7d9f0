import BackstopCore
import Foundation
import Hummingbird

/// `GET /api/v1/incidents`, `/api/v1/incidents/{id}` and `/api/v1/incidents/{id}/report.md`
/// (the page every incident links to).
struct IncidentsController {
    let ledger: any IncidentStore
    /// Links in the answers (report URLs) follow it.
    let policy: IncidentPolicy

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/api/v1/incidents") { request, _ in
            let limit = try request.limitParameter()
            let state = request.uri.queryParameters.get("state")
            guard state == nil || state == "open" || state == "all" else {
                throw HTTPError(.badRequest, message: "state must be 'open' or 'all'")
            }
            return try JSONResponse.make(try await ledger.incidents(limit: limit, openOnly: state == "open"))
        }
        router.get("/api/v1/incidents/:id/report.md") { _, context in
            let id = try context.parameters.require("id")
            guard let report = try await ledger.latestReport(incidentID: id) else {
                throw HTTPError(.notFound, message: "no incident with id '\(id)'")
            }
            return JSONResponse.text(report.markdown, contentType: "text/markdown; charset=utf-8")
        }
        router.get("/api/v1/incidents/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let detail = try await IncidentDetail.load(id: id, ledger: ledger, policy: policy) else {
                throw HTTPError(.notFound, message: "no incident with id '\(id)'")
            }
            return try JSONResponse.make(detail)
        }
    }
}
