"""The indicator chart as a PNG (the page's image download and its Open Graph image), drawn from the SVG.

cairosvg rasterises the same SVG the page paints, so the image and the page never disagree. Japanese text needs
a CJK font on the server (Debian's fonts-noto-cjk; README 本番運用). An image is drawn on its first request and
kept in the cache under the public data version and the release (vision.release), so a published change or new
drawing code draws it anew and nothing is invalidated by hand.
"""

import cairosvg
from django.core.cache import cache
from django.utils.translation import get_language

from vision import dataversion, release

from . import charts, presentation, selectors, svgchart

# Open Graph's recommended size (1.91:1); the SVG is laid out wide enough to fill most of it.
WIDTH, HEIGHT = 1200, 630
SVG_WIDTH = 560
TIMEOUT = 60 * 60 * 24 * 7


def chart_png(indicator):
    """PNG bytes of one indicator's chart (series prefetched), from the cache when it was drawn before."""
    key = f"chart-png:{release.current()}:{dataversion.current()}:{get_language()}:{indicator.area_id}:{indicator.code}"
    image = cache.get(key)
    if image is None:
        figure = charts.indicator_figure(indicator)
        sentence = presentation.summary_sentence(indicator, selectors.judge_indicator(indicator))
        chart = svgchart.layout(figure, width=SVG_WIDTH)
        svg = svgchart.render(chart, title=indicator.name, description=sentence)
        image = cairosvg.svg2png(
            bytestring=svg.encode(), output_width=WIDTH, output_height=HEIGHT, background_color="#ffffff"
        )
        cache.set(key, image, timeout=TIMEOUT)
    return image
