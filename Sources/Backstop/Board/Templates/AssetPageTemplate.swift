/// `GET /assets/{name}`.
enum AssetPageTemplate {
    static let name = "asset"
    static let text = """
        {{<layout}}
        {{$title}}{{row.name}} · Backstop{{/title}}
        {{$refresh}}<meta http-equiv="refresh" content="60">{{/refresh}}
        {{$body}}
        {{#row}}
        <h1>{{name}}</h1>
        <table class="cards"><caption>State of {{name}}</caption><tbody>
        <tr><th scope="row">State</th><td class="state {{style.css}}" id="asset-state"><span aria-hidden="true">{{style.glyph}}</span> {{style.label}}</td></tr>
        <tr><th scope="row">Cause</th><td class="cause">{{cause}}{{^cause}}—{{/cause}}</td></tr>
        <tr><th scope="row">Failing since</th><td>{{#failingSince}}<time datetime="{{iso}}" title="{{iso}}">{{relative}}</time>{{/failingSince}}{{^failingSince}}—{{/failingSince}}</td></tr>
        <tr><th scope="row">Last healthy</th><td>{{#lastHealthy}}<time datetime="{{iso}}" title="{{iso}}">{{relative}}</time>{{/lastHealthy}}{{^lastHealthy}}never{{/lastHealthy}}</td></tr>
        <tr><th scope="row">Last restore test</th><td>{{lastRestore}}</td></tr>
        <tr><th scope="row">Schedule</th><td>{{schedule}}</td></tr>
        <tr><th scope="row">Kind</th><td>{{kind}}</td></tr>
        {{/row}}
        <tr><th scope="row">Backup type</th><td>{{type}}</td></tr>
        <tr><th scope="row">Service</th><td>{{service}}</td></tr>
        </tbody></table>
        <h2>Last {{windows}} windows</h2>
        <div class="strip" role="list" aria-label="History of {{row.name}}">{{#row.cells}}<a role="listitem" class="cell {{css}}" href="{{href}}" title="{{title}}" aria-label="{{title}}">{{glyph}}</a>{{/row.cells}}{{^row.cells}}<span class="muted">no windows yet</span>{{/row.cells}}</div>
        {{#latest}}
        <h2>Why (latest verification)</h2>
        {{#failedChecks}}<div class="check"><strong>{{kind}}</strong>: {{message}}{{#excerpt}}<pre>{{.}}</pre>{{/excerpt}}</div>{{/failedChecks}}
        {{^failedChecks}}<p class="healthy">Every check passed.</p>{{/failedChecks}}
        {{/latest}}
        <h2>Restore tests</h2>
        {{#restoreChart}}{{>line-chart}}{{/restoreChart}}
        <h2>Incidents</h2>
        {{#hasIncidents}}<table class="cards"><caption>Open incidents of {{row.name}}</caption>
        <thead><tr><th scope="col">Incident</th><th scope="col">Cause</th><th scope="col">Opened</th><th scope="col">Tracker</th></tr></thead><tbody>
        {{#incidents}}<tr><th scope="row"><a href="{{href}}">{{id}}</a></th><td data-label="Cause" class="failed">{{cause}}</td>
        <td data-label="Opened"><time datetime="{{opened.iso}}" title="{{opened.iso}}">{{opened.relative}}</time></td>
        <td data-label="Tracker">{{#trackers}}<a href="{{url}}">{{label}}</a> {{/trackers}}{{#plainTrackers}}{{.}} {{/plainTrackers}}</td></tr>{{/incidents}}
        </tbody></table>{{/hasIncidents}}
        {{^hasIncidents}}<p class="muted">No open incident.</p>{{/hasIncidents}}
        <h2>Windows</h2>
        <table class="cards"><caption>The last {{windows}} windows of {{row.name}}, newest first</caption>
        <thead><tr><th scope="col">Window</th><th scope="col">State</th><th scope="col">Cause</th><th scope="col">Verified</th><th scope="col">Run</th></tr></thead><tbody>
        {{#windowRows}}<tr><th scope="row">{{window}}</th><td data-label="State" class="{{style.css}}"><span aria-hidden="true">{{style.glyph}}</span> {{style.label}}</td>
        <td data-label="Cause">{{cause}}</td><td data-label="Verified"><time datetime="{{verified.iso}}" title="{{verified.iso}}">{{verified.relative}}</time></td>
        <td data-label="Run"><a href="{{cell.href}}">{{runID}}</a></td></tr>{{/windowRows}}
        </tbody></table>
        {{/body}}
        {{/layout}}
        """
}
