import datetime
from decimal import Decimal

import pytest

from kpi import progress
from kpi.models import Indicator, Observation, TargetRevision
from kpi.selectors import judge_indicator, series_for
from tests.vision.factories import PlanFactory

pytestmark = pytest.mark.django_db


def test_revised_target_applies_from_the_year_it_was_decided():
    indicator = Indicator.objects.create(code="T-1", plan=PlanFactory(), name="観光消費額", unit="億円")
    Observation.objects.create(indicator=indicator, fiscal_year=2018, kind="baseline", value=Decimal("735"))
    target = Observation.objects.create(indicator=indicator, fiscal_year=2023, kind="target", value=Decimal("800"))
    TargetRevision.objects.create(
        observation=target,
        previous_value=Decimal("852"),
        revised_value=Decimal("800"),
        revised_on=datetime.date(2021, 9, 1),
        reason="感染症の影響による見直し",
    )
    Observation.objects.create(indicator=indicator, fiscal_year=2020, kind="actual", value=Decimal("750"))
    Observation.objects.create(indicator=indicator, fiscal_year=2021, kind="actual", value=Decimal("750"))

    loaded = Indicator.objects.with_series(published_only=False).get(pk=indicator.pk)
    assert series_for(loaded).targets[2023].revisions[0][1] == Decimal("800")

    # FY2020 ended before the revision: the original 852 was in force, and 750 is short of the line to it.
    before = judge_indicator(loaded, 2020)
    assert (before.status, before.rate_percent) == (progress.BEHIND, Decimal("12.8"))  # 15 / 117
    # By the end of FY2021 the target in force was 800: 15 / 65 of the way.
    after = judge_indicator(loaded, 2021)
    assert (after.status, after.rate_percent) == (progress.BEHIND, Decimal("23.1"))


def test_admin_screens_for_kpi_render(admin_client, reference_data, django_assert_max_num_queries):
    indicator = Indicator.objects.get(code="S1-G1-N1")
    for url in (
        "/admin/kpi/indicator/",
        f"/admin/kpi/indicator/{indicator.pk}/change/",
        "/admin/kpi/observation/",
        "/admin/vision/plan/",
        "/admin/vision/goal/",
    ):
        with django_assert_max_num_queries(40):
            response = admin_client.get(url)
        assert response.status_code == 200, url
