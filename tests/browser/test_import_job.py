"""A large file's import in the admin, in headless Chromium: the upload's check runs as a background job whose
progress page turns into the check's result; its button starts the job that writes."""

from django.contrib.auth.models import User

from kpi.models import Observation
from tests.browser.conftest import save_screenshot
from vision import jobs, uploads
from vision.models import BackgroundJob

PASSWORD = "a-long-test-password-1"
GOOD = (
    b"indicator_id,fiscal_year,kind,value,comparator,measured_year,provisional,missing_reason,printed,note\r\n"
    b"S2-G1-N1,2020,actual,812,,,false,,,\r\n"
    b"S2-G1-N1,2021,actual,815,,,false,,,\r\n"
)


def log_in(open_page, path):
    User.objects.create_superuser("chief", "chief@example.jp", PASSWORD)
    page = open_page(f"/admin/login/?next={path}", width=1280)
    page.get_by_label("ユーザー名").fill("chief")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()
    return page


def test_a_large_file_is_checked_then_written_by_jobs(open_page, live_reference_data, settings, tmp_path):
    settings.RQ_QUEUES = {}  # jobs run inline, as in `make run`
    settings.IMPORT_JOB_THRESHOLD = 1
    path = tmp_path / "values.csv"
    path.write_bytes(GOOD)
    page = log_in(open_page, "/admin/kpi/observation/import/")

    page.set_input_files("input[name=file]", str(path))
    page.get_by_role("button", name="確認する（まだ取り込みません）").click()
    page.wait_for_load_state()

    assert "?job=" in page.url
    assert "新規 2 件、変更 0 件、変更なし 0 件。まだ何も書き込んでいません。" in page.content()
    assert page.locator("#import-preview tbody tr").count() == 2
    assert not Observation.objects.filter(indicator__code="S2-G1-N1", kind="actual").exists()
    save_screenshot(page, "admin-import-check-result-1280")

    page.get_by_role("button", name="この内容で取り込む").click()
    page.wait_for_load_state()

    assert "取り込みました: 新規 2 件、変更 0 件、変更なし 0 件。" in page.locator(".messagelist").inner_text()
    assert Observation.objects.filter(indicator__code="S2-G1-N1", kind="actual").count() == 2
    assert list(BackgroundJob.objects.order_by("pk").values_list("kind", "state")) == [
        ("import_check", "done"),
        ("import", "done"),
    ]


def test_the_progress_page_turns_into_the_checks_result(open_page, live_server, live_reference_data, settings):
    settings.IMPORT_JOB_THRESHOLD = 1
    page = log_in(open_page, "/admin/")
    chief = User.objects.get(username="chief")
    # a check waiting for its worker
    token = uploads.stash(GOOD, "values.csv", chief, {"checked": False})
    job = BackgroundJob.objects.create(kind="import_check", owner=chief, subject="kpi.observation", total=2)

    page.goto(f"{live_server.url}/admin/kpi/observation/import/?job={job.pk}")
    assert "ファイルを確認しています。" in page.content()
    assert page.locator("#job-state-label").inner_text() == "待機中"
    save_screenshot(page, "admin-import-check-progress-1280")

    # the worker does the job; the page's script sees it over and loads the result
    jobs.run(job.pk, "vision.admin_import.run_import_check_job", ("kpi.observation", token, chief.pk), {})
    page.wait_for_selector("#import-preview", timeout=10_000)

    assert "新規 2 件" in page.content()
    assert page.get_by_role("button", name="この内容で取り込む").is_visible()
