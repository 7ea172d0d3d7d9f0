/// `GET /runbooks/{page}`: a runbook rendered from its Markdown by ``MarkdownHTML`` (the one
/// value inserted unescaped), with a way back to the list and the board.
enum RunbookPageTemplate {
    static let name = "runbook"
    static let text = """
        {{<layout}}
        {{$title}}{{title}} · Backstop runbooks{{/title}}
        {{$body}}
        <nav aria-label="Runbooks"><a href="/">Status board</a> · <a href="/runbooks/">All runbooks</a></nav>
        <article class="report" id="runbook">{{{html}}}</article>
        {{/body}}
        {{/layout}}
        """
}

/// What ``RunbookPageTemplate`` shows.
struct RunbookPageView: Sendable {
    var title: String
    var html: String

    init(_ runbook: Runbook) {
        title = runbook.title
        html = runbook.html
    }
}
