"""Staff-typed text reaches plotly as text: plotly reads <a>, <b>, <br> … in strings as markup."""

import json
from decimal import Decimal

import pytest

from kpi.charts import indicator_figure
from kpi.models import Indicator, Observation
from tests.kpi.factories import IndicatorFactory, ObservationFactory

pytestmark = pytest.mark.django_db

# Escaped by hand: only &, < and > (plotly.js decodes &lt; &gt; &amp; back to text, but not &quot;).
REASON = '<a href="https://evil.example">x</a>'
REASON_ESCAPED = '&lt;a href="https://evil.example"&gt;x&lt;/a&gt;'
UNIT = '<a href="//evil.example">x</a>'  # the unit field holds 30 characters
UNIT_ESCAPED = '&lt;a href="//evil.example"&gt;x&lt;/a&gt;'


@pytest.fixture
def figure():
    indicator = IndicatorFactory(unit=UNIT)
    ObservationFactory(indicator=indicator, fiscal_year=2020, value=Decimal("12"))
    ObservationFactory(indicator=indicator, fiscal_year=2021, value=None, missing_reason=REASON)
    ObservationFactory(indicator=indicator, fiscal_year=2025, kind=Observation.Kind.TARGET, value=Decimal("20"))
    return indicator_figure(indicator)


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _strings(value)


def test_no_string_in_the_figure_holds_a_tag_but_the_line_breaks(figure):
    for text in _strings(figure):
        assert "<a" not in text and "</a>" not in text, text


def test_the_missing_reason_is_escaped_in_the_note_and_the_hover(figure):
    assert [a["text"] for a in figure["layout"]["annotations"]] == [f"値なし: {REASON_ESCAPED}"]
    actual = next(trace for trace in figure["data"] if trace["name"] == "実績値")
    assert "令和3（2021）年度<br>実績値: " + REASON_ESCAPED in actual["customdata"]


def test_the_unit_is_escaped_in_the_axis_title_and_the_hover(figure):
    assert figure["layout"]["yaxis"]["title"]["text"] == UNIT_ESCAPED
    actual = next(trace for trace in figure["data"] if trace["name"] == "実績値")
    assert actual["customdata"][0] == f"令和2（2020）年度<br>実績値: 12 {UNIT_ESCAPED}"


def test_the_figure_json_holds_the_escaped_text(figure):
    text = json.dumps(figure, ensure_ascii=False)

    assert REASON_ESCAPED.replace('"', '\\"') in text
    assert UNIT_ESCAPED.replace('"', '\\"') in text


def test_the_figure_carries_no_template_and_sets_its_own_colours(figure):
    """plotly.py's default template was 7 KB of the page; without it, plotly.js defaults must not show through."""
    layout = figure["layout"]
    assert "template" not in layout
    assert layout["paper_bgcolor"] == layout["plot_bgcolor"] == "#ffffff"
    assert layout["font"]["color"]
    for axis in ("xaxis", "yaxis"):
        assert {"gridcolor", "linecolor", "zerolinecolor"} <= set(layout[axis])
    for trace in figure["data"]:
        assert trace["marker"]["color"]


def test_every_reference_figure_is_valid_plotly_json(reference_data):
    """The figure is written as a plain dict (plotly.py's Figure cost ~15 ms a page): plotly.py checks each one
    against its schema, as it did when it built them, and gives back the same dict (bar the template it adds)."""
    import plotly.graph_objects as go

    from kpi.models import Measure

    indicators = list(Indicator.objects.with_series().select_related("plan"))
    assert len(indicators) == 34  # the reference data's indicators
    for indicator in indicators:
        linked = [
            other
            for measure in Measure.objects.filter(indicators=indicator).with_series()
            for other in measure.indicators.all()
            if other.pk != indicator.pk
        ]
        figure = indicator_figure(indicator, linked)
        validated = go.Figure(figure).to_plotly_json()  # raises ValueError on an unknown property or a bad value
        validated["layout"].pop("template")
        assert validated == figure, indicator.code
