/// `GET /incidents/{id}`: the report (Markdown rendered by ``MarkdownHTML``, the one value
/// inserted unescaped), the timeline and the tracker links.
enum IncidentPageTemplate {
    static let name = "incident"
    static let text = """
        {{<layout}}
        {{$title}}{{row.id}} · Backstop{{/title}}
        {{$body}}
        <h1>{{title}}</h1>
        {{#row}}
        <table class="cards"><caption>Incident {{id}}</caption><tbody>
        <tr><th scope="row">Asset</th><td><a href="{{assetHref}}">{{asset}}</a></td></tr>
        <tr><th scope="row">Cause</th><td class="failed">{{cause}}</td></tr>
        <tr><th scope="row">Opened</th><td><time datetime="{{opened.iso}}" title="{{opened.iso}}">{{opened.relative}}</time></td></tr>
        <tr><th scope="row">Occurrences</th><td>{{occurrences}}</td></tr>
        <tr><th scope="row">Tracker</th><td id="trackers">{{#trackers}}<a href="{{url}}">{{label}}</a> {{/trackers}}{{#plainTrackers}}{{.}} {{/plainTrackers}}{{^trackers}}{{^plainTrackers}}—{{/plainTrackers}}{{/trackers}}</td></tr>
        {{/row}}
        <tr><th scope="row">State</th><td>{{state}}{{#resolved}}, resolved <time datetime="{{iso}}" title="{{iso}}">{{relative}}</time>{{/resolved}}</td></tr>
        <tr><th scope="row">Last run</th><td><a href="{{lastRunHref}}">{{lastRunID}}</a></td></tr>
        </tbody></table>
        <p>{{summary}}</p>
        <p><a href="{{jsonHref}}">JSON</a> · <a href="{{reportMarkdownHref}}">report (Markdown)</a></p>
        {{#hasApprovals}}
        <h2>Retry approvals</h2>
        <table class="cards" id="approvals"><caption>Retries that wait for an operator (recovery.approval)</caption>
        <thead><tr><th scope="col">Approval</th><th scope="col">State</th><th scope="col">Command</th><th scope="col">Requested</th><th scope="col">Detail</th></tr></thead><tbody>
        {{/hasApprovals}}
        {{#approvals}}<tr><th scope="row">{{id}}</th><td data-label="State">{{state}}</td><td data-label="Command"><code>{{command}}</code></td><td data-label="Requested"><time datetime="{{requested.iso}}" title="{{requested.iso}}">{{requested.relative}}</time></td><td data-label="Detail">{{detail}}{{#pending}}<br>approve: <code>{{approveCommand}}</code> or <code>{{approveCall}}</code>; deny: <code>{{denyCommand}}</code>{{/pending}}</td></tr>{{/approvals}}
        {{#hasApprovals}}</tbody></table>{{/hasApprovals}}
        <h2>Report</h2>
        <article id="report">{{#reportHTML}}{{{.}}}{{/reportHTML}}{{^reportHTML}}<p class="muted">No report recorded.</p>{{/reportHTML}}</article>
        <h2>Timeline</h2>
        <table class="cards" id="timeline"><caption>What happened to this incident, oldest first</caption>
        <thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Detail</th></tr></thead><tbody>
        {{#timeline}}<tr><th scope="row"><time datetime="{{at.iso}}" title="{{at.iso}}">{{at.relative}}</time></th><td data-label="Event">{{kind}}</td><td data-label="Detail">{{text}}</td></tr>{{/timeline}}
        </tbody></table>
        <h2>Deliveries</h2>
        <table class="cards"><caption>Calls to the incident trackers</caption>
        <thead><tr><th scope="col">Sink</th><th scope="col">Action</th><th scope="col">State</th><th scope="col">Attempts</th><th scope="col">Last error</th></tr></thead><tbody>
        {{#deliveries}}<tr><th scope="row">{{sink}}</th><td data-label="Action">{{action}}</td><td data-label="State">{{state}}</td><td data-label="Attempts">{{attempts}}</td><td data-label="Last error">{{lastError}}</td></tr>{{/deliveries}}
        </tbody></table>
        {{/body}}
        {{/layout}}
        """
}
