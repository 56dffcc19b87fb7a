"""How an indicator's figures are written for people: numbers, year labels and the one-sentence summary.

Plain functions of values; the page, the chart, the embed and the downloads all word things the same way.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from vision import wareki

from . import progress


def comparator_suffix(comparator):
    """以上/以下 as written after a number (7,000人以上; in English "7,000 people or more")."""
    if comparator == "gte":
        return pgettext("after a number", "以上")
    if comparator == "lte":
        return pgettext("after a number", "以下")
    return ""


def format_number(value, decimals=0):
    """6766 → '6,766'; 0.5 with 2 decimals → '0.50'; None → '―'."""
    if value is None:
        return "―"
    quantum = Decimal(1).scaleb(-decimals) if decimals else Decimal(1)
    rounded = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    return f"{rounded:,.{decimals}f}"


def fiscal_year_label(year):
    """The label a column gets: 平成30（2018）年度 in Japanese, FY2018 (H30) in English."""
    if get_language() == "en":
        return f"FY{year} ({wareki.era_label(year, fiscal=True)})"
    name = wareki.year_name(year, fiscal=True)
    return f"{name[:-2]}（{year}）年度"


def year_label(year):
    """A year the figure measures: 平成27（2015）年, or 2015 (H27)."""
    if get_language() == "en":
        return f"{year} ({wareki.era_label(year)})"
    return f"{wareki.year_name(year)[:-1]}（{year}）年"


def value_with_unit(value, indicator, comparator=""):
    separator = " " if get_language() == "en" else ""
    text = f"{format_number(value, indicator.decimals)}{separator}{indicator.unit}"
    return text + comparator_suffix(comparator)


def status_word(judgement):
    return _(judgement.word)


def summary_sentence(indicator, judgement: progress.Judgement) -> str:
    """One plain sentence saying where the indicator stands, for screen readers and people who skip charts.

    e.g. 平成30（2018）年度の出生数は6,766人（概算値）で、目標の7,000人以上に届いていません。
    """
    name = indicator.name
    if judgement.fiscal_year is None:
        return _("%(name)sの実績値はまだありません。") % {"name": name}
    year = fiscal_year_label(judgement.fiscal_year)
    actual = judgement.actual
    if actual is None:
        return _("%(year)sの%(name)sの実績値はまだありません。") % {"year": year, "name": name}
    if actual.value is None:
        reason = actual.missing_reason or _("理由の記載なし")
        return _("%(year)sの%(name)sは値がありません（%(reason)s）。") % {"year": year, "name": name, "reason": reason}

    value = value_with_unit(actual.value, indicator)
    if actual.provisional:
        value += _("（概算値）")
    if actual.measured_year and actual.measured_year != judgement.fiscal_year:
        value += _("（%(measured)sの値）") % {"measured": year_label(actual.measured_year)}
    subject = _("%(year)sの%(name)sは%(value)s") % {"year": year, "name": name, "value": value}

    if judgement.status == progress.UNJUDGEABLE:
        return _("%(subject)sで、進捗は判定できません（%(reason)s）。") % {
            "subject": subject,
            "reason": _(judgement.reason),
        }
    comparator = judgement.compared_comparator
    if judgement.status == progress.MET:
        return _("%(subject)sで、目標の%(target)sを達成しています。") % {
            "subject": subject,
            "target": value_with_unit(judgement.compared_with, indicator, comparator),
        }
    if judgement.status == progress.ON_TRACK:
        if judgement.compared_with_kind == "line":
            return _("%(subject)sで、基準値から目標値へ向かう見込みの線（%(point)s）を上回っており、順調です。") % {
                "subject": subject,
                "point": value_with_unit(judgement.compared_with, indicator),
            }
        return _("%(subject)sで、この年度の目標%(target)sに届いており、順調です。") % {
            "subject": subject,
            "target": value_with_unit(judgement.compared_with, indicator, comparator),
        }
    target = value_with_unit(judgement.compared_with, indicator, comparator)
    if judgement.compared_with_kind == "line":
        return _("%(subject)sで、基準値から目標値へ向かう見込みの線（%(point)s）に届いていません。") % {
            "subject": subject,
            "point": target,
        }
    return _("%(subject)sで、目標の%(target)sに届いていません。") % {"subject": subject, "target": target}
