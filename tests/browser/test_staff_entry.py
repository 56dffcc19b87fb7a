"""An editor logs in and enters this year's actuals in headless Chromium."""

from decimal import Decimal

from django.contrib.auth.models import Group, User

from kpi.models import Indicator, Observation
from tests.browser.conftest import save_screenshot
from vision import roles
from vision.models import Department, Municipality


def test_editor_enters_this_years_actuals(open_page, live_server, live_reference_data):
    department = Department.objects.create(municipality=Municipality.objects.get(lg_code="431001"), name="経済政策課")
    editor = User.objects.create_user("editor", "editor@example.jp", "a-long-test-password-1", is_staff=True)
    editor.groups.add(Group.objects.get(name=roles.EDITORS))
    department.staff.add(editor)
    Indicator.objects.filter(code__startswith="S2-G1").update(department=department)

    page = open_page("/admin/login/?next=/admin/", width=1280)
    page.get_by_label("ユーザー名").fill("editor")
    page.get_by_label("パスワード").fill("a-long-test-password-1")
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()
    assert "未入力の実績値" in page.content()

    page.goto(f"{live_server.url}/admin/kpi/indicator/actuals/?fiscal_year=2021")
    rows = page.locator("table.actuals-grid tbody tr")
    assert rows.count() == Indicator.objects.filter(code__startswith="S2-G1").count()
    page.get_by_label("市内総生産額 実績値").fill("２，６１０")
    page.get_by_label("年転入超過数 実績値").fill("△250")
    page.get_by_label("年転入超過数 概算値").check()
    save_screenshot(page, "staff-actuals-filled-1280")
    page.get_by_role("button", name="実績値を保存（下書き）").click()
    page.wait_for_load_state()
    assert "2 件の実績値を保存しました" in page.locator(".messagelist").inner_text()
    save_screenshot(page, "staff-actuals-saved-1280")

    gdp = Observation.objects.get(indicator__code="S2-G1-N1", fiscal_year=2021, kind="actual")
    migration = Observation.objects.get(indicator__code="S2-G1-N2", fiscal_year=2021, kind="actual")
    assert (gdp.value, gdp.is_published) == (Decimal("2610"), False)
    assert (migration.value, migration.is_provisional) == (Decimal("-250"), True)
    assert gdp.history.latest().history_user == editor

    # the same screen at phone width stays usable (the admin scrolls tables inside the page)
    phone = open_page("/admin/login/?next=/admin/kpi/indicator/actuals/%3Ffiscal_year%3D2021", width=375)
    phone.get_by_label("ユーザー名").fill("editor")
    phone.get_by_label("パスワード").fill("a-long-test-password-1")
    phone.get_by_role("button", name="ログイン").click()
    phone.wait_for_load_state()
    save_screenshot(phone, "staff-actuals-375")
    assert phone.get_by_label("市内総生産額 実績値").input_value() == "2610"


def test_two_editors_on_one_series_grid(open_page, live_server, live_reference_data):
    """The second editor's older page neither deletes nor overwrites the first editor's value."""
    department = Department.objects.create(municipality=Municipality.objects.get(lg_code="431001"), name="経済政策課")
    for name in ("tanaka", "suzuki"):
        user = User.objects.create_user(name, f"{name}@example.jp", "a-long-test-password-1", is_staff=True)
        user.groups.add(Group.objects.get(name=roles.EDITORS))
        department.staff.add(user)
    indicator = Indicator.objects.get(code="S2-G1-N1")
    Indicator.objects.filter(pk=indicator.pk).update(department=department)
    series = f"/admin/kpi/indicator/{indicator.pk}/series/"

    pages = []
    for name in ("tanaka", "suzuki"):
        page = open_page(f"/admin/login/?next={series}", width=1280)
        page.get_by_label("ユーザー名").fill(name)
        page.get_by_label("パスワード").fill("a-long-test-password-1")
        page.get_by_role("button", name="ログイン").click()
        page.wait_for_load_state()
        pages.append(page)
    first, second = pages
    label = "R2(2020) 実績値"
    first.get_by_label(label, exact=True).fill("2,550")
    save_screenshot(first, "staff-series-grid-1280")
    first.get_by_role("button", name="保存（下書き）").click()
    first.wait_for_load_state()
    assert "保存しました" in first.locator(".messagelist").inner_text()

    second.get_by_label(label, exact=True).fill("2,551")
    second.get_by_role("button", name="保存（下書き）").click()
    second.wait_for_load_state()
    assert "この画面を開いた後に tanaka が「2550」に変更しました" in second.locator(".errornote").inner_text()
    save_screenshot(second, "staff-series-grid-stale-1280")
    assert indicator.observations.get(fiscal_year=2020, kind="actual").value == Decimal("2550")
