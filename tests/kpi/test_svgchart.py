"""The server-drawn SVG chart: one marker per value, hollow where provisional, gaps, every year label.

The figure below is written by hand in the shape kpi.charts.indicator_figure gives, with 出生数 (S1-G2-N1) from the
committee table of the seed (seeds/001_16f58a72b6d60119.txt, lines 2425-2440): baseline 7,039, target 7,000以上
H28-H31, actuals 6,797 6,746 and 6,766 (H30, a provisional figure on the portal).
"""

import xml.etree.ElementTree as ET

import pytest

from kpi import svgchart

SVG = "{http://www.w3.org/2000/svg}"
YEARS = [2015, 2016, 2017, 2018, 2019]
LABELS = ["H27(2015)", "H28(2016)", "H29(2017)", "H30(2018)", "H31(2019)"]


def _trace(name, x, y, symbol, mode="markers", **line):
    return {
        "name": name,
        "x": x,
        "y": y,
        "mode": mode,
        "customdata": [f"{name} {year}" for year in x],
        "marker": {"symbol": symbol, "size": 10, "color": "#005a9c"},
        "line": line,
    }


def births(actual_2016=6797.0, annotations=()):
    return {
        "data": [
            _trace("目標値", [2016, 2017, 2018, 2019], [7000.0] * 4, "square", "lines+markers", dash="dash"),
            _trace("最終目標", [2019], [7000.0], "star"),
            _trace("基準値", [2015], [7039.0], "diamond"),
            _trace("実績値", [2016, 2017], [actual_2016, 6746.0], "circle", "lines+markers", width=3),
            _trace("実績値（概算値）", [2018], [6766.0], "circle-open"),
        ],
        "layout": {
            "xaxis": {"tickvals": YEARS, "ticktext": LABELS},
            "yaxis": {"title": {"text": "人"}},
            "annotations": list(annotations),
        },
    }


def _markers(svg):
    root = ET.fromstring(svg)
    return [el for el in root.iter() if "chart__marker" in el.get("class", "")]


def test_one_marker_per_value_and_the_provisional_one_hollow():
    chart = svgchart.layout(births())
    markers = [m for s in chart.series for m in s.markers]
    # 4 targets + the final target's star + the baseline + 2 actuals + 1 provisional actual
    assert len(markers) == 9
    assert [(m.year, m.value) for m in markers if m.hollow] == [(2018, 6766.0)]

    rendered = _markers(svgchart.render(chart, title="出生数", description="…"))
    assert len(rendered) == 9
    hollow = [el for el in rendered if "chart__marker--hollow" in el.get("class")]
    assert [(el.get("data-year"), el.get("fill")) for el in hollow] == [("2018", "#ffffff")]
    assert all(el.get("fill") != "#ffffff" for el in rendered if el not in hollow)


def test_a_missing_value_breaks_the_line_and_shows_its_reason():
    # seeds/001…txt line 2909: ※H28年度は地震によりアンケート未実施 (here on 出生数's shape, 2016 missing)
    note = {"x": 2016, "text": "値なし: 地震によりアンケート未実施"}
    chart = svgchart.layout(births(actual_2016=None, annotations=[note]))
    actual = next(s for s in chart.series if s.name == "実績値")
    assert [m.year for m in actual.markers] == [2017]
    assert actual.lines == []  # one point left on each side of the gap: no line at all
    assert [gap.year for gap in chart.gaps] == [2016]
    assert "".join(chart.gaps[0].lines) == "値なし: 地震によりアンケート未実施"
    left, _, right, _ = chart.plot
    assert all(left <= gap.text_x <= right for gap in chart.gaps)

    svg = svgchart.render(chart, title="t", description="d")
    gap = ET.fromstring(svg).find(f".//{SVG}g[@class='chart__gap']")
    assert gap.get("data-year") == "2016"
    assert "".join(t.text for t in gap.iter(f"{SVG}text")) == "値なし: 地震によりアンケート未実施"


def test_the_line_breaks_at_a_gap_between_two_runs():
    figure = births()
    figure["data"][3] = _trace(
        "実績値", [2015, 2016, 2017, 2018, 2019], [1.0, 2.0, None, 4.0, 5.0], "circle", "lines+markers"
    )
    actual = svgchart.layout(figure).series[3]
    assert [len(run) for run in actual.lines] == [2, 2]


def test_every_year_has_its_label_in_both_calendars():
    svg = svgchart.render(svgchart.layout(births()), title="t", description="d")
    labels = ET.fromstring(svg).findall(f".//{SVG}text[@class='chart__year']")
    assert ["".join(span.text for span in label) for label in labels] == LABELS
    assert [[span.text for span in label] for label in labels][-1] == ["H31", "(2019)"]


@pytest.mark.parametrize("count", [5, 12, 30])
def test_year_labels_never_overlap(count):
    """At 375 px plotly dropped H31(2019); here no label is dropped, and none overlaps its neighbour."""
    years = list(range(1995, 1995 + count))
    figure = {
        "data": [_trace("実績値", years, [float(i) for i in range(count)], "circle", "lines+markers")],
        "layout": {"xaxis": {"tickvals": years, "ticktext": [f"H{y - 1988}({y})" for y in years]}},
    }
    chart = svgchart.layout(figure)
    assert len(chart.x_labels) == count
    xs = [label.x for label in chart.x_labels]
    for label, (a, b) in zip(chart.x_labels, zip(xs, xs[1:], strict=False), strict=False):
        # upright labels are as wide as their longest line; turned ones as tall as one line of their type
        if label.rotate:
            assert b - a >= label.size >= 8
        else:
            assert b - a >= max(svgchart.text_width(t, svgchart.FONT_SIZE) for t in label.lines)
    left, _, right, _ = chart.plot
    assert all(left <= x <= right for x in xs)


def test_value_axis_ticks_are_round_and_cover_every_value():
    chart = svgchart.layout(births())
    # values run from 6,746 to 7,039: steps of 100 (hand computed: 293 / 4 ≈ 73 → 100)
    assert [text for _, text in chart.y_ticks] == ["6,700", "6,800", "6,900", "7,000", "7,100"]
    assert svgchart.tick_text(22.5, 2.5) == "22.5"
    assert svgchart.tick_text(0.25, 0.05) == "0.25"


def test_title_and_desc_carry_the_name_and_the_sentence_escaped():
    svg = svgchart.render(svgchart.layout(births()), title="出生数 <b>", description="A & B", id_prefix="c")
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c-title c-desc"
    assert root.find(f"{SVG}title").text == "出生数 <b>"
    assert root.find(f"{SVG}desc").text == "A & B"
