from decimal import Decimal

import factory

from kpi import judgements
from kpi.models import Indicator, IndicatorPlacement, Observation
from tests.vision.factories import GoalFactory, PlanFactory


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    code = factory.Sequence(lambda n: f"TEST-{n}")
    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"テスト指標{n}")
    unit = "件"


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorPlacement

    indicator = factory.SubFactory(IndicatorFactory)
    goal = factory.SubFactory(GoalFactory, plan=factory.SelfAttribute("..indicator.plan"))
    order = factory.Sequence(lambda n: n)


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Observation

    indicator = factory.SubFactory(IndicatorFactory)
    fiscal_year = 2020
    kind = Observation.Kind.ACTUAL
    value = Decimal("10")
    is_published = True


def indicator_with_series(plan, goal, n):
    """An indicator placed under `goal` with a baseline, a final target and two actuals."""
    indicator = IndicatorFactory(plan=plan, code=f"BULK-{plan.pk}-{n}")
    PlacementFactory(indicator=indicator, goal=goal)
    Observation.objects.bulk_create(
        [
            Observation(indicator=indicator, fiscal_year=2019, kind="baseline", value=100, is_published=True),
            Observation(indicator=indicator, fiscal_year=2023, kind="target", value=200, is_published=True),
            Observation(indicator=indicator, fiscal_year=2021, kind="actual", value=120 + n % 90, is_published=True),
            Observation(indicator=indicator, fiscal_year=2022, kind="actual", value=150 + n % 60, is_published=True),
        ]
    )
    judgements.refresh([indicator.pk])  # bulk_create sends no post_save
    return indicator
