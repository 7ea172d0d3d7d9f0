/// `GET /runs/{id}`.
enum RunPageTemplate {
    static let name = "run"
    static let text = """
        {{<layout}}
        {{$title}}Run {{id}} · Backstop{{/title}}
        {{$body}}
        <h1>Run {{id}}</h1>
        <p><span class="{{status}}">{{status}}</span> · {{trigger}} · started <time datetime="{{started.iso}}" title="{{started.iso}}">{{started.relative}}</time>,
        took {{duration}} · <a href="{{jsonHref}}">JSON</a> · <a href="{{reportHref}}">report (Markdown)</a></p>
        <table class="cards" id="outcomes"><caption>Assets verified in this run, failing first</caption>
        <thead><tr><th scope="col">Asset</th><th scope="col">State</th><th scope="col">Cause</th><th scope="col">Window</th><th scope="col">Verified</th><th scope="col">Failed checks</th></tr></thead><tbody>
        {{#outcomes}}<tr><th scope="row"><a href="{{assetHref}}">{{asset}}</a></th>
        <td data-label="State" class="state {{style.css}}"><span aria-hidden="true">{{style.glyph}}</span> {{style.label}}{{#late}} (late){{/late}}</td>
        <td data-label="Cause" class="cause">{{cause}}</td><td data-label="Window">{{window}}</td>
        <td data-label="Verified"><time datetime="{{verified.iso}}" title="{{verified.iso}}">{{verified.relative}}</time></td>
        <td data-label="Failed checks">{{#failedChecks}}<div><strong>{{kind}}</strong>: {{message}}{{#excerpt}}<pre>{{.}}</pre>{{/excerpt}}</div>{{/failedChecks}}</td></tr>
        {{/outcomes}}
        </tbody></table>
        {{#hasRestoreTests}}
        <table class="cards"><caption>Restore tests</caption>
        <thead><tr><th scope="col">Asset</th><th scope="col">Result</th><th scope="col">Duration</th><th scope="col">Evidence</th></tr></thead><tbody>
        {{#restoreTests}}<tr><th scope="row"><a href="{{assetHref}}">{{asset}}</a></th>
        <td data-label="Result" class="{{#passed}}healthy{{/passed}}{{^passed}}failed{{/passed}}"><span aria-hidden="true">{{#passed}}✓{{/passed}}{{^passed}}✗{{/passed}}</span> {{status}}</td>
        <td data-label="Duration">{{duration}}</td><td data-label="Evidence">{{message}}{{#excerpt}}<pre>{{.}}</pre>{{/excerpt}}</td></tr>
        {{/restoreTests}}
        </tbody></table>
        {{/hasRestoreTests}}
        {{/body}}
        {{/layout}}
        """
}
