"""A committee member in headless Chromium: log in, filter to 遅れ, open a policy sheet, comment, download."""

import datetime
import io

from django.contrib.auth.models import Group, User
from openpyxl import load_workbook

from committee.models import Appointment, Comment, Committee, Member, Review
from kpi.models import Observation
from tests.browser.conftest import assert_no_axe_violations, assert_no_horizontal_scroll, save_screenshot
from vision import roles
from vision.models import Plan

PASSWORD = "a-long-test-password-2"


def test_member_reviews_comments_and_downloads(open_page, live_server, live_reference_data):
    user = User.objects.create_user("member", "member@example.jp", PASSWORD)
    user.groups.add(Group.objects.get(name=roles.COMMITTEE_MEMBERS))
    committee = Committee.objects.get()
    person = Member.objects.create(committee=committee, name="新任　委員", user=user, order=99)
    Appointment.objects.create(member=person, starts_on=datetime.date(2026, 4, 1), ends_on=datetime.date(2029, 3, 31))
    Review.objects.create(committee=committee, plan=Plan.objects.get(slug="kumamoto-strategy-1"), fiscal_year=2020)

    page = open_page("/ja/workspace/", width=1280)  # redirected to the login page
    page.get_by_label("ユーザー名").fill("member")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "指標の一覧（委員用）"

    page.locator("select[name=plan]").select_option("kumamoto-strategy-1")
    page.locator("select[name=status]").select_option("behind")
    page.get_by_role("button", name="表示").click()
    page.wait_for_load_state()
    statuses = page.locator(".dashboard-table tbody .badge").all_inner_texts()
    assert statuses and all("遅れ" in text for text in statuses)
    assert page.locator(".dashboard-table svg.sparkline").count() > 0
    save_screenshot(page, "committee-dashboard-behind-1280")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="総合戦略検証委員会 2020年度の検証").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="施策１ 雇用(しごと)の場の拡大と雇用の質の向上").click()
    page.wait_for_load_state()
    assert page.locator(".policy-sheet__kpis tbody tr").count() == 6  # three KPIs, 目標値 and 実績値 rows
    page.get_by_label("企業立地件数（累計）へのコメント").fill("産業用地の不足について、次回資料で補足をお願いします。")
    page.locator("#comments-S1-G1-P1-K2").get_by_role("button", name="コメントを投稿").click()
    page.wait_for_load_state()
    assert "コメントを投稿しました" in page.content()
    assert page.locator("#comments-S1-G1-P1-K2 blockquote").count() == 1
    assert Comment.objects.get().author == user
    save_screenshot(page, "committee-policy-sheet-1280")
    assert_no_axe_violations(page)
    # the author withdraws the remark: it is no longer shown, and history keeps it
    page.locator("#comments-S1-G1-P1-K2").get_by_role("button", name="取り下げる").click()
    page.wait_for_load_state()
    assert "コメントを取り下げました" in page.content()
    assert page.locator("#comments-S1-G1-P1-K2 blockquote").count() == 0
    assert Comment.objects.get().withdrawn_at is not None
    page.go_back()

    with page.expect_download() as download:
        page.get_by_role("link", name="XLSXでダウンロード").click()
    workbook = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    target_row = next(row for row in rows if row[0] == "企業立地件数（累計）")
    actual_row = rows[rows.index(target_row) + 1]
    stored = {(o.fiscal_year, o.kind): o.value for o in Observation.objects.filter(indicator__code="S1-G1-P1-K2")}
    assert [int(cell) for cell in target_row[4:8]] == [int(stored[(year, "target")]) for year in range(2016, 2020)]
    assert [int(cell) for cell in actual_row[4:7]] == [int(stored[(year, "actual")]) for year in range(2016, 2019)]

    with page.expect_download() as download:
        page.get_by_role("link", name="PDFでダウンロード").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")

    phone = page.context.new_page()
    phone.set_viewport_size({"width": 375, "height": 800})
    phone.goto(page.url)
    assert_no_horizontal_scroll(phone)
    save_screenshot(phone, "committee-policy-sheet-375")


def test_public_committee_pages(open_page, live_reference_data):
    for name, path in (
        ("committee", "/ja/areas/kumamoto/committee/"),
        ("review", "/ja/areas/kumamoto/committee/reviews/2019/"),
    ):
        for width in (375, 1280):
            page = open_page(path, width=width)
            if width == 375:
                assert_no_horizontal_scroll(page)
            save_screenshot(page, f"committee-public-{name}-{width}")
            assert_no_axe_violations(page)


def test_review_marks_read_as_the_portals_on_screen(open_page, live_reference_data):
    """Issue 13: on the 2019 review, each rendered mark shows the label next to it, on a phone and a desktop."""
    label = "ポータルによる機械的な判定（委員会の評価ではありません）"
    for width in (375, 1280):
        page = open_page("/ja/areas/kumamoto/committee/reviews/2019/", width=width)
        marks = page.locator(".policy-sheet .badge")
        assert marks.count() >= 17
        labels = page.locator(".policy-sheet .judgement").evaluate_all(
            "nodes => nodes.map(n => [n.querySelector('.badge') !== null, "
            "n.querySelector('.judgement__by').innerText, n.querySelector('.judgement__by').offsetHeight > 0])"
        )
        assert len(labels) == marks.count()
        assert all(has_badge and text == label and visible for has_badge, text, visible in labels)
        waiting = page.locator("tr", has_text="保育所等利用待機児童数").first
        assert "未達成（期間終了）" in waiting.inner_text()
        if width == 375:
            assert_no_horizontal_scroll(page)
        save_screenshot(page, f"committee-public-review-marks-{width}")
        assert_no_axe_violations(page)
