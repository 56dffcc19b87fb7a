#!/usr/bin/env bash
# Requests per second under gunicorn (kumamoto_portal/gunicorn.conf.py, DEBUG off) on PostgreSQL with the
# reference data, measured with wrk (Debian: apt-get install wrk): the static-file floor, /health/ and public pages.
# Prints one line per URL: requests/s, p50 and p99 latency, and non-2xx answers. A measurement, not a test: wrk
# runs on the same machine as the server and takes a share of its cores.
#
# Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres bench/serve_wrk.sh
#   WORKERS (2), CONNECTIONS (8), DURATION (10s); REDIS_URL to run with the Redis cache (and check it in /health/).
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/postgres}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
PY=${PY:-.venv/bin/python}
WORKERS=${WORKERS:-2}
CONNECTIONS=${CONNECTIONS:-8}
DURATION=${DURATION:-10s}

admin_url=$DATABASE_URL
base=${DATABASE_URL%%\?*}
options=${DATABASE_URL#"$base"}
scratch_db=portal_bench_$$
work=$(mktemp -d)
port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
server_pid=

cleanup() {
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  psql -q "$admin_url" -c "DROP DATABASE IF EXISTS $scratch_db WITH (FORCE)" || true
  rm -rf "$work"
}
trap cleanup EXIT

export DEBUG=false
SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export SECRET_KEY
export DATABASE_URL="${base%/*}/$scratch_db$options"
export ALLOWED_HOSTS=127.0.0.1 STATIC_ROOT="$work/static" LOG_LEVEL=WARNING
export GUNICORN_BIND="127.0.0.1:$port" GUNICORN_WORKERS="$WORKERS" GUNICORN_ACCESS_LOG=off

psql -q "$admin_url" -c "CREATE DATABASE $scratch_db"
"$PY" manage.py migrate --noinput --verbosity 0
"$PY" manage.py load_reference_data --verbosity 0
"$PY" manage.py collectstatic --noinput --verbosity 0
.venv/bin/gunicorn -c kumamoto_portal/gunicorn.conf.py >"$work/gunicorn.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 60); do
  "$PY" -c "import urllib.request, sys; urllib.request.urlopen('http://127.0.0.1:$port/health/', timeout=2)" 2>/dev/null && break
  sleep 0.5
done

stylesheet=$("$PY" -c "
import re, urllib.request
page = urllib.request.urlopen('http://127.0.0.1:$port/ja/', timeout=10).read().decode()
print(re.search(r'href=\"(/static/[^\"]+\.css)\"', page).group(1))")

echo "gunicorn: $WORKERS workers (sync), PostgreSQL, reference data; wrk -t2 -c$CONNECTIONS -d$DURATION; $(nproc) cores shared with wrk"
printf '%-48s %10s %10s %10s %8s\n' url "req/s" p50 p99 non-2xx
for path in "$stylesheet" /health/ /ja/ /ja/areas/kumamoto/ /ja/areas/kumamoto/plans/kumamoto-strategy-1/ \
  /ja/areas/kumamoto/indicators/S1-G2-N1/ /ja/areas/kumamoto/matrix/; do
  # One request first, so the workers have loaded what the page needs before the timed run.
  "$PY" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port$path', timeout=30).read()"
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$port$path" >"$work/wrk.txt"
  awk -v path="$path" '
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = $2 }
    /^ +99%/ { p99 = $2 }
    /Non-2xx or 3xx responses/ { bad = $NF }
    END { printf "%-48s %10s %10s %10s %8s\n", path, rps, p50, p99, (bad == "" ? 0 : bad) }
  ' "$work/wrk.txt"
done
