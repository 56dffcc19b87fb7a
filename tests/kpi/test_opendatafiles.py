"""The whole install's open-data files: built once per data version, served from the database, the same bytes;
the XLSX among them; old builds and dead claims tidied away; a queued build run by a worker on Redis."""

import gzip
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kpi import opendata, opendatafiles
from kpi.models import Observation, OpenDataBuild, OpenDataFile, OpenDataFilePart
from tests.kpi.factories import IndicatorFactory, ObservationFactory
from tests.vision.factories import MetroAreaFactory, PlanFactory
from vision import dataversion

pytestmark = pytest.mark.django_db

URLS = {
    "csv": "/ja/open-data/observations.csv",
    "csv-sjis": "/ja/open-data/observations-sjis.csv",
    "json": "/ja/open-data/observations.json",
}
XLSX_URL = "/ja/open-data/observations.xlsx"


@pytest.fixture
def values(db):
    """Two public values (and a draft) beside what the migrations load; the number of public values."""
    ObservationFactory(value=Decimal("12.5000"), note="𩸽 — 漁獲", indicator__name="観光客数, 延べ")
    ObservationFactory(value=None, missing_reason="=未調査", fiscal_year=2021)
    ObservationFactory(value=Decimal("3"), is_published=False)  # a draft: in no file
    return Observation.objects.published().count()


@pytest.fixture
def queue(monkeypatch):
    """Jobs as if a worker took them: recorded, not run."""
    queued = []
    monkeypatch.setattr(opendatafiles.jobs, "is_queued", lambda queue="default": True)
    monkeypatch.setattr(opendatafiles.jobs, "enqueue", lambda func, *args, **kwargs: queued.append((func, args)))
    return queued


def _body(response):
    return b"".join(response.streaming_content)


def test_the_built_files_are_the_streamed_downloads_byte_for_byte(client, values, monkeypatch):
    monkeypatch.setattr(opendatafiles, "PART_BYTES", 64)  # several parts even for a small table
    streamed = {format: _body(client.get(url)) for format, url in URLS.items()}
    assert not OpenDataBuild.objects.exists()  # without a job queue a download builds nothing

    build = opendatafiles.build_files()
    assert build.row_count == values and build.data_version == dataversion.current()
    assert OpenDataFilePart.objects.filter(file__build=build, file__format="csv").count() > 1
    for format, url in URLS.items():
        response = client.get(url)
        assert _body(response) == streamed[format], format
        assert int(response["Content-Length"]) == len(streamed[format])
        assert "Content-Encoding" not in response
        zipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert zipped["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped["Vary"]
        assert gzip.decompress(_body(zipped)) == streamed[format]
        assert response["Content-Disposition"] == client.get(url.replace("/ja/", "/ja/areas/kumamoto/"))[
            "Content-Disposition"
        ].replace("-kumamoto", "")


def test_building_does_not_move_the_data_version(values):
    before = dataversion.current()
    opendatafiles.build_files()
    assert dataversion.current() == before


def test_a_file_of_an_older_version_is_not_served(client, values):
    opendatafiles.build_files()
    ObservationFactory(value=Decimal("777"), fiscal_year=2030)
    assert b"2030" in _body(client.get(URLS["csv"]))


def test_downloads_queue_one_build_per_data_version(client, values, queue):
    client.get(URLS["csv"])
    client.get(URLS["json"])
    assert queue == [(opendatafiles.build_files, (dataversion.current(),))]
    ObservationFactory(fiscal_year=2030)
    client.get(URLS["csv"])
    assert len(queue) == 2 and queue[1][1] == (dataversion.current(),)
    client.get("/ja/areas/kumamoto/open-data/observations.csv")  # one area's download is always streamed
    assert len(queue) == 2


def test_a_build_whose_worker_died_is_queued_again(client, values, queue):
    client.get(URLS["csv"])
    OpenDataBuild.objects.update(started_at=timezone.now() - opendatafiles.BUILD_TIMEOUT - timedelta(minutes=1))
    client.get(URLS["csv"])
    client.get(URLS["csv"])
    assert len(queue) == 2


def test_the_queued_job_builds_the_version_it_was_queued_for_only_while_it_is_current(values):
    version = dataversion.current()
    ObservationFactory(fiscal_year=2030)
    assert opendatafiles.build_files(version) is None
    assert opendatafiles.build_files(dataversion.current()).finished_at is not None


def test_a_build_keeps_the_previous_one_for_downloads_under_way_and_drops_the_older(values):
    versions = []
    for year in (2030, 2031, 2032):
        ObservationFactory(fiscal_year=year)
        versions.append(opendatafiles.build_files().data_version)
    assert sorted(OpenDataBuild.objects.values_list("data_version", flat=True)) == versions[1:]
    assert OpenDataFile.objects.count() == 2 * len(OpenDataFile.Format.values)


def test_the_open_data_page_does_not_count_every_value_once_they_are_built(client, values):
    opendatafiles.build_files()
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/ja/areas/kumamoto/open-data/")
    assert page.status_code == 200
    counts = [query["sql"] for query in captured.captured_queries if "COUNT(" in query["sql"].upper()]
    assert len(counts) == 1 and "vision_plan" in counts[0]  # the area's own count only
    assert page.context["all_row_count"] == values


def test_the_open_data_page_counts_once_per_data_version(client, values):
    cache.clear()
    area = Observation.objects.published().filter(indicator__plan__area__slug="kumamoto").count()
    page = client.get("/ja/areas/kumamoto/open-data/")
    assert (page.context["all_row_count"], page.context["row_count"]) == (values, area)
    with CaptureQueriesContext(connection) as captured:
        client.get("/ja/areas/kumamoto/open-data/")
    assert not [query for query in captured.captured_queries if "COUNT(" in query["sql"].upper()]
    ObservationFactory(fiscal_year=2030)
    assert client.get("/ja/areas/kumamoto/open-data/").context["all_row_count"] == values + 1


def test_the_command_builds_the_files(values, capsys):
    call_command("build_open_data")
    build = OpenDataBuild.objects.get()
    assert build.data_version == dataversion.current() and build.row_count == values
    assert f"{values:,} rows" in capsys.readouterr().out
    started = build.started_at
    call_command("build_open_data")  # built already: nothing to do
    assert OpenDataBuild.objects.get().started_at == started
    call_command("build_open_data", "--force")
    assert OpenDataBuild.objects.get().started_at > started


# --- the whole install's XLSX -------------------------------------------------------------------------------


@pytest.fixture
def first_area(values):
    """An area whose slug sorts before every other, so its three public values open the whole install's table."""
    plan = PlanFactory(area=MetroAreaFactory(slug="aaa"), slug="keikaku", title="総合戦略")
    indicator = IndicatorFactory(plan=plan, code="A-1", name="観光客数", unit="万人")
    ObservationFactory(indicator=indicator, fiscal_year=2019, kind="baseline", value=Decimal("1200.5000"))
    ObservationFactory(indicator=indicator, fiscal_year=2021, kind="actual", value=None, missing_reason="=未調査")
    ObservationFactory(
        indicator=indicator, fiscal_year=2023, kind="target", value=Decimal("1500"), comparator="gte", note="-再掲"
    )
    return values + 3


HEADER = (
    "area", "plan_id", "plan", "goal_path", "indicator_id", "indicator", "unit", "fiscal_year", "kind", "value",
    "comparator", "measured_year", "provisional", "missing_reason", "printed", "note",
)  # fmt: skip
# Written by hand from first_area: numbers as numbers (1200.5 a float, 1500 a whole number), no goal and empty texts
# as empty cells, booleans as text, formula-like texts with an apostrophe.
FIRST_AREA_ROWS = [
    ("aaa", "keikaku", "総合戦略", None, "A-1", "観光客数", "万人", 2019, "baseline", 1200.5, None, None, "false",
     None, None, None),
    ("aaa", "keikaku", "総合戦略", None, "A-1", "観光客数", "万人", 2021, "actual", None, None, None, "false",
     "'=未調査", None, None),
    ("aaa", "keikaku", "総合戦略", None, "A-1", "観光客数", "万人", 2023, "target", 1500, "gte", None, "false",
     None, None, "'-再掲"),
]  # fmt: skip


def _workbook(data):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    return {name: list(workbook[name].iter_rows(values_only=True)) for name in workbook.sheetnames}


def test_the_xlsx_is_built_in_sheets_of_excels_row_limit_and_served_from_the_database(client, first_area, monkeypatch):
    monkeypatch.setattr(opendata, "EXCEL_MAX_ROWS", 3)  # the header and two rows a sheet
    monkeypatch.setattr(opendatafiles, "PART_BYTES", 1024)  # several parts for a workbook of a few kB
    build = opendatafiles.build_files()
    stored = build.files.get(format="xlsx")
    assert stored.part_count > 1

    response = client.get(XLSX_URL)
    data = _body(response)
    assert response.status_code == 200 and "Content-Encoding" not in response
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="observations.xlsx"'
    assert int(response["Content-Length"]) == len(data) == stored.size
    zipped = client.get(XLSX_URL, HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip" and gzip.decompress(_body(zipped)) == data
    sheets = _workbook(data)
    data_sheets = [name for name in sheets if name != "columns"]
    assert data_sheets[:2] == ["observations", "observations (2)"]
    assert len(data_sheets) == -(-first_area // 2)  # two rows a sheet, rounded up
    assert sheets["observations"] == [HEADER, *FIRST_AREA_ROWS[:2]]
    assert sheets["observations (2)"][:2] == [HEADER, FIRST_AREA_ROWS[2]]
    assert sum(len(sheets[name]) - 1 for name in data_sheets) == first_area
    assert sheets["columns"][:2] == [("column", "meaning"), ("area", opendata.COLUMNS[0][1])]


def test_without_a_built_file_a_small_install_gets_the_xlsx_written_for_the_request(client, first_area, queue):
    response = client.get(XLSX_URL)
    assert response.status_code == 200
    assert _workbook(response.content)["observations"][:4] == [HEADER, *FIRST_AREA_ROWS]
    assert queue == [(opendatafiles.build_files, (dataversion.current(),))]  # and the file is built for the next


def test_without_a_built_file_a_large_install_is_told_the_xlsx_is_on_its_way(client, first_area, queue, monkeypatch):
    monkeypatch.setattr(opendatafiles, "XLSX_INLINE_ROWS", first_area - 1)
    response = client.get(XLSX_URL)
    assert response.status_code == 503
    assert response["Retry-After"] == "300"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "Excel ファイルを作成しています" in page and "5 分ほどしてから" in page
    assert f"（{first_area:,} 行）" in page
    assert 'href="/ja/open-data/observations.csv"' in page and 'href="/ja/areas/kumamoto/open-data/"' in page
    assert queue == [(opendatafiles.build_files, (dataversion.current(),))]
    client.get(XLSX_URL)
    assert len(queue) == 1  # asked again while it is built: nothing more queued

    english = client.get(XLSX_URL.replace("/ja/", "/en/")).content.decode()
    assert "The Excel file is being prepared" in english

    opendatafiles.build_files()
    built = client.get(XLSX_URL)
    assert built.status_code == 200 and _workbook(_body(built))["observations"][:4] == [HEADER, *FIRST_AREA_ROWS]


def test_the_whole_install_excel_link_lets_the_browser_show_the_preparing_page(client, values):
    page = client.get("/ja/areas/kumamoto/open-data/").content.decode()
    assert '<a href="/ja/open-data/observations.xlsx">Excel</a>' in page  # no download attribute
    assert '<a href="/ja/open-data/observations.csv" download>CSV</a>' in page


# --- tidying ------------------------------------------------------------------------------------------------


def _old_build(version, *, finished=True, started_ago=timedelta(minutes=1)):
    """A build of `version` with one CSV file of one part, as an earlier build or claim left it."""
    started = timezone.now() - started_ago
    build = OpenDataBuild.objects.create(
        data_version=version,
        started_at=started,
        finished_at=started if finished else None,
        row_count=1 if finished else None,
    )
    file = OpenDataFile.objects.create(build=build, format="csv", size=3, compressed_size=3, part_count=1)
    OpenDataFilePart.objects.create(file=file, number=0, data=b"abc")
    return build


def test_a_finished_build_deletes_superseded_builds_and_dead_claims(values):
    now = dataversion.current()
    _old_build(now - 5)  # finished, two builds ago: deleted
    _old_build(now - 4)  # the finished build before this one: kept for downloads under way
    _old_build(now - 3, finished=False, started_ago=opendatafiles.BUILD_TIMEOUT + timedelta(minutes=1))  # dead
    _old_build(now - 2, finished=False, started_ago=timedelta(minutes=5))  # a worker may be at it: kept
    build = opendatafiles.build_files()
    assert sorted(OpenDataBuild.objects.values_list("data_version", flat=True)) == [now - 4, now - 2, now]
    own_parts = OpenDataFilePart.objects.filter(file__build=build).count()
    assert OpenDataFilePart.objects.count() == own_parts + 2  # the dead claim's part went with it
    assert OpenDataFile.objects.count() == 4 + 2


def test_the_prune_command_deletes_without_building(values, capsys):
    now = dataversion.current()
    for version in (now - 4, now - 3, now - 2):
        _old_build(version)
    _old_build(now - 1, finished=False, started_ago=opendatafiles.BUILD_TIMEOUT + timedelta(seconds=1))
    call_command("build_open_data", "--prune")
    assert capsys.readouterr().out == "2 build(s) deleted\n"
    assert sorted(OpenDataBuild.objects.values_list("data_version", flat=True)) == [now - 3, now - 2]
    assert OpenDataFilePart.objects.count() == 2


def test_a_job_queued_for_a_superseded_version_deletes_its_claim(client, values, queue):
    client.get(URLS["csv"])
    version = queue[0][1][0]
    ObservationFactory(fiscal_year=2030)
    assert opendatafiles.build_files(version) is None
    assert not OpenDataBuild.objects.filter(data_version=version).exists()


def test_a_build_stops_when_the_data_change_between_formats(values, monkeypatch):
    write_csvs = opendatafiles._write_csvs

    def then_a_change(files, count):
        write_csvs(files, count)
        ObservationFactory(fiscal_year=2030)

    monkeypatch.setattr(opendatafiles, "_write_csvs", then_a_change)
    assert opendatafiles.build_files() is None
    assert not OpenDataBuild.objects.exists() and not OpenDataFilePart.objects.exists()


def test_deleting_a_build_does_not_read_its_parts(values):
    """Thousands of parts of 1 MB: the cascade deletes them by their file, without loading them."""
    now = dataversion.current()
    for version in (now - 3, now - 2, now - 1):
        _old_build(version)
    with CaptureQueriesContext(connection) as captured:
        assert opendatafiles.prune() == 1
    assert not [query for query in captured.captured_queries if '"data"' in query["sql"]]


# --- a real worker ------------------------------------------------------------------------------------------


@pytest.mark.redis
def test_a_download_queues_a_build_on_redis_that_a_worker_runs(
    rq_on_test_redis, client, values, django_capture_on_commit_callbacks
):
    from rq import Queue

    from tests.vision.test_jobs import TestSimpleWorker

    redis_queue = Queue("default", connection=rq_on_test_redis)
    with django_capture_on_commit_callbacks(execute=True):
        streamed = _body(client.get(URLS["csv"]))
        client.get(URLS["json"])  # the version is claimed: nothing more queued
    assert redis_queue.count == 1
    assert OpenDataBuild.objects.get().finished_at is None

    TestSimpleWorker([redis_queue], connection=rq_on_test_redis).work(burst=True)

    build = OpenDataBuild.objects.get()
    assert build.finished_at is not None and build.row_count == values
    assert sorted(build.files.values_list("format", flat=True)) == ["csv", "csv-sjis", "json", "xlsx"]
    with django_capture_on_commit_callbacks(execute=True):
        served = client.get(URLS["csv"])
    assert served.has_header("Content-Length") and _body(served) == streamed  # from the file, the same bytes
    assert redis_queue.count == 0
