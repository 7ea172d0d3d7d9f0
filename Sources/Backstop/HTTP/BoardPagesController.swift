import BackstopCore
import Foundation
import Hummingbird

/// The HTML pages the board links to: `GET /assets/{name}`, `/runs/{id}`, `/incidents/{id}`.
/// Their JSON stays at `/api/v1/…`.
struct BoardPagesController {
    let store: SQLiteRunStore
    let assets: [Asset]
    let policy: IncidentPolicy
    /// Where the API answers, for the approval commands shown on incident pages.
    let apiBase: String
    let clock: any WallClock

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/assets/:name") { _, context in
            let name = try context.parameters.require("name")
            guard let asset = assets.first(where: { $0.name == name }) else {
                throw HTTPError(.notFound, message: "no configured asset named '\(name)'")
            }
            let view = try await AssetPageView.load(
                asset: asset, store: store, incidents: try await store.openIncidents(asset: name), now: clock.now
            )
            return try HTMLResponse.render(view, template: AssetPageTemplate.name)
        }
        router.get("/runs/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let run = try await store.run(id: id) else {
                throw HTTPError(.notFound, message: "no run with id '\(id)'")
            }
            return try HTMLResponse.render(RunPageView(run, now: clock.now), template: RunPageTemplate.name)
        }
        router.get("/incidents/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let detail = try await IncidentDetail.load(id: id, ledger: store, policy: policy)
            else {
                throw HTTPError(.notFound, message: "no incident with id '\(id)'")
            }
            let report = try await store.latestReport(incidentID: id)
            var view = IncidentPageView(detail: detail, report: report, now: clock.now)
            view.approvals = try await store.approvals(incidentID: id, asset: detail.incident.asset).map {
                ApprovalRowView($0, apiBase: apiBase, now: clock.now)
            }
            return try HTMLResponse.render(view, template: IncidentPageTemplate.name)
        }
    }
}
