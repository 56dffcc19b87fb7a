# Sourced by the benches that measure gunicorn on a scratch PostgreSQL database (bench/serve_wrk.sh,
# bench/api_wrk.sh): a database of its own beside DATABASE_URL's, migrated and loaded with the reference data, a
# free loopback port, DEBUG off with a throwaway SECRET_KEY, and everything removed again when the script exits.
# The caller sets PY and WORKERS and has cd'd to the project root.

# scratch_server_prepare NAME: create the database NAME_<pid>, migrate it and load the reference data; sets work
# (a temporary directory) and port, and exports the settings gunicorn and manage.py read.
scratch_server_prepare() {
  admin_url=$DATABASE_URL
  local base=${DATABASE_URL%%\?*}
  local options=${DATABASE_URL#"$base"}
  scratch_db=$1_$$
  work=$(mktemp -d)
  port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  server_pid=
  trap scratch_server_cleanup EXIT

  export DEBUG=false
  SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
  export SECRET_KEY
  export DATABASE_URL="${base%/*}/$scratch_db$options"
  export ALLOWED_HOSTS=127.0.0.1 STATIC_ROOT="$work/static" LOG_LEVEL=WARNING
  export GUNICORN_BIND="127.0.0.1:$port" GUNICORN_WORKERS="$WORKERS" GUNICORN_ACCESS_LOG=off

  psql -q "$admin_url" -c "CREATE DATABASE $scratch_db"
  "$PY" manage.py migrate --noinput --verbosity 0
  "$PY" manage.py load_reference_data --verbosity 0
}

# scratch_server_start: collect the static files, start gunicorn in the background and wait until /health/ answers.
scratch_server_start() {
  "$PY" manage.py collectstatic --noinput --verbosity 0
  .venv/bin/gunicorn -c kumamoto_portal/gunicorn.conf.py >"$work/gunicorn.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 60); do
    "$PY" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/health/', timeout=2)" 2>/dev/null \
      && return 0
    sleep 0.5
  done
}

scratch_server_cleanup() {
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  psql -q "$admin_url" -c "DROP DATABASE IF EXISTS $scratch_db WITH (FORCE)" || true
  rm -rf "$work"
}
