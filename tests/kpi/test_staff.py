"""Staff data entry: roles and scoping, the series grid, this year's actuals, publishing, reminders, history."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from kpi import reminders
from kpi.models import Indicator, Observation
from kpi.services import import_observations
from vision import roles
from vision.models import Department, Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def departments():
    kumamoto = Municipality.objects.get(lg_code="431001")
    return (
        Department.objects.create(municipality=kumamoto, name="経済政策課", email="keizai@example.jp"),
        Department.objects.create(municipality=kumamoto, name="子ども政策課"),
    )


@pytest.fixture
def editor(django_user_model, departments):
    user = django_user_model.objects.create_user("editor", "editor@example.jp", "pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.EDITORS))
    departments[0].staff.add(user)
    Indicator.objects.filter(code__startswith="S2-G1").update(department=departments[0])
    Indicator.objects.filter(code__startswith="S2-G2").update(department=departments[1])
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def test_roles_exist_with_their_permissions():
    administrators = Group.objects.get(name=roles.ADMINISTRATORS)
    assert administrators.permissions.filter(codename="publish_observation").exists()
    editors = Group.objects.get(name=roles.EDITORS)
    assert editors.permissions.filter(codename="change_observation").exists()
    assert not editors.permissions.filter(codename="publish_observation").exists()
    committee = Group.objects.get(name=roles.COMMITTEE_MEMBERS)
    assert set(committee.permissions.values_list("codename", flat=True)) >= {"view_observation", "view_indicator"}
    assert (
        not committee.permissions.filter(codename__startswith="change_")
        .exclude(content_type__app_label="committee")
        .exists()
    )
    assert committee.permissions.filter(codename="add_comment").exists()


def test_editor_changes_own_indicator_through_the_admin_form(editor_client):
    own = Indicator.objects.get(code="S2-G1-N1")
    url = reverse("admin:kpi_indicator_change", args=[own.pk])
    assert editor_client.get(url).status_code == 200
    other = Indicator.objects.get(code="S2-G2-N1")
    assert editor_client.get(reverse("admin:kpi_indicator_change", args=[other.pk])).status_code in (302, 403, 404)
    changelist = editor_client.get(reverse("admin:kpi_indicator_changelist")).content.decode()
    assert "S2-G1-N1" in changelist and "S2-G2-N1" not in changelist


def test_editor_cannot_change_another_departments_value_by_crafted_request(editor_client):
    other = Indicator.objects.get(code="S2-G2-N1")
    observation = other.observations.get(kind="baseline")
    response = editor_client.post(
        reverse("admin:kpi_observation_change", args=[observation.pk]),
        {"indicator": other.pk, "fiscal_year": 2018, "kind": "baseline", "value": "1", "comparator": ""},
    )
    assert response.status_code in (302, 403, 404)
    observation.refresh_from_db()
    assert observation.value == Decimal("6766")
    response = editor_client.post(reverse("admin:kpi_indicator_series", args=[other.pk]), {})
    assert response.status_code == 403


def test_editor_cannot_import_another_departments_values(editor):
    header = "indicator_id,fiscal_year,kind,value\r\n"
    data = (header + "S2-G1-N1,2020,actual,2600\r\nS2-G2-N1,2020,actual,6900\r\n").encode("utf-8")
    outcome = import_observations(data, "x.csv", user=editor, dry_run=False)
    assert [(e.row, e.column) for e in outcome.errors] == [(3, "indicator_id")]
    assert "権限がありません" in outcome.errors[0].message
    assert not Observation.objects.filter(fiscal_year=2020, kind="actual").exists()


def test_series_grid_saves_targets_and_actuals_side_by_side(editor_client):
    indicator = Indicator.objects.get(code="S2-G1-N1")  # FY2020–2023, 十億円, no decimals
    url = reverse("admin:kpi_indicator_series", args=[indicator.pk])
    page = editor_client.get(url)
    assert page.status_code == 200
    data = {"form-TOTAL_FORMS": "4", "form-INITIAL_FORMS": "4"}
    for i, year in enumerate(range(2020, 2024)):
        data[f"form-{i}-fiscal_year"] = str(year)
        data[f"form-{i}-target_value"] = "2,692" if year == 2023 else ""
    data["form-0-actual_value"] = "２，５５０"
    data["form-0-actual_provisional"] = "on"
    data["form-1-actual_missing_reason"] = "統計の公表が遅れているため"
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    actual_2020 = indicator.observations.get(fiscal_year=2020, kind="actual")
    assert (actual_2020.value, actual_2020.is_provisional, actual_2020.is_published) == (Decimal("2550"), True, False)
    assert indicator.observations.get(fiscal_year=2021, kind="actual").missing_reason == "統計の公表が遅れているため"
    assert indicator.observations.get(fiscal_year=2023, kind="target").value == Decimal("2692")


def test_series_grid_keeps_what_was_typed_and_explains_the_mistake(editor_client):
    indicator = Indicator.objects.get(code="S2-G1-N1")
    url = reverse("admin:kpi_indicator_series", args=[indicator.pk])
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-fiscal_year": "2020",
        "form-0-actual_value": "25.5",
    }
    response = editor_client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "整数で入力してください" in body
    assert 'value="25.5"' in body
    assert not indicator.observations.filter(fiscal_year=2020, kind="actual").exists()


def test_this_years_actuals_lists_only_own_indicators_and_confirms_outliers(editor_client):
    url = reverse("admin:kpi_indicator_actuals") + "?fiscal_year=2021"
    page = editor_client.get(url)
    forms = page.context["forms"]
    codes = [form.indicator_obj.code for form in forms]
    assert codes and all(code.startswith("S2-G1") for code in codes)
    gdp_index = codes.index("S2-G1-N1")
    Observation.objects.create(
        indicator_id=forms[gdp_index].indicator_obj.pk, fiscal_year=2020, kind="actual", value=2600
    )
    page = editor_client.get(url)
    forms = page.context["forms"]
    data = {f"i{i}-indicator": str(form.indicator_obj.pk) for i, form in enumerate(forms)}
    data[f"i{gdp_index}-value"] = "26,500"  # more than ten times last year's 2,600
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "10倍" in response.content.decode()
    assert not Observation.objects.filter(indicator__code="S2-G1-N1", fiscal_year=2021).exists()
    data[f"i{gdp_index}-confirm_outlier"] = "on"
    response = editor_client.post(url, data)
    assert response.status_code == 302
    assert Observation.objects.get(indicator__code="S2-G1-N1", fiscal_year=2021, kind="actual").value == 26500


def test_crafted_actuals_post_for_another_indicator_is_refused(editor_client):
    url = reverse("admin:kpi_indicator_actuals") + "?fiscal_year=2021"
    forms = editor_client.get(url).context["forms"]
    other = Indicator.objects.get(code="S2-G2-N1")
    data = {f"i{i}-indicator": str(form.indicator_obj.pk) for i, form in enumerate(forms)}
    data["i0-indicator"] = str(other.pk)
    data["i0-value"] = "1"
    assert editor_client.post(url, data).status_code == 403
    assert not Observation.objects.filter(indicator=other, fiscal_year=2021).exists()


def test_drafts_are_never_public_until_published(client, admin_user):
    indicator = Indicator.objects.get(code="S1-G2-N1")
    draft = Observation.objects.get(indicator=indicator, fiscal_year=2018, kind="actual")
    from kpi import services

    published = draft.value
    services.record_observation(indicator, 2018, "actual", value=Decimal("6770"), is_provisional=False)
    draft.refresh_from_db()
    assert not draft.is_published and draft.pending_correction
    # the correction waits: the published figure stays public, unchanged
    page = client.get("/ja/areas/kumamoto/indicators/S1-G2-N1/").content.decode()
    assert "6,770" not in page and f"{published:,.0f}" in page
    csv = client.get("/ja/open-data/observations.csv").getvalue().decode("utf-8-sig")
    assert ",6770" not in csv
    services.publish([draft], admin_user)
    draft.refresh_from_db()
    assert (draft.is_published, draft.published_by) == (True, admin_user)
    assert "6,770" in client.get("/ja/areas/kumamoto/indicators/S1-G2-N1/").content.decode()


def test_editor_cannot_publish_and_administrator_can(editor_client, admin_client):
    observation = Observation.objects.get(indicator__code="S2-G1-N1", kind="baseline")
    Observation.objects.filter(pk=observation.pk).update(is_published=False)
    changelist = reverse("admin:kpi_observation_changelist")
    editor_client.post(changelist, {"action": "publish_selected", "_selected_action": [observation.pk]})
    observation.refresh_from_db()
    assert not observation.is_published
    admin_client.post(changelist, {"action": "publish_selected", "_selected_action": [observation.pk]})
    observation.refresh_from_db()
    assert observation.is_published


def test_confirming_a_provisional_value_is_recorded(admin_client):
    births = Observation.objects.get(indicator__code="S1-G2-N1", fiscal_year=2018, kind="actual")
    changelist = reverse("admin:kpi_observation_changelist")
    admin_client.post(changelist, {"action": "confirm_selected", "_selected_action": [births.pk]})
    births.refresh_from_db()
    assert not births.is_provisional and not births.is_published
    last = births.history.first()
    assert last.is_provisional is False and last.prev_record.is_provisional is True


def test_history_shows_an_edit_and_reverts_it(admin_client):
    gdp = Observation.objects.get(indicator__code="S1-G1-N1", fiscal_year=2018, kind="actual")
    from kpi import services

    services.record_observation(gdp.indicator, 2018, "actual", value=Decimal("2500"))
    history_url = reverse("admin:kpi_observation_history", args=[gdp.pk])
    body = admin_client.get(history_url).content.decode()
    assert "参照データの読込み" in body  # the starting point recorded when the reference data was loaded
    latest = gdp.history.latest()
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes if c.field == "value"] == [
        ("value", Decimal("2496.0000"), Decimal("2500"))
    ]
    # revert: open the earlier version in the admin and save it
    original = latest.prev_record
    revert_url = reverse("admin:kpi_observation_simple_history", args=[gdp.pk, original.history_id])
    form = admin_client.get(revert_url)
    assert form.status_code == 200
    data = {
        "indicator": gdp.indicator_id,
        "fiscal_year": 2018,
        "kind": "actual",
        "value": "2496",
        "comparator": "",
        "measured_year": "2015",
        "missing_reason": "",
        "printed": original.printed,
        "note": "",
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
    }
    response = admin_client.post(revert_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    gdp.refresh_from_db()
    assert gdp.value == Decimal("2496")
    assert gdp.history.count() == 3


def test_reminder_dates_and_states():
    assert reminders.due_date(2023, 8, 31) == datetime.date(2024, 8, 31)
    assert reminders.due_date(2023, 3, 31) == datetime.date(2025, 3, 31)
    due = datetime.date(2024, 8, 31)
    assert reminders.reminder_state(due, datetime.date(2024, 9, 1), False) == reminders.OVERDUE
    assert reminders.reminder_state(due, datetime.date(2024, 8, 15), False) == reminders.DUE_SOON
    assert reminders.reminder_state(due, datetime.date(2024, 6, 1), False) is None
    assert reminders.reminder_state(due, datetime.date(2024, 9, 1), True) is None


def test_reminder_command_mails_the_owners_of_missing_actuals(editor, departments):
    Indicator.objects.filter(code="S2-G1-N1").update(actual_due_month=8, actual_due_day=31)
    Observation.objects.create(
        indicator=Indicator.objects.get(code="S2-G1-N1"), fiscal_year=2020, kind="actual", value=1
    )
    call_command("send_actual_reminders", "--date", "2023-09-15")
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["editor@example.jp", "keizai@example.jp"]
    body = mail.outbox[0].body
    assert "2021年度" in body and "締切を過ぎています" in body  # FY2021 was due 2022-08-31
    assert "2020年度" not in body  # entered
    assert "2022年度" in body and "締切が近づいています" not in body  # FY2022 due 2023-08-31: overdue too


def test_admin_home_shows_what_is_due(editor_client):
    Indicator.objects.filter(code="S2-G1-N1").update(actual_due_month=4, actual_due_day=30)
    body = editor_client.get(reverse("admin:index")).content.decode()
    assert "未入力の実績値" in body
    assert "市内総生産額" in body


def test_editor_cannot_add_a_value_for_another_departments_indicator(editor_client):
    other = Indicator.objects.get(code="S2-G2-N1")
    response = editor_client.post(
        reverse("admin:kpi_observation_add"),
        {
            "indicator": other.pk,
            "fiscal_year": 2021,
            "kind": "actual",
            "value": "7100",
            "comparator": "",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200  # the form comes back with an error
    assert not Observation.objects.filter(indicator=other, fiscal_year=2021).exists()
