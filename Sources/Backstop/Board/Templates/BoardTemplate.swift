/// `GET /`: summary, filters, the asset table with history strips, charts, incidents, runs.
enum BoardTemplate {
    static let name = "board"
    static let text = """
        {{<layout}}
        {{$title}}Backstop status{{/title}}
        {{$refresh}}<meta http-equiv="refresh" content="{{refreshSeconds}}">{{/refresh}}
        {{$body}}
        <h1>Backstop</h1>
        <p><strong class="healthy">{{healthy}}</strong> healthy · <strong class="failed">{{failed}}</strong> failed ·
        <strong class="missing">{{missing}}</strong> missing · {{unverified}} not verified yet ·
        as of <time datetime="{{now}}">{{now}}</time> (refreshes every {{refreshSeconds}} s)</p>

        <form class="filters" method="get" action="/" role="search" aria-label="Filter assets">
        <label>Asset name <input type="search" name="q" value="{{filter.text}}" placeholder="contains…"></label>
        <label>State <select name="state"><option value="">any</option>{{#stateOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/stateOptions}}</select></label>
        <label>Schedule <select name="schedule"><option value="">any</option>{{#scheduleOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/scheduleOptions}}</select></label>
        <label>Kind <select name="kind"><option value="">any</option>{{#kindOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/kindOptions}}</select></label>
        <button type="submit">Filter</button> <a href="/">Clear</a>
        </form>

        <table class="cards" id="assets">
        <caption>Assets: {{matched}} of {{total}} match, page {{page}} of {{pages}} (failing first)</caption>
        <thead><tr><th scope="col">Asset</th><th scope="col">State</th><th scope="col">Cause</th><th scope="col">Failing since</th>
        <th scope="col">Last healthy</th><th scope="col">Last restore</th><th scope="col">Last {{windows}} windows (oldest first)</th>
        <th scope="col">Schedule</th><th scope="col">Kind</th></tr></thead>
        <tbody>
        {{#rows}}<tr class="asset-row" data-state="{{style.css}}">
        <th scope="row"><a href="{{href}}">{{name}}</a></th>
        <td class="state {{style.css}}" data-label="State"><span aria-hidden="true">{{style.glyph}}</span> {{style.label}}</td>
        <td class="cause" data-label="Cause">{{cause}}</td>
        <td data-label="Failing since">{{#failingSince}}<time datetime="{{iso}}" title="{{iso}}">{{relative}}</time>{{/failingSince}}{{^failingSince}}—{{/failingSince}}</td>
        <td data-label="Last healthy">{{#lastHealthy}}<time datetime="{{iso}}" title="{{iso}}">{{relative}}</time>{{/lastHealthy}}{{^lastHealthy}}never{{/lastHealthy}}</td>
        <td data-label="Last restore">{{lastRestore}}</td>
        <td data-label="History"><div class="strip" role="list" aria-label="History of {{name}}">{{#cells}}<a role="listitem" class="cell {{css}}" href="{{href}}" title="{{title}}" aria-label="{{title}}">{{glyph}}</a>{{/cells}}{{^cells}}<span class="muted">no windows yet</span>{{/cells}}</div></td>
        <td data-label="Schedule">{{schedule}}</td><td data-label="Kind">{{kind}}</td>
        </tr>
        {{/rows}}
        {{^rows}}<tr><td colspan="9">No asset matches these filters.</td></tr>{{/rows}}
        </tbody></table>
        <nav aria-label="Pages">{{#previous}}<a rel="prev" href="{{.}}">← previous</a> {{/previous}}page {{page}} of {{pages}}{{#next}} <a rel="next" href="{{.}}">next →</a>{{/next}}</nav>

        <h2>Trends (last {{chartDays}} days)</h2>
        <div class="charts">
        {{#failuresChart}}{{>bar-chart}}{{/failuresChart}}
        {{#mttrChart}}{{>line-chart}}{{/mttrChart}}
        </div>

        <h2>Open incidents</h2>
        {{#hasIncidents}}
        <table class="cards"><caption>Open incidents, newest first</caption>
        <thead><tr><th scope="col">Incident</th><th scope="col">Asset</th><th scope="col">Cause</th><th scope="col">Opened</th><th scope="col">Occurrences</th><th scope="col">Tracker</th></tr></thead><tbody>
        {{/hasIncidents}}
        {{#incidents}}<tr><th scope="row"><a href="{{href}}">{{id}}</a></th><td data-label="Asset"><a href="{{assetHref}}">{{asset}}</a></td>
        <td class="failed" data-label="Cause">{{cause}}</td><td data-label="Opened"><time datetime="{{opened.iso}}" title="{{opened.iso}}">{{opened.relative}}</time></td>
        <td data-label="Occurrences">{{occurrences}}</td><td data-label="Tracker">{{#trackers}}<a href="{{url}}">{{label}}</a> {{/trackers}}{{#plainTrackers}}{{.}} {{/plainTrackers}}</td></tr>
        {{/incidents}}
        {{#hasIncidents}}</tbody></table>{{/hasIncidents}}
        {{^incidents}}<p class="muted">None.</p>{{/incidents}}

        {{#hasDeadLetters}}
        <h2 class="failed">Undelivered incident messages (dead letters)</h2>
        <table class="cards"><caption>Messages abandoned after their retry budget: somebody must act on them</caption>
        <thead><tr><th scope="col">Incident</th><th scope="col">Sink</th><th scope="col">Action</th><th scope="col">Attempts</th><th scope="col">Last error</th></tr></thead><tbody>
        {{/hasDeadLetters}}
        {{#deadLetters}}<tr><th scope="row"><a href="{{href}}">{{incident}}</a></th><td data-label="Sink">{{sink}}</td><td data-label="Action">{{action}}</td>
        <td data-label="Attempts">{{attempts}}</td><td data-label="Last error">{{lastError}}</td></tr>
        {{/deadLetters}}
        {{#hasDeadLetters}}</tbody></table>{{/hasDeadLetters}}

        <h2>Recent runs</h2>
        <table class="cards"><caption>The newest runs first</caption>
        <thead><tr><th scope="col">Run</th><th scope="col">Trigger</th><th scope="col">Finished</th><th scope="col">Status</th><th scope="col">Assets</th><th scope="col">Failed</th><th scope="col">Restore tests</th></tr></thead><tbody>
        {{#runs}}<tr><th scope="row"><a href="{{href}}">{{id}}</a></th><td data-label="Trigger">{{trigger}}</td>
        <td data-label="Finished"><time datetime="{{finished.iso}}" title="{{finished.iso}}">{{finished.relative}}</time></td>
        <td data-label="Status" class="{{status}}">{{status}}</td><td data-label="Assets">{{assets}}</td><td data-label="Failed">{{failed}}</td><td data-label="Restore tests">{{restoreTests}}</td></tr>
        {{/runs}}
        </tbody></table>
        {{/body}}
        {{/layout}}
        """
}
