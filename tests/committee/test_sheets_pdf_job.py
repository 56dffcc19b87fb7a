"""The all-sheets PDF as a background job in the workspace (issue 15): started by a POST, followed on a progress
page, downloaded by the user who asked for it and by nobody else. Jobs run inline here (no REDIS_URL)."""

import datetime

import pytest
from django.contrib.auth.models import Group

from committee import exports
from committee.models import Appointment, Committee, Member
from vision import roles
from vision.models import BackgroundJob

pytestmark = pytest.mark.django_db

PAGE = "/ja/areas/kumamoto/workspace/reviews/2019/sheets-pdf/"
DOWNLOAD = PAGE + "download/"


def _member(django_user_model, name):
    user = django_user_model.objects.create_user(name, f"{name}@example.jp", "pw-for-tests-only")
    user.groups.add(Group.objects.get(name=roles.COMMITTEE_MEMBERS))
    person = Member.objects.create(committee=Committee.objects.get(), name=name, user=user, order=99)
    Appointment.objects.create(member=person, starts_on=datetime.date(2026, 4, 1), ends_on=datetime.date(2029, 3, 31))
    return user


@pytest.fixture
def members(django_user_model, settings):
    settings.RQ_QUEUES = {}
    return _member(django_user_model, "yamada"), _member(django_user_model, "honda")


def test_the_review_page_links_to_the_job_page(client, members):
    client.force_login(members[0])
    body = client.get("/ja/areas/kumamoto/workspace/reviews/2019/").content.decode()
    assert 'href="/ja/areas/kumamoto/workspace/reviews/2019/sheets-pdf/"' in body


def test_a_member_makes_the_pdf_and_downloads_it(client, members):
    client.force_login(members[0])
    assert "PDFを作成する" in client.get(PAGE).content.decode()
    assert client.get(PAGE + "?format=json").json() == {"state": "none", "over": True}

    response = client.post(PAGE)

    assert response.status_code == 302 and response["Location"] == PAGE
    job = BackgroundJob.objects.get()
    assert (job.kind, job.subject, job.owner, job.state) == ("sheets_pdf", "kumamoto/2019", members[0], "done")
    status = client.get(PAGE + "?format=json").json()
    assert (status["state"], status["done"], status["total"], status["percent"]) == ("done", 3, 3, 100)
    assert "PDFをダウンロード" in client.get(PAGE).content.decode()
    pdf = client.get(DOWNLOAD)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="policy-sheets-2019.pdf"'
    assert pdf.content.startswith(b"%PDF")


def test_another_member_sees_neither_the_job_nor_its_pdf(client, members):
    yamada, honda = members
    client.force_login(yamada)
    client.post(PAGE)

    client.force_login(honda)
    assert client.get(PAGE + "?format=json").json() == {"state": "none", "over": True}
    page = client.get(DOWNLOAD)
    assert page["Content-Type"].startswith("text/html")
    assert "PDFを作成する" in page.content.decode()


def test_a_running_job_shows_its_progress(client, members):
    BackgroundJob.objects.create(kind="sheets_pdf", owner=members[0], subject="kumamoto/2019", total=3)
    client.force_login(members[0])

    body = client.get(PAGE).content.decode()

    assert '<progress id="job-bar" max="3" value="0"' in body
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in body
    assert "?format=json" in body


def test_a_failed_pdf_says_why_and_offers_another_try(client, members, monkeypatch):
    def broken(html, base_url):
        raise RuntimeError("Pango がありません")

    monkeypatch.setattr(exports, "html_to_pdf", broken)
    client.force_login(members[0])
    client.post(PAGE)

    job = BackgroundJob.objects.get()
    assert job.state == "failed"
    body = client.get(PAGE).content.decode()
    assert "PDFを作成できませんでした: 処理中にエラーが起きました: Pango がありません" in body
    assert "作り直す" in body
