"""Background jobs with a state their owner follows: large admin imports and the all-sheets PDF (issue 15).

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
from vision.models import BackgroundJob

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
    """Upload `data` (the dry run), then confirm it; returns the confirmation's response."""
    upload = SimpleUploadedFile("values.csv", data, content_type="text/csv")
    body = client.post(reverse(IMPORT_URL), {"file": upload}).content.decode()
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

    job = BackgroundJob.objects.get()
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
    job = BackgroundJob.objects.get()
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
