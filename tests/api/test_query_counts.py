"""A page of any list costs the same number of queries with 10 indicators as with 1,000 (built with factories)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.urls import router
from kpi.models import Observation
from tests.kpi.factories import indicator_with_series
from tests.vision.factories import GoalFactory, MetroAreaFactory, PlanFactory
from vision import dataversion

pytestmark = pytest.mark.django_db

AREA = "query-count-area"
# Lists without an area filter are read as they are.
WITHOUT_AREA_FILTER = {"areas", "policy-areas"}


def _reads(client, prefix):
    params = {"page_size": 100}
    if prefix not in WITHOUT_AREA_FILTER:
        params["area"] = AREA
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/{prefix}/", params)
    assert response.status_code == 200, (prefix, response.content)
    return [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]], len(response.json()["results"])


def _counts(client):
    from django.core.cache import cache

    cache.clear()  # the server cache would answer without a query
    return {prefix: _reads(client, prefix) for prefix, _viewset, _basename in router.registry}


def test_query_counts_do_not_grow_with_the_number_of_indicators(reference_data, client):
    plan = PlanFactory(area=MetroAreaFactory(slug=AREA), slug="qc-plan")
    goal = GoalFactory(plan=plan)
    with dataversion.batch():
        for n in range(10):
            indicator_with_series(plan, goal, n)
    small = _counts(client)
    with dataversion.batch():
        for n in range(10, 1000):
            indicator_with_series(plan, goal, n)
    assert Observation.objects.filter(indicator__area__slug=AREA).count() == 4000
    large = _counts(client)
    assert large["series-values"][1] == 100 and small["series-values"][1] == 40
    for prefix in small:
        assert len(small[prefix][0]) == len(large[prefix][0]), (prefix, small[prefix][0], large[prefix][0])
    # Exact counts of the pages that read the series: the data version, then the page (and its prefetches).
    assert len(large["series-values"][0]) == 2
    assert len(large["indicators"][0]) == 3  # + placements with their goals
    assert len(large["judgements"][0]) == 4  # + series values, + target revisions
