import functools

from django import template
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, pgettext

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


@functools.cache
def _table_labels(language):
    return {
        "actual": gettext("最新の実績値"),
        "target": gettext("最終目標"),
        "rate": gettext("達成率"),
        "status": gettext("進捗"),
        "restated": gettext("（再掲）"),
        "at_least": pgettext("after a number", "以上"),
        "at_most": pgettext("after a number", "以下"),
        "provisional": gettext("（概算値）"),
        "judged_by": gettext(progress.PORTAL_JUDGEMENT_LABEL),
    }


@register.simple_tag
def kpi_table_labels():
    """The words every row of a KPI table repeats, translated once per language (a plan page has ~150 rows in
    ~100 tables, and a translation per word per row was most of its rendering time)."""
    return _table_labels(get_language())


@register.simple_tag
def kpi_row(row, labels):
    """One row of a KPI table (templates/kpi/_kpi_table.html): the markup the template wrote per row, written here.

    A plan page lists ~150 KPIs; as template nodes each row cost ~60 lookups, tags and filters, most of the page's
    time at national scale. The cells are the same as the template's, every text escaped.
    """
    indicator, judgement = row.indicator, row.judgement
    restated = f' <span class="muted">{escape(labels["restated"])}</span>' if row.is_restated else ""
    unit = escape(indicator.display_unit)
    unit = f"({unit})" if get_language() == "en" else f"（{unit}）"
    actual = row.latest_actual
    actual = escape(presentation.latest_value_text(actual, indicator)) if actual else "―"
    target = row.final_target
    if target and target.value is not None:
        comparator = {"gte": labels["at_least"], "lte": labels["at_most"]}.get(target.comparator, "")
        target = (
            f"{escape(presentation.observation_figure(target, int(indicator.decimals or 0)))}{escape(comparator)}"
            f'<br><span class="muted">{escape(fiscal_year(target.fiscal_year))}</span>'
        )
    else:
        target = "―"
    percent = judgement.rate_percent
    if percent is not None:
        rate = f'<span title="{escape(gettext(judgement.rate_meaning))}">{escape(localize(percent))}%</span>'
        if judgement.rate_note:
            rate += f'<br><span class="muted">{escape(gettext(judgement.rate_note))}</span>'
    else:
        rate = "―"
    grade = (
        f' <span class="badge__grade">{gettext("評価 %(grade)s") % {"grade": escape(judgement.grade)}}</span>'
        if judgement.grade
        else ""
    )
    provisional = (
        f' <span class="badge__note">{escape(labels["provisional"])}</span>' if judgement.is_provisional else ""
    )
    # Every text above is escaped.
    return mark_safe(
        "\n    <tr>\n"
        f'      <th scope="row"><a href="{escape(indicator.get_absolute_url())}">{escape(indicator.display_name)}</a>'
        f"{restated}\n"
        f'        <span class="unit">{unit}</span></th>\n'
        f'      <td class="number" data-label="{escape(labels["actual"])}">{actual}</td>\n'
        f'      <td class="number" data-label="{escape(labels["target"])}">{target}</td>\n'
        f'      <td class="number" data-label="{escape(labels["rate"])}">{rate}</td>\n'
        f'      <td data-label="{escape(labels["status"])}"><span class="judgement">'
        f'<span class="badge badge--{escape(judgement.status)}">'
        f'<span aria-hidden="true">{escape(judgement.icon)}</span>'
        f" {escape(gettext(judgement.word))}{grade}{provisional}</span>"
        f' <small class="judgement__by">{escape(labels["judged_by"])}</small></span>\n'
        "</td>\n"
        "    </tr>\n  "
    )
