"""How an indicator's figures are written for people: numbers, year labels and the one-sentence summary.

Plain functions of values; the page, the chart, the embed and the downloads all word things the same way.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from vision import wareki

from . import progress
from .numbers import NumberError, parse_number

# The number at the start of a printed cell: 2,325（H24） → 2,325; 7,000以上 → 7,000; △12 → △12.
_PRINTED_NUMBER = re.compile(r"^\s*([-−△▲]?[0-9０-９][0-9０-９,，]*(?:[.．][0-9０-９]+)?)")


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


def decimal_places(value):
    """The digits after the point that a value needs: 56.5000 → 1, 2496.0000 → 0, 0.56 → 2."""
    exponent = Decimal(value).normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def unpadded_number(value):
    """A stored value for staff screens, grouped and without the database's padding zeros: 2496.0000 → '2,496',
    56.5000 → '56.5'; None → '―'."""
    if value is None:
        return "―"
    return format_number(value, decimal_places(value))


def figure(value, decimals=0, printed=""):
    """A value as the source prints it: the number of `printed` while it still equals `value`, otherwise the
    value with the indicator's decimals. 0.8 printed 0.8 → '0.8' (not 0.80); 49 printed 49 → '49' (not 49.0)."""
    if value is None:
        return "―"
    match = _PRINTED_NUMBER.match(printed or "")
    if match:
        try:
            if parse_number(match.group(1)) == Decimal(value):
                return match.group(1)
        except NumberError:
            pass
    return format_number(value, decimals)


def observation_figure(observation, decimals=0):
    """`figure()` of a series value (its own `printed` form)."""
    return figure(observation.value, decimals, getattr(observation, "printed", ""))


def period_year_name(year, indicator):
    """The year a figure measures, as a 年 or a 年度 as the indicator measures: 平成27年度, 平成30年."""
    fiscal = getattr(indicator, "period", "fiscal_year") != "calendar_year"
    if get_language() == "en":
        return f"FY{year}" if fiscal else str(year)
    return wareki.year_name(year, fiscal=fiscal)


def measured_and_reported(observation, indicator):
    """What a reported figure measures and when it was reported: 平成27年度の値・平成30年度報告."""
    measured = period_year_name(observation.measured_year or observation.fiscal_year, indicator)
    if get_language() == "en":
        reported = f"FY{observation.fiscal_year}"
    else:
        reported = wareki.year_name(observation.fiscal_year, fiscal=True)
    return _("%(measured)sの値・%(reported)s報告") % {"measured": measured, "reported": reported}


def latest_value_text(observation, indicator):
    """A latest value with what it measures and when it was reported: 2,496（平成27年度の値・平成30年度報告）."""
    if observation.value is None:
        return "―（%s）" % (observation.missing_reason or _("理由の記載なし"))
    text = observation_figure(observation, indicator.decimals)
    if observation.is_provisional:
        text += _("（概算値）")
    return f"{text}（{measured_and_reported(observation, indicator)}）"


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


def value_with_unit(value, indicator, comparator="", printed=""):
    unit = indicator.display_unit
    separator = " " if get_language() == "en" and unit != "%" else ""
    text = f"{figure(value, indicator.decimals, printed)}{separator}{unit}"
    return text + comparator_suffix(comparator)


def status_word(judgement):
    return _(judgement.word)


def summary_sentence(indicator, judgement: progress.Judgement) -> str:
    """One plain sentence saying where the indicator stands, for screen readers and people who skip charts.

    e.g. 平成30（2018）年度の出生数は6,766人（概算値）で、目標の7,000人以上に届いていません。
    """
    name = indicator.display_name
    if judgement.fiscal_year is None:
        return _("%(name)sの実績値はまだありません。") % {"name": name}
    year = fiscal_year_label(judgement.fiscal_year)
    actual = judgement.actual
    if actual is None:
        return _("%(year)sの%(name)sの実績値はまだありません。") % {"year": year, "name": name}
    if actual.value is None:
        reason = actual.missing_reason or _("理由の記載なし")
        return _("%(year)sの%(name)sは値がありません（%(reason)s）。") % {"year": year, "name": name, "reason": reason}

    value = value_with_unit(actual.value, indicator, printed=getattr(actual, "printed", ""))
    if actual.provisional:
        value += _("（概算値）")
    if actual.measured_year and actual.measured_year != judgement.fiscal_year:
        value += _("（%(measured)sの値）") % {"measured": period_year_name(actual.measured_year, indicator)}
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
    if judgement.status == progress.EXPECTED_MISS:
        return _(
            "%(subject)sで、この年度の目標%(target)sには届いていますが、"
            "計画の検証資料は最終目標を「達成に至らない見込み」としています（%(source)s）。"
        ) % {"subject": subject, "target": target, "source": judgement.reason}
    if judgement.status == progress.MISSED_AT_END:
        return _("%(subject)sで、最終年度の目標%(target)sに届かないまま計画期間を終えました。") % {
            "subject": subject,
            "target": target,
        }
    if judgement.compared_with_kind == "line":
        return _("%(subject)sで、基準値から目標値へ向かう見込みの線（%(point)s）に届いていません。") % {
            "subject": subject,
            "point": target,
        }
    return _("%(subject)sで、目標の%(target)sに届いていません。") % {"subject": subject, "target": target}
