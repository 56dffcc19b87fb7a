"""Identifiers that are unique per area (issue 12): two areas may both have a plan 'strategy', a KPI 'S2-G1-N1'
and a committee 'committee'; each area's pages show its own, and natural keys say which area they mean."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from committee.models import Committee, Member, Review
from kpi.models import Indicator, IndicatorPlacement, Observation
from tests.committee.factories import CommitteeFactory, EvaluationFactory, MemberFactory, ReviewFactory
from tests.kpi.factories import IndicatorFactory, ObservationFactory, PlacementFactory
from tests.vision.factories import GoalFactory, MetroAreaFactory, PlanFactory
from vision.models import Goal, Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins():
    """Two areas with the same plan slug, goal code, indicator code and committee slug."""
    found = {}
    for slug, title in (("north", "北の戦略"), ("south", "南の戦略")):
        area = MetroAreaFactory(slug=slug, name=f"{title}の都市圏")
        plan = PlanFactory(area=area, slug="strategy", title=title)
        goal = GoalFactory(plan=plan, code="G1", title=f"{title}の基本目標")
        indicator = IndicatorFactory(plan=plan, code="SAME-1", name=f"{title}の指標")
        PlacementFactory(indicator=indicator, goal=goal)
        ObservationFactory(indicator=indicator, fiscal_year=2020, kind="actual", is_published=True)
        committee = CommitteeFactory(plan=plan, slug="committee", name=f"{title}検証委員会")
        found[slug] = {"area": area, "plan": plan, "goal": goal, "indicator": indicator, "committee": committee}
    return found


def test_the_same_slugs_and_codes_in_two_areas_do_not_collide(twins):
    north, south = twins["north"], twins["south"]
    assert north["plan"].pk != south["plan"].pk
    assert north["indicator"].area == north["area"] and south["indicator"].area == south["area"]
    assert Plan.objects.get_by_natural_key("south", "strategy") == south["plan"]
    assert Goal.objects.get_by_natural_key("north", "strategy", "G1") == north["goal"]
    assert Indicator.objects.get_by_natural_key("south", "SAME-1") == south["indicator"]
    assert Committee.objects.get_by_natural_key("north", "committee") == north["committee"]
    same_name = Committee.objects.create(area=south["area"], slug="other", name=north["committee"].name)
    assert same_name.name == north["committee"].name


def test_within_one_area_the_slugs_and_codes_stay_unique(twins):
    north = twins["north"]
    with pytest.raises(ValidationError) as plan_error:
        Plan(
            area=north["area"],
            slug="strategy",
            kind="strategy",
            title="別",
            start_fiscal_year=2020,
            end_fiscal_year=2023,
        ).full_clean()
    assert "この圏域には同じ識別名の計画が既にあります。" in str(plan_error.value)
    duplicate = Indicator(plan=north["plan"], code="SAME-1", name="重複", unit="件")
    with pytest.raises(ValidationError) as indicator_error:
        duplicate.full_clean()
    assert indicator_error.value.message_dict["code"] == ["この圏域には同じ指標コードの指標が既にあります。"]
    with pytest.raises(ValidationError) as form_like:  # a form leaves the non-editable area out of its checks
        duplicate.full_clean(exclude=["area"])
    assert "code" in form_like.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(plan=north["plan"], code="SAME-1", name="重複", unit="件")
    with pytest.raises(IntegrityError), transaction.atomic():
        Committee.objects.create(area=north["area"], slug="committee", name="別の名称")
    with pytest.raises(IntegrityError), transaction.atomic():
        Committee.objects.create(area=north["area"], slug="another", name=north["committee"].name)


def test_an_indicator_takes_its_plans_area_and_follows_a_move(twins):
    indicator = IndicatorFactory(plan=twins["north"]["plan"], code="MOVER")
    assert indicator.area == twins["north"]["area"]
    other = PlanFactory(area=twins["south"]["area"], slug="other")
    indicator.plan = other
    indicator.save(update_fields=["plan"])
    indicator.refresh_from_db()
    assert indicator.area == twins["south"]["area"]
    assert indicator.history.latest().area_id == twins["south"]["area"].pk


def test_a_committee_verifies_a_plan_of_its_own_area(twins):
    committee = twins["north"]["committee"]
    committee.plan = twins["south"]["plan"]
    with pytest.raises(ValidationError) as error:
        committee.full_clean()
    assert error.value.message_dict["plan"] == ["委員会の圏域の計画を選んでください。"]


@pytest.mark.parametrize("area", ["north", "south"])
def test_each_areas_pages_show_its_own_object(client, twins, area):
    mine, theirs = twins[area], twins["south" if area == "north" else "north"]
    pages = {
        f"/ja/areas/{area}/plans/strategy/": mine["plan"].title,
        f"/ja/areas/{area}/plans/strategy/goals/G1/": mine["goal"].title,
        f"/ja/areas/{area}/indicators/SAME-1/": mine["indicator"].name,
        f"/ja/areas/{area}/indicators/SAME-1/embed/": mine["indicator"].name,
        f"/ja/areas/{area}/committee/": mine["committee"].name,
    }
    wrong = {
        mine["plan"].title: theirs["plan"].title,
        mine["goal"].title: theirs["goal"].title,
        mine["indicator"].name: theirs["indicator"].name,
        mine["committee"].name: theirs["committee"].name,
    }
    for url, expected in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert expected in text, url
        assert wrong[expected] not in text, url
    data = json.loads(client.get(f"/ja/areas/{area}/indicators/SAME-1/data.json").getvalue())
    assert {row["indicator"] for row in data} == {mine["indicator"].name}


def test_an_old_url_goes_to_the_default_areas_object_when_the_slug_is_in_several(client, twins, settings):
    settings.DEFAULT_AREA = "south"
    assert client.get("/ja/plans/strategy/")["Location"] == "/ja/areas/south/plans/strategy/"
    assert client.get("/ja/indicators/SAME-1/?x=1")["Location"] == "/ja/areas/south/indicators/SAME-1/?x=1"
    settings.DEFAULT_AREA = "north"
    assert client.get("/ja/plans/strategy/goals/G1/")["Location"] == "/ja/areas/north/plans/strategy/goals/G1/"


def test_an_old_url_goes_to_the_only_area_that_has_the_slug(client, twins, settings):
    settings.DEFAULT_AREA = "kumamoto"
    PlanFactory(area=twins["south"]["area"], slug="only-south")
    IndicatorFactory(plan=twins["south"]["plan"], code="ONLY-SOUTH")
    assert client.get("/ja/plans/only-south/")["Location"] == "/ja/areas/south/plans/only-south/"
    assert client.get("/ja/indicators/ONLY-SOUTH/")["Location"] == "/ja/areas/south/indicators/ONLY-SOUTH/"
    assert client.get("/ja/plans/nowhere/").status_code == 404


def _dump(*labels):
    out = io.StringIO()
    call_command("dumpdata", *labels, natural_foreign=True, natural_primary=True, stdout=out)
    return json.loads(out.getvalue())


def test_natural_keys_name_the_area_and_round_trip_through_dumpdata_and_loaddata(twins, tmp_path):
    for twin in twins.values():
        review = ReviewFactory(committee=twin["committee"], fiscal_year=2021)
        EvaluationFactory(review=review, policy=twin["goal"])
        MemberFactory(committee=twin["committee"], name="同じ名前")
    labels = ["vision.plan", "vision.goal", "kpi", "committee.committee", "committee.member", "committee.review"]
    labels.append("committee.evaluation")
    dumped = [row for row in _dump(*labels) if any(f'"{slug}"' in json.dumps(row) for slug in twins)]
    indicators = [row for row in dumped if row["model"] == "kpi.indicator"]
    assert sorted(row["fields"]["area"] for row in indicators) == [["north"], ["south"]]
    placement = next(row for row in dumped if row["model"] == "kpi.indicatorplacement")
    assert placement["fields"]["indicator"][0] in {"north", "south"}
    assert placement["fields"]["goal"][:2] in (["north", "strategy"], ["south", "strategy"])

    south = twins["south"]
    south["indicator"].name = "書き換えた名前"
    south["indicator"].save()
    Member.objects.filter(committee=south["committee"]).update(note="書き換え")
    path = tmp_path / "dump.json"
    path.write_text(json.dumps(dumped, ensure_ascii=False), encoding="utf-8")
    call_command("loaddata", str(path), verbosity=0)

    assert Indicator.objects.get(area__slug="south", code="SAME-1").name == "南の戦略の指標"
    assert Indicator.objects.filter(code="SAME-1").count() == 2
    assert Plan.objects.filter(slug="strategy").count() == 2
    assert Committee.objects.filter(slug="committee").count() == 2
    assert Member.objects.get(committee=south["committee"], name="同じ名前").note == ""
    assert IndicatorPlacement.objects.filter(indicator__code="SAME-1").count() == 2
    assert Observation.objects.filter(indicator__code="SAME-1").count() == 2
    assert Review.objects.filter(committee__slug="committee").count() == 2
    observation = Observation.objects.get(indicator=south["indicator"])
    assert observation.natural_key() == ("south", "SAME-1", 2020, "actual")
    assert Observation.objects.get_by_natural_key(*observation.natural_key()) == observation
    evaluation = south["committee"].reviews.get().evaluations.get()
    assert evaluation.natural_key() == ("south", "committee", 2021, "south", "strategy", "G1")
    assert type(evaluation).objects.get_by_natural_key(*evaluation.natural_key()) == evaluation


def test_the_reference_data_keys_name_kumamoto(reference_data):
    plan = Plan.objects.get(slug="kumamoto-strategy-2")
    assert plan.natural_key() == ("kumamoto", "kumamoto-strategy-2")
    assert Indicator.objects.get(code="S2-G1-N1").natural_key() == ("kumamoto", "S2-G1-N1")
    assert Committee.objects.get().natural_key() == ("kumamoto", "kumamoto-strategy-committee")
