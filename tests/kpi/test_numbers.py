from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi.numbers import NumberError, is_no_value, parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,234", "1234"),
        ("1234", "1234"),
        ("１２３", "123"),
        ("１，２３４．５", "1234.5"),
        ("△12", "-12"),
        ("▲12", "-12"),
        ("−1,394", "-1394"),
        ("-37", "-37"),
        (" 0.56 ", "0.56"),
        ("+5", "5"),
    ],
)
def test_numbers_as_staff_type_them(text, value):
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize("text", ["abc", "1,23", "12,3456", "1.2.3", "△", "", "7,000以上", "1e5"])
def test_refused_with_a_japanese_message(text):
    with pytest.raises(NumberError) as error:
        parse_number(text)
    assert "「" in str(error.value)


def test_decimals_by_unit():
    assert parse_number("0.56", decimals=2) == Decimal("0.56")
    assert parse_number("0.50", decimals=1) == Decimal("0.5")  # a trailing zero is not a digit too many
    with pytest.raises(NumberError, match="小数点以下1桁まで"):
        parse_number("60.75", decimals=1)
    with pytest.raises(NumberError, match="整数で"):
        parse_number("6766.5", decimals=0)


@pytest.mark.parametrize("text", ["―", "-", "ー", "", None, "  "])
def test_dashes_mean_no_value(text):
    assert is_no_value(text)


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_formatted_numbers_read_back(value):
    grouped = f"{value:,.2f}"
    negative_triangle = ("△" + f"{-value:,.2f}") if value < 0 else grouped
    assert parse_number(grouped) == value
    assert parse_number(negative_triangle) == value
