/// The frame every page shares: colours for light and dark schemes (following the system's),
/// a layout that reflows to 400 px, and the self-refresh. Templates are embedded strings rather
/// than resource files so the one `backstop` binary is all a deployment copies (the Docker image
/// and the systemd unit ship no resource bundle), and a broken template fails the unit tests.
enum LayoutTemplate {
    static let name = "layout"
    static let text = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <title>{{$title}}Backstop{{/title}}</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        {{$refresh}}{{/refresh}}
        <style>
        :root{color-scheme:light dark;--fg:#1d1d1f;--bg:#fff;--muted:#5f6368;--line:#d0d0d0;--code:#f4f4f4;
        --ok:#137333;--bad:#b3261e;--warn:#8a5300;--link:#0b57d0}
        @media (prefers-color-scheme: dark){:root{--fg:#e8e8e8;--bg:#121212;--muted:#a0a0a0;--line:#3a3a3a;
        --code:#1e1e1e;--ok:#6dd58c;--bad:#ff8a80;--warn:#f6c26b;--link:#8ab4f8}}
        *{box-sizing:border-box}
        body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;padding:1rem;max-width:78rem;color:var(--fg);background:var(--bg);overflow-wrap:anywhere}
        a{color:var(--link)}
        h1{font-size:1.5rem;margin:.2rem 0 .6rem}h2{font-size:1.15rem;margin:1.6rem 0 .5rem}
        nav{margin-bottom:.6rem}
        table{border-collapse:collapse;width:100%;margin-bottom:1rem}
        caption{text-align:left;font-weight:600;padding:.3rem 0}
        th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
        .healthy{color:var(--ok)}.failed,.missing{color:var(--bad);font-weight:600}.waiting,.none,.muted{color:var(--muted)}
        .state{white-space:nowrap}
        pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:.3rem 0;font-size:13px;background:var(--code);padding:.5rem}
        code{background:var(--code)}
        .strip{display:flex;flex-wrap:wrap;gap:2px;max-width:26rem}
        .cell{display:inline-block;width:12px;height:18px;font-size:11px;line-height:18px;text-align:center;text-decoration:none;
        border:1px solid currentColor;border-radius:2px}
        .cell.healthy{background:var(--ok);color:var(--bg);border-radius:9px}.cell.failed{background:var(--bad);color:var(--bg)}
        .cell.missing{border-style:dashed}.cell.waiting{border-style:dotted}
        .filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:.5rem 0}
        .filters label{display:flex;flex-direction:column;font-size:13px}
        input,select,button{font:inherit;color:inherit;background:var(--bg);border:1px solid var(--line);padding:.2rem .4rem;max-width:100%}
        .sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
        figure{margin:0 0 1rem}figcaption{font-weight:600}
        svg{width:100%;height:auto;max-width:640px;display:block}
        svg text{fill:var(--muted);font-size:11px}svg .axis{stroke:var(--line)}svg polyline{fill:none;stroke:var(--link);stroke-width:1.5}
        svg circle.healthy,svg circle.passed{fill:var(--ok)}svg circle.failed{fill:var(--bad)}svg circle{fill:var(--link)}
        .c0{fill:#1f77b4;background:#1f77b4}.c1{fill:#ff7f0e;background:#ff7f0e}.c2{fill:#2ca02c;background:#2ca02c}.c3{fill:#d62728;background:#d62728}
        .c4{fill:#9467bd;background:#9467bd}.c5{fill:#8c564b;background:#8c564b}.c6{fill:#e377c2;background:#e377c2}
        .c7{fill:#7f7f7f;background:#7f7f7f}.c8{fill:#bcbd22;background:#bcbd22}.c9{fill:#17becf;background:#17becf}
        .swatch{display:inline-block;width:.8em;height:.8em;margin-right:.3em}
        .legend{display:flex;flex-wrap:wrap;gap:.8rem;list-style:none;padding:0;margin:.3rem 0}
        .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,22rem),1fr));gap:1rem}
        @media (max-width: 640px){
          table.cards thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
          table.cards,table.cards caption,table.cards tbody,table.cards tr,table.cards th,table.cards td{display:block;width:100%}
          table.cards tr{border-bottom:2px solid var(--line);padding:.3rem 0}
          table.cards td,table.cards th{border:0;padding:.15rem 0}
          table.cards td[data-label]::before{content:attr(data-label) ": ";color:var(--muted)}
        }
        </style></head><body>
        <nav><a href="/">Status board</a> · <a href="/metrics">/metrics</a> · <a href="/api/v1/runs">/api/v1/runs</a> · <a href="/api/v1/incidents">/api/v1/incidents</a></nav>
        <main>
        {{$body}}{{/body}}
        </main>
        </body></html>

        """
}
