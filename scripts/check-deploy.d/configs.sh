# shellcheck shell=bash
# The configuration, man page and completion checks of scripts/check-deploy, which sources this file
# (its header says what each check covers). They use its $py (the tools' virtualenv) and $tmp.

# --- backstop configurations ------------------------------------------------------------------
# `backstop check-config` on every configuration we ship: examples/backstop.yml,
# deploy/compose/backstop.yml and the backstop.yml in deploy/kubernetes/configmap.yaml.
#
# The binary is $BACKSTOP_BIN, else .build/debug/backstop; without either the check is skipped
# (and passes). CI (.ci/run) runs check-deploy before scripts/test builds Backstop, so in CI it
# skips; run it locally after a build. A stale .build/debug/backstop can reject keys newer than
# itself: rebuild, or point BACKSTOP_BIN at a current binary.
#
# check-config reads every secret (each `*_file` key except status_file) and fails when one is
# missing, and those files exist only where the configuration is deployed. So a configuration
# that names secrets is checked as a copy under $tmp in which only the secret paths differ:
#   compose     /run/secrets/NAME (or a secret's target) -> the file compose.yaml gives the
#               backstop service as that secret (deploy/compose/secrets/...)
#   kubernetes  MOUNTPATH/KEY -> a file holding KEY of the Secret that deployment.yaml mounts at
#               MOUNTPATH (secret.yaml's placeholder value)
#   examples    any path (none are active today) -> a placeholder file
# A compose or kubernetes secret path that nothing mounts is an error: it would be missing in the
# container too. The copies keep the originals' line numbers (the ConfigMap's embedded file: add
# the printed offset). A configuration without secrets is checked in place, so that its relative
# paths resolve as they do in use.
check_backstop_configs() {
  local bin=${BACKSTOP_BIN:-}
  if [[ -z $bin ]]; then
    if [[ -x .build/debug/backstop ]]; then
      bin=.build/debug/backstop
    else
      echo "SKIP (build backstop first): no \$BACKSTOP_BIN and no .build/debug/backstop"
      return 0
    fi
  fi
  [[ -x $bin ]] || { echo "BACKSTOP_BIN=$bin is not an executable file"; return 1; }
  echo "using $bin ($("$bin" --version 2>&1 | head -n 1))"
  "$py" - "$bin" "$tmp/configs" <<'PY'
import base64, subprocess, sys, yaml
from pathlib import Path

binary, out = sys.argv[1], Path(sys.argv[2])
out.mkdir()
problems = []

def secrets(node, where=""):
    """(key path, value) of every secret file the configuration names."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{where}.{key}" if where else str(key)
            if (isinstance(key, str) and key.endswith("_file") and key not in ("status_file", "web_config_file")
                    and isinstance(value, str)):
                yield here, value
            else:
                yield from secrets(value, here)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from secrets(value, f"{where}[{index}]")

# compose: the backstop service's secrets, at /run/secrets/NAME or at their target.
compose = yaml.safe_load(Path("deploy/compose/compose.yaml").read_text())
compose_secrets = {}
for secret in compose["services"]["backstop"].get("secrets", []):
    name, target = (secret, secret) if isinstance(secret, str) else (secret["source"], secret.get("target", secret["source"]))
    path = target if target.startswith("/") else f"/run/secrets/{target}"
    compose_secrets[path] = (Path("deploy/compose") / compose["secrets"][name]["file"], f"compose secret {name}")

# kubernetes: every key of every Secret volume the backstop container mounts.
k8s_docs = {(d.get("kind"), d.get("metadata", {}).get("name")): d
            for f in sorted(Path("deploy/kubernetes").glob("*.yaml")) for d in yaml.safe_load_all(f.read_text()) if d}
pod = k8s_docs[("Deployment", "backstop")]["spec"]["template"]["spec"]
secret_volumes = {v["name"]: v["secret"] for v in pod.get("volumes", []) if "secret" in v}
k8s_secrets = {}
for mount in pod["containers"][0].get("volumeMounts", []):
    volume = secret_volumes.get(mount["name"])
    if volume is None:
        continue
    secret = k8s_docs.get(("Secret", volume["secretName"]))
    if secret is None:
        problems.append(f"deployment.yaml mounts Secret {volume['secretName']}, which deploy/kubernetes does not define")
        continue
    data = {k: v.encode() for k, v in (secret.get("stringData") or {}).items()}
    data.update({k: base64.b64decode(v) for k, v in (secret.get("data") or {}).items()})
    items = {i["key"]: i["path"] for i in volume["items"]} if volume.get("items") else {k: k for k in data}
    for key, name in items.items():
        file = out / f"k8s-{volume['secretName']}-{key}"
        file.write_bytes(data.get(key, b""))
        k8s_secrets[f"{mount['mountPath'].rstrip('/')}/{name}"] = (file, f"key {key} of Secret {volume['secretName']}")

# compose.replicas.yaml: the backstop service's secrets plus the override's (pg_password).
replicas = yaml.safe_load(Path("deploy/compose/compose.replicas.yaml").read_text())
replica_secrets = dict(compose_secrets)
for name in replicas["services"]["backstop"].get("secrets", []):
    replica_secrets[f"/run/secrets/{name}"] = (Path("deploy/compose") / replicas["secrets"][name]["file"], f"compose secret {name}")

# kubernetes/postgres: the base's Secret keys plus backstop-postgres at /etc/backstop/postgres.
overlay_secrets = dict(k8s_secrets)
overlay_secret = yaml.safe_load(Path("deploy/kubernetes/postgres/secret-postgres.yaml").read_text())
for key, value in overlay_secret.get("stringData", {}).items():
    file = out / f"k8s-backstop-postgres-{key}"
    file.write_text(value)
    overlay_secrets[f"/etc/backstop/postgres/{key}"] = (file, f"key {key} of Secret backstop-postgres")
overlay_text = Path("deploy/kubernetes/postgres/configmap-postgres.yaml").read_text()
overlay_offset = next(i for i, line in enumerate(overlay_text.splitlines(), 1) if line.strip() == "backstop.yml: |")

configmap_text = Path("deploy/kubernetes/configmap.yaml").read_text()
offset = next(i for i, line in enumerate(configmap_text.splitlines(), 1) if line.strip() == "backstop.yml: |")
configs = [
    ("examples/backstop.yml", Path("examples/backstop.yml").read_text(), None, "examples"),
    ("deploy/compose/backstop.yml", Path("deploy/compose/backstop.yml").read_text(), compose_secrets, "compose"),
    (f"deploy/kubernetes/configmap.yaml, backstop.yml (its line N is line N+{offset} of configmap.yaml)",
     yaml.safe_load(configmap_text)["data"]["backstop.yml"], k8s_secrets, "kubernetes"),
    ("deploy/compose/backstop-replicas.yml", Path("deploy/compose/backstop-replicas.yml").read_text(), replica_secrets,
     "compose-replicas"),
    (f"deploy/kubernetes/postgres/configmap-postgres.yaml, backstop.yml (its line N is line N+{overlay_offset})",
     yaml.safe_load(overlay_text)["data"]["backstop.yml"], overlay_secrets, "kubernetes-postgres"),
]
placeholder = out / "placeholder-secret"
placeholder.write_text("checkdeployplaceholder0000000000\n")  # 32 characters, like a PagerDuty key
for label, text, provided, short in configs:
    print(f"-- {label}")
    substituted = text
    for key, path in secrets(yaml.safe_load(text)):
        if provided is None and short == "examples":
            if not (Path("examples") / path).exists():
                problems.append(f"{label}: {key}: {path} is not in examples/ (the example runs on its committed secrets)")
            continue
        if provided is None:
            file, source = placeholder, "a placeholder"
        elif path in provided:
            file, source = provided[path]
        else:
            problems.append(f"{label}: {key}: no {short} secret is mounted at {path} (mounted: {', '.join(sorted(provided)) or 'none'})")
            continue
        print(f"   {key}: {path} -> {file} ({source})")
        substituted = substituted.replace(path, str(Path(file).resolve()))
    if short == "examples" and substituted == text:
        config = label
    else:
        config = out / f"{short}-backstop.yml"
        config.write_text(substituted)
    result = subprocess.run([binary, "check-config", "--config", str(config), "--log-level", "warning"],
                            capture_output=True, text=True)
    for line in (result.stdout + result.stderr).splitlines():
        print(f"   {line}")
    if result.returncode != 0:
        problems.append(f"{label}: check-config exited {result.returncode}")
for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
PY
}

# --- man pages and completions ----------------------------------------------------------------
# Generates the man pages and completions once, into $tmp/shell.
shell_integration() {
  [[ -f $tmp/shell/man1/backstop.1 ]] && return 0
  scripts/generate-shell-integration "$tmp/shell" debug >/dev/null 2>"$tmp/shell.log" || { cat "$tmp/shell.log"; return 1; }
}

check_shell_integration() {
  local out="$tmp/shell"
  shell_integration || return 1
  local binary status=0 pages=0
  binary="$(swift build --show-bin-path)/backstop"
  # Every subcommand the binary lists has its page (help is argument-parser's own).
  for command in $("$binary" --help | sed -n '/^SUBCOMMANDS:/,/^ *$/p' | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p'); do
    [[ -f $out/man1/backstop.$command.1 ]] || { echo "no man page for 'backstop $command'"; status=1; }
    grep -q -- "$command" "$out/completions/backstop.bash" || { echo "bash completion does not offer '$command'"; status=1; }
    grep -q -- "$command" "$out/completions/backstop.fish" || { echo "fish completion does not offer '$command'"; status=1; }
  done
  for page in "$out"/man1/*.1; do
    local warnings
    warnings=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null || true)
    [[ -z $warnings ]] || { echo "$(basename "$page"): $warnings"; status=1; }
    pages=$((pages + 1))
  done
  bash -n "$out/completions/backstop.bash" || status=1
  if command -v zsh >/dev/null; then zsh -n "$out/completions/_backstop" || status=1; fi
  if command -v fish >/dev/null; then fish --no-execute "$out/completions/backstop.fish" || status=1; fi
  ((status == 0)) && echo "$pages man pages render; completions parse and offer every subcommand"
  return $status
}
