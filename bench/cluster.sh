#!/usr/bin/env bash
# Two app servers behind a load balancer, as production runs them (README: 本番運用): two gunicorn instances on
# loopback ports, each with its own temporary directory (static files, temp files), behind HAProxy configured by
# the shipped deploy/haproxy.cfg (its defaults and backend; addresses swapped in), on one PostgreSQL database (the
# reference data and `generate_scale_data --preset small`) and one Redis. bench/cluster_check.py then shows, and
# fails unless:
#   1. an import's dry run on server A is confirmed on server B (the pending file is in the database);
#   2. B serves a public page from the shared cache, A publishes a new figure, and B's next answer has it;
#   3. under load through HAProxy, server A is killed (SIGKILL): no request that arrives after HAProxy has marked A
#      down fails. The failures before the mark-down are counted apart, from HAProxy's log: with the shipped
#      retries a refused or dropped GET is replayed on B and the first refused connection marks A down, so there are
#      none either, but for an answer that A was already sending when it died (cut short: no retry can mend it).
#
# Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres bench/cluster.sh     (or: make cluster)
#   REDIS_URL (redis://127.0.0.1:6379/12: this database is emptied before and after), WORKERS per server (2),
#   LOAD_SECONDS (8) for each load phase, HAPROXY_CFG (deploy/haproxy.cfg; another file to compare settings),
#   SCRATCH_DB (portal_cluster_<pid>: the scratch database's name), KEEP_LOGS (a directory: HAProxy's log is copied
#   there). Everything listens on 127.0.0.1 only; everything started here is stopped and the scratch database
#   dropped however it ends; each wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/postgres}"
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/12}
PY=${PY:-.venv/bin/python}
WORKERS=${WORKERS:-2}
LOAD_SECONDS=${LOAD_SECONDS:-8}
HAPROXY_CFG=${HAPROXY_CFG:-deploy/haproxy.cfg}
command -v haproxy >/dev/null || { echo "haproxy is not installed (apt-get install haproxy)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

admin_url=$DATABASE_URL
base=${DATABASE_URL%%\?*}
options=${DATABASE_URL#"$base"}
scratch_db=${SCRATCH_DB:-portal_cluster_$$}
work=$(mktemp -d)
free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port_a=$(free_port)
port_b=$(free_port)
port_lb=$(free_port)
port_stats=$(free_port)
pids=()

stop_group() {  # a process started with setsid, and everything in its group (gunicorn's workers)
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  { wait "$pid"; } 2>/dev/null || true  # quiet: server A was killed on purpose
}

cleanup() {
  for pid in "${pids[@]}"; do stop_group "$pid"; done
  psql -q "$admin_url" -c "DROP DATABASE IF EXISTS $scratch_db WITH (FORCE)" >/dev/null 2>&1 || true
  "$PY" -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).flushdb()" "$REDIS_URL" 2>/dev/null || true
  if [ -n "${KEEP_LOGS:-}" ]; then mkdir -p "$KEEP_LOGS" && cp "$work"/*.log "$KEEP_LOGS"/ 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

export DEBUG=false
SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export SECRET_KEY
export DATABASE_URL="${base%/*}/$scratch_db$options"
export REDIS_URL ALLOWED_HOSTS=127.0.0.1 LOG_LEVEL=WARNING LOG_FORMAT=json
# Plain HTTP on loopback: the session and CSRF cookies must travel without TLS here.
export SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false AXES_ENABLED=false
export DJANGO_ADMIN_PASSWORD="cluster-$("$PY" -c 'import secrets; print(secrets.token_hex(8))')"

"$PY" -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).flushdb()" "$REDIS_URL"
psql -q "$admin_url" -c "CREATE DATABASE $scratch_db"
"$PY" manage.py migrate --noinput --verbosity 0
"$PY" manage.py load_reference_data --verbosity 0
# The synthetic data (kpi/scale_data.py) beside the reference data: the load mixes its areas' pages in.
"$PY" manage.py generate_scale_data --preset small --verbosity 0
"$PY" manage.py ensure_admin >/dev/null
synthetic_paths=$("$PY" manage.py shell --verbosity 0 -c '
from kpi.models import Indicator
from vision.models import Plan
plan = Plan.objects.filter(area__slug="synthetic-01").order_by("slug").first()
indicator = Indicator.objects.filter(plan=plan).order_by("code").first()
area = f"/ja/areas/{plan.area.slug}"
print(f"{area}/ {area}/plans/{plan.slug}/ {area}/indicators/{indicator.code}/ {area}/matrix/")
')

start_server() {  # name port
  local dir="$work/$1"
  mkdir -p "$dir/tmp"
  STATIC_ROOT="$dir/static" "$PY" manage.py collectstatic --noinput --verbosity 0
  STATIC_ROOT="$dir/static" TMPDIR="$dir/tmp" GUNICORN_BIND="127.0.0.1:$2" GUNICORN_WORKERS="$WORKERS" \
    GUNICORN_ACCESS_LOG=off setsid .venv/bin/gunicorn -c kumamoto_portal/gunicorn.conf.py \
    >"$dir/stdout.log" 2>"$dir/stderr.log" &
  pids+=($!)
  echo $! >"$work/$1.pid"
}
start_server a "$port_a"
start_server b "$port_b"

# The shipped production example's defaults and backend as they are, with this run's addresses swapped in; the
# global section, the frontend (plain HTTP on loopback, a log line per request with its accept time) and the stats
# page are this bench's own.
{
  cat <<EOF
global
    maxconn 256
    log stdout format rfc5424 local0
EOF
  awk -v workers="$WORKERS" '
    /^[a-z]/ { keep = ($1 == "defaults" || ($1 == "backend" && $2 == "app")) }
    keep && $1 != "server" {
      gsub(/hdr Host portal\.example\.jp/, "hdr Host 127.0.0.1")
      sub(/maxconn [0-9]+$/, "maxconn " workers)
      print
    }' "$HAPROXY_CFG"
  cat <<EOF
    server a 127.0.0.1:$port_a
    server b 127.0.0.1:$port_b
frontend portal
    bind 127.0.0.1:$port_lb
    log-format "REQ %Ts.%ms %Ta %ST %tsc %rc %b/%s %HM %HU"
    default_backend app
listen stats
    bind 127.0.0.1:$port_stats
    no log
    stats enable
    stats uri /stats
EOF
} >"$work/haproxy.cfg"
for expected in "^backend app" "hdr Host 127.0.0.1" "maxconn $WORKERS\$" "retry-on"; do
  grep -q -- "$expected" "$work/haproxy.cfg" || { echo "$HAPROXY_CFG changed shape: no '$expected' after the swap" >&2; exit 1; }
done
haproxy -q -c -f "$work/haproxy.cfg"
setsid haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>"$work/haproxy-stderr.log" &
pids+=($!)

echo "== cluster: A 127.0.0.1:$port_a, B 127.0.0.1:$port_b ($WORKERS workers each), HAProxy 127.0.0.1:$port_lb =="
echo "   PostgreSQL $scratch_db, Redis $REDIS_URL"
status=0
"$PY" bench/cluster_check.py \
  --a "http://127.0.0.1:$port_a" --b "http://127.0.0.1:$port_b" --lb "http://127.0.0.1:$port_lb" \
  --stats "http://127.0.0.1:$port_stats/stats;csv" --kill-pid "$(cat "$work/a.pid")" \
  --load-seconds "$LOAD_SECONDS" --work "$work" --haproxy-log "$work/haproxy.log" --extra-paths "$synthetic_paths" || status=$?
grep -ho '"status_code": 5[0-9][0-9]' "$work"/b/stderr.log 2>/dev/null | sort | uniq -c | sed 's/^/   server B answered /' || true
if [ "$status" -ne 0 ]; then
  for name in a b; do
    echo "--- server $name stderr (last lines) ---" >&2
    tail -n 20 "$work/$name/stderr.log" >&2 || true
  done
fi
exit "$status"
