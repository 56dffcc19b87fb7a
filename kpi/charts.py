"""The indicator chart: targets and actuals by fiscal year, described as plotly figure JSON.

The page draws it as SVG on the server (kpi.svgchart) and loads plotly.js (the basic partial bundle) from static
files when a reader asks for the interactive chart. This module only describes the figure, as the plain dict
plotly.js reads (plotly.py's Figure validated the same dict in ~15 ms a page; tests/kpi/test_charts.py has plotly.py
check the schema instead). Provisional actuals are drawn hollow and named in the legend, missing years are gaps
with their reason written on the chart, and every hover says the year in 和暦 and 西暦 and the year the figure
measures.
"""

import html

from django.utils.translation import gettext as _

from vision import wareki

from .models import Observation
from .presentation import comparator_suffix, fiscal_year_label, observation_figure, period_year_name

ACTUAL_COLOUR = "#005a9c"
TARGET_COLOUR = "#b35900"
BASELINE_COLOUR = "#4d4d4d"
TEXT_COLOUR = "#1a1a1a"
GRID_COLOUR = "#e3e3e3"
AXIS_COLOUR = "#6b6b6b"
# The same measure in another plan (a linked series): the same meanings in lighter, thinner strokes.
LINKED_ACTUAL_COLOUR = "#5b8fc7"
LINKED_TARGET_COLOUR = "#d08a4a"


def staff_text(value):
    """Text that staff typed, made safe to hand to plotly, which reads tags in its strings as markup.

    plotly turns `<a href>` into a live link, `<b>`, `<br>` … into formatting; with &, < and > escaped the
    text is shown as typed (plotly decodes &lt; &gt; &amp; back, but not &quot;, so quotes stay as they are).
    """
    return html.escape(value, quote=False)


def _hover(indicator, observation, kind_label):
    parts = [f"{fiscal_year_label(observation.fiscal_year)}", f"{kind_label}: "]
    if observation.value is None:
        parts[1] += staff_text(observation.missing_reason) or "―"
    else:
        parts[1] += (
            f"{staff_text(observation_figure(observation, indicator.decimals))} {staff_text(indicator.display_unit)}"
        )
        parts[1] += comparator_suffix(observation.comparator)
    if observation.measured_year and observation.measured_year != observation.fiscal_year:
        parts.append(_("%(year)sの値") % {"year": period_year_name(observation.measured_year, indicator)})
    if observation.is_provisional:
        parts.append(_("概算値"))
    return "<br>".join(parts)


def _trace(name, points, indicator, kind_label, **style):
    return {
        "type": "scatter",
        "name": name,
        "x": [o.fiscal_year for o in points],
        "y": [float(o.value) if o.value is not None else None for o in points],
        "customdata": [_hover(indicator, o, kind_label) for o in points],
        "hovertemplate": "%{customdata}<extra></extra>",
        "connectgaps": False,
        **style,
    }


def _plan_name(indicator):
    return indicator.plan.short_title or indicator.plan.title


def _linked_traces(other):
    """Another plan's targets and actuals of the same measure, named with that plan (observations prefetched)."""
    observations = list(other.observations.all())
    targets = [o for o in observations if o.kind == Observation.Kind.TARGET]
    actuals = [o for o in observations if o.kind == Observation.Kind.ACTUAL]
    plan = staff_text(_plan_name(other))
    traces = []
    if targets:
        traces.append(
            _trace(
                _("目標値（%(plan)s）") % {"plan": plan},
                targets,
                other,
                _("%(plan)sの目標値") % {"plan": plan},
                mode="lines+markers",
                line={"color": LINKED_TARGET_COLOUR, "dash": "dot", "width": 1.5},
                marker={"symbol": "square-open", "size": 8, "color": LINKED_TARGET_COLOUR},
            )
        )
    if any(o.value is not None for o in actuals):
        traces.append(
            _trace(
                _("実績値（%(plan)s）") % {"plan": plan},
                actuals,
                other,
                _("%(plan)sの実績値") % {"plan": plan},
                mode="lines+markers",
                line={"color": LINKED_ACTUAL_COLOUR, "width": 2},
                marker={"symbol": "circle", "size": 8, "color": LINKED_ACTUAL_COLOUR},
            )
        )
    return traces


def indicator_figure(indicator, linked=()):
    """The figure of one indicator's series (observations prefetched), as a plain dict for json_script.

    `linked` are the indicators of other plans that measure the same thing (kpi.Measure): their targets and
    actuals are drawn too, each named with its plan, so the chart shows the whole measured history.
    """
    linked = [other for other in linked if other.pk != indicator.pk]
    observations = list(indicator.observations.all())
    baseline = [o for o in observations if o.kind == Observation.Kind.BASELINE and o.value is not None]
    targets = [o for o in observations if o.kind == Observation.Kind.TARGET]
    actuals = [o for o in observations if o.kind == Observation.Kind.ACTUAL]
    confirmed = [o for o in actuals if not o.is_provisional]
    provisional = [o for o in actuals if o.is_provisional and o.value is not None]
    final = max((t for t in targets if t.value is not None), key=lambda t: t.fiscal_year, default=None)

    traces = []
    if targets:
        traces.append(
            _trace(
                _("目標値"),
                targets,
                indicator,
                _("目標値"),
                mode="lines+markers",
                line={"color": TARGET_COLOUR, "dash": "dash"},
                marker={"symbol": "square", "size": 9, "color": TARGET_COLOUR},
            )
        )
    if final is not None:
        traces.append(
            _trace(
                _("最終目標"),
                [final],
                indicator,
                _("最終目標"),
                mode="markers",
                marker={"symbol": "star", "size": 16, "color": TARGET_COLOUR},
            )
        )
    if baseline:
        traces.append(
            _trace(
                _("基準値"),
                baseline,
                indicator,
                _("基準値"),
                mode="markers",
                marker={"symbol": "diamond", "size": 12, "color": BASELINE_COLOUR},
            )
        )
    if confirmed:
        # A missing year stays in the trace as a gap (None), so the line breaks there.
        traces.append(
            _trace(
                _("実績値"),
                confirmed,
                indicator,
                _("実績値"),
                mode="lines+markers",
                line={"color": ACTUAL_COLOUR, "width": 3},
                marker={"symbol": "circle", "size": 10, "color": ACTUAL_COLOUR},
            )
        )
    if provisional:
        traces.append(
            _trace(
                _("実績値（概算値）"),
                provisional,
                indicator,
                _("実績値"),
                mode="markers",
                marker={"symbol": "circle-open", "size": 12, "color": ACTUAL_COLOUR, "line": {"width": 3}},
            )
        )

    years = {o.fiscal_year for o in observations}
    if linked:
        for trace in traces:  # this plan's traces carry its name once another plan's are drawn beside them
            trace["name"] = f"{trace['name']}（{staff_text(_plan_name(indicator))}）"
        for other in linked:
            traces += _linked_traces(other)
            years |= {o.fiscal_year for o in other.observations.all()}
    years = sorted(years)

    annotations = [
        {
            "x": o.fiscal_year,
            "y": 0,
            "yref": "paper",
            "yanchor": "bottom",
            "text": _("値なし: %(reason)s") % {"reason": staff_text(o.missing_reason) or "―"},
            "showarrow": False,
            "font": {"size": 11, "color": BASELINE_COLOUR},
        }
        for o in actuals
        if o.value is None
    ]
    # No "template": plotly.py would add its default (about 7 KB of colour scales for trace types we never draw);
    # every colour this chart shows is set here, so the browser's plotly.js defaults fill in nothing visible.
    return {
        "data": traces,
        "layout": {
            "margin": {"l": 56, "r": 16, "t": 16, "b": 48},
            "height": 360,
            "legend": {"orientation": "h", "y": -0.18},
            "xaxis": {
                "gridcolor": GRID_COLOUR,
                "linecolor": AXIS_COLOUR,
                "zerolinecolor": AXIS_COLOUR,
                "tickvals": years,
                "ticktext": [wareki.year_label(year, fiscal=True) for year in years],
                "fixedrange": True,
            },
            "yaxis": {
                "title": {"text": staff_text(indicator.display_unit)},
                "fixedrange": True,
                "separatethousands": True,
                "gridcolor": GRID_COLOUR,
                "linecolor": AXIS_COLOUR,
                "zerolinecolor": AXIS_COLOUR,
            },
            **({"annotations": annotations} if annotations else {}),
            "hovermode": "closest",
            "font": {"family": "Noto Sans CJK JP, Noto Sans JP, sans-serif", "color": TEXT_COLOUR},
            "hoverlabel": {"bgcolor": "#ffffff", "bordercolor": AXIS_COLOUR, "font": {"color": TEXT_COLOUR}},
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
        },
    }


def point_count(figure):
    """How many markers the figure draws (what a browser test counts)."""
    return sum(sum(1 for y in trace.get("y", ()) if y is not None) for trace in figure["data"])
