"""A committee's year in headless Chromium: 管理者 start the review in one form; a member comments on a sheet."""

from django.contrib.auth.models import Group, User
from django.utils import timezone

from committee.models import Appointment, Comment, Committee, Member, Review
from tests.browser.conftest import assert_no_axe_violations, save_screenshot
from vision import roles

PASSWORD = "a-long-test-password-3"


def _user(name, group, **extra):
    user = User.objects.create_user(name, f"{name}@example.jp", PASSWORD, **extra)
    user.groups.add(Group.objects.get(name=group))
    return user


def _sign_in(page, name):
    page.locator("#id_username").fill(name)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit], button[type=submit]").last.click()
    page.wait_for_load_state()


def test_administrator_starts_a_review_and_a_member_comments_on_its_first_sheet(open_page, live_reference_data):
    _user("kanri", roles.ADMINISTRATORS, is_staff=True)
    member_user = _user("iin", roles.COMMITTEE_MEMBERS)
    committee = Committee.objects.get()
    person = Member.objects.create(committee=committee, name="新任　委員", user=member_user, order=99)
    Appointment.objects.create(member=person, starts_on=timezone.localdate())

    admin = open_page("/admin/committee/review/")  # the login page first
    _sign_in(admin, "kanri")
    admin.get_by_role("link", name="年度の検証を始める").click()
    admin.wait_for_load_state()
    assert admin.locator("h1").inner_text() == "年度の検証を始める"
    # the committee and its current plan are chosen already; the year is the one thing to type
    assert admin.locator("#id_plan option:checked").inner_text() == "第2期熊本市しごと・ひと・まち創生総合戦略"
    admin.locator("#id_fiscal_year").fill("2024")
    save_screenshot(admin, "committee-start-review-form-1280")
    admin.locator("input[name=_save]").click()
    admin.wait_for_load_state()
    success = admin.locator(".messagelist .success").first.inner_text()
    assert "2024年度の検証を始めました（施策 9 件のシート）" in success  # 基本目標1〜3 の施策 4+3+2 (seeds/001)
    save_screenshot(admin, "committee-start-review-done-1280")
    review = Review.objects.get(fiscal_year=2024)
    assert review.status == Review.Status.OPEN and review.evaluations.count() == 9

    page = open_page("/ja/workspace/")
    _sign_in(page, "iin")
    page.get_by_role("link", name="総合戦略検証委員会 2024年度の検証").click()
    page.wait_for_load_state()
    first = page.locator("main ol li a").first
    first_title = first.inner_text()
    first.click()
    page.wait_for_load_state()
    assert first_title in page.locator("h1, h2").first.inner_text() or first_title in page.content()
    form = page.locator("form.comment-form").first
    form.locator("textarea").fill("令和5年度の実績について、目標との差の理由を伺いたい。")
    form.get_by_role("button", name="コメントを投稿").click()
    page.wait_for_load_state()
    assert "コメントを投稿しました" in page.content()
    comment = Comment.objects.get()
    assert comment.review == review and comment.author == member_user
    assert page.locator("blockquote.comment").count() == 1
    save_screenshot(page, "committee-started-review-first-sheet-comment-1280")
    assert_no_axe_violations(page)


def test_a_draft_in_the_workspace_opens_a_page_that_shows_it(open_page, live_reference_data):
    from decimal import Decimal

    from kpi import services as kpi_services
    from kpi.models import Indicator

    member_user = _user("iin", roles.COMMITTEE_MEMBERS)
    person = Member.objects.create(committee=Committee.objects.get(), name="新任　委員", user=member_user, order=99)
    Appointment.objects.create(member=person, starts_on=timezone.localdate())
    indicator = Indicator.objects.filter(plan__slug="kumamoto-strategy-2").order_by("code").first()
    kpi_services.record_observation(indicator, 2023, "actual", value=Decimal("55123"))

    page = open_page("/ja/workspace/")
    _sign_in(page, "iin")
    row = page.locator(".dashboard-table tbody tr", has_text="下書きあり").first
    row.get_by_role("link", name=indicator.name).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == indicator.name
    assert "55,123" in page.locator(".series-table").inner_text()
    assert "下書き（未公開）" in page.locator(".series-table").inner_text()
    save_screenshot(page, "committee-workspace-indicator-draft-1280")
    assert_no_axe_violations(page)
