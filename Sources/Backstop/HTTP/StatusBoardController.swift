import BackstopCore
import Foundation
import Hummingbird

/// `GET /`: the status board, server-rendered HTML that refreshes itself and needs no
/// JavaScript; filters and pages arrive in the query string (see ``BoardFilter``).
struct StatusBoardController {
    let store: SQLiteRunStore
    let assets: [Asset]
    let schedules: [String]
    let clock: any WallClock

    func addRoutes(to router: Router<some RequestContext>) {
        let cache = BoardRecordCache()
        router.get("/") { request, _ in
            let filter: BoardFilter
            do {
                filter = try BoardFilter { request.uri.queryParameters.get($0) }
            } catch let error as BoardFilter.Invalid {
                throw HTTPError(.badRequest, message: error.message)
            }
            let now = clock.now
            let record = try await cache.record(assets: assets, store: store, now: now)
            let view = try await StatusBoardView.load(
                schedules: schedules, filter: filter,
                record: record, store: store,
                incidents: try await store.incidents(limit: 50, openOnly: true),
                deadLetters: try await store.deadLetters(limit: 20), runs: record.runs, now: now)
            return try HTMLResponse.render(view, template: BoardTemplate.name)
        }
    }
}

/// HTML responses rendered through ``PageRenderer``.
enum HTMLResponse {
    static func render(_ view: Any, template: String) throws -> Response {
        let renderer = try PageRenderer.shared.get()
        return JSONResponse.text(try renderer.render(view, template: template), contentType: "text/html; charset=utf-8")
    }
}
