"""A trial's directory: real backup artifacts (healthy and broken), logs to correlate, and the
`backstop.yml` that points `serve` at them and at the sink fakes."""

import hashlib
import os
import socket
import subprocess

HEALTHY = ["www-files", "users-db"]
# Each broken asset fails a different way: nothing ran, the checksum does not match, the archive
# is truncated (only the restore test can tell), the tool reported a failure in its status file.
BROKEN = ["orders-db", "billing-db", "media-volume", "analytics-db"]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def sql(rows):
    return "".join(f"INSERT INTO t VALUES ({i}, 'row {i}');\n" for i in range(rows)).encode()


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)


def tar_gz(directory, name, member, rows):
    staging = os.path.join(directory, "staging")
    write(os.path.join(staging, member), sql(rows))
    target = os.path.join(directory, "backups", name)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    subprocess.run(["tar", "-czf", target, "-C", staging, member], check=True)
    return target


def sidecar(path):
    digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
    write(path + ".sha256", f"{digest}  {os.path.basename(path)}\n".encode())


def make_backups(directory, broken):
    """Writes the artifacts; returns {path: sha256} of the healthy ones, to check they are untouched."""
    www = tar_gz(directory, "www-2026-11-22.tar.gz", "www.sql", 400)
    sidecar(www)
    users = tar_gz(directory, "users-2026-11-22.tar.gz", "users.sql", 300)
    sidecar(users)
    if "billing-db" in broken:
        billing = tar_gz(directory, "billing-2026-11-22.tar.gz", "billing.sql", 300)
        sidecar(billing)
        with open(billing, "r+b") as handle:  # silent corruption after the checksum was written
            handle.seek(os.path.getsize(billing) // 2)
            byte = handle.read(1)
            handle.seek(-1, os.SEEK_CUR)
            handle.write(bytes([byte[0] ^ 0xFF]))
    if "media-volume" in broken:
        media = tar_gz(directory, "media-2026-11-22.tar.gz", "media.sql", 3000)
        os.truncate(media, os.path.getsize(media) // 2)
        sidecar(media)  # written from the truncated file: only the restore test can tell
    if "analytics-db" in broken:
        analytics = tar_gz(directory, "analytics-2026-11-22.tar.gz", "analytics.sql", 100)
        write(
            os.path.join(directory, "backups", "analytics-status.json"),
            b'{"status":"failure","tool":"pg_dump","exit_code":1,'
            b'"output":"pg_dump: error: could not write to output file: No space left on device"}')
        sidecar(analytics)
    for service in ["www", "users-api", "orders-api", "billing-api", "media", "analytics"]:
        write(os.path.join(directory, "logs", f"{service}.log"), b"2026-11-22T02:31:07Z ERROR disk quota exceeded\n")
    return {path: hashlib.sha256(open(path, "rb").read()).hexdigest() for path in [www, users]}


def restore(seconds, validate):
    """A restore that takes `seconds`, so a trial can kill Backstop while it runs."""
    return (
        f'{{ command: ["sh", "-c", "sleep {seconds:.2f}; tar -xzf \\"$0\\" -C \\"$1\\"", "{{artifact}}", "{{scratch}}"],'
        f' validate: ["test", "-s", "{{scratch}}/{validate}"], timeout: 1m }}')


ASSETS = {
    "www-files": lambda r: f"{{ name: www-files, service: www, schedule: daily, backup: {{ path: backups/www-*.tar.gz, checksum: sidecar }}, restore: {restore(r, 'www.sql')} }}",
    "users-db": lambda r: f"{{ name: users-db, service: users-api, schedule: daily, backup: {{ path: backups/users-*.tar.gz, checksum: sidecar }}, restore: {restore(r, 'users.sql')} }}",
    "orders-db": lambda r: "{ name: orders-db, service: orders-api, schedule: daily, backup: { path: backups/orders-*.tar.gz, checksum: sidecar } }",
    "billing-db": lambda r: "{ name: billing-db, service: billing-api, schedule: daily, backup: { path: backups/billing-*.tar.gz, checksum: sidecar } }",
    "media-volume": lambda r: f"{{ name: media-volume, service: media, schedule: daily, backup: {{ path: backups/media-*.tar.gz, checksum: sidecar }}, restore: {restore(r, 'media.sql')} }}",
    "analytics-db": lambda r: "{ name: analytics-db, service: analytics, schedule: daily, backup: { path: backups/analytics-*.tar.gz, checksum: sidecar, status_file: backups/analytics-status.json } }",
}


SQLITE = "storage: { sqlite: ./data/backstop.db }"


BUFFER = "buffer/buffer.db"


def postgres_storage(url, buffer=False):
    """`storage.postgres` with a short lease, so a killed serve's claims pass to the next soon;
    with `buffer`, the local buffer at ``BUFFER`` (relative to the trial's directory)."""
    extra = f", buffer: ./{BUFFER}" if buffer else ""
    return f"storage:\n  postgres: {{ url: \"{url}\", password_file: ./pg-password, lease: 5s{extra} }}"


def write_config(directory, urls, sink, broken, restore_seconds, storage=SQLITE):
    write(os.path.join(directory, "pagerduty-key"), urls["routing_key"].encode())
    write(os.path.join(directory, "jira-token"), urls["jira_token"].encode())
    write(os.path.join(directory, "linear-key"), urls["linear_key"].encode())
    assets = "\n".join(f"  - {ASSETS[name](restore_seconds)}" for name in HEALTHY + sorted(broken))
    trackers = {
        "jira": f'jira: {{ url: "{urls["jira"]}", project: OPS, issue_type: Task, email: {urls["jira_email"]}, token_file: ./jira-token }}',
        "linear": f'linear: {{ url: "{urls["linear"]}", team_id: {urls["linear_team"]}, api_key_file: ./linear-key }}',
    }
    port = free_port()
    text = f"""listen: 127.0.0.1:{port}
{storage}
schedules: {{ daily: {{ cron: "0 0 * * *", timezone: UTC, window: 1h, grace: 1m }} }}
restore_tests: {{ sample: 100%, scratch: ./scratch }}
diagnosis: {{ probes: false }}
webhook: {{ max_body_size: 1MiB }}
assets:
{assets}
logs: {{ sources: [{{ type: file, path: "./logs/{{service}}.log" }}] }}
incidents:
  sink: {sink}
  page: pagerduty
  report_base_url: http://backstop.test
  delivery: {{ max_attempts: 1000, backoff: 1s, max_backoff: 2s, timeout: 3s }}
  pagerduty: {{ url: "{urls["pagerduty"]}", routing_key_file: ./pagerduty-key }}
  {trackers[sink]}
"""
    path = os.path.join(directory, "backstop.yml")
    write(path, text.encode())
    return path, port
