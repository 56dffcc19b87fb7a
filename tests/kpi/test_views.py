import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kpi.models import Indicator, Observation
from tests.kpi.factories import indicator_with_series
from tests.vision.factories import GoalFactory, PlanFactory
from vision.models import MetroArea

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/ja/",
    "/ja/areas/kumamoto/plans/kumamoto-strategy-1/",
    "/ja/areas/kumamoto/plans/kumamoto-strategy-1/?status=behind",
    "/ja/areas/kumamoto/plans/kumamoto-strategy-2/",
    "/ja/areas/kumamoto/plans/kumamoto-vision/",
    "/ja/areas/kumamoto/plans/kumamoto-strategy-1/goals/G2/",
    "/ja/areas/kumamoto/indicators/S1-G2-N1/",
    "/ja/areas/kumamoto/indicators/S1-G2-N1/embed/",
    "/ja/areas/kumamoto/open-data/",
    "/ja/open-data/progress/",
    "/ja/areas/kumamoto/search/?q=観光",
]


def test_public_pages_are_cacheable_and_set_no_cookie(client, reference_data):
    for url in PUBLIC_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, url
        assert "Cookie" not in response.get("Vary", ""), url
        assert "public" in response["Cache-Control"], url
        assert response["Content-Language"] == "ja", url


def test_english_pages_are_english(client, reference_data):
    body = client.get("/en/areas/kumamoto/indicators/S1-G2-N1/").content.decode()
    assert 'lang="en"' in body
    assert "Download CSV" in body or "CSV" in body
    assert client.get("/en/")["Content-Language"] == "en"


def test_admin_is_never_marked_public(admin_client):
    assert "public" not in admin_client.get("/admin/").get("Cache-Control", "")


def test_indicator_page_says_where_the_kpi_stands(client, reference_data):
    response = client.get("/ja/areas/kumamoto/indicators/S1-G2-N1/")
    body = response.content.decode()
    assert "平成30（2018）年度の出生数は6,766人（概算値）で、目標の7,000人以上に届いていません。" in body
    assert 'id="indicator-figure"' in body
    # plotly.js is not loaded with the page, only named for the script that loads it on request
    assert '<script src="/static/kpi/vendor/plotly' not in body
    assert 'data-plotly="/static/kpi/vendor/plotly-basic-4.1.1.min' in body
    assert "cdn.plot.ly" not in body
    # baseline 1, four targets (+ the final target's star), three actuals of which one provisional, and the
    # second strategy's target 7,000以上 in R5 (l.843), drawn as the linked measure's
    assert response.context["point_count"] == 1 + 4 + 1 + 3 + 1


def test_indicator_page_paints_the_svg_chart(client, reference_data):
    """出生数 (seeds/001_16f58a72b6d60119.txt lines 2425-2440): H27-H31, 6,766 (H30) provisional."""
    response = client.get("/ja/areas/kumamoto/indicators/S1-G2-N1/")
    body = response.content.decode()
    svg = body[body.index("<svg") : body.index("</svg>") + 6]
    # 9 of its own and the second strategy's target 7,000以上 in R5 (l.843), drawn as the linked measure's
    assert svg.count('class="chart__marker') == response.context["point_count"] == 10
    assert svg.count("chart__marker--hollow") == 1
    for label in ("H27", "(2015)", "H28", "(2016)", "H29", "(2017)", "H30", "(2018)", "H31", "(2019)"):
        assert f">{label}</tspan>" in svg
    assert "<desc" in svg and "6,766人（概算値）で、目標の7,000人以上に届いていません。</desc>" in svg
    assert 'class="series-table' in body  # the table stays


def test_indicator_chart_png_is_drawn_from_the_svg(client, reference_data):
    response = client.get("/ja/areas/kumamoto/indicators/S1-G2-N1/chart.png")
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    assert client.get("/ja/areas/kumamoto/indicators/NOPE/chart.png").status_code == 404


def test_indicator_page_shows_missing_year_with_its_reason(client, reference_data):
    body = client.get("/ja/areas/kumamoto/indicators/S1-G2-P3-K2/").content.decode()
    assert "地震によりアンケート未実施" in body


def test_restated_indicator_lists_every_goal(client, reference_data):
    body = client.get("/ja/areas/kumamoto/indicators/S2-G2-N1/").content.decode()
    assert "（再掲）" in body


def test_plan_filter_by_status_and_goal(client, reference_data):
    response = client.get("/ja/areas/kumamoto/plans/kumamoto-strategy-1/", {"status": "behind"})
    rows = [row for node in response.context["tree"] for row in node.all_kpis()]
    assert rows and all(row.judgement.status == "behind" for row in rows)
    response = client.get("/ja/areas/kumamoto/plans/kumamoto-strategy-1/", {"goal": "G2"})
    assert [node.goal.code for node in response.context["tree"]] == ["G2"]


def test_home_counts_each_plans_statuses(client, reference_data):
    response = client.get("/ja/")
    plans = {plan.slug: (counts, total) for plan, counts, total in response.context["plans"]}
    counts, total = plans["kumamoto-strategy-1"]
    assert total == 17 and sum(counts.values()) == 17
    counts, total = plans["kumamoto-strategy-2"]
    assert counts["not_measured"] == 17  # the second phase has no actuals in the seeds


def test_search_finds_japanese_terms(client, reference_data):
    response = client.get("/ja/areas/kumamoto/search/", {"q": "待機児童"})
    assert {i.code for i in response.context["indicators"]} == {"S1-G2-P2-K1", "S2-G2-P2-K1"}
    response = client.get("/ja/areas/kumamoto/search/", {"q": "観光"})
    assert [a.code for a in response.context["policy_areas"]] == ["3-1-10"]
    assert response.context["indicators"]
    response = client.get("/ja/areas/kumamoto/search/", {"q": "荒尾"})
    assert [m.name for m in response.context["municipalities"]] == ["荒尾市"]


def test_indicator_download_matches_the_database(client, reference_data):
    response = client.get("/ja/areas/kumamoto/indicators/S1-G1-N1/data.csv")
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert len(rows) == Observation.objects.filter(indicator__code="S1-G1-N1").count()
    assert client.get("/ja/areas/kumamoto/indicators/NOPE/data.csv").status_code == 404


def test_embed_can_be_framed_and_page_cannot(client, reference_data):
    assert "X-Frame-Options" not in client.get("/ja/areas/kumamoto/indicators/S1-G2-N1/embed/")
    assert client.get("/ja/areas/kumamoto/indicators/S1-G2-N1/")["X-Frame-Options"] == "DENY"


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "path",
    [
        "/ja/",
        "/ja/areas/kumamoto/plans/{slug}/",
        "/ja/areas/kumamoto/plans/{slug}/goals/G-TOP/",
        "/ja/areas/kumamoto/open-data/",
    ],
)
def test_query_count_does_not_grow_with_the_number_of_indicators(client, path):
    # in the area the home page shows, so the home page counts these indicators too
    plan = PlanFactory(area=MetroArea.objects.get(slug="kumamoto"), slug="bulk")
    top = GoalFactory(plan=plan, code="G-TOP")
    goals = [GoalFactory(plan=plan, parent=top, code=f"G-{i}") for i in range(5)]
    for n in range(10):
        indicator_with_series(plan, goals[n % 5], n)
    small = _queries(client, path.format(slug=plan.slug))
    for n in range(10, 200):
        indicator_with_series(plan, goals[n % 5], n)
    assert Indicator.objects.filter(plan=plan).count() == 200
    assert _queries(client, path.format(slug=plan.slug)) == small


# --- Issue 13: what a latest value measures and when it was reported; figures as printed; labelled marks ---


def test_plan_page_says_what_the_latest_value_measures_and_when_it_was_reported(client, reference_data):
    body = client.get("/ja/areas/kumamoto/plans/kumamoto-strategy-1/").content.decode()
    # 市内総生産額: the H30 column prints 「2,496（H27）」 (seed 001 l.2409), a 年度 figure (l.280 「平成27(2015)年度」)
    assert "2,496（平成27年度の値・平成30年度報告）" in body
    # 出生数: 6,766 is the 平成30年 figure (a calendar year, seed 001 l.788), reported in the H30 column
    assert "6,766（概算値）（平成30年の値・平成30年度報告）" in body
    assert "2,496<br>" not in body


def test_indicator_page_prints_figures_as_the_source_does(client, reference_data):
    # 熊本県内における正社員の有効求人倍率, seed 001 l.2543–2548: 0.75 0.8 0.85 0.9 / 0.56（H26） 0.8 1.02 1.14
    def series_table(url):
        body = client.get(url).content.decode()
        start = body.index('<table class="series-table">')
        return body[start : body.index("</table>", start)]

    table = series_table("/ja/areas/kumamoto/indicators/S1-G1-P1-K1/")
    assert ">0.8<" in table and ">1.02<" in table
    assert "0.80" not in table and "0.90" not in table
    # 新規学卒者（大学）の県内定着率, l.2930: 49, not 49.0
    table = series_table("/ja/areas/kumamoto/indicators/S1-G2-P3-K1/")
    assert ">49<" in table and "49.0" not in table


def test_every_mark_on_list_pages_carries_the_portal_label(client, reference_data):
    from tests.committee.test_public_review import LABEL, marks_of

    for url in ("/ja/areas/kumamoto/plans/kumamoto-strategy-1/", "/ja/areas/kumamoto/indicators/S1-G3-P1-K1/"):
        marks = marks_of(client.get(url).content.decode())
        assert marks, url
        assert [status for status, text in marks if text is None or LABEL not in text] == [], url


def test_method_page_documents_the_new_rules(client, reference_data):
    body = client.get("/ja/open-data/progress/").content.decode()
    for words in (
        "未達成（期間終了）",
        "基準値より悪化",
        "目標を超過",
        "下がっていく下限",
        "達成に至らない見込み",
        "判定ルールの版",
    ):
        assert words in body, words


def test_the_english_method_page_gives_every_scheme_rule_in_english(client, reference_data):
    # A rule with "%" in it (S: 達成率100%以上 …) was left in Japanese: `{% translate variable %}` doubles the "%".
    body = client.get("/en/open-data/progress/").content.decode()
    assert "S: achievement rate of 100% or more" in body
    assert "達成率100%以上" not in body


def test_the_english_open_data_page_explains_its_columns_in_english(client, reference_data):
    body = client.get("/en/areas/kumamoto/open-data/").content.decode()
    assert "Indicator code (the identifier used for import and export)" in body
    assert "指標コード（取込み・書出しで使う識別子）" not in body
    assert "with attribution" in body


def test_goal_page_headings_never_skip_a_level(client, reference_data):
    """Lighthouse's heading-order: G2's measures (depth 1) head their sections with h2 under the goal's h1."""
    body = client.get("/ja/areas/kumamoto/plans/kumamoto-strategy-1/goals/G2/").content.decode()
    levels = [int(level) for level in re.findall(r"<h([1-6])[ >]", body)]
    assert levels[0] == 1 and 2 in levels
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
