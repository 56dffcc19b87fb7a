"""検証委員 read their committee's area's drafts in the admin, and only published values of other areas."""

from decimal import Decimal

import pytest
from django.urls import reverse

from kpi import services
from kpi.models import Observation, TargetRevision

pytestmark = pytest.mark.django_db


def _draft(indicator, value):
    observation, _changed = services.record_observation(indicator, 2022, "actual", value=Decimal(value))
    return observation


def test_a_member_reads_drafts_of_their_committees_area_only(world, login):
    ours = _draft(world.indicators["arao"], "4321")  # 熊本's plan: the member's committee reviews it
    theirs = _draft(world.indicators["shimonoseki"], "8765")  # 下関's plan: no committee of theirs
    assert not ours.is_published and not theirs.is_published
    client = login(world.users["member_staff"])
    listing = client.get(reverse("admin:kpi_observation_changelist"), {"fiscal_year": 2022, "kind": "actual"})
    assert listing.status_code == 200
    shown = {row.pk for row in listing.context["cl"].result_list}
    assert ours.pk in shown and theirs.pk not in shown
    assert client.get(reverse("admin:kpi_observation_change", args=[ours.pk])).status_code == 200
    assert client.get(reverse("admin:kpi_observation_change", args=[theirs.pk])).status_code in (302, 403, 404)
    assert client.get(reverse("admin:kpi_observation_history", args=[theirs.pk])).status_code in (302, 403, 404)
    # another area's published values are public anyway
    published = world.targets["shimonoseki"]
    assert client.get(reverse("admin:kpi_observation_change", args=[published.pk])).status_code == 200


def test_a_pending_correction_of_another_area_stays_hidden_from_members(world, login):
    target = world.targets["shimonoseki"]
    target.value = Decimal("11")
    services.save_observation(target)
    target.refresh_from_db()
    assert target.pending_correction and not target.is_published
    revision = TargetRevision.objects.create(
        observation=target, previous_value=10, revised_value=11, revised_on="2024-04-01", reason="見直し"
    )
    client = login(world.users["member_staff"])
    assert client.get(reverse("admin:kpi_observation_change", args=[target.pk])).status_code in (302, 403, 404)
    assert client.get(reverse("admin:kpi_targetrevision_change", args=[revision.pk])).status_code in (302, 403, 404)
    assert Observation.objects.filter(pk=target.pk).exists()
