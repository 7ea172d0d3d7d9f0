# shellcheck shell=bash
# The systemd, Docker and compose checks of scripts/check-deploy, which sources this file (its
# header says what each check covers). They use its $py (the tools' virtualenv) and $tmp.

# --- systemd ----------------------------------------------------------------------------------
# The units, copied with ExecStart= pointing at a stub (verify rejects a missing binary); the
# timer is verified next to the copy of the service it starts.
check_systemd() {
  local dir="$tmp/systemd" out unit sub file
  mkdir -p "$dir"
  printf '#!/bin/sh\nexit 0\n' > "$dir/backstop"
  chmod +x "$dir/backstop"
  for file in backstop.service backstop-backup-store.service backstop-backup-store.timer; do
    sed "s#^ExecStart=/usr/local/bin/backstop #ExecStart=$dir/backstop #" "deploy/systemd/$file" > "$dir/$file"
  done
  for unit in backstop.service:serve backstop-backup-store.service:backup-store; do
    sub=${unit#*:} unit=${unit%%:*}
    grep -q "^ExecStart=$dir/backstop $sub " "$dir/$unit" || { echo "$unit: ExecStart=/usr/local/bin/backstop $sub … not found"; return 1; }
  done
  grep -qx 'Type=oneshot' "$dir/backstop-backup-store.service" || { echo "backstop-backup-store.service: expected Type=oneshot"; return 1; }
  # verify runs man(1) on each Documentation=man:… page: the pages the package installs,
  # generated from the command definitions.
  shell_integration || return 1
  for unit in backstop.service backstop-backup-store.service backstop-backup-store.timer; do
    out=$(MANPATH="$tmp/shell:" systemd-analyze verify "$dir/$unit" 2>&1) || { echo "$out"; return 1; }
    if [[ -n $out ]]; then echo "$out"; return 1; fi
    echo "systemd-analyze verify $unit: no findings"
  done
  for unit in backstop.service backstop-backup-store.service; do
    systemd-analyze security --offline=yes --no-pager "$dir/$unit" | tail -n 1
  done
  # sysusers.d(5) in an empty root, so the user is always "created".
  out=$(systemd-sysusers --root="$tmp/sysroot" --dry-run "$PWD/deploy/systemd/backstop.sysusers.conf" 2>&1) || { echo "$out"; return 1; }
  grep -q "Creating user 'backstop'" <<<"$out" || { echo "$out"; return 1; }
  echo "systemd-sysusers --dry-run: creates user backstop"
}

# --- docker -----------------------------------------------------------------------------------
check_docker() {
  "$venv/bin/hadolint" deploy/docker/Dockerfile || return 1
  echo "hadolint deploy/docker/Dockerfile: no findings"
  local pattern
  for pattern in .git .build; do
    grep -qx "$pattern" .dockerignore || { echo ".dockerignore does not exclude $pattern"; return 1; }
  done
  echo ".dockerignore excludes .git and .build"
  # What the image build reads from the context: the scripts its RUN lines name, the link order
  # Package.swift names, and every target's directory (SwiftPM stops when one is missing, even
  # for a product it does not build). There is no Docker daemon here to run the build itself.
  local needed targets
  targets=$(swift package dump-package | "$py" -c '
import json, sys
for target in json.load(sys.stdin)["targets"]:
    print(target.get("path") or ("Tests/" if target["type"] == "test" else "Sources/") + target["name"])')
  needed="$(grep -o 'scripts/[A-Za-z0-9_-]*' deploy/docker/Dockerfile | sort -u) linker/backstop.order $targets"
  # An entry leaves a path out when it names the path or a folder above it, unless a later
  # `!` entry takes it back (the paths here hold no wildcard, and .dockerignore uses none on them).
  "$py" - $needed <<'PY' || return 1
import sys
entries = [line.strip() for line in open(".dockerignore") if line.strip() and not line.startswith("#")]
def covers(entry, path):
    return path == entry or path.startswith(entry.rstrip("/") + "/")
missing = []
for path in sys.argv[1:]:
    kept = True
    for entry in entries:
        if entry.startswith("!") and covers(entry[1:], path):
            kept = True
        elif not entry.startswith("!") and covers(entry, path):
            kept = False
    if not kept:
        missing.append(path)
for path in missing:
    print(f".dockerignore leaves {path} out of the build context, but the image build needs it")
sys.exit(1 if missing else 0)
PY
  echo "the build context holds what the image build reads: $(echo $needed)"
}

# --- compose ----------------------------------------------------------------------------------
check_compose() {
  compose_copies check || return 1
  "$venv/bin/check-jsonschema" --builtin-schema vendor.compose-spec deploy/compose/compose.yaml deploy/compose/compose.replicas.yaml \
    || return 1
  "$py" - <<'PY' || return 1
import sys, yaml
from pathlib import Path
base = Path("deploy/compose")
compose = yaml.safe_load((base / "compose.yaml").read_text())
replicas = yaml.safe_load((base / "compose.replicas.yaml").read_text())
problems = []
# The replicas' override: a postgres service, a second replica, both on the PostgreSQL config.
for name in ("postgres", "backstop", "backstop-2"):
    if name not in replicas["services"]:
        problems.append(f"compose.replicas.yaml: no service {name}")
for name in ("backstop", "backstop-2"):
    service = replicas["services"].get(name, {})
    if "./backstop-replicas.yml:/etc/backstop/backstop.yml:ro" not in service.get("volumes", []):
        problems.append(f"compose.replicas.yaml: {name} does not mount backstop-replicas.yml at /etc/backstop/backstop.yml")
    if "pg_password" not in service.get("secrets", []):
        problems.append(f"compose.replicas.yaml: {name} does not get the pg_password secret")
    if name == "backstop-2":
        missing = set(compose["services"]["backstop"]["secrets"]) - set(service.get("secrets", []))
        if missing:
            problems.append(f"compose.replicas.yaml: backstop-2 lacks the secrets backstop has: {sorted(missing)}")
if replicas["services"].get("postgres", {}).get("environment", {}).get("POSTGRES_PASSWORD_FILE") != "/run/secrets/pg_password":
    problems.append("compose.replicas.yaml: postgres must read its password from the pg_password secret")
for name, service in replicas["services"].items():
    for volume in service.get("volumes", []):
        source = volume.split(":")[0]
        if source.startswith(".") and source != "../../examples/backups" and not (base / source).exists():
            problems.append(f"compose.replicas.yaml: service {name}: bind mount source {source} does not exist")
for name, secret in replicas.get("secrets", {}).items():
    if not (base / secret["file"]).exists():
        problems.append(f"compose.replicas.yaml: secret {name}: {secret['file']} does not exist")
yaml.safe_load((base / "backstop-replicas.yml").read_text())
for name, service in compose["services"].items():
    for volume in service.get("volumes", []):
        source = volume.split(":")[0]
        # examples/backups is made by examples/generate-backups.sh (not committed).
        if source.startswith(".") and source != "../../examples/backups" and not (base / source).exists():
            problems.append(f"service {name}: bind mount source {source} does not exist")
build = compose["services"]["backstop"]["build"]
if not (base / build["context"] / build["dockerfile"]).exists():
    problems.append("service backstop: the Dockerfile does not exist")
for name, secret in compose.get("secrets", {}).items():
    if not (base / secret["file"]).exists():
        problems.append(f"secret {name}: {secret['file']} does not exist")
yaml.safe_load((base / "backstop.yml").read_text())
for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
PY
  if command -v promtool >/dev/null 2>&1; then
    promtool check config --syntax-only deploy/compose/prometheus.yml deploy/compose/prometheus-replicas.yml || return 1
  else
    echo "SKIP promtool: not installed"
  fi
  if command -v amtool >/dev/null 2>&1; then
    amtool check-config deploy/compose/alertmanager.yml >/dev/null || return 1
    echo "amtool check-config deploy/compose/alertmanager.yml: SUCCESS"
  else
    echo "SKIP amtool: not installed (apt-get install prometheus-alertmanager)"
  fi
  if docker compose version >/dev/null 2>&1; then
    docker compose -f deploy/compose/compose.yaml config --quiet || return 1
    docker compose -f deploy/compose/compose.yaml -f deploy/compose/compose.replicas.yaml config --quiet || return 1
    echo "docker compose config: ok"
  else
    echo "SKIP docker compose config: this docker client has no compose plugin"
  fi
}
