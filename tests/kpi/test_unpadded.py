"""Values on staff screens and in files without the database's padding zeros (stored precision stays).

Figures from seeds/001_16f58a72b6d60119.txt: 市内総生産額 2,496 (line 2409) and 新規学卒者（大学）の県内定着率
target 56.5 (line 1014).
"""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from kpi.models import Observation
from kpi.presentation import unpadded_number

pytestmark = pytest.mark.django_db


def test_unpadded_number():
    assert unpadded_number(Decimal("2496.0000")) == "2,496"
    assert unpadded_number(Decimal("56.5000")) == "56.5"
    assert unpadded_number(Decimal("0.5600")) == "0.56"
    assert unpadded_number(Decimal("-1394.0000")) == "-1,394"
    assert unpadded_number(None) == "―"


def gdp():
    return Observation.objects.get(indicator__code="S2-G1-N1", indicator__area__slug="kumamoto", kind="baseline")


def rate():
    return Observation.objects.get(
        indicator__code="S2-G2-P3-K1", indicator__area__slug="kumamoto", kind="target", fiscal_year=2023
    )


def test_stored_precision_stays():
    assert gdp().value == Decimal("2496.0000")
    assert str(gdp().value) == "2496.0000"


def test_admin_list_shows_values_without_padding(admin_client):
    body = admin_client.get(reverse("admin:kpi_observation_changelist"), {"q": "S2-G1-N1"}).content.decode()
    assert "2,496" in body
    assert "2496.0000" not in body


def test_observation_form_and_series_inline_show_values_without_padding(admin_client):
    observation = rate()
    page = admin_client.get(reverse("admin:kpi_observation_change", args=[observation.pk])).content.decode()
    assert 'value="56.5"' in page
    assert "56.5000" not in page
    indicator_page = admin_client.get(
        reverse("admin:kpi_indicator_change", args=[observation.indicator_id])
    ).content.decode()
    assert 'value="56.5"' in indicator_page
    assert ".0000" not in indicator_page


def test_exports_have_no_padding(admin_client):
    response = admin_client.get(reverse("admin:kpi_observation_export", args=["csv"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    values = {row["value"] for row in rows if row["indicator_id"] == "S2-G1-N1" and row["kind"] == "baseline"}
    assert values == {"2496"}
    assert not [row["value"] for row in rows if row["value"].endswith(".0000")]
    response = admin_client.get(reverse("admin:kpi_observation_export", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    column = header.index("value")
    cells = [row[column] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert not [cell for cell in cells if isinstance(cell, str) and cell.endswith(".0000")]


def test_target_revisions_show_values_without_padding(admin_client):
    import datetime

    from kpi.models import TargetRevision

    revision = TargetRevision.objects.create(
        observation=rate(),
        previous_value=Decimal("56.5"),
        revised_value=Decimal("58"),
        revised_on=datetime.date(2021, 3, 31),
        reason="試験用",
    )
    listing = admin_client.get(reverse("admin:kpi_targetrevision_changelist")).content.decode()
    assert "56.5" in listing and "56.5000" not in listing and "58.0000" not in listing
    form = admin_client.get(reverse("admin:kpi_targetrevision_change", args=[revision.pk])).content.decode()
    assert 'value="56.5"' in form and 'value="58"' in form
    inline = admin_client.get(reverse("admin:kpi_observation_change", args=[rate().pk])).content.decode()
    assert "56.5000" not in inline and "58.0000" not in inline
