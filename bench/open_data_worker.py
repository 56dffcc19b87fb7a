"""The whole install's open-data build as production runs it: a download of the XLSX without a built file queues the
build on Redis, and `manage.py run_worker --burst` (RQ's worker, which forks a work-horse per job) builds it.
Prints the wall time, the worker's peak memory and the files.

    DEBUG=true SECRET_KEY=x DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> REDIS_URL=redis://127.0.0.1:6379/<n> \\
        .venv/bin/python bench/open_data_worker.py

It deletes the database's open-data builds first, moves the data version on and empties the cache (as
`manage.py after_restore`; RQ's keys stay): point it at a bench database, and at a Redis database no other worker
takes jobs from.
"""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kumamoto_portal.settings")

import django  # noqa: E402

django.setup()

import django_rq  # noqa: E402
from django.test import Client  # noqa: E402
from rq.job import Job  # noqa: E402

from kpi import opendatafiles  # noqa: E402
from kpi.models import OpenDataBuild  # noqa: E402
from vision import dataversion, jobs  # noqa: E402

XLSX = "/ja/open-data/observations.xlsx"


def _children(pid):
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        return [int(child) for task in tasks for child in (task / "children").read_text().split()]
    except OSError:
        return []


def _rss_kb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _sample(root_pid, peaks, stop):
    """Every 0.1 s: the largest single process of the worker's tree (the work-horse) and the tree's sum."""
    while not stop.is_set():
        pids, queue = [], [root_pid]
        while queue:
            pid = queue.pop()
            pids.append(pid)
            queue.extend(_children(pid))
        sizes = [_rss_kb(pid) for pid in pids[1:]]  # not /usr/bin/time itself
        if sizes:
            peaks["process"] = max(peaks["process"], max(sizes))
            peaks["tree"] = max(peaks["tree"], sum(sizes))
        stop.wait(0.1)


def main():
    if not jobs.is_queued():
        sys.exit("REDIS_URL is not set: the build would not be queued")
    # As after restoring a backup: a bench database copied from another (CREATE DATABASE … TEMPLATE) shares its data
    # version numbers, and the Redis database may hold another database's version and row counts.
    dataversion.after_restore()
    OpenDataBuild.objects.all().delete()
    rows = opendatafiles.total_row_count()
    queue = django_rq.get_queue(jobs.DEFAULT_QUEUE)
    client = Client(HTTP_HOST="127.0.0.1")
    asked = client.get(XLSX)
    print(
        f"{rows:,} public rows; GET {XLSX} without a built file: {asked.status_code}, Retry-After "
        f"{asked.get('Retry-After', '-')}; jobs queued: {queue.count}"
    )

    start = time.monotonic()
    worker = subprocess.Popen(
        ["/usr/bin/time", "-f", "%M", sys.executable, "manage.py", "run_worker", "--burst"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    peaks, stop = {"process": 0, "tree": 0}, threading.Event()
    sampler = threading.Thread(target=_sample, args=(worker.pid, peaks, stop))
    sampler.start()
    _out, err = worker.communicate()
    seconds = time.monotonic() - start
    stop.set()
    sampler.join()
    maxrss = err.strip().splitlines()[-1]

    build = OpenDataBuild.objects.get(data_version=dataversion.current(), finished_at__isnull=False)
    build_seconds = (build.finished_at - build.started_at).total_seconds()
    finished = queue.finished_job_registry.get_job_ids()
    job = max(Job.fetch_many(finished, connection=queue.connection), key=lambda job: job.ended_at)
    print(
        f"the job: queued → started {(job.started_at - job.enqueued_at).total_seconds():.1f} s, started → ended "
        f"{(job.ended_at - job.started_at).total_seconds():.1f} s ({build_seconds:.1f} s the build itself)"
    )
    print(
        f"worker --burst: {seconds:.1f} s wall, from its start to its exit; peak RSS "
        f"{peaks['process'] / 1024:.0f} MB largest process, {peaks['tree'] / 1024:.0f} MB worker and work-horse "
        f"together (sampled every 0.1 s); /usr/bin/time max RSS {int(maxrss) / 1024:.0f} MB"
    )
    for file in build.files.order_by("pk"):
        print(f"  {file.format:9} {file.size / 1e6:8.1f} MB, stored {file.compressed_size / 1e6:7.1f} MB in "
              f"{file.part_count} parts")  # fmt: skip
    served = client.get(XLSX)
    print(f"GET {XLSX} after the build: {served.status_code}, Content-Length {served.get('Content-Length')}")


if __name__ == "__main__":
    main()
