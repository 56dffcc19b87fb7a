from django.http import HttpResponse
from django.views.decorators.cache import cache_control

from . import opendata
from .selectors import open_data_rows

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "csv-sjis": "text/csv; charset=shift_jis",
    "json": "application/json",
}


@cache_control(public=True, max_age=600)
def observations_download(request, format):
    """The whole series table as open data: CSV (UTF-8 with BOM, or Shift_JIS) or JSON."""
    rows = open_data_rows()
    if format == "json":
        data, filename = opendata.to_json(rows), "observations.json"
    elif format == "csv-sjis":
        data, filename = opendata.to_csv(rows, encoding="cp932"), "observations-sjis.csv"
    else:
        data, filename = opendata.to_csv(rows), "observations.csv"
    response = HttpResponse(data, content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
