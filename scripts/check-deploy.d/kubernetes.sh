# shellcheck shell=bash
# The Kubernetes checks of scripts/check-deploy, which sources this file (its header says what each
# check covers). They use its $py (the tools' virtualenv) and $tmp.

# --- kubernetes -------------------------------------------------------------------------------
check_kubernetes() {
  local core=()
  local file
  for file in deploy/kubernetes/*.yaml; do
    case $(basename "$file") in
      kustomization.yaml | servicemonitor.yaml | prometheusrule.yaml) ;;
      *) core+=("$file") ;;
    esac
  done
  "$venv/bin/kubernetes-validate" --strict --quiet "${core[@]}" || return 1
  echo "kubernetes-validate --strict: ${#core[@]} files valid"
  "$py" scripts/generate-prometheusrule --check || return 1
  "$py" - "$tmp" <<'PY' || return 1
import sys, yaml
from pathlib import Path

tmp = Path(sys.argv[1])
base = Path("deploy/kubernetes")
problems = []
p = problems.append
kustomization = yaml.safe_load((base / "kustomization.yaml").read_text())
listed = set(kustomization.get("resources", []))
present = {f.name for f in base.glob("*.yaml")} - {"kustomization.yaml"}
for name in sorted(listed - present):
    p(f"kustomization.yaml lists {name}, which does not exist")
for name in sorted(present - listed):
    p(f"{name} is not listed in kustomization.yaml")
docs = {}
for name in sorted(present):
    for doc in yaml.safe_load_all((base / name).read_text()):
        if doc:
            docs[(doc.get("kind"), doc.get("metadata", {}).get("name"))] = doc
            if not doc.get("metadata", {}).get("name"):
                p(f"{name}: a {doc.get('kind')} without metadata.name")

# CRDs: the fields the Prometheus Operator needs.
monitor = docs.get(("ServiceMonitor", "backstop"))
rule = docs.get(("PrometheusRule", "backstop"))
service = docs.get(("Service", "backstop"))
deployment = docs.get(("Deployment", "backstop"))
if not (monitor and rule and service and deployment):
    p("expected a ServiceMonitor, PrometheusRule, Service and Deployment named backstop")
else:
    for doc in (monitor, rule):
        if doc.get("apiVersion") != "monitoring.coreos.com/v1":
            p(f"{doc['kind']}: apiVersion must be monitoring.coreos.com/v1")
        unknown = set(doc) - {"apiVersion", "kind", "metadata", "spec"}
        if unknown:
            p(f"{doc['kind']}: unknown top-level fields {sorted(unknown)}")
    spec = monitor.get("spec", {})
    selector = spec.get("selector", {}).get("matchLabels", {})
    labels = service["metadata"].get("labels", {})
    if not selector or any(labels.get(k) != v for k, v in selector.items()):
        p("ServiceMonitor selector does not match the Service's labels")
    ports = {port.get("name") for port in service["spec"]["ports"]}
    for endpoint in spec.get("endpoints", []):
        if endpoint.get("port") not in ports:
            p(f"ServiceMonitor endpoint port {endpoint.get('port')} is not a Service port")
        unknown = set(endpoint) - {"port", "path", "interval", "scrapeTimeout", "scheme", "honorLabels", "relabelings", "metricRelabelings", "authorization"}
        if unknown:
            p(f"ServiceMonitor endpoint: unexpected fields {sorted(unknown)}")
    groups = rule.get("spec", {}).get("groups")
    if not isinstance(groups, list) or not groups:
        p("PrometheusRule: spec.groups must be a non-empty list")
    else:
        for group in groups:
            if not group.get("name") or not isinstance(group.get("rules"), list):
                p("PrometheusRule: every group needs name and rules")
            for r in group.get("rules", []):
                if ("alert" in r) == ("record" in r) or not r.get("expr"):
                    p(f"PrometheusRule: rule {r.get('alert') or r.get('record')} needs one of alert/record and expr")
        (tmp / "prometheusrule-rules.yml").write_text(yaml.safe_dump({"groups": groups}))
    pod = deployment["spec"]["template"]
    if any(pod["metadata"]["labels"].get(k) != v for k, v in service["spec"]["selector"].items()):
        p("Service selector does not match the pod labels")
    if deployment["spec"].get("replicas") != 1 or deployment["spec"].get("strategy", {}).get("type") != "Recreate":
        p("Deployment: SQLite needs replicas: 1 and strategy Recreate")
    container = pod["spec"]["containers"][0]
    if "http-metrics" not in {port.get("name") for port in container.get("ports", [])}:
        p("Deployment: the container has no port named http-metrics")
    context = container.get("securityContext", {})
    if not (context.get("readOnlyRootFilesystem") and context.get("allowPrivilegeEscalation") is False
            and pod["spec"].get("securityContext", {}).get("runAsNonRoot")):
        p("Deployment: expected runAsNonRoot, readOnlyRootFilesystem and no privilege escalation")
    probes = {container.get(k, {}).get("httpGet", {}).get("path") for k in ("livenessProbe", "readinessProbe")}
    if probes != {"/-/healthy", "/-/ready"}:
        p(f"Deployment: probes must use /-/healthy and /-/ready, found {sorted(map(str, probes))}")
config = docs.get(("ConfigMap", "backstop-config"), {}).get("data", {}).get("backstop.yml")
if not config:
    p("ConfigMap backstop-config has no backstop.yml")
else:
    parsed = yaml.safe_load(config)
    if not (isinstance(parsed, dict) and parsed.get("schedules") and "assets" in parsed):
        p("ConfigMap backstop.yml: schedules and assets are required")
print(f"{len(docs)} resources: kustomization, selectors, ports, probes and CRD structure consistent")
for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
PY
  # The PostgreSQL overlay (deploy/kubernetes/postgres): its full resources against the schemas,
  # its kustomization and patches structurally (no kustomize here to render it).
  "$venv/bin/kubernetes-validate" --strict --quiet deploy/kubernetes/postgres/secret-postgres.yaml \
    deploy/kubernetes/postgres/configmap-postgres.yaml || return 1
  "$py" - <<'PY' || return 1
import sys, yaml
from pathlib import Path
overlay = Path("deploy/kubernetes/postgres")
problems = []
p = problems.append
kustomization = yaml.safe_load((overlay / "kustomization.yaml").read_text())
if ".." not in kustomization.get("resources", []):
    p("postgres/kustomization.yaml: the base (..) is not a resource")
named = set(kustomization.get("resources", [])) | {x["path"] for x in kustomization.get("patches", []) if "path" in x}
present = {f.name for f in overlay.glob("*.yaml")} - {"kustomization.yaml"}
for name in sorted(present - named):
    p(f"postgres/{name} is neither a resource nor a patch of postgres/kustomization.yaml")
for name in sorted(n for n in named - present if n != ".."):
    p(f"postgres/kustomization.yaml names {name}, which does not exist")
patch = yaml.safe_load((overlay / "deployment-replicas.yaml").read_text())
spec = patch.get("spec", {})
if patch.get("kind") != "Deployment" or patch.get("metadata", {}).get("name") != "backstop":
    p("deployment-replicas.yaml must patch the Deployment backstop")
if not (isinstance(spec.get("replicas"), int) and spec["replicas"] >= 2) or spec.get("strategy", {}).get("type") != "RollingUpdate":
    p("deployment-replicas.yaml: replicas on PostgreSQL must be >= 2 with strategy RollingUpdate")
pod = spec.get("template", {}).get("spec", {})
volumes = {v["name"]: v for v in pod.get("volumes", [])}
if volumes.get("postgres", {}).get("secret", {}).get("secretName") != "backstop-postgres":
    p("deployment-replicas.yaml: volume postgres must be the Secret backstop-postgres")
if "persistentVolumeClaim" not in volumes.get("data", {}) or volumes["data"]["persistentVolumeClaim"] is not None:
    p("deployment-replicas.yaml: volume data must drop the SQLite claim (persistentVolumeClaim: null)")
mounts = {m["mountPath"] for c in pod.get("containers", []) for m in c.get("volumeMounts", [])}
if "/etc/backstop/postgres" not in mounts:
    p("deployment-replicas.yaml: the postgres Secret is not mounted at /etc/backstop/postgres")
base_config = yaml.safe_load(yaml.safe_load(Path("deploy/kubernetes/configmap.yaml").read_text())["data"]["backstop.yml"])
config = yaml.safe_load(yaml.safe_load((overlay / "configmap-postgres.yaml").read_text())["data"]["backstop.yml"])
if "postgres" not in config.get("storage", {}):
    p("configmap-postgres.yaml: backstop.yml has no storage.postgres")
for parsed in (base_config, config):
    parsed.pop("storage", None)
    parsed.get("restore_tests", {}).pop("cluster_concurrency", None)
if base_config != config:
    p("configmap-postgres.yaml: backstop.yml differs from ../configmap.yaml beyond storage and restore_tests.cluster_concurrency")
print(f"postgres overlay: {len(present)} files, replicas {spec.get('replicas')}, {spec.get('strategy', {}).get('type')}")
for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
PY
  if command -v promtool >/dev/null 2>&1; then
    promtool check rules "$tmp/prometheusrule-rules.yml" || return 1
  else
    echo "SKIP promtool check rules: promtool is not installed"
  fi
}
