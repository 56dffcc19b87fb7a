"""The Japanese calendar (和暦) as the seed documents write it.

Rules:
- An era year N of an era whose first year is Y0 is the Gregorian year Y0 + N − 1; 元年 is year 1.
- Eras start on a day: 昭和 1926-12-25, 平成 1989-01-08, 令和 2019-05-01. A date takes the era in force on it.
- An era year is not capped at the era's end: documents written before 2019 count 平成 on into years that
  never happened (平成33年 = 2021, 平成52年 = 2040, 平成72年 = 2060), and those are read as written.
- A fiscal year (年度) runs from 1 April to 31 March and is named after the year it starts in.
- A year in which the era changed has two names; a fiscal year has two only when the new era began in
  the calendar year the fiscal year started (FY2019 is 平成31年度 and 令和元年度; FY1988 is only 昭和63年度).
  For labels this module uses the era in force on the year's first day (1 January, or 1 April for a
  fiscal year): 2019 → H31(2019), as the committee tables write it; `fiscal_year_names` gives every name.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    start: date

    @property
    def first_year(self):
        return self.start.year

    def to_gregorian(self, era_year: int) -> int:
        if era_year < 1:
            raise ValueError(f"{self.name}{era_year}年: era years start at 1 (元年)")
        return self.first_year + era_year - 1

    def era_year(self, gregorian_year: int) -> int:
        return gregorian_year - self.first_year + 1


SHOWA = Era("昭和", "S", date(1926, 12, 25))
HEISEI = Era("平成", "H", date(1989, 1, 8))
REIWA = Era("令和", "R", date(2019, 5, 1))
ERAS = (SHOWA, HEISEI, REIWA)
_BY_KEY = {key: era for era in ERAS for key in (era.name, era.letter)}

_YEAR_PATTERN = re.compile(
    r"^(?P<era>昭和|平成|令和|[SHR])\s*(?P<year>元|\d{1,3})\s*(?:年度|年)?\s*(?:[(（]\s*(?P<check>\d{4})\s*[)）])?$"
)
_DATE_PATTERN = re.compile(
    r"^(?P<era>昭和|平成|令和|[SHR])\s*(?P<year>元|\d{1,3})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日$"
)


def _normalise(text: str) -> str:
    # Full-width digits and letters (Ｈ２７) become ASCII; the era names stay as they are.
    return unicodedata.normalize("NFKC", text).strip().upper()


def era(key: str) -> Era:
    """The era named by its kanji name or its letter (平成 or H)."""
    try:
        return _BY_KEY[_normalise(key)]
    except KeyError:
        raise ValueError(f"unknown era: {key!r}") from None


def to_gregorian(era_key: str, era_year: int) -> int:
    """平成33 → 2021: the Gregorian year of an era year, even past the era's end."""
    return era(era_key).to_gregorian(era_year)


def era_on(day: date) -> Era:
    """The era in force on a day."""
    for candidate in reversed(ERAS):
        if day >= candidate.start:
            return candidate
    raise ValueError(f"{day} is before 昭和")


def parse_year(text: str) -> int:
    """Read a year as the documents write it and return it in the Gregorian calendar.

    Accepts 平成28年, 平成33年 (= 2021), 令和元年, 令和元年度, H27, Ｈ２７, R5(2023) and H30（2018）; when a
    Gregorian year is given in brackets it must agree with the era year.
    """
    match = _YEAR_PATTERN.match(_normalise(text))
    if not match:
        raise ValueError(f"not a Japanese-calendar year: {text!r}")
    era_year = 1 if match["year"] == "元" else int(match["year"])
    year = to_gregorian(match["era"], era_year)
    if match["check"] and int(match["check"]) != year:
        raise ValueError(f"{text!r}: {match['era']}{era_year} is {year}, not {match['check']}")
    return year


def parse_date(text: str) -> date:
    """Read a date such as 令和7年3月27日 or 平成28年4月1日."""
    match = _DATE_PATTERN.match(_normalise(text))
    if not match:
        raise ValueError(f"not a Japanese-calendar date: {text!r}")
    era_year = 1 if match["year"] == "元" else int(match["year"])
    return date(to_gregorian(match["era"], era_year), int(match["month"]), int(match["day"]))


def _year_text(era_year: int) -> str:
    return "元" if era_year == 1 else str(era_year)


def format_date(day: date) -> str:
    """A date in the era in force on it: 2025-03-27 → 令和7年3月27日, 2019-05-01 → 令和元年5月1日."""
    current = era_on(day)
    return f"{current.name}{_year_text(current.era_year(day.year))}年{day.month}月{day.day}日"


def fiscal_year_of(day: date) -> int:
    """The fiscal year (年度) a day falls in: 2020-03-31 → 2019, 2020-04-01 → 2020."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(fiscal_year: int) -> tuple[date, date]:
    """First and last day of a fiscal year."""
    return date(fiscal_year, 4, 1), date(fiscal_year + 1, 3, 31)


def era_label(year: int, *, fiscal: bool = False) -> str:
    """The era letter and year alone, as the committee tables head their columns: 2018 → H30, 2023 → R5."""
    current = era_on(date(year, 4, 1) if fiscal else date(year, 1, 1))
    return f"{current.letter}{current.era_year(year)}"


def year_label(year: int, *, fiscal: bool = False) -> str:
    """Short label with the Gregorian year: 2023 → R5(2023), 2018 → H30(2018), 2019 → H31(2019)."""
    return f"{era_label(year, fiscal=fiscal)}({year})"


def year_name(year: int, *, fiscal: bool = False) -> str:
    """The year in words, in the era in force on its first day: 2016 → 平成28年 (平成28年度 when fiscal)."""
    first_day = date(year, 4, 1) if fiscal else date(year, 1, 1)
    current = era_on(first_day)
    return f"{current.name}{_year_text(current.era_year(year))}{'年度' if fiscal else '年'}"


def fiscal_year_names(fiscal_year: int) -> list[str]:
    """Every name a fiscal year goes by: 2019 → ['平成31年度', '令和元年度']."""
    first, last = fiscal_year_bounds(fiscal_year)
    # An era that starts between January and March names only the next fiscal year (FY1988 stayed 昭和63年度).
    eras = [era_on(first)] + [c for c in ERAS if first < c.start <= last and c.start.year == fiscal_year]
    return [f"{e.name}{_year_text(e.era_year(fiscal_year))}年度" for e in eras]
