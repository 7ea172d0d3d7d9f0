# shellcheck shell=bash
# The dashboard and Grafana provisioning checks of scripts/check-deploy, which sources this file
# (its header says what each check covers). They use its $py (the tools' virtualenv) and $tmp.

# --- dashboards -------------------------------------------------------------------------------
check_dashboards() {
  "$py" - <<'PY'
import json, re, sys
from pathlib import Path

names = set(re.findall(r'"(backstop_[a-z_]+)"', Path("Sources/Backstop/Metrics/MetricNames.swift").read_text()))
if not names:
    sys.exit("no metric names found in Sources/Backstop/Metrics/MetricNames.swift")
allowed = names | {n + s for n in names for s in ("_bucket", "_sum", "_count")}
DS = {"type": "prometheus", "uid": "${datasource}"}
VARS = {"$__rate_interval", "$__interval", "$__range", "$schedule", "${schedule}", "$asset", "${asset}", "$job", "$instance"}
SCOPE = 'job=~"$job",instance=~"$instance"'
expected = {
    "grafana/dashboards/backstop-overview.json": ("backstop-overview", {"datasource", "job", "instance", "schedule", "backstop_url"}),
    "grafana/dashboards/backstop-asset.json": ("backstop-asset", {"datasource", "job", "instance", "asset", "backstop_url"}),
}
problems = []
for path, (uid, variables) in expected.items():
    try:
        board = json.loads(Path(path).read_text())
    except (OSError, ValueError) as error:
        problems.append(f"{path}: {error}")
        continue
    p = lambda message: problems.append(f"{path}: {message}")
    if board.get("uid") != uid:
        p(f"uid is {board.get('uid')!r}, expected {uid!r}")
    if not 36 <= board.get("schemaVersion", 0) <= 41:
        p(f"schemaVersion {board.get('schemaVersion')} is not a Grafana 10/11 schema (36-41)")
    found = {v["name"]: v for v in board.get("templating", {}).get("list", [])}
    if set(found) != variables:
        p(f"variables {sorted(found)}, expected {sorted(variables)}")
    if found.get("datasource", {}).get("type") != "datasource" or found.get("datasource", {}).get("query") != "prometheus":
        p("variable `datasource` must be a datasource variable of type prometheus")
    for name, var in found.items():
        if name not in ("datasource", "backstop_url") and var.get("datasource") != DS:
            p(f"variable {name} does not query through ${{datasource}}")
    for name in ("job", "instance"):
        var = found.get(name, {})
        if not (var.get("multi") and var.get("includeAll") and var.get("allValue") == ".*"):
            p(f"variable {name} must be multi-value with All = .*")
    # Runbook links go to the operator's own Backstop (BACKSTOP_URL), never to a fixed organisation.
    if found.get("backstop_url", {}).get("type") != "constant":
        p("variable backstop_url must be a constant (set on import or in the JSON), the Backstop runbook links open")
    links = re.findall(r'"url": "([^"]*runbook[^"]*)"', Path(path).read_text())
    for url in links:
        if not re.fullmatch(r"\$\{backstop_url\}/runbooks/[a-z0-9-]+", url):
            p(f"runbook link {url!r} is not ${{backstop_url}}/runbooks/<page>")
        elif not Path(f"docs/runbooks/{url.rsplit('/', 1)[1]}.md").exists():
            p(f"runbook link {url!r}: no docs/runbooks/{url.rsplit('/', 1)[1]}.md")
    schedule = found.get("schedule")
    if schedule and not (schedule.get("multi") and schedule.get("includeAll") and schedule.get("allValue") == ".*"):
        p("variable schedule must be multi-value with All = .*")
    panels = []
    for panel in board.get("panels", []):
        panels.append(panel)
        panels.extend(panel.get("panels", []))
    ids = [panel.get("id") for panel in panels]
    if len(ids) != len(set(ids)):
        p("panel ids are not unique")
    count = 0
    for panel in panels:
        title = panel.get("title", "?")
        if panel.get("datasource") != DS:
            p(f"panel {title!r}: datasource is not {DS}")
        if panel.get("type") == "row":
            continue
        if not panel.get("description", "").strip():
            p(f"panel {title!r}: no description")
        targets = panel.get("targets") or []
        if not targets:
            p(f"panel {title!r}: no targets")
        for target in targets:
            count += 1
            expr = target.get("expr", "")
            where = f"panel {title!r} target {target.get('refId')}"
            if target.get("datasource") != DS:
                p(f"{where}: datasource is not {DS}")
            if not expr.strip():
                p(f"{where}: no PromQL expr")
            for metric in set(re.findall(r"\bbackstop_[a-z_]+", expr)):
                if metric not in allowed:
                    p(f"{where}: {metric} is not in MetricNames.swift")
            for var in set(re.findall(r"\$\{?\w+\}?", expr)):
                if var not in VARS:
                    p(f"{where}: variable {var} is not one the dashboard test substitutes")
            # Multi-value schedule: a regex matcher; single-value asset: an equality matcher.
            if len(re.findall(r"\$\{?schedule\b", expr)) != len(re.findall(r'\bschedule=~"\$\{?schedule\}?"', expr)):
                p(f'{where}: use schedule=~"$schedule" (a multi-value variable)')
            if len(re.findall(r"\$\{?asset\b", expr)) != len(re.findall(r'\basset="\$\{?asset\}?"', expr)):
                p(f'{where}: use asset="$asset"')
            # Several Backstops in one Prometheus: every selector picks the chosen job and instance.
            if len(re.findall(r"\bbackstop_[a-z_]+", expr)) != expr.count("{" + SCOPE):
                p(f'{where}: every selector must start with {{{SCOPE}')
            # Quantiles of recent observations, not of everything since Backstop started.
            if "histogram_quantile" in expr and "_bucket{" + SCOPE + "}[$__rate_interval])" not in expr:
                p(f"{where}: histogram_quantile must read rate(…_bucket[$__rate_interval])")
    if path.endswith("overview.json") and not any(
            panel.get("type") == "state-timeline" and "backstop_backup_up" in target.get("expr", "")
            for panel in panels for target in panel.get("targets", [])):
        p("no state-timeline panel of backstop_backup_up per asset")
    print(f"{path}: {len(panels)} panels, {count} queries")
for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
PY
}

# Every panel query against a real Prometheus that scrapes the golden exposition, with the
# substitutions grafana/README.md documents. Skipped when prometheus is not installed.
check_dashboard_queries() {
  if ! command -v prometheus >/dev/null 2>&1; then
    echo "SKIP: prometheus is not installed (apt-get install prometheus, or scripts/install-test-deps)"
    return 0
  fi
  "$py" - "$tmp" <<'PY'
import json, re, socket, subprocess, sys, threading, time, urllib.error, urllib.parse, urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

tmp = Path(sys.argv[1])
# The golden file masks durations as <duration>: make them plausible (every restore under 1 s).
lines = []
for line in Path("Tests/BackstopTests/Golden/metrics.prom").read_text().splitlines():
    if "<duration>" in line:
        line = line.replace("<duration>", "9" if "_bucket" in line else "4.5" if "_sum" in line else "0.5")
    lines.append(line)
exposition = ("\n".join(lines) + "\n").encode()

class Exporter(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.end_headers()
        self.wfile.write(exposition)
    def log_message(self, *args):
        pass

exporter = ThreadingHTTPServer(("127.0.0.1", 0), Exporter)
threading.Thread(target=exporter.serve_forever, daemon=True).start()
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
(tmp / "prometheus.yml").write_text(
    "global: {scrape_interval: 1s}\n"
    "scrape_configs:\n"
    f"  - {{job_name: backstop, static_configs: [{{targets: ['127.0.0.1:{exporter.server_port}']}}]}}\n")
prometheus = subprocess.Popen(
    ["prometheus", f"--config.file={tmp}/prometheus.yml", f"--storage.tsdb.path={tmp}/tsdb",
     f"--web.listen-address=127.0.0.1:{port}", "--log.level=error"],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def query(expr):
    url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        return json.load(error)

try:
    # increase()/rate() over 1m need two samples: wait for four scrapes.
    deadline = time.time() + 60
    while True:
        try:
            if float(query("count_over_time(backstop_build_info[1m])")["data"]["result"][0]["value"][1]) >= 4:
                break
        except (OSError, LookupError, ValueError):
            pass
        if time.time() > deadline:
            sys.exit("Prometheus did not scrape the golden exposition within 60 s")
        time.sleep(0.5)
    up = query("backstop_backup_up")["data"]["result"]
    # A healthy asset with a restore test: the asset dashboard's documented test asset.
    restored = {r["metric"]["asset"] for r in query("backstop_restore_last_duration_seconds")["data"]["result"]}
    healthy = sorted(r["metric"]["asset"] for r in up if r["value"][1] == "1" and r["metric"]["asset"] in restored)
    if not healthy:
        sys.exit("the golden exposition has no healthy, restore-tested asset")
    asset = healthy[0]
    substitutions = [("$__rate_interval", "1m"), ("$__interval", "1m"), ("$__range", "1m"),
                     ("${schedule}", ".*"), ("$schedule", ".*"), ("${asset}", asset), ("$asset", asset),
                     ("$job", ".*"), ("$instance", ".*")]
    problems, count = [], 0
    for path in sorted(Path("grafana/dashboards").glob("*.json")):
        board = json.loads(path.read_text())
        panels = [p for top in board["panels"] for p in [top, *top.get("panels", [])]]
        for panel in panels:
            for target in panel.get("targets", []):
                expr = target["expr"]
                for variable, value in substitutions:
                    expr = expr.replace(variable, value)
                result = query(expr)
                count += 1
                if result.get("status") != "success":
                    problems.append(f"{path.name}: {panel['title']!r}: {result.get('error')}: {expr}")
                elif not result["data"]["result"]:
                    problems.append(f"{path.name}: {panel['title']!r}: no data: {expr}")
    print(f"{count} queries run against Prometheus (asset={asset}, schedule=.*, ranges=1m)")
    for problem in problems:
        print(problem)
    sys.exit(1 if problems else 0)
finally:
    prometheus.terminate()
    prometheus.wait()
    exporter.shutdown()
PY
}

check_grafana_provisioning() {
  "$py" - <<'PY'
import sys, yaml
problems = []
sources = yaml.safe_load(open("grafana/provisioning/datasources/prometheus.yml"))
uids = [d.get("uid") for d in sources.get("datasources", []) if d.get("type") == "prometheus"]
if uids != ["prometheus"]:
    problems.append(f"datasources/prometheus.yml: expected one prometheus datasource with uid prometheus, found {uids}")
providers = yaml.safe_load(open("grafana/provisioning/dashboards/backstop.yml")).get("providers", [])
if not providers or providers[0].get("type") != "file" or not providers[0].get("options", {}).get("path"):
    problems.append("dashboards/backstop.yml: expected a file provider with options.path")
else:
    print(f"dashboard provider path {providers[0]['options']['path']}; datasource uid {uids[0]}")
for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
PY
}
