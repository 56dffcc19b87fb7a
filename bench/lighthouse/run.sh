#!/usr/bin/env bash
# Lighthouse (mobile: its default throttled CPU and network) against the served portal — `make serve`: gunicorn,
# DEBUG off, static files through WhiteNoise — on a scratch PostgreSQL database with the reference data, with
# Debian's chromium. Each page type is measured RUNS times (3) and the median printed beside the budgets of issue 16:
# indicator and embed pages performance ≥ 95, LCP ≤ 2.0 s, TBT ≤ 150 ms, CLS 0; SEO and accessibility 100 on
# every public page type. A measurement, not a test: chromium shares the machine's cores with the server.
#
# Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres bench/lighthouse/run.sh
#   RUNS (3); REDIS_URL for the Redis cache as in production; PAGES="indicator embed" to measure some types only;
#   REPORTS=dir keeps Lighthouse's JSON reports there (to read which element shifted, which audit failed).
#   Needs: npm ci in bench/lighthouse (lighthouse pinned by package-lock.json), apt-get install chromium.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."

: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/postgres}"
PY=${PY:-.venv/bin/python}
RUNS=${RUNS:-3}
LIGHTHOUSE="$here/node_modules/.bin/lighthouse"
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
[ -x "$LIGHTHOUSE" ] || { echo "lighthouse is not installed: (cd bench/lighthouse && npm ci)" >&2; exit 1; }
[ -x "$CHROME_PATH" ] || { echo "chromium is not installed (apt-get install chromium)" >&2; exit 1; }

admin_url=$DATABASE_URL
base=${DATABASE_URL%%\?*}
options=${DATABASE_URL#"$base"}
scratch_db=portal_lighthouse_$$
work=$(mktemp -d)
reports=${REPORTS:-$work/reports}
mkdir -p "$reports"
port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
server_pid=

cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM -- "-$server_pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$server_pid" 2>/dev/null || true
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
# The served origin is the canonical one here, as PORTAL_ORIGIN is in production (a canonical link to another
# host would fail Lighthouse's canonical audit for a reason production does not have).
export ALLOWED_HOSTS=127.0.0.1 PORTAL_ORIGIN="http://127.0.0.1:$port"
export STATIC_ROOT="$work/static" IMPORT_TMP_DIR="$work/imports"
export GUNICORN_BIND="127.0.0.1:$port" GUNICORN_WORKERS=${WORKERS:-2} GUNICORN_ACCESS_LOG=off

psql -q "$admin_url" -c "CREATE DATABASE $scratch_db"
"$PY" manage.py migrate --noinput --verbosity 0
"$PY" manage.py load_reference_data --verbosity 0 >/dev/null
setsid make --no-print-directory serve >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/health/" 2>/dev/null && break
  sleep 0.5
done

declare -A PATHS=(
  [home]=/ja/
  [plan]=/ja/areas/kumamoto/plans/kumamoto-strategy-1/
  [goal]=/ja/areas/kumamoto/plans/kumamoto-strategy-1/goals/G2/
  [indicator]=/ja/areas/kumamoto/indicators/S1-G2-N1/
  [embed]=/ja/areas/kumamoto/indicators/S1-G2-N1/embed/
  [indicator-en]=/en/areas/kumamoto/indicators/S1-G2-N1/
  [open-data]=/ja/areas/kumamoto/open-data/
  [matrix]=/ja/areas/kumamoto/matrix/
  [progress-method]=/ja/open-data/progress/
)
PAGES=${PAGES:-"home plan goal indicator embed indicator-en open-data matrix progress-method"}
for name in $PAGES; do
  url="http://127.0.0.1:$port${PATHS[$name]}"
  curl -fsS -o /dev/null "$url"  # warm the cache, as a visitor after the first would find it
  for run in $(seq 1 "$RUNS"); do
    # a run that fails to record its trace (NO_NAVSTART on a busy machine) is tried once more
    for attempt in 1 2; do
      "$LIGHTHOUSE" "$url" --quiet --output=json --output-path="$reports/$name-$run.json" \
        --only-categories=performance,accessibility,seo \
        --chrome-flags="--headless=new --no-sandbox --disable-gpu" >/dev/null 2>"$work/$name-$run.err" && break
      [ "$attempt" = 2 ] && { echo "lighthouse failed on $name (run $run):" >&2; tail -5 "$work/$name-$run.err" >&2; exit 1; }
    done
  done
done

"$PY" "$here/summarise.py" "$reports" $PAGES
