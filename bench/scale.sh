#!/usr/bin/env bash
# The benchmarks of issue 15 at national scale: gunicorn (2 sync workers, DEBUG off) on PostgreSQL with the synthetic
# data of `generate_scale_data`, wrk as the load generator, measured on the largest area (synthetic-01). Prints each
# figure beside its budget. A measurement, not a test (not in CI): wrk and PostgreSQL share the machine's cores.
#
# Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres bench/scale.sh   (make bench-scale)
#   PRESET (national; medium for a quick run), WORKERS (2), PAGE_DURATION (10s), MIX_DURATION (60s), MIX_CONNECTIONS (50);
#   BENCH_DB=name to measure a database already migrated and generated (skips the generation; kept afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/postgres}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
PY=${PY:-.venv/bin/python}
PRESET=${PRESET:-national}
WORKERS=${WORKERS:-2}
PAGE_DURATION=${PAGE_DURATION:-10s}
MIX_DURATION=${MIX_DURATION:-60s}
MIX_CONNECTIONS=${MIX_CONNECTIONS:-50}
AREA=synthetic-01

admin_url=$DATABASE_URL
base=${DATABASE_URL%%\?*}
options=${DATABASE_URL#"$base"}
database=${BENCH_DB:-portal_scale_$$}
work=$(mktemp -d)
port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
server_pid=

cleanup() {
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  [ -n "${BENCH_DB:-}" ] || psql -q "$admin_url" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" || true
  rm -rf "$work"
}
trap cleanup EXIT

export DEBUG=false
SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export SECRET_KEY
export DATABASE_URL="${base%/*}/$database$options"
export ALLOWED_HOSTS=127.0.0.1 STATIC_ROOT="$work/static" LOG_LEVEL=WARNING
# A streamed download of ~1 M rows outlasts gunicorn's default timeout for a sync worker's request.
export GUNICORN_BIND="127.0.0.1:$port" GUNICORN_WORKERS="$WORKERS" GUNICORN_ACCESS_LOG=off GUNICORN_TIMEOUT=600
export GUNICORN_MAX_REQUESTS=0

row() { printf '%-44s %16s   %s\n' "$1" "$2" "$3"; }

if [ -z "${BENCH_DB:-}" ]; then
  psql -q "$admin_url" -c "CREATE DATABASE $database"
  "$PY" manage.py migrate --noinput --verbosity 0
  "$PY" manage.py load_reference_data --verbosity 0
  start=$(date +%s.%N)
  generated=$("$PY" manage.py generate_scale_data --preset "$PRESET" 2>/dev/null | tail -1)
  generation=$(echo "$(date +%s.%N) - $start" | bc)
else
  generated="(database $BENCH_DB as it is)"
  generation=
fi
"$PY" manage.py collectstatic --noinput --verbosity 0

# The largest area's biggest plan, its top goal with the most indicators, one indicator, the published row count.
read -r plan goal indicator rows <<<"$("$PY" - <<EOF 2>/dev/null
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kumamoto_portal.settings")
django.setup()
from django.db.models import Count
from kpi.models import Indicator, Observation
from vision.models import Goal, Plan
plan = Plan.objects.filter(area__slug="$AREA").annotate(n=Count("indicators")).order_by("-n", "pk").first()
goal = Goal.objects.filter(plan=plan, parent=None).annotate(n=Count("placements")).order_by("-n", "pk").first()
indicator = Indicator.objects.filter(plan=plan).order_by("code").first()
print(plan.slug, goal.code, indicator.code, Observation.objects.published().count())
EOF
)"
cache_middleware=$("$PY" -c "
import django, os
os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'kumamoto_portal.settings')
django.setup()
from django.conf import settings
# The two header-only middlewares (Cache-Control for browsers and proxies) cache nothing on the server.
headers_only = ('vision.middleware.PublicPageCacheMiddleware', 'vision.middleware.PrivatePageCacheMiddleware')
print(any('cache' in m.lower() and m not in headers_only for m in settings.MIDDLEWARE))" 2>/dev/null)

.venv/bin/gunicorn -c kumamoto_portal/gunicorn.conf.py >"$work/gunicorn.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  curl -sf -o /dev/null "http://127.0.0.1:$port/health/" && break
  sleep 0.5
done

prefix=/ja/areas/$AREA
stylesheet=$(curl -s "http://127.0.0.1:$port$prefix/" | grep -o '/static/[^"]*\.css' | head -1)
declare -A pages=(
  [home]="$prefix/"
  [plan]="$prefix/plans/$plan/"
  [goal]="$prefix/plans/$plan/goals/$goal/"
  [indicator]="$prefix/indicators/$indicator/"
  [matrix]="$prefix/matrix/"
  [search]="$prefix/search/?q=%E8%A6%B3%E5%85%89"
  [open-data]="$prefix/open-data/"
  [members]="$prefix/members/"
)
order=(home plan goal indicator matrix search open-data members)

# wrk prints p95 and the errors through this script (its --latency table has no 95th percentile).
cat >"$work/report.lua" <<'EOF'
local paths = {}
for path in string.gmatch(os.getenv("WRK_PATHS") or "", "%S+") do paths[#paths + 1] = path end
local counter = 0
request = function()
  if #paths == 0 then return wrk.format(nil) end
  counter = counter + 1
  return wrk.format(nil, paths[(counter % #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.1f %.1f %d %d\n", latency:percentile(95) / 1000, latency:percentile(50) / 1000,
    summary.requests, e.connect + e.read + e.write + e.status + e.timeout))
end
EOF

measure() { # url connections duration [paths] → "p95 p50 requests errors" (ms)
  WRK_PATHS="${4:-}" wrk -t2 -c"$2" -d"$3" --timeout 10s -s "$work/report.lua" "http://127.0.0.1:$port$1" \
    | awk '/^RESULT/ { print $2, $3, $4, $5 }'
}

echo "issue 15 benchmarks — preset $PRESET, largest area $AREA (plan $plan), gunicorn $WORKERS sync workers,"
echo "PostgreSQL, wrk on the same machine ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo "data: $generated"
[ -n "$generation" ] && row "generate_scale_data --preset $PRESET" "$(printf '%.0f s' "$generation")" "budget ≤ 600 s"
echo
row figure measured budget
read -r floor_p95 floor_p50 _ _ <<<"$(measure "$stylesheet" 2 "$PAGE_DURATION")"
row "static file (floor) p95" "$floor_p95 ms" "(p50 $floor_p50 ms)"
for name in "${order[@]}"; do
  curl -s -o /dev/null "http://127.0.0.1:$port${pages[$name]}" # first request: what the worker loads once
  read -r p95 p50 requests errors <<<"$(measure "${pages[$name]}" 2 "$PAGE_DURATION")"
  if [ "$requests" = 0 ]; then
    row "uncached $name p95" "> 10000 ms" "≤ 150 ms  (no answer within wrk's 10 s timeout in $PAGE_DURATION)"
  else
    row "uncached $name p95" "$p95 ms" "≤ 150 ms  (p50 $p50 ms, $requests requests, $errors errors)"
  fi
done
if [ "$cache_middleware" = True ]; then
  row "cached pages p95" "see the cache benchmark" "≤ 2 × floor = $(echo "2 * $floor_p95" | bc) ms"
else
  row "cached pages p95" "n/a (no server-side cache on this commit)" "≤ 2 × floor"
fi

mix=$(for name in "${order[@]}"; do printf '%s ' "${pages[$name]}"; done)
read -r p95 p50 requests errors <<<"$(measure / "$MIX_CONNECTIONS" "$MIX_DURATION" "$mix")"
row "mix, $MIX_CONNECTIONS connections ${MIX_DURATION}: errors" "$errors" "0  ($requests requests)"
row "mix, $MIX_CONNECTIONS connections ${MIX_DURATION}: p95" "$p95 ms" "≤ 250 ms  (p50 $p50 ms)"

# The mix leaves requests queued behind its slowest pages: wait until the workers answer again, then replace them
# (SIGHUP) so the CSV is measured alone, from fresh workers' memory.
for _ in $(seq 1 600); do
  curl -sf -m 1 -o /dev/null "http://127.0.0.1:$port/health/" && break
done
kill -HUP "$server_pid"
sleep 3
for _ in $(seq 1 120); do
  curl -sf -m 1 -o /dev/null "http://127.0.0.1:$port/health/" && break
  sleep 0.5
done
curl -s -o /dev/null "http://127.0.0.1:$port/ja/areas/$AREA/open-data/"

# The whole install's CSV, read to the end, while the workers' memory is sampled: first streamed from the database
# (no built file for this data version: the bench database's builds are dropped), then built by build_open_data and
# served from the database as the stored file (kpi.opendatafiles). curl asks for no gzip, so both are the plain CSV.
measure_csv() { # label
  local peak_file=$work/peak before=0 sampler start lines seconds csv_rows
  for rss in $(ps -o rss= --ppid "$server_pid"); do [ "$rss" -gt "$before" ] && before=$rss; done
  (
    peak=0
    while kill -0 "$server_pid" 2>/dev/null; do
      for rss in $(ps -o rss= --ppid "$server_pid"); do [ "$rss" -gt "$peak" ] && peak=$rss; done
      echo "$peak" >"$peak_file"
      sleep 0.2
    done
  ) &
  sampler=$!
  start=$(date +%s.%N)
  lines=$(curl -s "http://127.0.0.1:$port/ja/open-data/observations.csv" | wc -l)
  seconds=$(echo "$(date +%s.%N) - $start" | bc)
  sleep 0.5
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  csv_rows=$((lines - 1))
  row "open-data CSV $1 rows/s" "$(echo "$csv_rows / $seconds" | bc)" "≥ 50,000  ($csv_rows rows of $rows published, $(printf '%.1f' "$seconds") s, load average $(cut -d' ' -f1 /proc/loadavg))"
  row "open-data CSV $1 peak worker memory" "$(( $(cat "$peak_file") / 1024 )) MB" "≤ 200 MB  (largest worker's RSS; $((before / 1024)) MB before)"
}
"$PY" manage.py shell -c "from kpi.models import OpenDataBuild; OpenDataBuild.objects.all().delete()" >/dev/null 2>&1
measure_csv streamed
start=$(date +%s.%N)
built=$("$PY" manage.py build_open_data 2>/dev/null | tail -1)
row "build_open_data (CSV, Shift_JIS CSV, JSON)" "$(printf '%.0f s' "$(echo "$(date +%s.%N) - $start" | bc)")" "(background job; $built)"
measure_csv "built file"
row "100,000-row import as a job" "n/a (import jobs not on this commit)" "≥ 1/3 of bulk_create"
