"""Staff lists at a laptop's width (1280 px): every column a person checks is on screen."""

import json
from pathlib import Path

from django.contrib.auth.models import Group, User

from kpi.models import Indicator
from tests.browser.conftest import save_screenshot
from vision import roles

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PASSWORD = "a-long-test-password-1"


def longest_indicator_code():
    """The indicator with the longest name in the reference data (read from the fixtures, not the code)."""
    indicators = [
        entry
        for path in sorted(FIXTURES.glob("*.json"))
        for entry in json.loads(path.read_text(encoding="utf-8"))
        if entry["model"] == "kpi.indicator"
    ]
    return max(indicators, key=lambda entry: len(entry["fields"]["name"]))["fields"]["code"]


def log_in_as_administrator(open_page, next_path):
    user = User.objects.create_user("kanri", "kanri@example.jp", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=roles.ADMINISTRATORS))
    page = open_page(f"/admin/login/?next={next_path}", width=1280)
    page.get_by_label("ユーザー名").fill("kanri")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()
    return page


def test_observation_list_fits_1280_with_the_longest_name(open_page, live_reference_data):
    code = longest_indicator_code()
    indicator = Indicator.objects.get(code=code, area__slug="kumamoto")
    page = log_in_as_administrator(open_page, f"/admin/kpi/observation/?q={code}")
    save_screenshot(page, "staff-observation-list-1280")

    viewport = page.evaluate("document.documentElement.clientWidth")
    results = page.locator(".results").bounding_box()
    visible_right = min(viewport, results["x"] + results["width"])  # the admin scrolls wide tables in .results
    headers = [text.strip() for text in page.locator("#result_list thead th .text").all_inner_texts()]
    for label in ("指標コード", "指標", "年度", "種別", "値", "公開", "概算値"):
        assert label in headers, headers
    for column in ("value_display", "is_published", "is_provisional"):
        box = page.locator(f"#result_list thead th.column-{column}").bounding_box()
        right = box["x"] + box["width"]
        assert right <= visible_right, f"{column} ends at {right} > {visible_right}"
    name_cell = page.locator("#result_list tbody tr").first.locator("td.field-indicator_name span")
    assert name_cell.get_attribute("title") == indicator.name


def test_import_preview_shows_each_change_old_to_new(open_page, live_reference_data):
    from kpi.services import import_observations

    header = "indicator_id,fiscal_year,kind,value,comparator,measured_year,provisional,missing_reason,printed,note"
    first = f"{header}\r\nS2-G1-N1,2020,actual,812,,,true,,,\r\n".encode()
    assert import_observations(first, "first.csv", dry_run=False).ok
    note = "熊本市推計（速報値。県の市町村民経済計算の公表後に確定値へ置き換える）"
    second = f"{header}\r\nS2-G1-N1,2020,actual,815,,,false,,,{note}\r\n".encode()

    page = log_in_as_administrator(open_page, "/admin/kpi/observation/import/")
    page.get_by_label("ファイル（CSV または XLSX）").set_input_files(
        {"name": "second.csv", "mimeType": "text/csv", "buffer": second}
    )
    page.get_by_role("button", name="確認する（まだ取り込みません）").click()
    page.wait_for_load_state()
    save_screenshot(page, "staff-import-preview-1280")
    preview = page.locator("#import-preview")
    assert "812 → 815" in preview.locator("td.column-value").inner_text()
    assert "はい → いいえ" in preview.locator("td.column-provisional").inner_text()
    assert "S2-G1-N1 市内総生産額" in preview.locator("td.column-indicator_id").inner_text()
    # the note is not squeezed to a character a line
    assert preview.locator("td.column-note").bounding_box()["width"] >= 150


def test_history_page_reads_in_japanese(open_page, live_reference_data):
    from decimal import Decimal

    from kpi import services
    from kpi.models import Observation

    gdp = Observation.objects.get(indicator__code="S1-G1-N1", fiscal_year=2018, kind="actual")
    services.record_observation(gdp.indicator, 2018, "actual", value=Decimal("2500"))
    page = log_in_as_administrator(open_page, f"/admin/kpi/observation/{gdp.pk}/history/")
    save_screenshot(page, "staff-history-1280")
    content = page.locator("#content").inner_text()
    assert "以前の版に戻すには" in content
    assert "Choose a date" not in content and "Changed by" not in content


def test_search_finds_both_plans_spellings(open_page, live_reference_data):
    # fixtures: 第1期 S1-G2-P2-K1 保育所等利用待機児童数; 第2期 S2-G2-P2-K1 保育所など利用待機児童数
    page = open_page("/ja/areas/kumamoto/search/", width=1280)
    page.get_by_label("キーワード").fill("保育所等利用待機児童数")
    page.locator("#main").get_by_role("button", name="検索").click()
    page.wait_for_load_state()
    save_screenshot(page, "search-both-plans-1280")
    links = page.locator("#main ul li a").all_inner_texts()
    assert "保育所等利用待機児童数" in links and "保育所など利用待機児童数" in links, links
