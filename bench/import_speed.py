"""Import speed of series values: the portal's import of a 10,000-row CSV against a plain bulk_create of the
same rows (the floor), so the ratio is visible; then a 100,000-row file written as the admin's background job
does it (vision.jobs, inline here: validate every row, then write in batches with history) against bulk_create of
its rows (issue 15's goal: at least 1/3 of bulk_create's rate, i.e. a ratio of 3.0x or less).

    .venv/bin/python bench/import_speed.py                  # SQLite in a temporary file
    BENCH_JOB_ROWS=20000 .venv/bin/python bench/import_speed.py   # a smaller job (default 100,000 rows)
    BENCH_ROWS=0 .venv/bin/python bench/import_speed.py           # the job only
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/import_speed.py
        (uses a throwaway database named bench_import on that server, or BENCH_DATABASE)

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
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-key")  # 16 characters or more with DEBUG off
if os.environ.get("DATABASE_URL", "").startswith("postgres"):
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    os.environ["BENCH_ADMIN_URL"] = os.environ["DATABASE_URL"]
    os.environ["DATABASE_URL"] = f"{base}/{os.environ.get('BENCH_DATABASE', 'bench_import')}"
else:
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.mkdtemp()) / 'import.sqlite3'}"
os.environ["DJANGO_SETTINGS_MODULE"] = "kumamoto_portal.settings"

ROWS = int(os.environ.get("BENCH_ROWS", 10_000))
JOB_ROWS = int(os.environ.get("BENCH_JOB_ROWS", 100_000))
os.environ.pop("REDIS_URL", None)  # the job runs inline, in this process
HEADER = "indicator_id,fiscal_year,kind,value,comparator,measured_year,provisional,missing_reason,printed,note"


def recreate_postgres_database():
    import psycopg2

    admin_url = os.environ.get("BENCH_ADMIN_URL")
    if not admin_url:
        return
    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        name = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        cursor.execute(f"CREATE DATABASE {name}")
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
    if ROWS:
        small_figures(Indicator, Observation, import_observations, connection, transaction, plan)
    print(f"database: {connection.vendor}")
    job_figures(Indicator, Observation, plan)


def small_figures(Indicator, Observation, import_observations, connection, transaction, plan):
    """The 10,000-row file through the request's path (import_observations), its dry run, and bulk_create."""
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


def job_figures(Indicator, Observation, plan):
    """The 100,000-row file as the admin's confirmation of a large import runs it: a background job."""
    import resource

    from django.contrib.auth import get_user_model
    from django.db import transaction

    from vision import jobs, uploads
    from vision.admin_import import run_import_job
    from vision.models import BackgroundJob

    Indicator.objects.bulk_create(
        Indicator(code=f"JOB-{n}", plan=plan, area=plan.area, name=f"指標{n}", unit="件") for n in range(JOB_ROWS // 4)
    )
    rows = [(f"JOB-{n}", year, n * 10 + year % 10) for n in range(JOB_ROWS // 4) for year in range(2020, 2024)]
    data = ("\r\n".join([HEADER] + [f"{c},{y},actual,{v},,,false,,," for c, y, v in rows]) + "\r\n").encode("cp932")
    user = get_user_model().objects.create_superuser("bench", "bench@example.jp", "bench-only-password")
    token = uploads.stash(data, "bench.csv", user, {"rows": len(rows)})

    started = time.perf_counter()
    job = jobs.start(
        BackgroundJob.Kind.IMPORT, user, run_import_job, "kpi.observation", token, user.pk, total=len(rows)
    )
    job_seconds = time.perf_counter() - started
    job.refresh_from_db()
    assert job.state == "done" and job.result["ok"] and job.result["totals"]["new"] == len(rows), (
        job.message or job.result
    )
    assert Observation.history.filter(indicator__code__startswith="JOB-").count() == len(rows)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    with transaction.atomic():
        Observation.objects.filter(indicator__code__startswith="JOB-").delete()
    indicators = {i.code: i for i in Indicator.objects.filter(code__startswith="JOB-")}
    started = time.perf_counter()
    with transaction.atomic():
        Observation.objects.bulk_create(
            Observation(indicator=indicators[c], fiscal_year=y, kind="actual", value=v) for c, y, v in rows
        )
    floor = time.perf_counter() - started

    print(f"job rows: {len(rows)} (file {len(data) / 1024 / 1024:.1f} MB)")
    print(f"job (validate all, then batches with history): {job_seconds:7.2f} s  {len(rows) / job_seconds:9.0f} rows/s")
    print(f"bulk_create floor:                             {floor:7.2f} s  {len(rows) / floor:9.0f} rows/s")
    print(f"ratio job / floor: {job_seconds / floor:.1f}x (goal: 3.0x or less); peak RSS {peak_mb:.0f} MB")
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
