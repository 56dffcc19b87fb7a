from django import template

from kpi import presentation, progress
from vision import wareki

register = template.Library()


@register.filter
def kpi_number(value, decimals=0):
    """A series value with thousands separators and the indicator's decimals."""
    return presentation.format_number(value, int(decimals or 0))


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
