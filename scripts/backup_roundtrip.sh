#!/usr/bin/env bash
# Backup round trip on PostgreSQL, with the commands the README gives operators:
#   a scratch database gets the schema, the reference data, an admin account, an admin-log entry and change
#   history; pg_dump -Fc dumps it; pg_restore loads the dump into a second, empty database; then every table's
#   row count, every sequence and a sorted dumpdata of every model must be identical in both. Then the README's
#   last restore step, `manage.py after_restore`, must move the restored database's data version past the dumped one
#   (so nothing cached before the restore is served after it; tests/vision/test_after_restore.py shows the cache).
# Exits non-zero on any difference; drops both scratch databases however it ends.
#
# Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres scripts/backup_roundtrip.sh
#   DATABASE_URL names any database on the server (it is only used to create and drop the scratch ones).
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/postgres}"
PY=${PY:-.venv/bin/python}
# Settings for manage.py: not the developer's .env (whose DEBUG=true would do), a throwaway key if none is set.
export DEBUG=false SECRET_KEY="${SECRET_KEY:-backup-roundtrip-not-a-secret}"

base=${DATABASE_URL%%\?*}      # without ?options
options=${DATABASE_URL#"$base"}  # ?sslmode=… or nothing
server=${base%/*}              # postgres://user@host:port
SCRATCH_PREFIX=${SCRATCH_PREFIX:-portal_backup}  # the scratch databases: <prefix>_source_<pid>, <prefix>_restored_<pid>
source_db=${SCRATCH_PREFIX}_source_$$
restored_db=${SCRATCH_PREFIX}_restored_$$
source_url=$server/$source_db$options
restored_url=$server/$restored_db$options
work=$(mktemp -d)

cleanup() {
  psql -q "$DATABASE_URL" -c "DROP DATABASE IF EXISTS $source_db WITH (FORCE)" \
    -c "DROP DATABASE IF EXISTS $restored_db WITH (FORCE)" || true
  rm -rf "$work"
}
trap cleanup EXIT

# pg_dump refuses a server newer than itself, and a dump from a newer pg_dump may not restore on an older
# server: client and server majors must match.
client_major=$(pg_dump --version | sed -E 's/^[^0-9]*([0-9]+).*/\1/')
server_major=$(( $(psql -tA "$DATABASE_URL" -c "SHOW server_version_num") / 10000 ))
if [ "$client_major" != "$server_major" ]; then
  echo "pg_dump $client_major does not match the PostgreSQL $server_major server; install postgresql-client-$server_major." >&2
  exit 1
fi
echo "pg_dump $client_major, server $server_major"

psql -q "$DATABASE_URL" -c "CREATE DATABASE $source_db"
DATABASE_URL=$source_url "$PY" manage.py migrate --noinput -v 0
DATABASE_URL=$source_url "$PY" manage.py load_reference_data -v 0
DATABASE_URL=$source_url DJANGO_ADMIN_PASSWORD=backup-roundtrip-only "$PY" manage.py ensure_admin >/dev/null
# A change through the ORM (one more history row, with its user) and an admin-log entry, as staff leave them.
DATABASE_URL=$source_url "$PY" manage.py shell -v 0 -c '
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from kpi.models import Indicator

admin = get_user_model().objects.get(username="admin")
indicator = Indicator.objects.order_by("pk").first()
indicator._history_user = admin
indicator.save()
LogEntry.objects.create(
    user=admin, content_type=ContentType.objects.get_for_model(Indicator), object_id=str(indicator.pk),
    object_repr=str(indicator)[:200], action_flag=CHANGE, change_message="バックアップの往復確認",
)
'

pg_dump -Fc -d "$source_url" -f "$work/portal.dump"
psql -q "$DATABASE_URL" -c "CREATE DATABASE $restored_db"
pg_restore --exit-on-error --no-owner -d "$restored_url" "$work/portal.dump"

DATABASE_URL=$source_url "$PY" manage.py database_snapshot >"$work/source.json"
DATABASE_URL=$restored_url "$PY" manage.py database_snapshot >"$work/restored.json"

tables=$("$PY" -c 'import json, sys; s = json.load(open(sys.argv[1])); print(len(s["row_counts"]), sum(s["row_counts"].values()), len(s["objects"]))' "$work/source.json")
read -r table_count row_count object_count <<<"$tables"
if [ "$object_count" -eq 0 ]; then
  echo "The source database is empty: nothing was compared." >&2
  exit 1
fi
if ! diff -u "$work/source.json" "$work/restored.json" | head -200; then :; fi
if ! cmp -s "$work/source.json" "$work/restored.json"; then
  echo "Backup round trip FAILED: the restored database differs from the dumped one (diff above)." >&2
  exit 1
fi

version() { psql -tA "$1" -c "SELECT value FROM vision_dataversion"; }
dumped_version=$(version "$source_url")
# REDIS_URL unset: the command empties its own process's cache; the version is what this checks.
DATABASE_URL=$restored_url REDIS_URL= "$PY" manage.py after_restore
restored_version=$(version "$restored_url")
if [ "$restored_version" -le "$dumped_version" ]; then
  echo "Backup round trip FAILED: after_restore left the data version at $restored_version (dumped: $dumped_version)." >&2
  exit 1
fi
echo "Backup round trip OK: $table_count tables, $row_count rows, $object_count objects identical after pg_dump -Fc | pg_restore;"
echo "after_restore moved the data version from $dumped_version to $restored_version."
