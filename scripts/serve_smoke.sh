#!/usr/bin/env bash
# The production stack, started as README 「本番運用」 says: `make serve` (migrate, collectstatic, gunicorn with
# DEBUG off) on a scratch PostgreSQL database with the reference data, Redis for the cache and the job queue, on a
# free loopback port, in the background. /health/ must answer 200 with every check OK, a public page and a static
# file 200, the canonical link must be on PORTAL_ORIGIN, and the access log must be JSON lines. gunicorn is stopped
# and the scratch database dropped however it ends.
#
# Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/13 \
#          scripts/serve_smoke.sh
#   DATABASE_URL names any database on the server (it is only used to create and drop the scratch one).
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/postgres}"
: "${REDIS_URL:?set REDIS_URL, e.g. redis://127.0.0.1:6379/13}"
PY=${PY:-.venv/bin/python}
WAIT_SECONDS=${WAIT_SECONDS:-60}

admin_url=$DATABASE_URL
base=${DATABASE_URL%%\?*}
options=${DATABASE_URL#"$base"}
server=${base%/*}
scratch_db=portal_serve_smoke_$$
work=$(mktemp -d)
port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
server_pid=

stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    # make and gunicorn run in their own process group (setsid): TERM reaches the master and its workers.
    kill -TERM -- "-$server_pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=
}

cleanup() {
  stop_server
  psql -q "$admin_url" -c "DROP DATABASE IF EXISTS $scratch_db WITH (FORCE)" || true
  rm -rf "$work"
}
trap cleanup EXIT

# Production-like settings: not the developer's .env (environment variables win over it).
export DEBUG=false
SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export SECRET_KEY
export DATABASE_URL="$server/$scratch_db$options"
export REDIS_URL
export ALLOWED_HOSTS=127.0.0.1 PORTAL_ORIGIN=https://portal.example.jp
export STATIC_ROOT="$work/static"
export GUNICORN_BIND="127.0.0.1:$port" GUNICORN_WORKERS=2 GUNICORN_TIMEOUT=60 LOG_FORMAT=json

psql -q "$admin_url" -c "CREATE DATABASE $scratch_db"
"$PY" manage.py migrate --noinput --verbosity 0
"$PY" manage.py load_reference_data --verbosity 0

echo "== make serve on 127.0.0.1:$port (2 workers, PostgreSQL $scratch_db, Redis $REDIS_URL) =="
setsid make --no-print-directory serve >"$work/stdout.log" 2>"$work/stderr.log" &
server_pid=$!

status=0
"$PY" - "$port" "$WAIT_SECONDS" "$work/stdout.log" <<'EOF' || status=$?
import json
import re
import sys
import time
import urllib.error
import urllib.request

port, wait_seconds, access_log = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
origin = f"http://127.0.0.1:{port}"


def get(path):
    try:
        with urllib.request.urlopen(origin + path, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


deadline = time.monotonic() + wait_seconds
while True:
    try:
        status, headers, body = get("/health/")
        break
    except OSError:
        if time.monotonic() > deadline:
            sys.exit(f"gunicorn did not answer on {origin} within {wait_seconds:g} s")
        time.sleep(0.5)

failures = []
print("/health/", status, body.decode())
if status != 200 or json.loads(body) != {"database": "OK", "redis": "OK", "cache": "OK"}:
    failures.append(f"/health/ answered {status}: {body!r}")

status, headers, body = get("/ja/")
page = body.decode()
print("/ja/", status, len(body), "bytes")
if status != 200:
    failures.append(f"/ja/ answered {status}")
if '<link rel="canonical" href="https://portal.example.jp/ja/">' not in page:
    failures.append("/ja/ has no canonical link on PORTAL_ORIGIN")

stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page)
if stylesheet:
    status, headers, body = get(stylesheet.group(1))
    print(stylesheet.group(1), status, headers.get("Cache-Control"))
    if status != 200 or "immutable" not in headers.get("Cache-Control", ""):
        failures.append(f"{stylesheet.group(1)} answered {status}, Cache-Control {headers.get('Cache-Control')}")
else:
    failures.append("/ja/ links no stylesheet under /static/")

time.sleep(0.5)  # the access log line is written after the response
# stdout holds make's echo of its commands, then gunicorn's access log.
lines = [line for line in open(access_log, encoding="utf-8").read().splitlines() if line.startswith("{")]
try:
    records = [json.loads(line) for line in lines]
except ValueError:
    records = []
    failures.append(f"the access log is not JSON lines: {lines[:3]}")
if not any(record.get("path") == "/ja/" and record.get("status") == 200 for record in records):
    failures.append(f"no access log line for /ja/: {lines[:3]}")

if failures:
    sys.exit("\n".join(failures))
print("production stack: OK")
EOF

stop_server
if [ "$status" -ne 0 ]; then
  echo "--- gunicorn stderr (last lines) ---" >&2
  tail -n 40 "$work/stderr.log" >&2 || true
  exit "$status"
fi
