# shellcheck shell=bash
# The compose copies of scripts/check-deploy, written with --update and checked, in the file it
# sources first. They use its $py (the tools' virtualenv).

# --- generated files --------------------------------------------------------------------------
# The compose copies: deploy/prometheus/prometheus.yml and deploy/alertmanager/alertmanager.yml
# with their placeholders (each written once, outside comments) replaced by compose values.
compose_copies() { # MODE: check | write
  "$py" - "$1" <<'PY'
import sys
from pathlib import Path

mode = sys.argv[1]
copies = [
    ("deploy/prometheus/prometheus.yml", "deploy/compose/prometheus.yml", [
        ("127.0.0.1:10027", "backstop:10027"),
        ("127.0.0.1:9093", "alertmanager:9093"),
        ("../../alerts/backstop.rules.yml", "/etc/prometheus/rules/backstop.rules.yml"),
    ]),
    ("deploy/alertmanager/alertmanager.yml", "deploy/compose/alertmanager.yml", [
        ("http://127.0.0.1:10027/api/v1/alerts", "http://backstop:10027/api/v1/alerts"),
    ]),
    # compose.replicas.yaml: both replicas scraped (the exporter lease decides who shows the record).
    ("deploy/prometheus/prometheus.yml", "deploy/compose/prometheus-replicas.yml", [
        ("127.0.0.1:10027", "backstop:10027\n          - backstop-2:10027"),
        ("127.0.0.1:9093", "alertmanager:9093"),
        ("../../alerts/backstop.rules.yml", "/etc/prometheus/rules/backstop.rules.yml"),
    ]),
]
ok = True
for source, target, replacements in copies:
    lines = Path(source).read_text().splitlines(keepends=True)
    for old, new in replacements:
        hits = [i for i, line in enumerate(lines) if not line.lstrip().startswith("#") and old in line]
        if len(hits) != 1:
            print(f"{source}: expected the placeholder {old!r} once outside comments, found it {len(hits)} times;"
                  " update the replacements in scripts/check-deploy.d/compose-copies.sh")
            ok = False
            continue
        lines[hits[0]] = lines[hits[0]].replace(old, new)
    pairs = ", ".join(f"{old} -> {' and '.join(part.strip(' -') for part in new.splitlines())}" for old, new in replacements)
    text = (f"# GENERATED from {source} by `scripts/check-deploy --update`: do not edit.\n"
            f"# Compose values: {pairs}.\n" + "".join(lines))
    current = Path(target).read_text() if Path(target).exists() else None
    if mode == "write":
        if current != text:
            Path(target).write_text(text)
            print(f"wrote {target}")
    elif current != text:
        print(f"{target} is stale or missing: run scripts/check-deploy --update")
        ok = False
    else:
        print(f"{target} matches {source}")
sys.exit(0 if ok else 1)
PY
}
