"""Server time to describe one indicator chart: our JSON figure versus plotly's HTML export with a CDN script.

    .venv/bin/python bench/figure_build.py

The indicator page sends `kpi.charts.indicator_figure()` through json_script and loads plotly.js once from
static files. For comparison it times `Figure.to_html(include_plotlyjs="cdn")`, which also writes a CDN
<script> tag into every figure (an external request at run time).
"""

import os
import sys
import tempfile
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.update(
    DEBUG="false",
    SECRET_KEY="bench-only",
    DATABASE_URL=f"sqlite:///{Path(tempfile.mkdtemp()) / 'figure.sqlite3'}",
    DJANGO_SETTINGS_MODULE="kumamoto_portal.settings",
)

import django  # noqa: E402

django.setup()

import plotly.graph_objects as go  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.serializers.json import DjangoJSONEncoder  # noqa: E402
from django.utils import translation  # noqa: E402

from kpi.charts import indicator_figure  # noqa: E402
from kpi.models import Indicator  # noqa: E402


def main(repeat=200):
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    translation.activate("ja")
    indicator = Indicator.objects.with_series().get(code="S1-G2-N1")
    import json

    def ours():
        return json.dumps(indicator_figure(indicator), cls=DjangoJSONEncoder)

    figure = go.Figure(indicator_figure(indicator))

    def cdn_html():
        return figure.to_html(include_plotlyjs="cdn", full_html=False)

    for label, function in (("json_script figure (ours)", ours), ("to_html(include_plotlyjs='cdn')", cdn_html)):
        times = timeit.repeat(function, number=1, repeat=repeat)
        times.sort()
        print(
            f"{label:34} median {times[len(times) // 2] * 1000:6.2f} ms"
            f"  min {times[0] * 1000:6.2f} ms  max {times[-1] * 1000:6.2f} ms  ({repeat} runs, {len(function())} bytes)"
        )


if __name__ == "__main__":
    main()
