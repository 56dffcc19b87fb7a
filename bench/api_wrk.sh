#!/usr/bin/env bash
# The public API under gunicorn (kumamoto_portal/gunicorn.conf.py, DEBUG off) on PostgreSQL: a page of 100 series
# values (/api/v1/series-values/?page_size=100, anonymous), p50/p95/p99 latency with wrk (apt-get install wrk).
# Two runs per page: "computed" (every request a new cache key, so each answer is read from the database and
# serialized) and "cached" (the same URL again, answered from the server cache of that data version). Pages: the
# first, and one deep in the table (the cursor of page 10, or the last page when there are fewer).
# The goal (issue 17): p95 ≤ 100 ms at the national preset. A measurement, not a test: wrk shares the cores.
#
# Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres bench/api_wrk.sh
#   PRESET: national | medium | reference (default national). national and medium need
#   `manage.py generate_scale_data`; without that command the bench says so and measures the reference data.
#   WORKERS (2), CONNECTIONS (8), DURATION (10s).
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/postgres}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
PY=${PY:-.venv/bin/python}
WORKERS=${WORKERS:-2}
CONNECTIONS=${CONNECTIONS:-8}
DURATION=${DURATION:-10s}
PRESET=${PRESET:-national}

# shellcheck source=bench/_scratch_server.sh
. bench/_scratch_server.sh
# The bench is one client address: lift the anonymous throttle so it measures the answers, not 429s.
export API_ANONYMOUS_RATE=100000000/minute

scratch_server_prepare portal_api_bench
data="reference data"
if [ "$PRESET" != reference ]; then
  if "$PY" manage.py help generate_scale_data >/dev/null 2>&1; then
    "$PY" manage.py generate_scale_data --preset "$PRESET" --verbosity 0
    data="reference data + generate_scale_data --preset $PRESET"
  else
    echo "manage.py generate_scale_data is not there yet: measuring the reference data only" >&2
  fi
fi
scratch_server_start

rows=$("$PY" manage.py shell -c "from kpi.models import Observation; print(Observation.objects.published().count())" 2>/dev/null | tail -1)
first="/api/v1/series-values/?page_size=100"
deep=$("$PY" -c "
import json, urllib.request
url, path = 'http://127.0.0.1:$port$first', '$first'
for _ in range(9):
    page = json.load(urllib.request.urlopen(url, timeout=60))
    if not page['next']:
        break
    url = page['next']
    path = url.split('127.0.0.1:$port', 1)[1]
print(path)")

echo "gunicorn: $WORKERS workers (sync), PostgreSQL, $data ($rows published series values);"
echo "wrk -t2 -c$CONNECTIONS -d$DURATION; $(nproc) cores shared with wrk; latencies in ms"
printf '%-12s %-10s %10s %8s %8s %8s %8s\n' page answer requests p50 p95 p99 errors
# The floor: /health/ (one query per dependency, no page) under the same load, to read the API's figures against.
for name in floor first deep; do
  case $name in
    floor) path="/health/?" ;;
    first) path=$first ;;
    *) path=$deep ;;
  esac
  for mode in computed cached; do
    if [ "$name" = floor ] && [ "$mode" = cached ]; then continue; fi
    miss=$([ "$mode" = computed ] && echo 1 || echo 0)
    "$PY" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port$path', timeout=60).read()"
    API_PATH="$path" API_MISS="$miss" wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -s bench/api_p95.lua \
      "http://127.0.0.1:$port" >"$work/wrk.txt"
    awk -v page="$name" -v mode="$mode" '/^RESULT/ { printf "%-12s %-10s %10s %8s %8s %8s %8s\n", page, mode, $2, $3, $4, $5, $6 }' \
      "$work/wrk.txt"
  done
done
