"""The synthetic scale data (kpi/scale_data.py): valid rows, the variety of the real data, clearly synthetic."""

import pytest
from django.core.management import call_command

from agreements.models import Agreement, Article, RoleAssignment
from kpi import scale_data
from kpi.models import Indicator, IndicatorPlacement, Observation, TargetRevision
from vision import dataversion
from vision.models import AreaMembership, Department, Goal, MetroArea, Municipality, Plan

pytestmark = pytest.mark.django_db

# Enough indicators that every kind of irregularity turns up (each is drawn with a fixed seed).
VARIED = scale_data.Preset(areas=1, members=3, indicators=(80, 80), years=10)


def snapshot():
    """The generated rows without their ids, to compare two runs."""
    return (
        sorted(MetroArea.objects.values_list("slug", "name", "population")),
        sorted(Indicator.objects.values_list("code", "name", "unit", "direction", "is_cumulative")),
        sorted(
            Observation.objects.values_list(
                "indicator__code", "fiscal_year", "kind", "value", "comparator", "missing_reason", "is_published"
            )
        ),
        sorted(RoleAssignment.objects.values_list("agreement__partner__lg_code", "policy_area__code")),
    )


def test_small_preset_makes_the_shape_the_issue_asks_for(reference_data):
    reference_counts = Observation.objects.count(), Indicator.objects.count()
    before = dataversion.current()
    call_command("generate_scale_data", preset="small", verbosity=0)
    areas = MetroArea.objects.filter(slug__startswith="synthetic-")
    assert areas.count() == 2  # PRESETS["small"]
    assert all(area.name.startswith("合成データ") for area in areas)
    memberships = AreaMembership.objects.filter(area__in=areas)
    assert memberships.count() == 6
    assert memberships.filter(is_central_city=True).count() == 2
    assert all(m.municipality.lg_code.startswith("98") for m in memberships)  # no real prefecture is 98
    # One agreement per partner, each with 20 to 22 role rows (the small preset's range).
    agreements = Agreement.objects.filter(area__in=areas)
    assert agreements.count() == 4
    assert all(20 <= agreement.roles.count() <= 22 for agreement in agreements)
    # One strategy per member, ten fiscal years, each indicator with one baseline before the first year.
    plans = Plan.objects.filter(area__in=areas)
    assert plans.count() == 6
    assert {(p.start_fiscal_year, p.end_fiscal_year) for p in plans} == {(2016, 2025)}
    indicators = Indicator.objects.filter(area__in=areas)
    assert all(4 <= plan.indicators.count() <= 6 for plan in plans)
    baselines = Observation.objects.filter(indicator__in=indicators, kind="baseline")
    assert baselines.count() == indicators.count()
    assert set(baselines.values_list("fiscal_year", flat=True)) == {2015}
    assert dataversion.current() > before
    # The reference data is left alone.
    reference = Observation.objects.exclude(indicator__in=indicators).count(), Indicator.objects.exclude(area__in=areas)
    assert (reference[0], reference[1].count()) == reference_counts


def test_running_again_replaces_the_synthetic_rows_with_the_same_ones(db):
    call_command("generate_scale_data", preset="small", verbosity=0)
    first = snapshot()
    call_command("generate_scale_data", preset="small", verbosity=0)
    assert snapshot() == first
    assert MetroArea.objects.filter(slug__startswith="synthetic-").count() == 2


def test_rows_pass_every_model_check_and_show_the_variety_of_the_real_data(db):
    scale_data.Generator(VARIED).run()
    observations = Observation.objects.all()
    for model in (
        MetroArea,
        Municipality,
        AreaMembership,
        Department,
        Agreement,
        Article,
        RoleAssignment,
        Plan,
        Goal,
        Indicator,
        IndicatorPlacement,
        TargetRevision,
    ):
        for row in model.objects.order_by("pk")[:40]:
            row.full_clean()
    for row in observations.order_by("pk")[::25]:
        row.full_clean()
    assert observations.filter(value__isnull=True).exclude(missing_reason="").exists()  # gaps with reasons
    assert observations.filter(is_provisional=True).exists()
    assert observations.filter(comparator="gte", printed__endswith="以上").exists()
    assert observations.filter(is_published=False).exists()  # drafts waiting for publication
    assert observations.filter(pending_correction=True).exclude(published_value=None).exists()
    assert observations.exclude(measured_year=None).exists()  # a value of another year than its column
    assert TargetRevision.objects.exists()
    assert IndicatorPlacement.objects.filter(is_restated=True).exists()  # 再掲
    assert Indicator.objects.filter(name__regex=r"^.{150,}$").exists()  # long names
    assert Observation.history.filter(history_type="~").exists()
    assert Indicator.history.count() == Indicator.objects.count()
