"""Series values: the published figures, the printed form and 和暦 beside them, the filters, and the open data."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from kpi import services
from kpi.models import Observation
from kpi.selectors import open_data_rows
from vision import roles
from vision.models import Department, Municipality

pytestmark = pytest.mark.django_db

URL = "/api/v1/series-values/"


def all_pages(client, url, params=None):
    rows, params = [], {"page_size": 1000, **(params or {})}
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
        if not body["next"]:
            return rows
        response = client.get(body["next"])


def test_a_baseline_as_the_source_prints_it(reference_data, client):
    # Seed 001 l.2394–2401: 市内総生産額 (十億円), H27 column, actual row "2,325（H24）": a 2012 figure.
    [row] = client.get(
        URL, {"area": "kumamoto", "plan": "kumamoto-strategy-1", "indicator": "S1-G1-N1", "kind": "baseline"}
    ).json()["results"]
    assert row["value"] == "2325"
    assert row["printed"] == "2,325（H24）"
    assert row["figure"] == "2,325"
    assert row["unit"] == "十億円"
    assert (row["fiscal_year"], row["fiscal_year_label"], row["fiscal_year_name"]) == (2015, "H27(2015)", "平成27年度")
    assert row["measured_year"] == 2012
    assert row["measured_year_name"].startswith("平成24年")
    assert row["published"] is True


def test_filters_by_measured_year_fiscal_year_and_kind(reference_data, client):
    rows = all_pages(client, URL, {"indicator": "S1-G1-N1", "measured_year": 2012})
    assert [(r["fiscal_year"], r["kind"], r["value"]) for r in rows] == [(2015, "baseline", "2325")]
    rows = all_pages(client, URL, {"plan": "kumamoto-strategy-1", "fiscal_year": 2015, "kind": "baseline"})
    assert rows and all((r["fiscal_year"], r["kind"]) == (2015, "baseline") for r in rows)


def test_series_values_equal_the_open_data_export_value_for_value(reference_data, client):
    api = {(r["area"], r["indicator"], r["fiscal_year"], r["kind"]): r for r in all_pages(client, URL)}
    export = {(r["area"], r["indicator_id"], r["fiscal_year"], r["kind"]): r for r in open_data_rows()}
    assert len(export) > 100
    assert api.keys() == export.keys()
    for key, row in export.items():
        mine = api[key]
        assert (None if mine["value"] is None else Decimal(mine["value"])) == row["value"], key
        assert mine["plan"] == row["plan_id"]
        assert mine["unit"] == row["unit"]
        for name in ("comparator", "measured_year", "provisional", "missing_reason", "printed", "note"):
            assert mine[name] == row[name], (key, name)


@pytest.fixture
def corrected(reference_data, django_user_model):
    """The 2,325 baseline corrected to 2,400 (provisional, measured 2013) and not yet published; its indicator
    owned by a department whose editor is `editor`."""
    observation = Observation.objects.get(indicator__area__slug="kumamoto", indicator__code="S1-G1-N1", kind="baseline")
    department = Department.objects.create(municipality=Municipality.objects.get(lg_code="431001"), name="試験課")
    indicator = observation.indicator
    indicator.department = department
    indicator.save()
    editor = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name=roles.EDITORS))
    department.staff.add(editor)
    observation.value, observation.is_provisional, observation.measured_year = Decimal(2400), True, 2013
    services.save_observation(observation)
    observation.refresh_from_db()
    assert observation.pending_correction
    return observation, editor


def test_anonymous_callers_get_the_published_figure_of_a_pending_correction(corrected, client):
    observation, _editor = corrected
    row = client.get(f"{URL}{observation.pk}/").json()
    assert (row["value"], row["provisional"], row["measured_year"], row["published"]) == ("2325", False, 2012, True)
    # Filters match the figure shown, not the waiting correction.
    assert observation.pk not in {r["id"] for r in all_pages(client, URL, {"measured_year": 2013})}
    assert observation.pk in {r["id"] for r in all_pages(client, URL, {"measured_year": 2012})}
    assert observation.pk not in {r["id"] for r in all_pages(client, URL, {"provisional": "true"})}


def test_the_owning_editor_reads_the_correction(corrected, client):
    observation, editor = corrected
    client.force_login(editor)
    row = client.get(f"{URL}{observation.pk}/").json()
    assert (row["value"], row["provisional"], row["measured_year"], row["published"]) == ("2400", True, 2013, False)
    assert observation.pk in {r["id"] for r in all_pages(client, URL, {"measured_year": 2013})}
    assert observation.pk not in {r["id"] for r in all_pages(client, URL, {"measured_year": 2012})}


def test_a_new_draft_is_not_in_anonymous_answers(reference_data, client):
    observation = Observation.objects.filter(indicator__code="S1-G1-N1", kind="actual").order_by("fiscal_year").last()
    draft = Observation(indicator=observation.indicator, fiscal_year=2019, kind="actual", value=Decimal("9999"))
    Observation.objects.filter(indicator=draft.indicator, fiscal_year=2019, kind="actual").delete()
    services.save_observation(draft)
    assert client.get(f"{URL}{draft.pk}/").status_code == 404
    assert draft.pk not in {r["id"] for r in all_pages(client, URL, {"indicator": "S1-G1-N1"})}
