import BackstopCore
import Foundation
import Hummingbird

/// `GET /api/v1/runs` and `GET /api/v1/runs/{id}`.
struct RunsController {
    /// Where runs are read.
    let record: any RunStore
    /// Composes a run's report (diagnosis, correlated logs, timeline).
    let reporter: RunReporter

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/api/v1/runs") { request, _ in
            try JSONResponse.make(try await record.recentRuns(limit: try request.limitParameter()))
        }
        router.get("/api/v1/runs/:id/report.md") { _, context in
            let run = try await run(context)
            let report = await reporter.report(for: run)
            return JSONResponse.text(MarkdownReport.render(report), contentType: "text/markdown; charset=utf-8")
        }
        router.get("/api/v1/runs/:id/report.json") { _, context in
            try JSONResponse.make(await reporter.report(for: try await run(context)))
        }
        router.get("/api/v1/runs/:id") { _, context in
            try JSONResponse.make(try await run(context))
        }
    }

    private func run(_ context: some RequestContext) async throws -> VerificationRun {
        let id = try context.parameters.require("id")
        guard let run = try await record.run(id: id) else {
            throw HTTPError(.notFound, message: "no run with id '\(id)'")
        }
        return run
    }
}
