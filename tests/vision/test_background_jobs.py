"""Background jobs with a state their owner follows: large admin imports (their check and their writing) and the
all-sheets PDF (issue 15).

Jobs run inline here (no REDIS_URL), as in `make run`: the redirect after the confirmation finds the job over.
"""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from kpi.models import Observation
from vision import jobs, roles, tabular
from vision.admin_import import run_import_job
from vision.models import BackgroundJob, PendingUpload

pytestmark = pytest.mark.django_db

HEADER = "indicator_id,fiscal_year,kind,value,comparator,measured_year,provisional,missing_reason,printed,note"
IMPORT_URL = "admin:kpi_observation_import"


def csv_file(*lines):
    return ("\r\n".join([HEADER, *lines]) + "\r\n").encode("utf-8")


GOOD = csv_file("S2-G1-N1,2020,actual,812,,,false,,,", "S2-G1-N1,2021,actual,815,,,false,,,")
# the second data row (file row 3) has a value that is not a number
BAD = csv_file("S2-G1-N1,2020,actual,812,,,false,,,", "S2-G1-N1,2021,actual,八百,,,false,,,")


@pytest.fixture
def administrators(django_user_model):
    """Two 管理者 (staff, not superusers): each may import, neither sees the other's jobs."""
    users = []
    for name in ("sato", "kato"):
        user = django_user_model.objects.create_user(name, f"{name}@example.jp", "pw-for-tests-only", is_staff=True)
        user.groups.add(Group.objects.get(name=roles.ADMINISTRATORS))
        users.append(user)
    return users


@pytest.fixture
def inline(settings):
    settings.RQ_QUEUES = {}


def dry_run_then_confirm(client, data):
    """Upload `data` (the dry run: in the request, or above the threshold a job's, whose result page follows), then
    confirm it; returns the confirmation's response."""
    upload = SimpleUploadedFile("values.csv", data, content_type="text/csv")
    response = client.post(reverse(IMPORT_URL), {"file": upload})
    body = (client.get(response["Location"]) if response.status_code == 302 else response).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', body).group(1)
    return client.post(reverse(f"{IMPORT_URL}_confirm"), {"token": token})


# --- the job's state ----------------------------------------------------------------------------------------

SEEN = {}


def half_then_fail(total):
    """A job that reports half its rows inside a transaction, looks at its own status there, then fails."""
    with transaction.atomic():
        Observation.objects.all().delete()
        jobs.report(total // 2, total)
        job_id = jobs._current.get()
        SEEN["while_open"] = jobs.status(BackgroundJob.objects.get(pk=job_id))
        raise ValueError("行の書き込みに失敗")


def make_pdf():
    jobs.report(1, 1)
    return {"pages": 1}, b"%PDF-1.7 test"


def test_progress_is_visible_while_the_work_is_open_and_survives_its_rollback(inline, administrators):
    job = jobs.start(BackgroundJob.Kind.IMPORT, administrators[0], half_then_fail, 10, total=10)

    assert SEEN["while_open"]["state"] == "running"
    assert (SEEN["while_open"]["done"], SEEN["while_open"]["total"]) == (5, 10)
    job.refresh_from_db()
    assert job.state == BackgroundJob.State.FAILED
    assert "行の書き込みに失敗" in job.message
    assert job.finished_at is not None
    assert (job.done, job.total) == (5, 10)  # how far it got survives the rollback
    assert jobs.status(job)["over"] is True


def test_a_finished_job_keeps_its_result_and_file(inline, administrators):
    job = jobs.start(BackgroundJob.Kind.SHEETS_PDF, administrators[0], make_pdf, subject="kumamoto/2025")

    job.refresh_from_db()
    assert (job.state, job.result, bytes(job.output)) == ("done", {"pages": 1}, b"%PDF-1.7 test")
    assert jobs.status(job)["percent"] == 100


def test_only_the_owner_and_superusers_see_a_job(inline, administrators, admin_user):
    sato, kato = administrators
    job = jobs.start(BackgroundJob.Kind.SHEETS_PDF, sato, make_pdf)

    assert jobs.visible_job(sato, job.pk) == job
    assert jobs.visible_job(kato, job.pk) is None  # 管理者, but not theirs
    assert jobs.visible_job(admin_user, job.pk) == job
    assert jobs.visible_job(sato, "1 or 1=1") is None


# --- imports: the threshold ---------------------------------------------------------------------------------


def test_below_the_threshold_the_confirmation_writes_at_once(reference_data, settings, admin_client):
    settings.IMPORT_JOB_THRESHOLD = 2

    response = dry_run_then_confirm(admin_client, GOOD)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:kpi_observation_changelist")
    assert not BackgroundJob.objects.exists()
    assert Observation.objects.filter(indicator__code="S2-G1-N1", kind="actual").count() == 2


def test_above_the_threshold_a_job_writes_and_ends_on_the_same_result(inline, reference_data, settings, admin_client):
    settings.IMPORT_JOB_THRESHOLD = 1

    response = dry_run_then_confirm(admin_client, GOOD)

    job = BackgroundJob.objects.get(kind="import")
    assert response["Location"] == f"{reverse(IMPORT_URL)}?job={job.pk}"
    assert (job.kind, job.subject, job.state, job.total) == ("import", "kpi.observation", "done", 2)
    assert Observation.objects.filter(indicator__code="S2-G1-N1", kind="actual").count() == 2
    status = admin_client.get(response["Location"] + "&format=json").json()
    assert (status["state"], status["done"], status["total"], status["percent"]) == ("done", 2, 2, 100)
    result = admin_client.get(response["Location"], follow=True)
    assert result.redirect_chain[-1][0] == reverse("admin:kpi_observation_changelist")
    assert "取り込みました: 新規 2 件、変更 0 件、変更なし 0 件。" in result.content.decode()


def test_a_running_job_shows_a_progress_bar_that_works_without_script(administrators, client):
    sato = administrators[0]
    job = BackgroundJob.objects.create(kind="import", owner=sato, subject="kpi.observation", total=4000)
    client.force_login(sato)

    body = client.get(f"{reverse(IMPORT_URL)}?job={job.pk}").content.decode()

    assert '<progress id="job-bar" max="4000" value="0"' in body
    assert "待機中" in body
    assert '<noscript><meta http-equiv="refresh"' in body
    assert "vision/js/job_progress" in body
    assert f"?job={job.pk}&amp;format=json" in body


def test_another_users_job_is_not_found(administrators, client):
    sato, kato = administrators
    job = BackgroundJob.objects.create(kind="import", owner=sato, subject="kpi.observation", total=4000)
    client.force_login(kato)

    assert client.get(f"{reverse(IMPORT_URL)}?job={job.pk}").status_code == 404
    assert client.get(f"{reverse(IMPORT_URL)}?job={job.pk}&format=json").status_code == 404
    # nor is a job of another model's import, to its owner
    client.force_login(sato)
    assert client.get(f"{reverse('admin:kpi_indicator_import')}?job={job.pk}").status_code == 404


def test_a_bad_row_in_a_job_writes_nothing_and_reports_row_and_column(inline, reference_data, settings, admin_client):
    settings.IMPORT_JOB_THRESHOLD = 1
    before = Observation.objects.count()

    response = dry_run_then_confirm(admin_client, GOOD)  # checked when it was good…
    job = BackgroundJob.objects.get(kind="import")
    assert job.result["ok"] is True

    # …and a file that turns out bad when its job writes it
    job = jobs.start(BackgroundJob.Kind.IMPORT, job.owner, _bad_file_job, subject="kpi.observation", total=2)
    body = admin_client.get(f"{reverse(IMPORT_URL)}?job={job.pk}").content.decode()

    assert response.status_code == 302
    assert Observation.objects.count() == before + 2  # the good file's two rows, none of the bad one's
    assert "ファイルに 1 件の誤りがあります。何も取り込んでいません。" in body
    assert re.search(r"<td>3</td><td>value</td><td>[^<]*数値[^<]*</td>", body), body


def _bad_file_job():
    from django.contrib.auth import get_user_model

    from vision import uploads

    user = get_user_model().objects.get(is_superuser=True)
    token = uploads.stash(BAD, "bad.csv", user, {"rows": 2})
    return run_import_job("kpi.observation", token, user.pk)


def test_a_job_that_cannot_run_reports_why(inline, reference_data, admin_client, admin_user):
    job = jobs.start(
        BackgroundJob.Kind.IMPORT,
        admin_user,
        run_import_job,
        "kpi.observation",
        "expired-token",
        admin_user.pk,
        subject="kpi.observation",
    )

    job.refresh_from_db()
    assert job.state == "failed"
    assert job.message == "取込みの確認期限が切れました。もう一度ファイルを選んでください。"
    body = admin_client.get(f"{reverse(IMPORT_URL)}?job={job.pk}").content.decode()
    assert "取込みの確認期限が切れました。" in body


# --- the row cap --------------------------------------------------------------------------------------------


def count_rows(data):
    return {"rows": len(tabular.read_table(data, "values.csv")) - 1}


def test_a_job_may_read_more_rows_than_a_request(inline, administrators, monkeypatch):
    monkeypatch.setattr(tabular, "MAX_ROWS", 1)
    monkeypatch.setattr(tabular, "JOB_MAX_ROWS", 2)

    with pytest.raises(tabular.ImportFileError, match="行数が多すぎます（2 行）。1 行以下に分けてください。"):
        tabular.read_table(GOOD, "values.csv")
    job = jobs.start(BackgroundJob.Kind.IMPORT, administrators[0], count_rows, GOOD)
    job.refresh_from_db()
    assert (job.state, job.result) == ("done", {"rows": 2})

    three = csv_file(*["S2-G1-N1,2020,actual,1,,,false,,,"] * 3)
    job = jobs.start(BackgroundJob.Kind.IMPORT, administrators[0], count_rows, three)
    job.refresh_from_db()
    assert (job.state, job.message) == ("failed", "行数が多すぎます（3 行）。2 行以下に分けてください。")


# --- queued for a worker ------------------------------------------------------------------------------------


@pytest.mark.redis
def test_a_queued_job_waits_then_a_worker_runs_it_to_done(
    rq_on_test_redis, administrators, django_capture_on_commit_callbacks
):
    from rq import Queue

    from .test_jobs import TestSimpleWorker

    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start(BackgroundJob.Kind.SHEETS_PDF, administrators[0], make_pdf, subject="kumamoto/2025")
    assert (job.state, jobs.status(job)["over"]) == ("queued", False)

    queue = Queue("default", connection=rq_on_test_redis)
    TestSimpleWorker([queue], connection=rq_on_test_redis).work(burst=True)

    job.refresh_from_db()
    assert (job.state, job.result, bytes(job.output)) == ("done", {"pages": 1}, b"%PDF-1.7 test")


# --- imports: a large file's dry run is a job too -----------------------------------------------------------


def upload(client, data, url=IMPORT_URL):
    return client.post(reverse(url), {"file": SimpleUploadedFile("values.csv", data, content_type="text/csv")})


def confirm_token(body):
    found = re.search(r'name="token" value="([^"]+)"', body)
    return found.group(1) if found else None


def test_above_the_threshold_the_dry_run_is_a_job_that_writes_nothing(inline, reference_data, settings, admin_client):
    settings.IMPORT_JOB_THRESHOLD = 1
    before = Observation.objects.count()

    response = upload(admin_client, GOOD)

    job = BackgroundJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{reverse(IMPORT_URL)}?job={job.pk}"
    assert (job.kind, job.subject, job.state, job.owner.username, job.total) == (
        "import_check",
        "kpi.observation",
        "done",
        "admin",
        2,
    )
    assert Observation.objects.count() == before
    # the file waits for the confirmation, with what its check counted
    assert PendingUpload.objects.get().meta["rows"] == 2


def test_the_checks_result_shows_every_error_by_row_and_column(inline, reference_data, settings, admin_client):
    settings.IMPORT_JOB_THRESHOLD = 1
    before = Observation.objects.count()

    response = upload(admin_client, BAD)
    body = admin_client.get(response["Location"]).content.decode()

    assert "ファイルに 1 件の誤りがあります。何も取り込んでいません。" in body
    assert re.search(r"<td>3</td><td>value</td><td>[^<]*数値[^<]*</td>", body), body
    assert confirm_token(body) is None
    assert not PendingUpload.objects.exists()  # a bad file does not wait for a confirmation
    assert Observation.objects.count() == before


def test_the_checks_result_keeps_the_first_errors_and_says_how_many(
    inline, reference_data, settings, admin_client, monkeypatch
):
    from vision import admin_import

    settings.IMPORT_JOB_THRESHOLD = 1
    monkeypatch.setattr(admin_import, "MAX_JOB_ERRORS", 1)
    # file rows 2 and 3 each have a value that is not a number
    two_bad = csv_file("S2-G1-N1,2020,actual,八百,,,false,,,", "S2-G1-N1,2021,actual,九百,,,false,,,")

    body = admin_client.get(upload(admin_client, two_bad)["Location"]).content.decode()

    assert "ファイルに 2 件の誤りがあります。" in body
    assert "最初の 1 件を示します。" in body
    assert re.search(r"<td>2</td><td>value</td>", body)
    assert not re.search(r"<td>3</td><td>value</td>", body)


def test_the_checks_result_shows_counts_preview_and_confirm_which_a_job_writes(
    inline, reference_data, settings, admin_client
):
    settings.IMPORT_JOB_THRESHOLD = 1
    before = Observation.objects.count()

    check = upload(admin_client, GOOD)
    body = admin_client.get(check["Location"]).content.decode()

    assert "確認しました（long 形式）。新規 2 件、変更 0 件、変更なし 0 件。まだ何も書き込んでいません。" in body
    start = body.index('<table id="import-preview">')
    preview = body[start : body.index("</table>", start)]
    assert re.search(r"<tr><td>2</td><td>新規</td>.*812", preview)
    assert re.search(r"<tr><td>3</td><td>新規</td>.*815", preview)
    token = confirm_token(body)
    assert token == PendingUpload.objects.get().token

    response = admin_client.post(reverse(f"{IMPORT_URL}_confirm"), {"token": token})

    write = BackgroundJob.objects.get(kind="import")
    assert response["Location"] == f"{reverse(IMPORT_URL)}?job={write.pk}"
    assert (write.state, write.total) == ("done", 2)
    assert Observation.objects.count() == before + 2
    values = Observation.objects.filter(indicator__code="S2-G1-N1", kind="actual").order_by("fiscal_year")
    assert [(o.fiscal_year, o.value) for o in values] == [(2020, 812), (2021, 815)]
    result = admin_client.get(response["Location"], follow=True)
    assert "取り込みました: 新規 2 件、変更 0 件、変更なし 0 件。" in result.content.decode()
    # the check's page again: its file is written and gone, so no button to write it twice
    assert confirm_token(admin_client.get(check["Location"]).content.decode()) is None


def test_the_checks_preview_is_bounded(inline, reference_data, settings, admin_client, monkeypatch):
    from vision import admin_import

    settings.IMPORT_JOB_THRESHOLD = 1
    monkeypatch.setattr(admin_import, "MAX_PREVIEW_ROWS", 1)

    body = admin_client.get(upload(admin_client, GOOD)["Location"]).content.decode()

    assert "新規 2 件" in body  # the counts are the whole file's
    assert "<tr><td>2</td><td>新規</td>" in body
    assert "<tr><td>3</td><td>新規</td>" not in body
    assert confirm_token(body)


def test_another_users_check_is_not_found_nor_their_file(inline, reference_data, settings, administrators, client):
    settings.IMPORT_JOB_THRESHOLD = 1
    sato, kato = administrators
    client.force_login(sato)
    location = upload(client, GOOD)["Location"]
    job = BackgroundJob.objects.get()
    token = confirm_token(client.get(location).content.decode())
    assert token

    client.force_login(kato)
    assert client.get(location).status_code == 404
    assert client.get(f"{location}&format=json").status_code == 404
    client.post(reverse(f"{IMPORT_URL}_confirm"), {"token": token})
    assert not BackgroundJob.objects.filter(kind="import").exists()
    # nor is the check found under another model's import, by its owner
    client.force_login(sato)
    assert client.get(f"{reverse('admin:kpi_indicator_import')}?job={job.pk}").status_code == 404


def test_a_superuser_sees_anothers_check_without_its_button(inline, reference_data, settings, administrators, client):
    from django.contrib.auth import get_user_model

    settings.IMPORT_JOB_THRESHOLD = 1
    client.force_login(administrators[0])
    location = upload(client, GOOD)["Location"]

    client.force_login(get_user_model().objects.create_superuser("root", "root@example.jp", "pw-for-tests-only"))
    body = client.get(location).content.decode()

    assert "新規 2 件" in body
    assert confirm_token(body) is None  # the file is sato's to confirm


def test_a_file_not_yet_checked_cannot_be_confirmed(reference_data, admin_client, admin_user):
    from vision import uploads

    token = uploads.stash(GOOD, "values.csv", admin_user, {"checked": False})

    response = admin_client.post(reverse(f"{IMPORT_URL}_confirm"), {"token": token}, follow=True)

    assert "このファイルはまだ確認が終わっていません。" in response.content.decode()
    assert not BackgroundJob.objects.exists()
    assert not Observation.objects.filter(indicator__code="S2-G1-N1", kind="actual").exists()


def test_a_check_under_way_shows_its_progress(administrators, client):
    sato = administrators[0]
    job = BackgroundJob.objects.create(kind="import_check", owner=sato, subject="kpi.observation", total=4000)
    client.force_login(sato)

    body = client.get(f"{reverse(IMPORT_URL)}?job={job.pk}").content.decode()

    assert "ファイルを確認しています。確認だけで、まだ何も書き込みません。" in body
    assert '<progress id="job-bar" max="4000" value="0"' in body


def test_a_file_over_the_requests_row_cap_goes_to_a_job_up_to_the_jobs_cap(
    inline, reference_data, admin_client, monkeypatch
):
    monkeypatch.setattr(tabular, "MAX_ROWS", 1)
    monkeypatch.setattr(tabular, "JOB_MAX_ROWS", 3)

    # 2 rows: more than a request reads, below IMPORT_JOB_THRESHOLD (2,000), within a job's cap
    check = upload(admin_client, GOOD)
    assert BackgroundJob.objects.get().kind == "import_check"
    token = confirm_token(admin_client.get(check["Location"]).content.decode())
    admin_client.post(reverse(f"{IMPORT_URL}_confirm"), {"token": token})
    assert BackgroundJob.objects.get(kind="import").state == "done"
    assert Observation.objects.filter(indicator__code="S2-G1-N1", kind="actual").count() == 2

    four = csv_file(*[f"S2-G1-N1,{year},target,1,,,false,,," for year in (2022, 2023, 2024, 2025)])
    body = upload(admin_client, four).content.decode()
    assert "行数が多すぎます（4 行）。3 行以下に分けてください。" in body
    assert BackgroundJob.objects.count() == 2


def test_a_wide_files_rows_are_its_year_cells_with_a_value(inline, reference_data, settings, admin_client):
    settings.IMPORT_JOB_THRESHOLD = 2
    # one file row, but three values to check: one more than the threshold
    wide = "indicator_id,kind,R2,R3,R4,R5\r\nS2-G1-N1,実績値,812,815,―,900\r\n".encode()

    body = admin_client.get(upload(admin_client, wide)["Location"]).content.decode()

    job = BackgroundJob.objects.get()
    assert (job.kind, job.state, job.total) == ("import_check", "done", 3)
    counts = re.search(r"確認しました（wide 形式）。新規 (\d+) 件、変更 (\d+) 件、変更なし (\d+) 件。", body)
    assert counts, body
    assert sum(map(int, counts.groups())) == 3


def test_count_rows_reads_with_a_jobs_cap_and_leaves_blank_rows_out(monkeypatch):
    assert tabular.count_rows(b"a,b\r\n1,2\r\n,\r\n\r\n3,4\r\n", "x.csv") == 2
    monkeypatch.setattr(tabular, "MAX_ROWS", 1)
    monkeypatch.setattr(tabular, "JOB_MAX_ROWS", 2)
    assert tabular.count_rows(GOOD, "values.csv") == 2  # in a request, though a request reads 1 row only
    with pytest.raises(tabular.ImportFileError, match="行数が多すぎます（3 行）。2 行以下に分けてください。"):
        tabular.count_rows(csv_file(*["S2-G1-N1,2020,actual,1,,,false,,,"] * 3), "values.csv")


@pytest.mark.redis
def test_a_queued_check_waits_for_the_worker_then_shows_its_result(
    rq_on_test_redis, reference_data, settings, admin_client, django_capture_on_commit_callbacks
):
    from rq import Queue

    from .test_jobs import TestSimpleWorker

    settings.IMPORT_JOB_THRESHOLD = 1
    with django_capture_on_commit_callbacks(execute=True):
        location = upload(admin_client, GOOD)["Location"]
    assert "ファイルを確認しています。" in admin_client.get(location).content.decode()
    assert admin_client.get(f"{location}&format=json").json()["state"] == "queued"

    TestSimpleWorker([Queue("default", connection=rq_on_test_redis)], connection=rq_on_test_redis).work(burst=True)

    body = admin_client.get(location).content.decode()
    assert "新規 2 件、変更 0 件、変更なし 0 件。" in body
    assert confirm_token(body)
