"""The whole install's open-data files (CSV, Shift_JIS CSV, JSON and XLSX of every area), built in the background once
per public data version and served as stored files instead of being written row by row for each download.

Where they are kept: in the database (OpenDataFile, its content gzip-compressed in OpenDataFilePart rows of about
PART_BYTES). Every app server reads the same database, so a file built by a worker on one machine is served by all;
MEDIA_ROOT is FileSystemStorage on each server's own disk (settings.STORAGES), which another server does not see,
and the portal has no shared object storage. gzip makes a national CSV about a thirtieth of its size, and even the
XLSX, a zip already, 16 % smaller (67 → 56 MB, 4 s of the build); serving reads one part at a time, so a worker holds
one part (a few MB decompressed) however large the file. A client that accepts gzip gets the stored bytes as they
are (Content-Encoding: gzip).

When: a download of the whole install finds no file of the current version and asks for a build (request_build);
meanwhile the CSVs and the JSON are streamed as the table is read, and the XLSX, which cannot be streamed (a zip
written at the end), is written for the request while the table is small (XLSX_INLINE_ROWS) and otherwise answered
with a page saying it is being prepared (kpi.views). OpenDataBuild's unique data version is the claim: the first
request of a version creates it and queues the job, the others see it and queue nothing (a claim whose worker died
is taken over after BUILD_TIMEOUT). Without a job queue (no REDIS_URL) a request does not build inline (it would make
the downloader wait for every format); `manage.py build_open_data` builds, as a deploy or a cron job can.

Tidying (prune): a finished build deletes the builds no download reads any more, and so does a job that finds its
version superseded; `manage.py build_open_data --prune` does it alone.
"""

import re
import tempfile
import zlib
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Q
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from vision import dataversion, jobs

from . import opendata, selectors
from .models import Observation, OpenDataBuild, OpenDataFile, OpenDataFilePart

FORMATS = OpenDataFile.Format.values  # "csv", "csv-sjis", "json", "xlsx"
PART_BYTES = 1024 * 1024  # compressed bytes per stored part
PIECE_BYTES = 1024 * 1024  # decompressed bytes per piece of a response
COMPRESS_LEVEL = 6
BUILD_TIMEOUT = timedelta(hours=1)  # a claim older than this, unfinished, is taken over (its worker died)
ROW_COUNT_KEY = "open-data-rows:{version}"
ROW_COUNT_SECONDS = 7 * 24 * 3600  # an old version's count is no longer asked for
# The whole install's XLSX is written for the request (as an area's is) while the table has no more rows than this;
# past it, only the built file is served. The largest area of the national preset has about 37,000 rows.
XLSX_INLINE_ROWS = 50_000
_GZIP = re.compile(r"\bgzip\b")  # as django.middleware.gzip reads Accept-Encoding


def current_file(format):
    """The built file of the current data version in `format` (one of FORMATS), or None."""
    return (
        OpenDataFile.objects.filter(
            build__data_version=dataversion.current(), build__finished_at__isnull=False, format=format
        )
        .only("pk", "size", "compressed_size", "part_count")
        .first()
    )


def request_build():
    """Queue a build of the current data version unless one is built or under way; True when queued."""
    if not jobs.is_queued():
        return False
    version = dataversion.current()
    now = timezone.now()
    build, created = OpenDataBuild.objects.get_or_create(data_version=version, defaults={"started_at": now})
    if not created:
        if build.finished_at or build.started_at > now - BUILD_TIMEOUT:
            return False
        # A claim whose worker died: taken over by the one request whose update finds it unchanged.
        stale = Q(pk=build.pk, started_at=build.started_at, finished_at__isnull=True)
        if not OpenDataBuild.objects.filter(stale).update(started_at=now):
            return False
    jobs.enqueue(build_files, version)
    return True


class _Parts:
    """A file written as gzip into parts of PART_BYTES."""

    def __init__(self, file):
        self.file = file
        self.compressor = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, 31)  # 31: the gzip container
        self.pending = bytearray()
        self.size = self.compressed_size = self.count = 0

    def write(self, data):
        self.size += len(data)
        self.pending += self.compressor.compress(data)
        while len(self.pending) >= PART_BYTES:
            self._store(PART_BYTES)

    def _store(self, length):
        OpenDataFilePart.objects.create(file=self.file, number=self.count, data=bytes(self.pending[:length]))
        self.compressed_size += len(self.pending[:length])
        self.count += 1
        del self.pending[:length]

    def close(self):
        self.pending += self.compressor.flush()
        while len(self.pending) > PART_BYTES:
            self._store(PART_BYTES)
        self._store(len(self.pending))
        self.file.size, self.file.compressed_size, self.file.part_count = self.size, self.compressed_size, self.count
        self.file.save(update_fields=["size", "compressed_size", "part_count"])


def _counted(series, count):
    for head, values in series:
        count[0] += len(values)
        yield head, values


def build_files(version=None, *, force=False):
    """Build the files of `version` (the current data version when None): the job request_build queues, and what
    `manage.py build_open_data` runs. Returns the build, or None when the data moved on to another version first.

    The data version is looked at again between the formats: once the data have changed the files would never be
    served (the change moved the version on), so the build stops there and is deleted, and the next download asks
    for the new version. A change during the last format leaves a finished build of the old version, never served
    and pruned by the next.
    """
    current = dataversion.current()
    if version is None:
        version = current
    elif version != current:
        # Its claim too: no job builds a version that is no longer current.
        OpenDataBuild.objects.filter(data_version=version, finished_at__isnull=True).delete()
        prune()
        return None
    build, _created = OpenDataBuild.objects.get_or_create(data_version=version, defaults={"started_at": timezone.now()})
    if build.finished_at and not force:
        return build
    build.files.all().delete()  # what a dead attempt left
    build.started_at, build.finished_at, build.row_count = timezone.now(), None, None
    build.save()
    files = {
        format: OpenDataFile.objects.create(build=build, format=format, size=0, compressed_size=0, part_count=0)
        for format in FORMATS
    }
    count = [0]
    for write in (_write_csvs, _write_json, _write_xlsx):
        if dataversion.current() != version:
            OpenDataBuild.objects.filter(pk=build.pk, finished_at__isnull=True).delete()
            prune()
            return None
        write(files, count)
    build.finished_at, build.row_count = timezone.now(), count[0]
    build.save(update_fields=["finished_at", "row_count"])
    cache.set(ROW_COUNT_KEY.format(version=version), build.row_count, timeout=ROW_COUNT_SECONDS)
    prune()
    return build


def _write_csvs(files, count):
    """Both CSVs from one read of the table: the Shift_JIS one is the same text through cp932_text (as
    opendata.iter_csv_series writes it), without the BOM. Counts the rows into count[0]."""
    csv, sjis = _Parts(files["csv"]), _Parts(files["csv-sjis"])
    for index, text in enumerate(opendata.csv_texts(_counted(selectors.open_data_series(), count))):
        csv.write((("\ufeff" if index == 0 else "") + text).encode("utf-8"))
        sjis.write(opendata.cp932_text(text).encode("cp932"))
    csv.close()
    sjis.close()


def _write_json(files, count):
    json = _Parts(files["json"])
    for piece in opendata.iter_json_series(selectors.open_data_series()):
        json.write(piece)
    json.close()


def _write_xlsx(files, count):
    """The workbook written to a temporary file (openpyxl keeps each sheet's rows on disk until it zips them),
    then copied into parts."""
    xlsx = _Parts(files["xlsx"])
    with tempfile.TemporaryFile() as file:
        opendata.write_xlsx(selectors.open_data_rows(), file)
        file.seek(0)
        while piece := file.read(PART_BYTES):
            xlsx.write(piece)
    xlsx.close()


def prune():
    """Delete the builds no download reads any more, with their files; returns how many builds were deleted.

    Kept: the two newest finished builds (the newest is served while its version is current; a download that began
    on the one before may still be reading it) and the claims whose worker may still be at work (unfinished, started
    less than BUILD_TIMEOUT ago; RQ ends a job after JOB_TIMEOUT_SECONDS, an hour by default). Deleted: every other
    build, finished or not: older finished builds, and claims whose worker died with the parts it had written (if
    the version is still current, the next download claims it again).
    """
    newest = list(
        OpenDataBuild.objects.filter(finished_at__isnull=False)
        .order_by("-data_version")
        .values_list("pk", flat=True)[:2]
    )
    working = Q(finished_at__isnull=True, started_at__gt=timezone.now() - BUILD_TIMEOUT)
    _total, deleted = OpenDataBuild.objects.exclude(pk__in=newest).exclude(working).delete()
    return deleted.get(OpenDataBuild._meta.label, 0)


def _stored_parts(file):
    for number in range(file.part_count):
        yield bytes(
            OpenDataFilePart.objects.filter(file_id=file.pk, number=number).values_list("data", flat=True).get()
        )


def _decompressed(parts):
    """The parts' content in pieces of at most PIECE_BYTES (a part of repetitive text holds 30 times its size)."""
    decompressor = zlib.decompressobj(31)
    for part in parts:
        while part:
            yield decompressor.decompress(part, PIECE_BYTES)
            part = decompressor.unconsumed_tail
    yield decompressor.flush()


def file_response(request, file, content_type, filename):
    """The stored file as a download: its gzip bytes as they are when the client accepts gzip, else decompressed
    part by part."""
    if _GZIP.search(request.headers.get("Accept-Encoding", "")):
        response = StreamingHttpResponse(_stored_parts(file), content_type=content_type)
        response["Content-Encoding"] = "gzip"
        response["Content-Length"] = file.compressed_size
    else:
        response = StreamingHttpResponse(_decompressed(_stored_parts(file)), content_type=content_type)
        response["Content-Length"] = file.size
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def total_row_count(version=None):
    """Rows of the whole install's open data in `version` (the current one when None), counted once per data version:
    stored with its build, or counted (a million rows take half a second)."""
    if version is None:
        version = dataversion.current()
    key = ROW_COUNT_KEY.format(version=version)
    total = cache.get(key)
    if total is None:
        total = (
            OpenDataBuild.objects.filter(data_version=version, finished_at__isnull=False)
            .values_list("row_count", flat=True)
            .first()
        )
        if total is None:
            total = Observation.objects.published().count()
        cache.set(key, total, timeout=ROW_COUNT_SECONDS)
    return total


def row_counts(area):
    """(rows of the area's open data, rows of the whole install's), each counted once per data version: the whole
    install's by total_row_count, the area's an indexed count of tens of thousands."""
    version = dataversion.current()
    total = total_row_count(version)
    area_key = f"{ROW_COUNT_KEY.format(version=version)}:{area.pk}"
    count = cache.get(area_key)
    if count is None:
        count = Observation.objects.published().filter(indicator__plan__area=area).count()
        cache.set(area_key, count, timeout=ROW_COUNT_SECONDS)
    return count, total
