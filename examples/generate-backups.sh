#!/usr/bin/env bash
# Generates the example's backups under examples/backups/: healthy ones and one of each common
# failure. They are made anew on every call (it takes a moment) and dated inside the windows of
# examples/backstop.yml, so the example shows the same picture whenever it is run.
set -euo pipefail
cd "$(dirname "$0")"
root=backups

now_s=$(date +%s)
# The nightly window opens at 02:00 Europe/Berlin: date nightly backups 10 minutes into the
# most recent one. The hourly window opens at minute 5 UTC: date hourly backups at minute 7.
nightly=$(TZ=Europe/Berlin date -d "today 02:10" +%s)
if (( nightly > now_s )); then nightly=$(TZ=Europe/Berlin date -d "yesterday 02:10" +%s); fi
hourly=$(date -u -d "$(date -u +%Y-%m-%dT%H):07:00Z" +%s)
if (( hourly > now_s )); then hourly=$((hourly - 3600)); fi
nightly_at=$(date -u -d "@$nightly" +%Y-%m-%dT%H:%M:%SZ)

rm -rf "$root" && mkdir -p "$root"/{orders,users,billing,media,analytics,search,ledger}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
stamp=$(date -u -d "@$nightly" +%Y-%m-%d)
users_stamp=$(date -u -d "@$hourly" +%Y-%m-%d)
now=$nightly_at

sql() { # a small but real-looking SQL dump
  echo "-- PostgreSQL database dump of $1"
  for i in $(seq 1 400); do echo "INSERT INTO $1 VALUES ($i, 'row $i', now());"; done
}

# orders-db: healthy tar.gz + sidecar + status file.
sql orders > "$work/orders.sql"
tar -czf "$root/orders/orders-$stamp.sql.tar.gz" -C "$work" orders.sql
(cd "$root/orders" && sha256sum "orders-$stamp.sql.tar.gz" > "orders-$stamp.sql.tar.gz.sha256")
cat > "$root/orders/status.json" <<JSON
{"asset": "orders-db", "status": "success", "exit_code": 0, "output": "pg_dump: dump complete", "started_at": "$now", "finished_at": "$now"}
JSON

# users-db: healthy gzip named by date, listed in a manifest.
sql users | gzip > "$root/users/users-$users_stamp.sql.gz"
(cd "$root/users" && sha256sum "users-$users_stamp.sql.gz" > SHA256SUMS)

# billing-db: checksum mismatch (artifact changed after the sidecar was written).
sql billing | gzip > "$root/billing/billing-$stamp.sql.gz"
(cd "$root/billing" && sha256sum "billing-$stamp.sql.gz" > "billing-$stamp.sql.gz.sha256")
sql billing_late | gzip > "$root/billing/billing-$stamp.sql.gz"

# media-volume: truncated archive whose checksum matches the truncated bytes.
head -c 200000 /dev/urandom > "$work/photo.jpg"
tar -czf "$work/media.tar.gz" -C "$work" photo.jpg
head -c 100000 "$work/media.tar.gz" > "$root/media/media-$stamp.tar.gz"
(cd "$root/media" && sha256sum "media-$stamp.tar.gz" > "media-$stamp.tar.gz.sha256")

# analytics-db: the tool reported failure.
sql analytics > "$work/analytics.sql"; head -n 20 "$work/analytics.sql" | gzip > "$root/analytics/analytics-$stamp.sql.gz"
cat > "$root/analytics/status.json" <<JSON
{"asset": "analytics-db", "status": "failure", "exit_code": 1,
 "output": "pg_dump: error: query failed: ERROR:  canceling statement due to lock timeout\npg_dump: detail: Query was: LOCK TABLE public.events IN ACCESS SHARE MODE",
 "started_at": "$now", "finished_at": "$now"}
JSON

# search-index: nothing at all (a backup that never ran).

# ledger-db: a plain-format pg_dump, restored into a throwaway PostgreSQL cluster and checked with
# SQL when PostgreSQL's server binaries are installed (missing_dependency otherwise).
{
  echo "-- PostgreSQL database dump of ledger"
  echo "CREATE TABLE entries (id integer PRIMARY KEY, amount numeric NOT NULL, booked_at timestamptz NOT NULL);"
  echo "COPY entries (id, amount, booked_at) FROM stdin;"
  for i in $(seq 1 400); do printf '%d\t%d.50\t%s\n' "$i" "$i" "$nightly_at"; done
  echo '\.'
} > "$root/ledger/ledger-$stamp.sql"
(cd "$root/ledger" && sha256sum "ledger-$stamp.sql" > "ledger-$stamp.sql.sha256")

# app-data (restic) and home (borg): real repositories made with the real tools, when this host
# has them. Without them those two assets show missing_dependency on the board, which is what
# Backstop reports on any host that lacks a configured backup tool.
secrets=$PWD/secrets
stamp_utc=$(date -u -d "@$nightly" "+%Y-%m-%d %H:%M:%S")
if command -v restic >/dev/null 2>&1; then
  export RESTIC_REPOSITORY=$root/restic RESTIC_PASSWORD_FILE=$secrets/restic.pass RESTIC_CACHE_DIR=$work/restic-cache
  restic init --quiet
  sql app_orders | TZ=UTC restic backup --quiet --stdin --stdin-filename orders.csv --host example --tag nightly --time "$stamp_utc"
  unset RESTIC_REPOSITORY RESTIC_PASSWORD_FILE RESTIC_CACHE_DIR
else
  echo "note: restic is not installed, so the example has no restic repository (app-data will be missing_dependency); scripts/install-test-deps installs it" >&2
fi
if command -v borg >/dev/null 2>&1; then
  mkdir -p "$work/home/alice"
  sql notes > "$work/home/alice/notes.sql"
  export BORG_REPO=$PWD/$root/borg BORG_PASSCOMMAND="cat $secrets/borg.pass"
  borg init --encryption repokey 2>/dev/null
  (cd "$work" && borg create --timestamp "${stamp_utc/ /T}" "::home-$stamp" home)
  unset BORG_REPO BORG_PASSCOMMAND
else
  echo "note: borg is not installed, so the example has no borg repository (home will be missing_dependency); scripts/install-test-deps installs it" >&2
fi

find "$root" -path "$root/restic" -prune -o -path "$root/borg" -prune -o -type f -exec touch -d "@$nightly" {} +
find "$root/users" -type f -exec touch -d "@$hourly" {} +
echo "example backups generated under examples/$root"
