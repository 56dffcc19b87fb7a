from django import template

from kpi import presentation, progress
from vision import wareki

register = template.Library()


@register.filter
def kpi_number(value, decimals=0):
    """A series value with thousands separators and the indicator's decimals."""
    return presentation.format_number(value, int(decimals or 0))


@register.filter
def figure(observation, decimals=0):
    """A series value as the source prints it while the stored value still equals it (0.8, not 0.80)."""
    return presentation.observation_figure(observation, int(decimals or 0))


@register.filter
def latest_value(observation, indicator):
    """2,496（平成27年度の値・平成30年度報告）: the value, what it measures and when it was reported."""
    return presentation.latest_value_text(observation, indicator)


@register.filter
def measured_in(observation, indicator):
    """平成27年度: the year (年 or 年度, as the indicator measures) a series value describes."""
    return presentation.period_year_name(observation.measured_year or observation.fiscal_year, indicator)


@register.filter
def fiscal_year(year):
    """H30(2018)-style label of a fiscal year."""
    return wareki.year_label(int(year), fiscal=True) if year else ""


@register.filter
def fiscal_year_long(year):
    return presentation.fiscal_year_label(int(year)) if year else ""


@register.filter
def measured_year(year):
    return presentation.year_label(int(year)) if year else ""


@register.filter
def status_icon(status):
    return progress.STATUS_ICONS.get(status, "")


@register.filter
def get_item(mapping, key):
    return mapping.get(key)
