"""The members' workspace: dashboard, policy sheets, comments, exports, annual editions and the public pages."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from openpyxl import load_workbook

from committee import editions, services
from committee.models import Appointment, Comment, Committee, Edition, Evaluation, Member, Review
from committee.sheets import cell_text
from kpi import services as kpi_services
from kpi.models import Indicator, Observation
from vision import roles
from vision.models import Department, Municipality, Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(django_user_model):
    """A committee member in office today, with a login."""
    user = django_user_model.objects.create_user("member", "member@example.jp", "pw-for-tests-only")
    user.groups.add(Group.objects.get(name=roles.COMMITTEE_MEMBERS))
    person = Member.objects.create(committee=Committee.objects.get(), name="新任　委員", user=user, order=99)
    Appointment.objects.create(member=person, starts_on=datetime.date(2026, 4, 1), ends_on=datetime.date(2029, 3, 31))
    return user


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def open_review():
    committee = Committee.objects.get()
    review = Review.objects.create(
        committee=committee, plan=Plan.objects.get(slug="kumamoto-strategy-1"), fiscal_year=2020
    )
    return review


def test_workspace_needs_a_login_and_is_closed_to_the_public(client, django_user_model):
    response = client.get("/ja/areas/kumamoto/workspace/")
    assert response.status_code == 302 and "/ja/accounts/login/" in response["Location"]
    outsider = django_user_model.objects.create_user("citizen", "", "pw-for-tests-only")
    client.force_login(outsider)
    assert client.get("/ja/areas/kumamoto/workspace/").status_code == 403


def test_the_workspace_is_under_its_area_and_the_old_urls_lead_there(client, member_client, django_user_model):
    assert member_client.get("/ja/areas/kumamoto/workspace/").status_code == 200
    old = member_client.get("/ja/workspace/reviews/2019/", {"x": "1"})
    assert (old.status_code, old["Location"]) == (302, "/ja/areas/kumamoto/workspace/reviews/2019/?x=1")
    # A member of 熊本's committee is refused in another area's workspace; 下関市連携中枢都市圏 has no committee
    # registered, so even an administrator finds no workspace there.
    assert member_client.get("/ja/areas/shimonoseki/workspace/").status_code == 403
    administrator = django_user_model.objects.create_user("administrator", "", "pw-for-tests-only", is_staff=True)
    administrator.groups.add(Group.objects.get(name=roles.ADMINISTRATORS))
    client.force_login(administrator)
    assert client.get("/ja/areas/shimonoseki/workspace/").status_code == 404
    # An editor of a department of 宇土市 (a member of 熊本 only) is refused in another area's workspace.
    editor = django_user_model.objects.create_user("editor", "", "pw-for-tests-only")
    editor.groups.add(Group.objects.get(name=roles.EDITORS))
    Department.objects.create(municipality=Municipality.objects.get(name="宇土市"), name="企画課").staff.add(editor)
    client.force_login(editor)
    assert client.get("/ja/areas/kumamoto/workspace/").status_code == 200
    assert client.get("/ja/areas/shimonoseki/workspace/").status_code == 403
    assert client.get("/ja/workspace/")["Location"] == "/ja/areas/kumamoto/workspace/"  # after login too


def test_dashboard_shows_unpublished_values_and_filters(member_client):
    Observation.objects.filter(indicator__code="S1-G2-N1", fiscal_year=2018, kind="actual").update(is_published=False)
    response = member_client.get("/ja/areas/kumamoto/workspace/", {"plan": "kumamoto-strategy-1", "status": "behind"})
    rows = response.context["rows"]
    assert rows and all(row.judgement.status == "behind" for row in rows)
    births = next(row for row in rows if row.indicator.code == "S1-G2-N1")
    assert births.has_draft and births.trend
    assert "private" in response.get("Cache-Control", "") or "public" not in response.get("Cache-Control", "")
    by_rate = member_client.get(
        "/ja/areas/kumamoto/workspace/", {"plan": "kumamoto-strategy-1", "sort": "rate"}
    ).context["rows"]
    rates = [row.judgement.rate for row in by_rate if row.judgement.rate is not None]
    assert rates == sorted(rates)


def test_dashboard_query_count_is_bounded(member_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        member_client.get("/ja/areas/kumamoto/workspace/", {"plan": "kumamoto-strategy-1"})


def test_policy_sheet_reproduces_the_committee_table(member_client):
    response = member_client.get("/ja/areas/kumamoto/workspace/reviews/2019/sheets/G1-P1/")
    sheet = response.context["sheet"]
    assert sheet.year_labels == ["H27", "H28", "H29", "H30", "H31"]
    ratio = next(kpi for kpi in sheet.kpis if kpi.row.indicator.code == "S1-G1-P1-K1")
    # as seed 001 prints them (l.2543–2548): 0.8 and 0.9, not 0.80 and 0.90
    assert ratio.targets == ["", "0.75", "0.8", "0.85", "0.9"]
    assert ratio.actuals == ["0.56（H26）", "0.8", "1.02", "1.14", ""]
    assert sheet.evaluation.direction_text.startswith("引き続き関連事業者と連携した合同就職面談会等")
    body = response.content.decode()
    assert "この検証は締め切られているため" in body


def test_cell_text_matches_the_printed_tables():
    births = Observation.objects.get(indicator__code="S1-G2-N1", fiscal_year=2018, kind="actual")
    assert cell_text(births, 0) == "6,766※"
    target = Observation.objects.get(indicator__code="S1-G2-N1", fiscal_year=2016, kind="target")
    assert cell_text(target, 0) == "7,000以上"
    gdp = Observation.objects.get(indicator__code="S1-G1-N1", fiscal_year=2018, kind="actual")
    assert cell_text(gdp, 0) == "2,496（H27）"


def test_members_comment_on_kpis_of_an_open_review(member_client, member, open_review, client):
    indicator = Indicator.objects.get(code="S1-G1-P1-K1")
    url = "/ja/areas/kumamoto/workspace/reviews/2020/sheets/G1-P1/"
    response = member_client.post(url, {"indicator": indicator.pk, "body": "正社員の求人倍率の推移を業種別に見たい。"})
    assert response.status_code == 302
    comment = Comment.objects.get(review=open_review)
    assert (comment.author, comment.indicator) == (member, indicator)
    assert "業種別に見たい" in member_client.get(url).content.decode()
    empty = member_client.post(url, {"indicator": indicator.pk, "body": ""})
    assert empty.status_code == 200 and Comment.objects.count() == 1
    # never on the public pages
    client.logout()
    assert "業種別に見たい" not in client.get("/ja/areas/kumamoto/indicators/S1-G1-P1-K1/").content.decode()


def test_comment_on_a_closed_review_is_refused_even_when_crafted(member_client):
    indicator = Indicator.objects.get(code="S1-G1-P1-K1")
    member_client.post(
        "/ja/areas/kumamoto/workspace/reviews/2019/sheets/G1-P1/", {"indicator": indicator.pk, "body": "x"}
    )
    assert not Comment.objects.filter(review__fiscal_year=2019).exists()


def test_sheet_xlsx_cells_match_the_database(member_client):
    response = member_client.get("/ja/areas/kumamoto/workspace/reviews/2019/sheets/G1-P1/sheet.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    header = next(row for row in rows if row[0] == "KPI")
    assert list(header[3:8]) == ["H27", "H28", "H29", "H30", "H31"]
    target_row = next(row for row in rows if row[0] == "企業立地件数（累計）")
    actual_row = rows[rows.index(target_row) + 1]
    stored = {o.fiscal_year: o for o in Observation.objects.filter(indicator__code="S1-G1-P1-K2")}
    assert target_row[4] == stored[2016].value == 124
    assert actual_row[2] == "実績値"
    actual_2018 = Observation.objects.get(indicator__code="S1-G1-P1-K2", fiscal_year=2018, kind="actual")
    assert actual_row[6] == actual_2018.value


def test_sheets_xlsx_has_numbers_with_number_formats_and_named_sheets(member_client):
    """Numbers are numbers (not text), marks such as 以上 live in the number format, tabs carry policy names."""
    response = member_client.get("/ja/areas/kumamoto/workspace/reviews/2019/sheets.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    names = workbook.sheetnames
    assert len(names) == len(set(names))
    assert not [name for name in names if " (" in name or name[:2].isdigit() and name[2:3] == " "], names
    # 出生数 (S1-G2-N1): target 7,000以上 in the committee tables (seed 001, l.788 area), stored as 7000 gte
    births = next(ws for ws in workbook.worksheets if any(c.value == "出生数" for c in ws["A"]))
    target_row = next(row for row in births.iter_rows() if row[0].value == "出生数")
    numbers = [cell for cell in target_row[3:] if cell.value is not None and cell.value != "―"]
    assert numbers, [cell.value for cell in target_row]
    assert all(isinstance(cell.value, (int, float)) for cell in numbers), [cell.value for cell in numbers]
    assert any(cell.value == 7000 and cell.number_format.startswith('#,##0"以上"') for cell in numbers), [
        (cell.value, cell.number_format) for cell in numbers
    ]
    assert all(cell.data_type == "n" for cell in numbers)


def test_status_xlsx_cells_match_the_database(member_client):
    response = member_client.get("/ja/areas/kumamoto/workspace/reviews/2019/status.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "指標コード"
    by_code = {row[0]: row for row in rows[1:]}
    assert len(by_code) == Indicator.objects.filter(plan__slug="kumamoto-strategy-1").count()
    births = by_code["S1-G2-N1"]
    assert (births[5], births[8], births[9]) == (6766, "遅れ", "概算値")
    assert births[7] == pytest.approx(96.7)
    assert births[10] == "平成30年の値・平成30年度報告"  # 出生数 measures a 年 (seed 001 l.788)
    assert "機械的な判定" in rows[0][8]


def test_pdf_is_generated_from_the_same_html(member_client):
    response = member_client.get("/ja/areas/kumamoto/workspace/reviews/2019/sheets/G1-P1/sheet.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    html = member_client.get("/ja/areas/kumamoto/workspace/reviews/2019/sheets/G1-P1/print/").content.decode()
    assert "css/print." in html and "企業立地件数（累計）" in html


def test_closing_a_review_freezes_an_edition_that_survives_corrections(member_client, open_review):
    services.save_evaluation(
        Evaluation(review=open_review, policy=open_review.plan.goals.get(code="G1-P1"), committee_opinion="順調。")
    )
    services.close_review(open_review)
    edition = Edition.objects.get(review=open_review)
    assert edition.snapshot["indicators"]["S1-G1-N1"]["values"]["2018:actual"]["value"] == "2496"

    indicator = Indicator.objects.get(code="S1-G1-N1")
    kpi_services.record_observation(indicator, 2018, "actual", value=Decimal("2300"))
    edition.refresh_from_db()
    assert edition.snapshot["indicators"]["S1-G1-N1"]["values"]["2018:actual"]["value"] == "2496"

    values, statuses = editions.compare(edition.snapshot, editions.snapshot(open_review))
    assert [(c.code, c.key) for c in values] == [("S1-G1-N1", "2018:actual")]
    # 2,496 meets the H30 target but seed 001 l.280–284 expects the final target to be missed; 2,300 is behind
    assert [(c.code, c.old, c.new, c.by_rules) for c in statuses] == [
        ("S1-G1-N1", "達成に至らない見込み", "遅れ", False)
    ]
    page = member_client.get("/ja/areas/kumamoto/workspace/editions/2020/now/").content.decode()
    assert "2018:actual" in page


def test_two_editions_side_by_side(member_client, open_review):
    services.close_review(open_review)
    response = member_client.get("/ja/areas/kumamoto/workspace/editions/", {"from": 2019, "to": 2020})
    assert response.status_code == 200
    assert response.context["old"].review.fiscal_year == 2019


def test_public_committee_pages(client, open_review):
    body = client.get("/ja/areas/kumamoto/committee/").content.decode()
    assert "澤田　道夫" in body and "田邉　元" in body
    assert "荒川　浩二 委員の後任" in body
    assert client.get("/ja/areas/kumamoto/committee/reviews/2019/").status_code == 200
    assert client.get("/ja/areas/kumamoto/committee/reviews/2020/").status_code == 404  # open: not public yet


def _draft_55123():
    """A draft actual typed by a department (issue 14: the workspace listed 55,123; its link showed 未測定)."""
    indicator = Indicator.objects.filter(plan__slug="kumamoto-strategy-2").order_by("code").first()
    kpi_services.record_observation(indicator, 2023, "actual", value=Decimal("55123"))
    return indicator


def test_a_draft_in_the_workspace_links_to_a_page_that_shows_the_draft(member_client):
    indicator = _draft_55123()
    dashboard = member_client.get("/ja/areas/kumamoto/workspace/", {"plan": "kumamoto-strategy-2"}).content.decode()
    draft_page = f"/ja/areas/kumamoto/workspace/indicators/{indicator.code}/"
    assert f'href="{draft_page}"' in dashboard
    assert f'href="{indicator.get_absolute_url()}"' not in dashboard
    page = member_client.get(draft_page)
    assert page.status_code == 200
    html = page.content.decode()
    assert "55,123" in html and "下書き（未公開）" in html
    assert indicator.name in html and f'href="{indicator.get_absolute_url()}"' in html  # the public page, beside
    assert "55,123" not in member_client.get(indicator.get_absolute_url()).content.decode()


def test_the_draft_page_shows_drafts_only_to_those_the_roles_let_read_them(client, django_user_model):
    indicator = _draft_55123()
    editor = django_user_model.objects.create_user("editor", "", "pw-for-tests-only")
    editor.groups.add(Group.objects.get(name=roles.EDITORS))
    Department.objects.create(municipality=Municipality.objects.get(name="宇土市"), name="企画課").staff.add(editor)
    client.force_login(editor)  # in the workspace, but not of the indicator's department
    page = client.get(f"/ja/areas/kumamoto/workspace/indicators/{indicator.code}/")
    assert page.status_code == 200 and "55,123" not in page.content.decode()
    client.logout()
    anonymous = client.get(f"/ja/areas/kumamoto/workspace/indicators/{indicator.code}/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client.get("/ja/areas/kumamoto/workspace/indicators/NO-SUCH-CODE/").status_code == 302


def test_an_editor_of_an_area_without_a_committee_lands_on_the_admin_after_login(client, django_user_model):
    # 下関市 is a member of 下関市連携中枢都市圏 only, which has no committee: no workspace is theirs.
    editor = django_user_model.objects.create_user("editor", "", "pw-for-tests-only", is_staff=True)
    editor.groups.add(Group.objects.get(name=roles.EDITORS))
    Department.objects.create(municipality=Municipality.objects.get(name="下関市"), name="企画課").staff.add(editor)
    response = client.post("/ja/accounts/login/", {"username": "editor", "password": "pw-for-tests-only"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/admin/"
