"""Linked series: indicators of the two strategies that measure the same thing (issue 13, item 6).

Values are read by hand from seed 001 (shared/seeds/001_16f58a72b6d60119.txt), line numbers given; the links are
editorial inferences (fixtures/16_measures.json, fixtures/README.md).
"""

import pytest

from kpi.models import Measure

pytestmark = pytest.mark.django_db


def test_fifteen_measures_link_the_first_and_second_strategies(reference_data):
    measures = Measure.objects.filter(area__slug="kumamoto")
    assert measures.count() == 15
    gdp = measures.get(key="gross-product")
    assert sorted(i.code for i in gdp.indicators.all()) == ["S1-G1-N1", "S2-G1-N1"]
    assert "2,496" in gdp.reason  # l.2409 and l.325: the second plan's baseline is the first plan's H30 actual
    # 観光客入込数 (first) and 観光消費額 (second) measure different things: not linked
    assert not Measure.objects.filter(indicators__code="S2-G1-P4-K1").exists()


def test_a_linked_measures_chart_holds_both_plans_series(client, reference_data):
    response = client.get("/ja/areas/kumamoto/indicators/S2-G2-N1/")  # 出生数, second strategy
    traces = {trace["name"]: trace for trace in response.context["figure"]["data"]}
    first, second = "第1期総合戦略", "第2期総合戦略"
    assert {f"目標値（{second}）", f"目標値（{first}）", f"実績値（{first}）"} <= set(traces), list(traces)
    # the first phase's 出生数, l.2434–2440: targets 7,000以上 H28–H31; actuals H28 6,797, H29 6,746, H30 6,766
    assert traces[f"目標値（{first}）"]["x"][-4:] == [2016, 2017, 2018, 2019]
    actuals = dict(zip(traces[f"実績値（{first}）"]["x"], traces[f"実績値（{first}）"]["y"], strict=True))
    assert (actuals[2016], actuals[2017], actuals[2018]) == (6797, 6746, 6766)
    # the second phase's target, l.843: 7,000以上 in R5(2023)
    assert traces[f"目標値（{second}）"]["x"] == [2023] and traces[f"目標値（{second}）"]["y"] == [7000]
    body = response.content.decode()
    assert "編集上の推定" in body and "ほかの計画の同じ測定" in body


def test_the_home_page_says_how_the_area_is_doing_from_the_latest_measured_values(client, reference_data):
    response = client.get("/ja/areas/kumamoto/")
    assert response.context["newest_plan"].slug == "kumamoto-strategy-2"
    standings = {s.indicator.code: s for s in response.context["standings"]}
    assert len(standings) == 17
    # 市内総生産額: the latest measured value is the first phase's H30 column, 2,496 measuring H27 (l.2409)
    gdp = standings["S2-G1-N1"]
    assert (gdp.actual.fiscal_year, gdp.reported_by.code) == (2018, "S1-G1-N1")
    body = response.content.decode()
    assert "2,496（平成27年度の値・平成30年度報告）" in body
    # 待機児童: H31 actual 6 (l.2880), the latest of the linked series
    assert (standings["S2-G2-P2-K1"].actual.fiscal_year, standings["S2-G2-P2-K1"].actual.value) == (2019, 6)
    # 年転入超過数: the second plan's baseline 494 measures 平成31(2019)年 (l.330–334), newer than the first
    # plan's H30 actual -128 (l.286)
    net = standings["S2-G1-N2"]
    assert (net.actual.value, net.actual.kind, net.reported_by.code) == (494, "baseline", "S2-G1-N2")
    # 観光消費額 is not linked: its own baseline, 735 (l.767 「観光消費額 億円 735 852」)
    assert (standings["S2-G1-P4-K1"].actual.value, standings["S2-G1-P4-K1"].actual.kind) == (735, "baseline")
    assert "編集上の推定" in body
