import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from kpi import opendata
from kpi.models import Observation

pytestmark = pytest.mark.django_db


def test_plain_number_and_formula_neutralisation():
    assert opendata.plain_number(Decimal("2496.0000")) == "2496"
    assert opendata.plain_number(Decimal("-1394")) == "-1394"
    assert opendata.plain_number(Decimal("0.5600")) == "0.56"
    assert opendata.plain_number(None) == ""
    assert opendata.neutralise("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert opendata.neutralise("@SUM") == "'@SUM"
    assert opendata.neutralise("出生数") == "出生数"


def test_export_command_csv_has_bom_and_one_row_per_value(reference_data, capfdbinary):
    call_command("export_observations", "--format", "csv")
    data = capfdbinary.readouterr().out
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == Observation.objects.count()
    assert list(rows[0]) == opendata.FIELDNAMES
    gdp_2018 = next(
        r for r in rows if r["indicator_id"] == "S1-G1-N1" and r["fiscal_year"] == "2018" and r["kind"] == "actual"
    )
    assert (gdp_2018["value"], gdp_2018["measured_year"], gdp_2018["unit"]) == ("2496", "2015", "十億円")
    missing = next(r for r in rows if r["missing_reason"])
    assert missing["value"] == ""


def test_export_command_json(reference_data, capfdbinary):
    call_command("export_observations", "--format", "json")
    records = json.loads(capfdbinary.readouterr().out)
    assert len(records) == Observation.objects.count()
    births = next(
        r for r in records if r["indicator_id"] == "S1-G2-N1" and r["fiscal_year"] == 2018 and r["kind"] == "actual"
    )
    assert births["value"] == 6766
    assert births["provisional"] is True


def test_public_downloads(client, reference_data):
    # CSV and JSON are streamed (StreamingHttpResponse): the body is read from the stream.
    csv_response = client.get("/ja/open-data/observations.csv")
    assert csv_response.streaming
    assert csv_response["Content-Type"].startswith("text/csv")
    assert csv_response.getvalue().startswith(b"\xef\xbb\xbf")
    sjis = client.get("/ja/open-data/observations-sjis.csv").getvalue()
    assert sjis.decode("cp932").splitlines()[0].startswith("area,plan_id,plan,goal_path")
    assert "市内総生産額" in sjis.decode("cp932")
    data = json.loads(client.get("/ja/open-data/observations.json").getvalue())
    assert len(data) == Observation.objects.count()
    assert not csv_response.cookies


def test_public_xlsx_download_has_numbers_and_the_column_dictionary(client, reference_data):
    from openpyxl import load_workbook

    response = client.get("/ja/open-data/observations.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    data = list(workbook["observations"].iter_rows(values_only=True))
    assert list(data[0]) == opendata.FIELDNAMES
    assert len(data) - 1 == Observation.objects.count()
    index = {name: i for i, name in enumerate(opendata.FIELDNAMES)}
    gdp = next(r for r in data[1:] if r[index["indicator_id"]] == "S1-G1-N1" and r[index["kind"]] == "baseline")
    assert gdp[index["value"]] == 2325 and isinstance(gdp[index["value"]], int)
    ratio = next(r for r in data[1:] if r[index["indicator_id"]] == "S1-G1-P1-K1" and r[index["kind"]] == "baseline")
    assert ratio[index["value"]] == 0.56
    assert workbook["columns"]["A2"].value == "area"
