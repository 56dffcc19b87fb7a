#!/usr/bin/env bash
# Requests per second under gunicorn (kumamoto_portal/gunicorn.conf.py, DEBUG off) on PostgreSQL with the
# reference data, measured with wrk (Debian: apt-get install wrk): the static-file floor, /health/ and public pages.
# Prints one line per URL and cache state (static file, page cache hit, uncached render): requests/s, p50, p95 and
# p99 latency, and non-2xx answers. A measurement, not a test: wrk
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

# shellcheck source=bench/_scratch_server.sh
. bench/_scratch_server.sh

scratch_server_prepare portal_bench
scratch_server_start

stylesheet=$("$PY" -c "
import re, urllib.request
page = urllib.request.urlopen('http://127.0.0.1:$port/ja/', timeout=10).read().decode()
print(re.search(r'href=\"(/static/[^\"]+\.css)\"', page).group(1))")

cat >"$work/percentiles.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("PCT %.2fms %.2fms %.2fms\n", latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
LUA

echo "gunicorn: $WORKERS workers (sync), PostgreSQL, reference data; wrk -t2 -c$CONNECTIONS -d$DURATION; $(nproc) cores shared with wrk"
echo "cache: hit = an anonymous request served by the page cache; uncached = the same page rendered in full (the"
echo "request carries a session cookie, which bypasses the cache); cache on ${REDIS_URL:-local memory per worker}"
printf '%-48s %-9s %10s %10s %10s %10s %8s\n' url cache "req/s" p50 p95 p99 non-2xx
measure() {  # path label [wrk options…]
  local path=$1 label=$2
  shift 2
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --timeout 10s -s "$work/percentiles.lua" "$@" "http://127.0.0.1:$port$path" >"$work/wrk.txt"
  awk -v path="$path" -v label="$label" '
    /Requests\/sec/ { rps = $2 }
    /^PCT/ { p50 = $2; p95 = $3; p99 = $4 }
    /Non-2xx or 3xx responses/ { bad = $NF }
    /Socket errors/ { bad += $NF }
    END { printf "%-48s %-9s %10s %10s %10s %10s %8s\n", path, label, rps, p50, p95, p99, (bad == "" ? 0 : bad) }
  ' "$work/wrk.txt"
}
for path in "$stylesheet" /health/ /ja/ /ja/areas/kumamoto/ /ja/areas/kumamoto/plans/kumamoto-strategy-1/ \
  /ja/areas/kumamoto/indicators/S1-G2-N1/ /ja/areas/kumamoto/matrix/; do
  # One request first, so the workers have loaded what the page needs (and the page cache holds it).
  "$PY" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port$path', timeout=30).read()"
  case $path in
    /static/*) measure "$path" static ;;
    /health/) measure "$path" never ;;
    *)
      measure "$path" hit
      measure "$path" uncached -H "Cookie: sessionid=bench-bypasses-the-page-cache"
      ;;
  esac
done
