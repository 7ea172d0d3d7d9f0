/// The SVG charts: axes, points or bars with a tooltip each, and the same data as a table for
/// screen readers and for reading exact values.
enum ChartTemplates {
    static let lineName = "line-chart"
    static let line = """
        <figure class="chart">
        <figcaption>{{caption}}</figcaption>
        {{#empty}}<p class="muted">No data yet.</p>{{/empty}}
        {{^empty}}
        <svg viewBox="0 0 {{width}} {{height}}" role="img" aria-label="{{caption}}">
        <line class="axis" x1="{{plotLeft}}" y1="12" x2="{{plotLeft}}" y2="{{plotBottom}}"/>
        <line class="axis" x1="{{plotLeft}}" y1="{{plotBottom}}" x2="{{plotRight}}" y2="{{plotBottom}}"/>
        <text x="2" y="22">{{yMaxLabel}}</text><text x="2" y="{{plotBottom}}">0</text>
        <text x="{{plotLeft}}" y="{{labelY}}">{{xStartLabel}}</text>
        <text x="{{plotRight}}" y="{{labelY}}" text-anchor="end">{{xEndLabel}}</text>
        <polyline points="{{polyline}}"/>
        {{#points}}{{#href}}<a href="{{href}}">{{/href}}<circle class="point {{css}}" cx="{{cx}}" cy="{{cy}}" r="4"><title>{{title}}</title></circle>{{#href}}</a>{{/href}}
        {{/points}}
        </svg>
        <details><summary>Data</summary><table><caption>{{caption}}</caption>
        <thead><tr><th scope="col">Time (UTC)</th><th scope="col">Value</th></tr></thead>
        <tbody>{{#points}}<tr><td>{{when}}</td><td>{{value}}</td></tr>{{/points}}</tbody></table></details>
        {{/empty}}
        </figure>
        """

    static let barsName = "bar-chart"
    static let bars = """
        <figure class="chart">
        <figcaption>{{caption}}</figcaption>
        {{#empty}}<p class="muted">No failures in this period.</p>{{/empty}}
        {{^empty}}
        <svg viewBox="0 0 {{width}} {{height}}" role="img" aria-label="{{caption}}">
        <line class="axis" x1="{{plotLeft}}" y1="12" x2="{{plotLeft}}" y2="{{plotBottom}}"/>
        <line class="axis" x1="{{plotLeft}}" y1="{{plotBottom}}" x2="{{plotRight}}" y2="{{plotBottom}}"/>
        <text x="2" y="22">{{yMaxLabel}}</text><text x="2" y="{{plotBottom}}">0</text>
        <text x="{{plotLeft}}" y="{{labelY}}">{{xStartLabel}}</text>
        <text x="{{plotRight}}" y="{{labelY}}" text-anchor="end">{{xEndLabel}}</text>
        {{#segments}}<rect class="bar {{css}}" x="{{x}}" y="{{y}}" width="{{width}}" height="{{height}}"><title>{{title}}</title></rect>
        {{/segments}}
        </svg>
        <ul class="legend">{{#legend}}<li><span class="swatch {{css}}" aria-hidden="true"></span>{{cause}} ({{total}})</li>{{/legend}}</ul>
        <details><summary>Data</summary><table><caption>{{caption}}</caption>
        <thead><tr><th scope="col">Day (UTC)</th><th scope="col">Cause</th><th scope="col">Failures</th></tr></thead>
        <tbody>{{#rows}}<tr><td>{{day}}</td><td>{{cause}}</td><td>{{count}}</td></tr>{{/rows}}</tbody></table></details>
        {{/empty}}
        </figure>
        """
}
