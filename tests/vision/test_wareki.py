import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vision import wareki


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("平成28年", 2016),
        ("平成33年", 2021),  # written before 2019: a 平成 year that never happened
        ("平成52年", 2040),
        ("平成72年", 2060),
        ("平成元年", 1989),
        ("令和元年度", 2019),
        ("平成31年度", 2019),
        ("R5(2023)", 2023),
        ("H30（2018）", 2018),
        ("Ｈ２７", 2015),
        ("H24", 2012),
        ("昭和22年", 1947),
    ],
)
def test_parse_year(text, year):
    assert wareki.parse_year(text) == year


@pytest.mark.parametrize("text", ["R5(2024)", "平成0年", "大正5年", "2023", ""])
def test_parse_year_refuses_what_is_not_a_japanese_year(text):
    with pytest.raises(ValueError):
        wareki.parse_year(text)


def test_dates_take_the_era_in_force_on_the_day():
    assert wareki.format_date(datetime.date(2019, 4, 30)) == "平成31年4月30日"
    assert wareki.format_date(datetime.date(2019, 5, 1)) == "令和元年5月1日"
    assert wareki.format_date(datetime.date(2025, 3, 27)) == "令和7年3月27日"
    assert wareki.parse_date("平成28年3月31日") == datetime.date(2016, 3, 31)
    assert wareki.parse_date("平成33年3月31日") == datetime.date(2021, 3, 31)


def test_fiscal_years_run_april_to_march():
    assert wareki.fiscal_year_of(datetime.date(2020, 3, 31)) == 2019
    assert wareki.fiscal_year_of(datetime.date(2020, 4, 1)) == 2020
    assert wareki.fiscal_year_bounds(2016) == (datetime.date(2016, 4, 1), datetime.date(2017, 3, 31))


def test_fiscal_2019_has_two_names():
    assert wareki.fiscal_year_names(2019) == ["平成31年度", "令和元年度"]
    assert wareki.fiscal_year_names(2020) == ["令和2年度"]
    assert wareki.fiscal_year_names(1988) == ["昭和63年度"]
    assert wareki.fiscal_year_names(1989) == ["平成元年度"]


def test_labels():
    assert wareki.year_label(2023) == "R5(2023)"
    assert (wareki.era_label(2018), wareki.era_label(2019, fiscal=True)) == ("H30", "H31")
    assert wareki.year_label(2018) == "H30(2018)"
    assert wareki.year_label(2019) == "H31(2019)"
    assert wareki.year_label(2019, fiscal=True) == "H31(2019)"
    assert wareki.year_label(2020, fiscal=True) == "R2(2020)"
    assert wareki.year_name(2016, fiscal=True) == "平成28年度"
    assert wareki.year_name(2019) == "平成31年"


dates = st.dates(min_value=datetime.date(1927, 1, 1), max_value=datetime.date(2100, 12, 31))


@given(dates)
def test_dates_round_trip_through_the_japanese_calendar(day):
    assert wareki.parse_date(wareki.format_date(day)) == day


@given(dates)
def test_a_date_lies_inside_its_fiscal_year(day):
    first, last = wareki.fiscal_year_bounds(wareki.fiscal_year_of(day))
    assert first <= day <= last


@given(st.integers(min_value=1927, max_value=2100))
def test_fiscal_year_names_and_labels_round_trip(year):
    for name in wareki.fiscal_year_names(year):
        assert wareki.parse_year(name) == year
    assert wareki.parse_year(wareki.year_label(year, fiscal=True)) == year
    assert wareki.parse_year(wareki.year_name(year)) == year


@given(st.sampled_from(["平成", "H", "令和", "R"]), st.integers(min_value=1, max_value=120))
def test_era_years_convert_both_ways_even_past_the_era_end(era, era_year):
    year = wareki.to_gregorian(era, era_year)
    assert wareki.era(era).era_year(year) == era_year
    assert wareki.parse_year(f"{era}{era_year}年") == year
