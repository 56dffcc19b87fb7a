"""The admin's check (dry run) of a large import file: what the upload's request costs to count the rows (it reads
the file, vision.tabular.count_rows), and the background job that checks it (vision.admin_import
.run_import_check_job, inline here) for a file of JOB_MAX_ROWS (100,000) new series values, with what the job keeps
(its result, the stashed file's meta). Measured on 2 shared cores (load about 3): counting 0.4–0.6 s for the CSV,
5.2–5.4 s for the XLSX; the check 162 s on SQLite, 1,089 s on PostgreSQL, peak RSS about 780 MB, when a dry run
still went through django-import-export's row loop (saving each row, then rolling back). With kpi.series_import
(load about 1): the check 8.35 s on PostgreSQL (11,983 rows/s), peak RSS 319 MB for the whole script.

    .venv/bin/python bench/import_check.py                       # SQLite in a temporary file
    BENCH_ROWS=20000 .venv/bin/python bench/import_check.py      # a smaller file (default 100,000 rows)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/import_check.py
        (uses a throwaway database named bench_import_check on that server, or BENCH_DATABASE)
"""

import io
import json
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-key")  # 16 characters or more with DEBUG off
if os.environ.get("DATABASE_URL", "").startswith("postgres"):
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    os.environ["BENCH_ADMIN_URL"] = os.environ["DATABASE_URL"]
    os.environ["DATABASE_URL"] = f"{base}/{os.environ.get('BENCH_DATABASE', 'bench_import_check')}"
else:
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.mkdtemp()) / 'import.sqlite3'}"
os.environ["DJANGO_SETTINGS_MODULE"] = "kumamoto_portal.settings"
os.environ.pop("REDIS_URL", None)  # the job runs inline, in this process

ROWS = int(os.environ.get("BENCH_ROWS", 100_000))
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


def measured(func, *args):
    """(result, seconds, peak MB of Python allocations) of func(*args): timed, then run again under tracemalloc
    (which slows it several times) for the memory."""
    started = time.perf_counter()
    result = func(*args)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    func(*args)
    peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()
    return result, seconds, peak


def main():
    recreate_postgres_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from openpyxl import Workbook

    from kpi.models import Indicator, Observation
    from vision import tabular

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    plan = Indicator.objects.get(code="S2-G1-N1").plan
    Indicator.objects.bulk_create(
        Indicator(code=f"CHK-{n}", plan=plan, area=plan.area, name=f"指標{n}", unit="件") for n in range(ROWS // 4)
    )
    rows = [(f"CHK-{n}", year, n * 10 + year % 10) for n in range(ROWS // 4) for year in range(2020, 2024)]
    data = ("\r\n".join([HEADER] + [f"{c},{y},actual,{v},,,false,,," for c, y, v in rows]) + "\r\n").encode("cp932")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["indicator_id", "fiscal_year", "kind", "value"])
    for code, year, value in rows:
        sheet.append([code, year, "actual", value])
    buffer = io.BytesIO()
    workbook.save(buffer)
    xlsx = buffer.getvalue()

    print(f"database: {connection.vendor}, rows: {len(rows)}")
    count, seconds, peak = measured(tabular.count_rows, data, "check.csv")
    print(f"request: count_rows of the CSV ({len(data) / 1024 / 1024:.1f} MB): {seconds:6.2f} s, peak {peak:.0f} MB")
    try:
        count, seconds, peak = measured(tabular.count_rows, xlsx, "check.xlsx")
        print(
            f"request: count_rows of the XLSX ({len(xlsx) / 1024 / 1024:.1f} MB): {seconds:6.2f} s, peak {peak:.0f} MB"
        )
    except tabular.ImportFileError as error:
        print(f"request: the XLSX ({len(xlsx) / 1024 / 1024:.1f} MB) is refused: {error}")
    assert count == len(rows)
    job_figures(data, Observation)
    print(f"load average: {os.getloadavg()}")


def job_figures(data, Observation):
    from django.contrib.auth import get_user_model

    from vision import jobs, uploads
    from vision.admin_import import run_import_check_job
    from vision.models import BackgroundJob, PendingUpload

    user = get_user_model().objects.create_superuser("bench", "bench@example.jp", "bench-only-password")
    token = uploads.stash(data, "check.csv", user, {"checked": False})
    before = Observation.objects.count()
    started = time.perf_counter()
    job = jobs.start(
        BackgroundJob.Kind.IMPORT_CHECK, user, run_import_check_job, "kpi.observation", token, user.pk, total=ROWS
    )
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    assert job.state == "done" and job.result["ok"] and job.result["totals"]["new"] == ROWS, job.message or job.result
    assert Observation.objects.count() == before
    meta = PendingUpload.objects.get(token=token).meta
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"check job: {seconds:6.2f} s  {ROWS / seconds:9.0f} rows/s; peak RSS {peak_mb:.0f} MB")
    print(
        f"kept: result {len(json.dumps(job.result)) / 1024:.0f} KB ({len(job.result['preview']['rows'])} preview rows),"
        f" stashed meta {len(json.dumps(meta)) / 1024:.0f} KB"
    )


if __name__ == "__main__":
    main()
