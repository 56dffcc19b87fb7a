import io
import json

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection


class Command(BaseCommand):
    """Print what a backup must preserve, as sorted JSON, so two databases can be compared with `diff`.

    Every table's row count (django_migrations and tables without a model included), every sequence's last
    value on PostgreSQL (a restore that lost them would fail on the next insert), and a `dumpdata` of every
    model of every app — auth, the admin log, sessions and the change history included — sorted by model
    and primary key. scripts/backup_roundtrip.sh compares a database with its restored dump this way.
    """

    help = "データベースの内容（全テーブルの行数・シーケンス・全モデルの dumpdata）を比較用の JSON で出力します。"

    def handle(self, *args, **options):
        snapshot = {"row_counts": table_row_counts(), "sequences": sequence_values()}
        buffer = io.StringIO()
        # --all: every row through the base manager, whatever a model's default manager hides. A model Django does
        # not manage (django-rq's admin dashboard) has no table and nothing to back up.
        unmanaged = [model._meta.label for model in apps.get_models() if not model._meta.managed]
        call_command("dumpdata", format="json", all=True, exclude=unmanaged, stdout=buffer)
        objects = json.loads(buffer.getvalue())
        snapshot["objects"] = sorted(objects, key=lambda obj: (obj["model"], json.dumps(obj["pk"])))
        self.stdout.write(json.dumps(snapshot, ensure_ascii=False, indent=1, sort_keys=True))


def table_row_counts():
    """{table: row count} for every table of the database, models or not."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def sequence_values():
    """{sequence: last value} on PostgreSQL; empty elsewhere (SQLite's counters are in a table already counted)."""
    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences ORDER BY 1")
        return dict(cursor.fetchall())
