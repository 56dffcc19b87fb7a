"""Import speed of series values: the portal's import of a 10,000-row CSV against a plain bulk_create of the
same rows (the floor), so the ratio is visible.

    .venv/bin/python bench/import_speed.py                  # SQLite in a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/import_speed.py
        (uses a throwaway database named bench_import on that server)

The import validates every row like a form, checks permissions and duplicates, records change history and
runs in one transaction; bulk_create does none of that.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only")
if os.environ.get("DATABASE_URL", "").startswith("postgres"):
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    os.environ["BENCH_ADMIN_URL"] = os.environ["DATABASE_URL"]
    os.environ["DATABASE_URL"] = f"{base}/bench_import"
else:
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.mkdtemp()) / 'import.sqlite3'}"
os.environ["DJANGO_SETTINGS_MODULE"] = "kumamoto_portal.settings"

ROWS = 10_000
HEADER = "indicator_id,fiscal_year,kind,value,comparator,measured_year,provisional,missing_reason,printed,note"


def recreate_postgres_database():
    import psycopg2

    admin_url = os.environ.get("BENCH_ADMIN_URL")
    if not admin_url:
        return
    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("DROP DATABASE IF EXISTS bench_import")
        cursor.execute("CREATE DATABASE bench_import")
    connection.close()


def main():
    recreate_postgres_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from kpi.models import Indicator, Observation
    from kpi.services import import_observations

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    plan = Indicator.objects.get(code="S2-G1-N1").plan  # FY2020–2023
    Indicator.objects.bulk_create(
        Indicator(code=f"BENCH-{n}", plan=plan, area=plan.area, name=f"指標{n}", unit="件") for n in range(ROWS // 4)
    )
    rows = [(f"BENCH-{n}", year, n * 10 + year % 10) for n in range(ROWS // 4) for year in range(2020, 2024)]
    data = ("\r\n".join([HEADER] + [f"{c},{y},actual,{v},,,false,,," for c, y, v in rows]) + "\r\n").encode("cp932")

    started = time.perf_counter()
    outcome = import_observations(data, "bench.csv", dry_run=False)
    imported = time.perf_counter() - started
    assert outcome.ok and outcome.totals["new"] == ROWS, outcome.errors[:3]

    started = time.perf_counter()
    dry = import_observations(data, "bench.csv", dry_run=True)
    dry_run = time.perf_counter() - started
    assert dry.totals["skip"] == ROWS

    with transaction.atomic():
        Observation.objects.filter(indicator__code__startswith="BENCH-").delete()
    indicators = {i.code: i for i in Indicator.objects.filter(code__startswith="BENCH-")}
    started = time.perf_counter()
    with transaction.atomic():
        Observation.objects.bulk_create(
            Observation(indicator=indicators[c], fiscal_year=y, kind="actual", value=v) for c, y, v in rows
        )
    floor = time.perf_counter() - started

    print(f"database: {connection.vendor}, rows: {ROWS}")
    print(f"import (validate, history, one transaction): {imported:7.2f} s  {ROWS / imported:9.0f} rows/s")
    print(f"dry run of the same file (all unchanged):      {dry_run:7.2f} s  {ROWS / dry_run:9.0f} rows/s")
    print(f"bulk_create floor:                           {floor:7.2f} s  {ROWS / floor:9.0f} rows/s")
    print(f"ratio import / floor: {imported / floor:.1f}x")


if __name__ == "__main__":
    main()
