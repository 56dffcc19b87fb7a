"""Figures as the source prints them, and what a reported value measures (seed 001, line numbers given)."""

from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.utils import translation

from kpi.presentation import figure, latest_value_text


@pytest.mark.parametrize(
    ("value", "decimals", "printed", "shown"),
    [
        (D("0.8000"), 2, "0.8", "0.8"),  # 有効求人倍率 H28 actual, l.2548
        (D("1.0200"), 2, "1.02", "1.02"),  # H29 actual, l.2548
        (D("49.0000"), 1, "49", "49"),  # 県内定着率 H28 target, l.2930
        (D("28.0000"), 1, "28", "28"),  # 地域活動 H28 target, l.2462
        (D("2325.0000"), 0, "2,325（H24）", "2,325"),  # 市内総生産額 H27 column, l.2400–2401
        (D("7000"), 0, "7,000以上", "7,000"),  # 出生数 targets, l.2434
        (D("-1394"), 0, "-1,394", "-1,394"),  # 年転入超過数 H28, l.2422
        (D("0.85"), 2, "0.8", "0.85"),  # corrected since: the indicator's decimals
        (D("0.8"), 2, "", "0.80"),  # entered by staff, nothing printed
        (None, 2, "―", "―"),
    ],
)
def test_figure_is_the_printed_number_while_it_still_equals_the_value(value, decimals, printed, shown):
    assert figure(value, decimals, printed) == shown


def test_latest_value_says_what_it_measures_and_when_it_was_reported():
    fiscal = SimpleNamespace(period="fiscal_year", decimals=0)
    calendar = SimpleNamespace(period="calendar_year", decimals=0)
    gdp = SimpleNamespace(
        value=D("2496"), printed="2,496（H27）", measured_year=2015, fiscal_year=2018, is_provisional=False
    )
    births = SimpleNamespace(
        value=D("6766"), printed="6,766", measured_year=None, fiscal_year=2018, is_provisional=True
    )
    with translation.override("ja"):
        assert latest_value_text(gdp, fiscal) == "2,496（平成27年度の値・平成30年度報告）"
        assert latest_value_text(births, calendar) == "6,766（概算値）（平成30年の値・平成30年度報告）"
