#!/usr/bin/env bash
# The benchmarks of issue 15 at national scale: gunicorn (2 sync workers, DEBUG off) on PostgreSQL with the synthetic
# data of `generate_scale_data`, wrk as the load generator, measured on the largest area (synthetic-01). Prints each
# figure beside its budget. A measurement, not a test (not in CI): wrk and PostgreSQL share the machine's cores.
#
# Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres bench/scale.sh   (make bench-scale)
#   PRESET (national; medium for a quick run), WORKERS (2), PAGE_DURATION (10s), MIX_DURATION (60s), MIX_CONNECTIONS (50);
#   BENCH_DB=name to measure a database already migrated and generated (skips the generation; kept afterwards).
#   REDIS_URL: the cache (and jobs) on Redis as in production; unset, each worker caches in its own memory.
# "uncached" requests carry a query parameter new on each request, so every one is a page-cache miss; the
# X-Page-Cache header of each response is counted, so the misses and the hits are verified, not assumed.
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

# The largest area's biggest plan, its top goal with the most indicators, one indicator, the published row count,
# the agreement with the most role rows, its partner, and the policy area most partners share.
read -r plan goal indicator rows agreement partner policy_area <<<"$("$PY" - <<EOF 2>/dev/null
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kumamoto_portal.settings")
django.setup()
from django.db.models import Count
from agreements.models import Agreement, PolicyArea
from kpi.models import Indicator, Observation
from vision.models import Goal, Plan
plan = Plan.objects.filter(area__slug="$AREA").annotate(n=Count("indicators")).order_by("-n", "pk").first()
goal = Goal.objects.filter(plan=plan, parent=None).annotate(n=Count("placements")).order_by("-n", "pk").first()
indicator = Indicator.objects.filter(plan=plan).order_by("code").first()
agreement = (
    Agreement.objects.in_force().filter(area__slug="$AREA").annotate(n=Count("roles")).order_by("-n", "pk").first()
)
policy_area = (
    PolicyArea.objects.filter(roles__agreement__area__slug="$AREA").annotate(n=Count("roles")).order_by("-n", "pk").first()
)
print(plan.slug, goal.code, indicator.code, Observation.objects.published().count(), agreement.pk,
      agreement.partner.lg_code, policy_area.code)
EOF
)"

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
  [agreement]="$prefix/agreements/$agreement/"
  [municipality]="$prefix/municipalities/$partner/"
  [policy-area]="$prefix/policy-areas/$policy_area/"
  [area-list]="/ja/areas/"
)
order=(home plan goal indicator matrix search open-data members agreement municipality policy-area area-list)

# wrk prints p95, the errors and what the page cache said (X-Page-Cache: hit or miss) through this script (its
# --latency table has no 95th percentile). WRK_BUST=1 adds a query parameter that is new on every request, so each
# request is a page-cache miss (the cache's key is the full URL; the views ignore the parameter): verified misses.
cat >"$work/report.lua" <<'EOF'
local paths = {}
for path in string.gmatch(os.getenv("WRK_PATHS") or "", "%S+") do paths[#paths + 1] = path end
local bust = os.getenv("WRK_BUST") == "1"
local headers = {}
if os.getenv("WRK_GZIP") == "1" then headers["Accept-Encoding"] = "gzip, deflate, br" end
local threads = {}
setup = function(thread)
  thread:set("id", #threads + 1)
  threads[#threads + 1] = thread
end
init = function(args)
  counter, hits, misses = 0, 0, 0
end
request = function()
  counter = counter + 1
  local path = wrk.path
  if #paths > 0 then path = paths[(counter % #paths) + 1] end
  if bust then
    local separator = string.find(path, "?", 1, true) and "&" or "?"
    path = path .. separator .. "bench=" .. id .. "-" .. counter
  end
  return wrk.format(nil, path, headers)
end
response = function(status, headers, body)
  local said = headers["X-Page-Cache"] or headers["x-page-cache"]
  if said == "hit" then hits = hits + 1 elseif said == "miss" then misses = misses + 1 end
end
done = function(summary, latency, requests)
  local e = summary.errors
  local all_hits, all_misses = 0, 0
  for _, thread in ipairs(threads) do
    all_hits = all_hits + thread:get("hits")
    all_misses = all_misses + thread:get("misses")
  end
  io.write(string.format("RESULT %.1f %.1f %d %d %d %d\n", latency:percentile(95) / 1000,
    latency:percentile(50) / 1000, summary.requests, e.connect + e.read + e.write + e.status + e.timeout,
    all_hits, all_misses))
end
EOF

measure() { # url connections duration [paths] → "p95 p50 requests errors hits misses" (ms); WRK_BUST=1: misses
  WRK_PATHS="${4:-}" wrk -t2 -c"$2" -d"$3" --timeout 10s -s "$work/report.lua" "http://127.0.0.1:$port$1" \
    | awk '/^RESULT/ { print $2, $3, $4, $5, $6, $7 }'
}

echo "issue 15 benchmarks — preset $PRESET, largest area $AREA (plan $plan), gunicorn $WORKERS sync workers,"
cache_kind="local memory per worker (set REDIS_URL for Redis)"
[ -n "${REDIS_URL:-}" ] && cache_kind="Redis"
echo "PostgreSQL, page cache in $cache_kind, wrk on the same machine"
echo "($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo "data: $generated"
[ -n "$generation" ] && row "generate_scale_data --preset $PRESET" "$(printf '%.0f s' "$generation")" "budget ≤ 600 s"
echo
row figure measured budget
read -r floor_p95 floor_p50 _ <<<"$(measure "$stylesheet" 2 "$PAGE_DURATION")"
row "static file (floor) p95" "$floor_p95 ms" "(p50 $floor_p50 ms)"
for name in "${order[@]}"; do
  curl -s -o /dev/null "http://127.0.0.1:$port${pages[$name]}" # first request: what the worker loads once
  read -r p95 p50 requests errors hits misses <<<"$(WRK_BUST=1 measure "${pages[$name]}" 2 "$PAGE_DURATION")"
  if [ "$requests" = 0 ]; then
    row "uncached $name p95" "> 10000 ms" "≤ 150 ms  (no answer within wrk's 10 s timeout in $PAGE_DURATION)"
  else
    row "uncached $name p95" "$p95 ms" "≤ 150 ms  (p50 $p50 ms; $misses misses of $requests, $errors errors)"
  fi
done
for name in "${order[@]}"; do
  read -r p95 p50 requests errors hits misses <<<"$(measure "${pages[$name]}" 2 "$PAGE_DURATION")"
  row "cached $name p95" "$p95 ms" "≤ $(echo "2 * $floor_p95" | bc) ms = 2 × floor  (p50 $p50 ms; $hits hits of $requests)"
done
# As a browser asks (Accept-Encoding: gzip): the page cache's compressed copy, and the floor's own (WhiteNoise's .gz).
read -r floor_p95 floor_p50 _ <<<"$(WRK_GZIP=1 measure "$stylesheet" 2 "$PAGE_DURATION")"
row "static file, gzip (floor) p95" "$floor_p95 ms" "(p50 $floor_p50 ms)"
for name in home plan; do
  read -r p95 p50 requests errors hits misses <<<"$(WRK_GZIP=1 measure "${pages[$name]}" 2 "$PAGE_DURATION")"
  row "cached $name, gzip p95" "$p95 ms" "≤ $(echo "2 * $floor_p95" | bc) ms = 2 × floor  (p50 $p50 ms; $hits hits of $requests)"
done

mix=$(for name in "${order[@]}"; do printf '%s ' "${pages[$name]}"; done)
read -r p95 p50 requests errors _ <<<"$(measure / "$MIX_CONNECTIONS" "$MIX_DURATION" "$mix")"
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
row "build_open_data (CSV, Shift_JIS CSV, JSON, XLSX)" "$(printf '%.0f s' "$(echo "$(date +%s.%N) - $start" | bc)")" "(background job; $built)"
measure_csv "built file"
row "100,000-row import as a job" "see bench/import_speed.py" "≥ 1/3 of bulk_create  (BENCH_ROWS=0 .venv/bin/python bench/import_speed.py)"
