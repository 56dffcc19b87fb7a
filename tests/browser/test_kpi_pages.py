"""The progress pages in headless Chromium: charts drawn, language switch, downloads, axe, phone width."""

import csv
import io
import re

import pytest

from kpi.models import Observation
from tests.browser.conftest import (
    assert_no_axe_violations,
    assert_no_clipped_table_cells,
    assert_no_horizontal_scroll,
    save_screenshot,
)

PAGES = {
    "home": "/ja/",
    "plan": "/ja/areas/kumamoto/plans/kumamoto-strategy-1/",
    "plan-filtered": "/ja/areas/kumamoto/plans/kumamoto-strategy-1/?status=behind",
    "goal": "/ja/areas/kumamoto/plans/kumamoto-strategy-1/goals/G2/",
    "indicator": "/ja/areas/kumamoto/indicators/S1-G2-N1/",
    "embed": "/ja/areas/kumamoto/indicators/S1-G2-N1/embed/",
    "open-data": "/ja/areas/kumamoto/open-data/",
    "progress-method": "/ja/open-data/progress/",
    "search": "/ja/areas/kumamoto/search/?q=%E8%A6%B3%E5%85%89",  # 観光
}


def svg_points(page):
    """Markers of the SVG chart the server drew (before any script runs)."""
    return page.locator("#indicator-chart svg .chart__marker").count()


def drawn_points(page):
    """Markers of the plotly chart, which loads when the reader asks for it."""
    page.locator("[data-interactive-chart]").click()
    page.wait_for_selector("#indicator-chart[data-rendered='true']", timeout=15000)
    return page.locator("#indicator-chart .scatterlayer path.point").count()


# Scripts the page fetched, with their sizes (decoded), from the Resource Timing entries.
_SCRIPTS_JS = """() => performance.getEntriesByType("resource")
  .filter((e) => e.initiatorType === "script" || e.name.endsWith(".js"))
  .map((e) => [e.name, e.decodedBodySize])"""


def expected_points(code):
    """Markers the chart must draw, counted from the database: every value, plus the final target's star, plus
    the targets and actuals of the same measure in other plans (kpi.Measure, drawn beside this plan's)."""
    values = Observation.objects.filter(indicator__code=code, value__isnull=False)
    has_target = values.filter(kind="target").exists()
    linked = (
        Observation.objects.filter(indicator__measures__indicators__code=code, value__isnull=False)
        .filter(kind__in=("target", "actual"))
        .exclude(indicator__code=code)
    )
    return values.count() + (1 if has_target else 0) + linked.count()


@pytest.mark.parametrize("width", [375, 1280])
def test_every_progress_page_type_renders_and_passes_axe(open_page, live_reference_data, width):
    for name, path in PAGES.items():
        page = open_page(path, width=width)
        assert page.locator("h1").count() == 1, name
        if name in ("indicator", "embed"):
            assert svg_points(page) == expected_points("S1-G2-N1")
        if width == 375:
            assert_no_horizontal_scroll(page)
            assert_no_clipped_table_cells(page)
        save_screenshot(page, f"progress-{name}-{width}")
        assert_no_axe_violations(page)
        if name in ("indicator", "embed"):
            assert drawn_points(page) == expected_points("S1-G2-N1")
            save_screenshot(page, f"progress-{name}-interactive-{width}")
            assert_no_axe_violations(page)


@pytest.mark.parametrize("path", [PAGES["indicator"], PAGES["embed"]])
def test_plotly_waits_for_a_tap_then_draws_every_trace(open_page, live_reference_data, path):
    page = open_page(path, width=375, has_touch=True, is_mobile=True)
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.Plotly") == "undefined"
    scripts = page.evaluate(_SCRIPTS_JS)
    assert scripts, "the page's own small script is fetched"
    assert [name for name, size in scripts if size > 100_000] == []
    assert not any("plotly" in name for name, _ in scripts)
    # every year label of the server's chart is there at 375 px (plotly dropped H31(2019)), R5(2023) being the
    # linked second strategy's target year (seeds/001 l.842-843)
    years = page.locator("#indicator-chart .chart__year").all_text_contents()
    assert years == ["H27(2015)", "H28(2016)", "H29(2017)", "H30(2018)", "H31(2019)", "R5(2023)"]

    page.locator("#indicator-chart svg").tap()
    page.wait_for_selector("#indicator-chart[data-rendered='true']", timeout=15000)
    assert page.evaluate("typeof window.Plotly") == "object"
    traces = page.evaluate("JSON.parse(document.getElementById('indicator-figure').textContent).data.length")
    # target line, final target, baseline, actuals, provisional actual (S1-G2-N1), and the linked second
    # strategy's target 7,000以上 in R5 (seeds/001 l.843)
    assert traces == 6
    assert page.locator("#indicator-chart .scatterlayer .trace").count() == traces
    assert page.locator("#indicator-chart .scatterlayer path.point").count() == expected_points("S1-G2-N1")
    assert page.locator("[data-interactive-chart]").is_hidden()


def test_the_chart_button_loads_plotly_from_the_keyboard(open_page, live_reference_data):
    page = open_page(PAGES["indicator"])
    page.get_by_role("button", name="グラフを操作する").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#indicator-chart[data-rendered='true']", timeout=15000)
    assert page.locator("#indicator-chart .scatterlayer path.point").count() == expected_points("S1-G2-N1")


@pytest.mark.parametrize("code", ["S1-G1-N1", "S1-G2-P3-K2", "S1-G2-P2-K1", "S2-G1-N1"])
def test_chart_draws_one_marker_per_value(open_page, live_reference_data, code):
    page = open_page(f"/ja/areas/kumamoto/indicators/{code}/")
    assert svg_points(page) == expected_points(code)
    assert drawn_points(page) == expected_points(code)
    table_rows = page.locator(".series-table").first.locator("tbody tr").count()  # this plan's table, not a linked one
    assert table_rows == Observation.objects.filter(indicator__code=code).values("fiscal_year").distinct().count()


def test_language_switch_on_an_indicator(open_page, live_reference_data):
    page = open_page("/ja/areas/kumamoto/indicators/S1-G1-N1/", width=375)
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.url.endswith("/en/areas/kumamoto/indicators/S1-G1-N1/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert svg_points(page) == expected_points("S1-G1-N1")
    assert "FY2018" in page.locator(".summary").inner_text()
    save_screenshot(page, "progress-indicator-en-375")


def test_open_data_csv_download_matches_the_database(open_page, live_reference_data):
    page = open_page("/ja/areas/kumamoto/open-data/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV（UTF-8、BOM付き。Excelでそのまま開けます）").click()
    data = download_info.value.path().read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == Observation.objects.count()
    in_database = {
        (o.indicator.code, o.fiscal_year, o.kind): o.value for o in Observation.objects.select_related("indicator")
    }
    for row in rows:
        value = in_database[(row["indicator_id"], int(row["fiscal_year"]), row["kind"])]
        assert (row["value"] == "") == (value is None)
        if value is not None:
            assert float(row["value"]) == float(value)


def test_status_filter_keeps_only_behind_kpis(open_page, live_reference_data):
    page = open_page("/ja/areas/kumamoto/plans/kumamoto-strategy-1/", width=375)
    page.locator("select[name=status]").select_option("behind")
    page.get_by_role("button", name="絞り込む").click()
    page.wait_for_load_state()
    badges = page.locator(".kpi-table .badge")
    assert badges.count() > 0
    assert all("遅れ" in text for text in badges.all_inner_texts())


def test_keyboard_reaches_the_content_and_the_chart_download(open_page, live_reference_data):
    page = open_page("/ja/areas/kumamoto/indicators/S1-G2-N1/", width=1280)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    # following the link to #main is a navigation the browser finishes after the key press returns
    page.wait_for_url(re.compile(r"#main$"), timeout=5000)
    # every link and button of the page is reachable with Tab, the chart download among them
    reached = set()
    for _ in range(120):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.textContent.trim()"))
    assert "グラフを画像（PNG）で保存" in reached
    assert "グラフを操作する" in reached
    assert "CSVでダウンロード" in reached
    # the PNG is drawn on the server from the SVG: no plotly needed to save it
    page.get_by_role("link", name="グラフを画像（PNG）で保存").focus()
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.path().read_bytes().startswith(b"\x89PNG")


def test_english_pages_pass_axe(open_page, live_reference_data):
    for path in (
        "/en/",
        "/en/areas/kumamoto/indicators/S1-G1-N1/",
        "/en/areas/kumamoto/plans/kumamoto-strategy-1/",
        "/en/areas/kumamoto/open-data/",
    ):
        page = open_page(path, width=375)
        assert page.locator("html").get_attribute("lang") == "en"
        assert_no_horizontal_scroll(page)
        assert_no_axe_violations(page)
    save_screenshot(page, "progress-open-data-en-375")


def test_english_indicator_and_plan_pages_name_things_in_english(open_page, live_reference_data):
    from tests.vision.test_translation import CJK

    # 保育所等利用待機児童数 (seed 001 l.2875–2881): its heading in English, the official name beside it.
    page = open_page("/en/areas/kumamoto/indicators/S1-G2-P2-K1/", width=375, locale="en-GB")
    heading = page.locator("h1").inner_text()
    assert heading and not CJK.search(heading), heading
    assert "保育所等利用待機児童数" in page.locator(".official-name").inner_text()
    assert "6 children" in page.locator(".summary").inner_text()
    assert page.locator(".translation-note").count() == 1
    assert_no_horizontal_scroll(page)
    save_screenshot(page, "english-indicator-375")

    page = open_page("/en/areas/kumamoto/plans/kumamoto-strategy-2/", width=375, locale="en-GB")
    assert not CJK.search(page.locator("h1").inner_text())
    assert_no_horizontal_scroll(page)
    save_screenshot(page, "english-plan-375")
