"""Each public page asks the database a fixed number of questions, whatever the size of its area (issue 15).

The same pages are read in a small area (10 indicators under 3 goals, 2 partners, 2 areas) and in a large one
(1,000 indicators under 100 goals, 12 partners, 5 areas), and each count is pinned exactly: a new per-row query
(an N+1) fails here as a count that grows, and a query added on purpose shows up as a changed pin.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from agreements.models import RoleAssignment
from kpi import judgements
from kpi.models import Indicator, IndicatorPlacement, Observation, TargetRevision
from tests.agreements.factories import AgreementFactory, PolicyAreaFactory
from tests.vision.factories import CentralCityFactory, GoalFactory, MetroAreaFactory, MunicipalityFactory, PlanFactory

pytestmark = pytest.mark.django_db

SMALL = {"indicators": 10, "goals": 3, "partners": 2, "areas": 2}
LARGE = {"indicators": 1000, "goals": 100, "partners": 12, "areas": 5}


def build_area(indicators, goals, partners, areas):
    """An area "q" of the given size (plus areas - 1 others with a member), built with the test factories."""
    area = MetroAreaFactory(slug="q", name="検索対象圏域")
    central = CentralCityFactory(area=area)
    for n in range(1, areas):
        CentralCityFactory(area=MetroAreaFactory(slug=f"other-{n}"))
    policy_areas = [PolicyAreaFactory() for _ in range(4)]
    for _ in range(partners):
        partner = MunicipalityFactory(area=area, joined_on=datetime.date(2020, 4, 1))
        agreement = AgreementFactory(area=area, central_city=central, partner=partner)
        RoleAssignment.objects.bulk_create(
            RoleAssignment(
                agreement=agreement, policy_area=p, order=i, initiative="連携", central_role="甲", partner_role="乙"
            )
            for i, p in enumerate(policy_areas)
        )
    plan = PlanFactory(area=area, slug="strategy", start_fiscal_year=2020, end_fiscal_year=2024)
    tops = [GoalFactory(plan=plan, code=f"G{n}", title=f"基本目標{n}", order=n) for n in range(1, 4)]
    children = [
        GoalFactory(plan=plan, parent=tops[n % 3], code=f"C{n}", title=f"施策{n}", order=n) for n in range(goals - 3)
    ]
    homes = tops + children
    rows = Indicator.objects.bulk_create(
        Indicator(plan=plan, area=area, code=f"K{n}", name=f"測定指標{n}", unit="件") for n in range(indicators)
    )
    IndicatorPlacement.objects.bulk_create(
        [IndicatorPlacement(indicator=row, goal=homes[n % len(homes)], order=n) for n, row in enumerate(rows)]
        + [
            IndicatorPlacement(
                indicator=row, goal=tops[1 if homes[n % len(homes)] == tops[0] else 0], order=n, is_restated=True
            )
            for n, row in enumerate(rows)
            if n % 10 == 0
        ]
    )
    observations = []
    for n, row in enumerate(rows):
        observations.append(Observation(indicator=row, fiscal_year=2019, kind="baseline", value=100, is_published=True))
        observations.append(Observation(indicator=row, fiscal_year=2024, kind="target", value=200, is_published=True))
        observations.append(
            Observation(indicator=row, fiscal_year=2021, kind="actual", value=120 + n % 90, is_published=True)
        )
        observations.append(
            Observation(
                indicator=row, fiscal_year=2022, kind="actual", value=None, missing_reason="―", is_published=True
            )
        )
    Observation.objects.bulk_create(observations)
    TargetRevision.objects.bulk_create(
        TargetRevision(
            observation=o,
            previous_value=Decimal(180),
            revised_value=o.value,
            revised_on=datetime.date(2022, 3, 1),
            reason="見直し",
        )
        for o in observations
        if o.kind == "target"
    )
    judgements.refresh_all()  # the rows above were written around the signals, as a bulk job writes them
    return area


def pages():
    with translation.override("ja"):
        area = {"area_slug": "q"}
        return {
            "home": reverse("kpi:area_home", kwargs=area),
            "plan": reverse("kpi:plan_detail", kwargs={**area, "slug": "strategy"}),
            "goal": reverse("kpi:goal_detail", kwargs={**area, "plan_slug": "strategy", "code": "G1"}),
            "indicator": reverse("kpi:indicator_detail", kwargs={**area, "code": "K3"}),
            "matrix": reverse("agreements:matrix", kwargs=area),
            "search": reverse("kpi:search", kwargs=area) + "?q=測定",
            "open_data": reverse("kpi:open_data", kwargs=area),
            "members": reverse("vision:area_detail", kwargs=area),
            "areas": reverse("vision:area_list"),
        }


# Counted once with the small area and pinned; the large one must ask exactly as many. The plan page asked one
# query per goal (each goal's link read its plan) until plan_tree handed the goals their plan. Home, plan and goal
# pages read each indicator's stored public judgement with the indicator (kpi.judgements), where they read its
# values and their target revisions: two queries fewer each.
EXPECTED = {
    "home": 12,  # + the links of the newest plan's indicators to their measures (the area's standing)
    "plan": 9,  # + the source passages about the plan's goals
    "goal": 10,  # + the source passages about the goal
    "indicator": 10,  # + the measures linking it to other plans' indicators, with their series
    "matrix": 8,
    "search": 9,  # + the matching indicators, loaded after the names were compared as plain values (no goal
    # matches 測定; a kind with no match asks nothing more)
    "open_data": 5,  # the row counts are kept by data version (kpi.opendatafiles)
    "members": 7,
    "areas": 5,
}


def count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm up: the area slugs and the data version, read once per process
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["10-indicators", "1000-indicators"])
def test_each_page_asks_a_fixed_number_of_queries(client, size):
    build_area(**size)
    counts = {name: count_queries(client, url) for name, url in pages().items()}
    assert counts == EXPECTED
