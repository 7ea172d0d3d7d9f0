import Hummingbird

/// `GET /runbooks/` and `GET /runbooks/{page}`: the runbooks of docs/runbooks/, served by the
/// Backstop the alerts come from, so an alert's `runbook_url` works without the repository.
struct RunbooksController {
    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/runbooks") { _, _ in try HTMLResponse.render(RunbookPageView(.index), template: RunbookPageTemplate.name) }
        router.get("/runbooks/:page") { _, context in
            let page = try context.parameters.require("page")
            guard let runbook = Runbook.named(page) else {
                throw HTTPError(.notFound, message: "no runbook named '\(page)'; the list is at /runbooks/")
            }
            return try HTMLResponse.render(RunbookPageView(runbook), template: RunbookPageTemplate.name)
        }
    }
}
