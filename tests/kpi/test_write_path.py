"""One write path for series values: published figures stay public until a correction is published; a stale
screen or file never overwrites a colleague's entry; deleting is explicit (issue: nothing lost, nothing silently
changed)."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from kpi import services
from kpi.models import Indicator, Observation
from vision import roles
from vision.models import Department, Municipality

pytestmark = pytest.mark.django_db

CODE = "S2-G1-N1"  # 市内総生産額, FY2020–2023, published baseline 2,496 and final target 2,692 in seed 001


@pytest.fixture
def editors(django_user_model):
    department = Department.objects.create(municipality=Municipality.objects.get(lg_code="431001"), name="経済政策課")
    Indicator.objects.filter(code=CODE).update(department=department)
    users = []
    for name in ("tanaka", "suzuki"):
        user = django_user_model.objects.create_user(name, f"{name}@example.jp", "pw-for-tests-only", is_staff=True)
        user.groups.add(Group.objects.get(name=roles.EDITORS))
        department.staff.add(user)
        users.append(user)
    return users


def _grid(client, indicator):
    """The series grid as the browser loaded it: every field with its initial value."""
    page = client.get(reverse("admin:kpi_indicator_series", args=[indicator.pk]))
    formset = page.context["formset"]
    data = {"form-TOTAL_FORMS": str(len(formset.forms)), "form-INITIAL_FORMS": str(len(formset.forms))}
    for i, form in enumerate(formset.forms):
        for name in form.fields:
            value = form.initial.get(name)
            if isinstance(value, bool):
                if value:
                    data[f"form-{i}-{name}"] = "on"
            else:
                data[f"form-{i}-{name}"] = "" if value is None else str(value)
    return data


def _row(data, year):
    return next(key.split("-")[1] for key, value in data.items() if key.endswith("fiscal_year") and value == str(year))


def test_a_stale_grid_does_not_delete_a_colleagues_value(client, editors):
    indicator = Indicator.objects.get(code=CODE)
    url = reverse("admin:kpi_indicator_series", args=[indicator.pk])
    client.force_login(editors[0])
    first = _grid(client, indicator)
    client.force_login(editors[1])
    stale = _grid(client, indicator)
    first[f"form-{_row(first, 2020)}-actual_value"] = "2550"
    client.force_login(editors[0])
    assert client.post(url, first).status_code == 302
    stale[f"form-{_row(stale, 2022)}-actual_value"] = "2600"  # the FY2020 cell is empty on this older page
    client.force_login(editors[1])
    assert client.post(url, stale).status_code == 302
    assert indicator.observations.get(fiscal_year=2020, kind="actual").value == Decimal("2550")
    assert indicator.observations.get(fiscal_year=2022, kind="actual").value == Decimal("2600")


def test_a_stale_grid_changing_the_same_cell_is_refused_with_the_newer_value_and_who(client, editors):
    indicator = Indicator.objects.get(code=CODE)
    url = reverse("admin:kpi_indicator_series", args=[indicator.pk])
    client.force_login(editors[0])
    first = _grid(client, indicator)
    client.force_login(editors[1])
    stale = _grid(client, indicator)
    row = _row(first, 2020)
    first[f"form-{row}-actual_value"] = "2550"
    client.force_login(editors[0])
    client.post(url, first)
    stale[f"form-{row}-actual_value"] = "2551"
    client.force_login(editors[1])
    response = client.post(url, stale)
    body = response.content.decode()
    assert response.status_code == 200
    assert "2550" in body and "tanaka" in body and "この画面を開いた後に" in body
    assert indicator.observations.get(fiscal_year=2020, kind="actual").value == Decimal("2550")


def test_an_empty_cell_is_not_a_deletion_and_the_delete_box_is(client, editors):
    indicator = Indicator.objects.get(code=CODE)
    url = reverse("admin:kpi_indicator_series", args=[indicator.pk])
    services.record_observation(indicator, 2021, "actual", value=Decimal("2500"))
    client.force_login(editors[0])
    data = _grid(client, indicator)
    row = _row(data, 2021)
    data[f"form-{row}-actual_value"] = ""
    client.post(url, data)
    assert indicator.observations.filter(fiscal_year=2021, kind="actual").exists()
    data = _grid(client, indicator)
    data[f"form-{row}-actual_delete"] = "on"
    assert client.post(url, data).status_code == 302
    assert not indicator.observations.filter(fiscal_year=2021, kind="actual").exists()


def test_correcting_a_published_value_keeps_the_published_figure_public_until_published(client, admin_user):
    target = Observation.objects.get(indicator__code=CODE, fiscal_year=2023, kind="target")
    assert target.is_published and target.value == Decimal("2692")
    before = client.get(f"/ja/areas/kumamoto/indicators/{CODE}/").content.decode()
    services.record_observation(target.indicator, 2023, "target", value=Decimal("2700"))
    page = client.get(f"/ja/areas/kumamoto/indicators/{CODE}/").content.decode()
    # Not a character of the page moves (the chart's axis, whose top tick reads 2,700, included).
    assert "2,692" in page and page == before
    target.refresh_from_db()
    services.publish([target], admin_user)
    page = client.get(f"/ja/areas/kumamoto/indicators/{CODE}/").content.decode()
    assert "2,700" in page


def test_the_indicator_inline_does_not_publish_an_edited_value(admin_client, client):
    indicator = Indicator.objects.get(code=CODE)
    target = indicator.observations.get(fiscal_year=2023, kind="target")
    change_url = reverse("admin:kpi_indicator_change", args=[indicator.pk])
    from tests.security.forms import form_data

    data = form_data(admin_client.get(change_url).content.decode(), "indicator_form")
    prefix = next(k.rsplit("-", 1)[0] for k, v in data.items() if k.endswith("-id") and v == str(target.pk))
    data[f"{prefix}-value"] = "2800"
    response = admin_client.post(change_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    target.refresh_from_db()
    assert target.value == Decimal("2800") and not target.is_published and target.pending_correction
    assert "2,692" in client.get(f"/ja/areas/kumamoto/indicators/{CODE}/").content.decode()


def test_deleting_a_published_value_waits_for_publication(client, admin_user):
    target = Observation.objects.get(indicator__code=CODE, fiscal_year=2023, kind="target")
    assert services.delete_observation(target) == "pending"
    assert "2,692" in client.get(f"/ja/areas/kumamoto/indicators/{CODE}/").content.decode()
    services.publish([Observation.objects.get(pk=target.pk)], admin_user)
    assert not Observation.objects.filter(pk=target.pk).exists()
    assert target.history.latest().history_type == "-"


def test_history_records_the_draft_and_the_published_figure(admin_user):
    target = Observation.objects.get(indicator__code=CODE, fiscal_year=2023, kind="target")
    services.record_observation(target.indicator, 2023, "target", value=Decimal("2700"))
    latest = target.history.latest()
    assert (latest.value, latest.published_value, latest.pending_correction) == (
        Decimal("2700"),
        Decimal("2692"),
        True,
    )


def test_an_import_correcting_a_published_value_leaves_it_public(client, admin_user):
    csv = f"indicator_id,fiscal_year,kind,value\n{CODE},2023,target,2700\n".encode()
    before = client.get(f"/ja/areas/kumamoto/indicators/{CODE}/").content.decode()
    outcome = services.import_observations(csv, "values.csv", user=admin_user, dry_run=False)
    assert outcome.ok, outcome.errors
    page = client.get(f"/ja/areas/kumamoto/indicators/{CODE}/").content.decode()
    assert "2,692" in page and page == before


def test_a_confirmed_import_is_refused_when_its_rows_changed_since_the_dry_run(admin_user):
    csv = f"indicator_id,fiscal_year,kind,value\n{CODE},2023,target,2700\n".encode()
    dry = services.import_observations(csv, "values.csv", user=admin_user, dry_run=True)
    assert dry.ok and dry.versions
    services.record_observation(Indicator.objects.get(code=CODE), 2023, "target", value=Decimal("2750"))
    outcome = services.import_observations(
        csv, "values.csv", user=admin_user, dry_run=False, expected_versions=dry.versions
    )
    assert not outcome.ok
    assert "別の職員によって変更されました" in " ".join(e.message for e in outcome.errors)
    assert Observation.objects.get(indicator__code=CODE, fiscal_year=2023, kind="target").value == Decimal("2750")


def test_a_stale_indicator_form_is_refused_and_says_who_changed_it(admin_client):
    from tests.security.forms import form_data

    indicator = Indicator.objects.get(code=CODE)
    url = reverse("admin:kpi_indicator_change", args=[indicator.pk])
    stale = form_data(admin_client.get(url).content.decode(), "indicator_form")
    fresh = dict(stale, notes="先に保存した注記")
    assert admin_client.post(url, fresh).status_code == 302
    stale["notes"] = "古い画面から保存した注記"
    response = admin_client.post(url, stale)
    assert response.status_code == 200
    assert "この画面を開いた後に" in response.content.decode()
    indicator.refresh_from_db()
    assert indicator.notes == "先に保存した注記"
