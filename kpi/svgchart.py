"""The indicator chart drawn on the server as SVG, from the same figure data that plotly draws.

A phone paints this at once; plotly.js (about 330 KB compressed) loads only when the reader asks for the
interactive chart. Plain functions: `layout()` turns a figure (kpi.charts.indicator_figure) into shapes placed in
a fixed viewBox, `render()` writes them as SVG markup. The viewBox is narrow (WIDTH units) so that at 375 px the
text is still readable once the browser scales the drawing to the column; every year gets its label — two lines,
era year over Gregorian year, turned on its side only when the years stand too close for them.
"""

import html
import math
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

WIDTH = 420
PLOT_TOP = 28
PLOT_HEIGHT = 190
MARGIN_LEFT = 58
MARGIN_RIGHT = 14
FONT_SIZE = 12
NOTE_FONT_SIZE = 10.5
LEGEND_FONT_SIZE = 11.5
LINE_HEIGHT = 1.3
TEXT_COLOUR = "#1a1a1a"
AXIS_COLOUR = "#6b6b6b"
GRID_COLOUR = "#e3e3e3"
NOTE_COLOUR = "#4d4d4d"
FONT_FAMILY = "Noto Sans CJK JP, Noto Sans JP, sans-serif"
# plotly's marker size is a diameter in px; the SVG draws the same shapes at this share of it.
MARKER_SCALE = 0.5
HOLLOW_SYMBOLS = {"circle-open"}


@dataclass
class Marker:
    x: float
    y: float
    year: int
    value: float
    symbol: str
    size: float
    colour: str
    hollow: bool
    hover: str


@dataclass
class Series:
    name: str
    colour: str
    symbol: str
    hollow: bool
    dash: bool = False
    width: float = 2
    # each line is a run of consecutive points; a missing value ends one (the line breaks there)
    lines: list = field(default_factory=list)
    markers: list = field(default_factory=list)


@dataclass
class Label:
    x: float
    y: float
    lines: tuple
    anchor: str = "middle"
    rotate: bool = False
    size: float = FONT_SIZE


@dataclass
class Gap:
    year: int
    x: float
    text_x: float
    text_y: float
    lines: tuple


@dataclass
class Chart:
    width: float
    height: float
    plot: tuple  # left, top, right, bottom
    series: list
    x_labels: list
    y_ticks: list  # (y, text)
    y_title: str
    gaps: list
    legend: list  # (x, y, Series)


def text_width(text, size):
    """Estimated width of text: a CJK character is one em, anything else about 0.6 em."""
    return sum(size if ord(character) >= 0x2E80 else size * 0.6 for character in text)


def wrap(text, width, size):
    """`text` cut into lines no wider than `width` (Japanese has no spaces to break at, so by character)."""
    lines, line = [], ""
    for character in text:
        if line and text_width(line + character, size) > width:
            lines.append(line)
            line = ""
        line += character
    return [*lines, line] if line else lines


def nice_step(span, count=4):
    """A round step (1, 2, 2.5 or 5 times a power of ten) that cuts `span` into about `count` parts."""
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def value_ticks(low, high):
    """Round tick values covering low..high (a flat series gets a band around its value)."""
    if low == high:
        pad = abs(low) * 0.1 or 1
        low, high = low - pad, high + pad
    step = nice_step(high - low)
    first = math.floor(low / step + 1e-9) * step
    last = math.ceil(high / step - 1e-9) * step
    count = round((last - first) / step)
    return [first + i * step for i in range(count + 1)], step


def tick_text(value, step):
    """A tick value with thousands separators and as many decimals as the step needs (2.5 → 22.5, 25.0)."""
    decimals = next(d for d in range(7) if abs(round(step, d) - step) < 1e-9 or d == 6)
    return f"{value:,.{decimals}f}"


def _year_lines(text):
    """'H31(2019)' → ('H31', '(2019)'): 和暦 over 西暦."""
    era, _, rest = text.partition("(")
    return (era, f"({rest}") if rest else (text,)


def _plain(text):
    """Text from the figure, where staff-typed parts are HTML-escaped for plotly and <br> breaks lines."""
    return html.unescape(str(text).replace("<br>", " / "))


def layout(figure, width=WIDTH):
    """Place the figure's traces, year labels, gap notes and legend in a `width`-wide viewBox."""
    data, fig_layout = figure["data"], figure["layout"]
    xaxis = fig_layout.get("xaxis", {})
    years = list(xaxis.get("tickvals") or sorted({x for trace in data for x in trace.get("x", ())}))
    year_texts = list(xaxis.get("ticktext") or [str(year) for year in years])
    values = [y for trace in data for y in trace.get("y", ()) if y is not None]
    ticks, step = value_ticks(min(values), max(values)) if values else ([0, 1], 1)

    left, top = MARGIN_LEFT, PLOT_TOP
    right, bottom = width - MARGIN_RIGHT, PLOT_TOP + PLOT_HEIGHT
    # as plotly pads its autorange, the first and last years sit in from the plot's edges
    inset = min(36, (right - left) / 4)
    first_year, last_year = (years[0], years[-1]) if years else (0, 0)

    def x_of(year):
        if last_year == first_year:
            return (left + right) / 2
        return left + inset + (year - first_year) / (last_year - first_year) * (right - left - 2 * inset)

    def y_of(value):
        return bottom - (value - ticks[0]) / (ticks[-1] - ticks[0]) * (bottom - top)

    series = []
    for trace in data:
        marker, line = trace.get("marker", {}), trace.get("line", {})
        symbol = marker.get("symbol", "circle")
        item = Series(
            name=_plain(trace.get("name", "")),
            colour=marker.get("color") or line.get("color") or TEXT_COLOUR,
            symbol=symbol,
            hollow=symbol in HOLLOW_SYMBOLS,
            dash=line.get("dash") == "dash",
            width=line.get("width", 2),
        )
        run = []
        hovers = trace.get("customdata") or [""] * len(trace.get("x", ()))
        for year, value, hover in zip(trace.get("x", ()), trace.get("y", ()), hovers, strict=False):
            if value is None:
                if len(run) > 1:
                    item.lines.append(run)
                run = []
                continue
            point = Marker(
                x=x_of(year),
                y=y_of(value),
                year=year,
                value=value,
                symbol=symbol,
                size=marker.get("size", 8) * MARKER_SCALE,
                colour=item.colour,
                hollow=item.hollow,
                hover=_plain(hover),
            )
            item.markers.append(point)
            run.append((point.x, point.y))
        if "lines" in trace.get("mode", "") and len(run) > 1:
            item.lines.append(run)
        series.append(item)

    # Year labels: upright on two lines while they fit side by side, else turned to read upwards.
    spacing = (right - left - 2 * inset) / (len(years) - 1) if len(years) > 1 else right - left
    widest = max((text_width(line, FONT_SIZE) for text in year_texts for line in _year_lines(text)), default=0)
    rotate = widest + 4 > spacing
    # turned labels stand a line's height apart; very many years make the type smaller rather than drop a year
    rotated_size = min(FONT_SIZE, spacing - 0.5)
    x_labels = []
    for year, text in zip(years, year_texts, strict=True):
        if rotate:
            x_labels.append(Label(x_of(year), bottom + 8, (text,), anchor="end", rotate=True, size=rotated_size))
        else:
            x_labels.append(Label(x_of(year), bottom + FONT_SIZE + 6, _year_lines(text)))
    label_depth = (
        max((text_width(t, FONT_SIZE) for t in year_texts), default=0) + 12
        if rotate
        else FONT_SIZE * LINE_HEIGHT * 2 + 8
    )

    # A missing value: a note at the bottom of the plot at its year, kept inside the plot, stacked if several.
    gaps, note_bottom = [], bottom - 4
    for note in fig_layout.get("annotations", ()):
        text = _plain(note.get("text", ""))
        lines = wrap(text, (right - left) * 0.6, NOTE_FONT_SIZE)
        note_width = max(text_width(line, NOTE_FONT_SIZE) for line in lines)
        x = x_of(note["x"])
        text_x = min(max(x - note_width / 2, left + 2), right - 2 - note_width)
        text_y = note_bottom - (len(lines) - 1) * NOTE_FONT_SIZE * LINE_HEIGHT
        gaps.append(Gap(note["x"], x, text_x, text_y, tuple(lines)))
        note_bottom = text_y - NOTE_FONT_SIZE * LINE_HEIGHT - 2

    # Legend: the series in rows that wrap at the viewBox's width.
    legend, legend_x, legend_y = [], 8.0, bottom + label_depth + LEGEND_FONT_SIZE
    for item in series:
        item_width = 22 + text_width(item.name, LEGEND_FONT_SIZE) + 14
        if legend and legend_x + item_width > width - 4:
            legend_x, legend_y = 8.0, legend_y + LEGEND_FONT_SIZE * 1.8
        legend.append((legend_x, legend_y, item))
        legend_x += item_width
    height = legend_y + LEGEND_FONT_SIZE if legend else bottom + label_depth

    return Chart(
        width=width,
        height=math.ceil(height),
        plot=(left, top, right, bottom),
        series=series,
        x_labels=x_labels,
        y_ticks=[(y_of(value), tick_text(value, step)) for value in ticks],
        y_title=_plain(fig_layout.get("yaxis", {}).get("title", {}).get("text", "")),
        gaps=gaps,
        legend=legend,
    )


def _n(number):
    return f"{number:.1f}".rstrip("0").rstrip(".")


def _star_points(cx, cy, radius):
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.45
        angle = -math.pi / 2 + i * math.pi / 5
        points.append(f"{_n(cx + r * math.cos(angle))},{_n(cy + r * math.sin(angle))}")
    return " ".join(points)


def marker_shape(symbol, x, y, size, colour, hollow, attributes="", content=""):
    """One marker as an SVG element, with further `attributes` (text) and `content` (e.g. its <title>)."""
    fill = "#ffffff" if hollow else colour
    paint = f'fill="{fill}" stroke="{colour}" stroke-width="{2 if hollow else 1}"'
    if symbol == "square":
        tag = "rect"
        shape = f'x="{_n(x - size / 2)}" y="{_n(y - size / 2)}" width="{_n(size)}" height="{_n(size)}"'
    elif symbol == "diamond":
        tag, r = "polygon", size * 0.6
        shape = f'points="{_n(x)},{_n(y - r)} {_n(x + r)},{_n(y)} {_n(x)},{_n(y + r)} {_n(x - r)},{_n(y)}"'
    elif symbol == "star":
        tag, shape = "polygon", f'points="{_star_points(x, y, size * 0.6)}"'
    else:
        tag, shape = "circle", f'cx="{_n(x)}" cy="{_n(y)}" r="{_n(size / 2)}"'
    return f"<{tag} {shape} {paint}{attributes}>{content}</{tag}>"


def render(chart, *, title, description, id_prefix="chart"):
    """The chart as an SVG element (a string of markup): accessible by its <title> and <desc>."""
    left, top, right, bottom = chart.plot
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(chart.width)} {_n(chart.height)}" '
        f'width="{_n(chart.width)}" height="{_n(chart.height)}" role="img" class="chart__svg" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" font-family={quoteattr(FONT_FAMILY)} '
        f'font-size="{FONT_SIZE}" fill="{TEXT_COLOUR}">',
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(description)}</desc>',
        f'<rect width="{_n(chart.width)}" height="{_n(chart.height)}" fill="#ffffff"/>',
        '<g class="chart__grid">',
    ]
    for y, text in chart.y_ticks:
        out.append(f'<line x1="{_n(left)}" x2="{_n(right)}" y1="{_n(y)}" y2="{_n(y)}" stroke="{GRID_COLOUR}"/>')
        out.append(f'<text x="{_n(left - 6)}" y="{_n(y + 4)}" text-anchor="end">{escape(text)}</text>')
    out.append(
        f'<line x1="{_n(left)}" x2="{_n(right)}" y1="{_n(bottom)}" y2="{_n(bottom)}" stroke="{AXIS_COLOUR}"/></g>'
    )
    if chart.y_title:
        # the unit reads across, above the value axis (a turned 人 or ％ is hard to read)
        out.append(f'<text class="chart__unit" x="4" y="{_n(FONT_SIZE + 2)}">{escape(chart.y_title)}</text>')
    out.append('<g class="chart__years">')
    for label in chart.x_labels:
        if label.rotate:
            out.append(
                f'<text class="chart__year" x="{_n(label.x)}" y="{_n(label.y)}" text-anchor="end" '
                f'dominant-baseline="middle" font-size="{_n(label.size)}" '
                f'transform="rotate(-90 {_n(label.x)} {_n(label.y)})">'
                f"{escape(label.lines[0])}</text>"
            )
            continue
        spans = "".join(
            f'<tspan x="{_n(label.x)}" dy="{0 if i == 0 else _n(FONT_SIZE * LINE_HEIGHT)}">{escape(line)}</tspan>'
            for i, line in enumerate(label.lines)
        )
        out.append(f'<text class="chart__year" x="{_n(label.x)}" y="{_n(label.y)}" text-anchor="middle">{spans}</text>')
    out.append("</g>")
    for gap in chart.gaps:
        out.append(
            f'<g class="chart__gap" data-year="{gap.year}"><line x1="{_n(gap.x)}" x2="{_n(gap.x)}" y1="{_n(top)}" '
            f'y2="{_n(bottom)}" stroke="{NOTE_COLOUR}" stroke-dasharray="2 3"/>'
        )
        for i, line in enumerate(gap.lines):
            y = gap.text_y + i * NOTE_FONT_SIZE * LINE_HEIGHT
            # a white box behind the words, so lines crossing the note do not cut through them
            out.append(
                f'<rect x="{_n(gap.text_x - 2)}" y="{_n(y - NOTE_FONT_SIZE)}" '
                f'width="{_n(text_width(line, NOTE_FONT_SIZE) + 4)}" height="{_n(NOTE_FONT_SIZE * LINE_HEIGHT)}" '
                f'fill="#ffffff" fill-opacity="0.85"/>'
                f'<text x="{_n(gap.text_x)}" y="{_n(y)}" font-size="{NOTE_FONT_SIZE}" fill="{NOTE_COLOUR}">'
                f"{escape(line)}</text>"
            )
        out.append("</g>")
    for item in chart.series:
        out.append(f'<g class="chart__series" data-name={quoteattr(item.name)}>')
        for run in item.lines:
            points = " ".join(f"{_n(x)},{_n(y)}" for x, y in run)
            dash = ' stroke-dasharray="6 4"' if item.dash else ""
            out.append(
                f'<polyline class="chart__line" points="{points}" fill="none" stroke="{item.colour}" '
                f'stroke-width="{_n(item.width * 0.8)}"{dash}/>'
            )
        for point in item.markers:
            classes = "chart__marker chart__marker--hollow" if point.hollow else "chart__marker"
            attributes = f' class="{classes}" data-year="{point.year}"'
            content = f"<title>{escape(point.hover)}</title>"
            out.append(
                marker_shape(
                    point.symbol, point.x, point.y, point.size, point.colour, point.hollow, attributes, content
                )
            )
        out.append("</g>")
    out.append('<g class="chart__legend">')
    for x, y, item in chart.legend:
        if item.dash or item.lines:
            dash = ' stroke-dasharray="4 3"' if item.dash else ""
            out.append(
                f'<line x1="{_n(x)}" x2="{_n(x + 18)}" y1="{_n(y - 4)}" y2="{_n(y - 4)}" stroke="{item.colour}" '
                f'stroke-width="2"{dash}/>'
            )
        out.append(marker_shape(item.symbol, x + 9, y - 4, 7, item.colour, item.hollow))
        out.append(f'<text x="{_n(x + 22)}" y="{_n(y)}" font-size="{LEGEND_FONT_SIZE}">{escape(item.name)}</text>')
    out.append("</g></svg>")
    return "".join(out)


def chart_svg(figure, *, title, description, id_prefix="chart"):
    """`layout()` and `render()` in one call."""
    return render(layout(figure), title=title, description=description, id_prefix=id_prefix)
