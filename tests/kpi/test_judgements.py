"""The stored public judgement (kpi/judgements.py) stays equal to the live judgement after every kind of write.

One indicator, judged by hand at each step (higher is better, baseline 100 in FY2019, final target in FY2024):
the line from the baseline to the final target reads 100 + (T − 100) × (year − 2019) / 5.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from kpi import judgements, progress, selectors, services
from kpi.models import Indicator, Observation, PublicJudgement, TargetRevision
from kpi.services import import_observations
from tests.kpi.factories import IndicatorFactory, ObservationFactory
from tests.vision.factories import PlanFactory

pytestmark = pytest.mark.django_db

TWELVE_PLACES = Decimal("1e-12")


def _exact(judgement):
    """A judgement with its rate and compared value to the 12 decimal places the table stores."""
    return {
        name: (value.quantize(TWELVE_PLACES) if isinstance(value, Decimal) else value)
        for name, value in vars(judgement).items()
    }


def figures(observation):
    if observation is None:
        return None
    fields = ("kind", "fiscal_year", "value", "comparator", "measured_year", "is_provisional", "printed")
    return tuple(getattr(observation, name) for name in fields)


def stored(indicator):
    """The stored judgement, after checking it against the live judgement of the published values."""
    row = PublicJudgement.objects.get(indicator=indicator)
    live_indicator = Indicator.objects.with_series().get(pk=indicator.pk)
    live = selectors.judge_indicator(live_indicator)
    assert _exact(row.as_judgement()) == _exact(live)
    live_row = selectors.KpiRow(live_indicator, None, live)
    assert figures(row.latest_actual) == figures(live_row.latest_actual)
    assert figures(row.final_target) == figures(live_row.final_target)
    assert figures(row.latest_measured) == figures(judgements.latest_measured(live_indicator.observations.all()))
    return row.as_judgement()


@pytest.fixture
def indicator():
    plan = PlanFactory(start_fiscal_year=2020, end_fiscal_year=2024)
    indicator = IndicatorFactory(plan=plan, code="J1", direction=progress.HIGHER)
    ObservationFactory(indicator=indicator, fiscal_year=2019, kind="baseline", value=100)
    ObservationFactory(indicator=indicator, fiscal_year=2024, kind="target", value=200)
    return indicator


def test_each_write_leaves_the_stored_judgement_equal_to_the_live_one(indicator, admin_user):
    assert stored(indicator).status == progress.NOT_MEASURED  # no actual yet

    # A new value is a draft: the public judgement does not move until it is published.
    draft, _ = services.record_observation(indicator, 2021, "actual", value=Decimal(150))
    assert stored(indicator).status == progress.NOT_MEASURED
    services.publish([draft], admin_user)
    # FY2021: rate (150 − 100) / (200 − 100) = 50 %; the line reads 140, and 150 ≥ 140: on track.
    judgement = stored(indicator)
    assert (judgement.status, judgement.fiscal_year, judgement.rate) == (progress.ON_TRACK, 2021, Decimal("0.5"))

    # A published value saved directly: FY2022 130, rate 30 %, under the line's 160: behind.
    later = ObservationFactory(indicator=indicator, fiscal_year=2022, kind="actual", value=130)
    judgement = stored(indicator)
    assert (judgement.status, judgement.fiscal_year, judgement.rate) == (progress.BEHIND, 2022, Decimal("0.3"))

    # The final target lowered to 150: rate (130 − 100) / (150 − 100) = 60 %, on the line's 130: on track.
    target = Observation.objects.get(indicator=indicator, kind="target")
    target.value = Decimal(150)
    target.save()
    judgement = stored(indicator)
    assert (judgement.status, judgement.rate) == (progress.ON_TRACK, Decimal("0.6"))

    # Revised only on 2023-06-01, after FY2022 ended: FY2022 is judged against the 200 in force then (behind, 30 %).
    revision = TargetRevision.objects.create(
        observation=target,
        previous_value=Decimal(200),
        revised_value=Decimal(150),
        revised_on=datetime.date(2023, 6, 1),
        reason="見直し",
    )
    judgement = stored(indicator)
    assert (judgement.status, judgement.rate) == (progress.BEHIND, Decimal("0.3"))
    revision.delete()
    assert stored(indicator).status == progress.ON_TRACK

    # Lower is better with a final target above the baseline: a rising ceiling, 130 ≤ 150 met, rate 150 / 130.
    indicator.direction = progress.LOWER
    indicator.save()
    judgement = stored(indicator)
    assert (judgement.status, judgement.rate.quantize(Decimal("0.0001"))) == (progress.MET, Decimal("1.1538"))
    indicator.direction = progress.HIGHER
    indicator.save()

    # The plan grades by bands: 60 % is a B.
    plan = indicator.plan
    plan.progress_scheme = progress.SCHEME_GRADE_BAND
    plan.save()
    judgement = stored(indicator)
    assert (judgement.status, judgement.grade) == (progress.ON_TRACK, "B")

    # Deleting a published value waits for publication; once published, FY2021's 150 is the latest: met, S.
    assert services.delete_observation(later) == "pending"
    assert stored(indicator).fiscal_year == 2022
    services.publish([Observation.objects.get(pk=later.pk)], admin_user)
    judgement = stored(indicator)
    assert (judgement.status, judgement.fiscal_year, judgement.grade) == (progress.MET, 2021, "S")

    # A correction of a published value: the public keeps the published figure until the correction is published.
    first = Observation.objects.get(indicator=indicator, fiscal_year=2021, kind="actual")
    first.value = Decimal(110)
    services.save_observation(first)
    assert stored(indicator).status == progress.MET
    services.publish([Observation.objects.get(pk=first.pk)], admin_user)
    # 110: rate (110 − 100) / (150 − 100) = 20 %, under the line's 100 + 50 × 2 / 5 = 120: behind, graded C.
    judgement = stored(indicator)
    assert (judgement.status, judgement.rate, judgement.grade) == (progress.BEHIND, Decimal("0.2"), "C")


def test_an_import_judges_each_indicator_it_touched_once(indicator, admin_user, monkeypatch):
    calls = []
    refresh = judgements.refresh
    monkeypatch.setattr(judgements, "refresh", lambda ids, using="default": calls.append(set(ids)) or refresh(ids))
    header = "indicator_id,fiscal_year,kind,value,comparator,measured_year,provisional,missing_reason,printed,note"
    data = f"{header}\r\nJ1,2021,actual,150,,,false,,,\r\nJ1,2022,actual,190,,,false,,,\r\n".encode()
    outcome = import_observations(data, "actuals.csv", dry_run=False, areas=[indicator.area])
    assert outcome.ok and outcome.written
    assert calls == [{indicator.pk}]
    assert stored(indicator).status == progress.NOT_MEASURED  # imported values are drafts
    services.publish(list(Observation.objects.filter(indicator=indicator, kind="actual")), admin_user)
    # FY2022 190: rate 90 %, over the line's 160: on track.
    judgement = stored(indicator)
    assert (judgement.status, judgement.rate) == (progress.ON_TRACK, Decimal("0.9"))


def test_a_stored_judgement_of_other_rules_is_judged_again_and_pages_judge_live_meanwhile(indicator):
    ObservationFactory(indicator=indicator, fiscal_year=2021, kind="actual", value=150)
    PublicJudgement.objects.filter(indicator=indicator).update(rules_version="0", status=progress.BEHIND)
    rows = selectors.indicator_rows(Indicator.objects.filter(pk=indicator.pk))
    assert (rows[0].stored, rows[0].judgement.status) == (None, progress.ON_TRACK)
    counts, total = selectors.plan_status_counts([indicator.plan])[indicator.plan_id]
    assert (counts[progress.ON_TRACK], counts[progress.BEHIND], total) == (1, 0, 1)
    call_command("rebuild_judgements", "--stale", verbosity=0)
    assert stored(indicator).status == progress.ON_TRACK


def test_bulk_writes_are_judged_by_the_scale_generator_and_the_rebuild(reference_data):
    from kpi.scale_data import generate

    generate("small")
    synthetic = Indicator.objects.filter(area__slug__startswith="synthetic-")
    assert PublicJudgement.objects.filter(indicator__in=synthetic).count() == synthetic.count() > 0
    for indicator in synthetic[:40]:
        stored(indicator)
    # Unpublished around the signals, as raw SQL would: until the rebuild, the stored judgements are stale.
    Observation.objects.filter(indicator__in=synthetic).update(
        is_published=False, pending_correction=False, pending_retraction=False
    )
    call_command("rebuild_judgements", verbosity=0)
    assert set(PublicJudgement.objects.filter(indicator__in=synthetic).values_list("status", flat=True)) == {
        progress.NOT_MEASURED
    }


def test_deleting_indicators_leaves_no_judgement_behind(indicator):
    ObservationFactory(indicator=indicator, fiscal_year=2021, kind="actual", value=150)
    other = IndicatorFactory(plan=indicator.plan, code="J2")
    ObservationFactory(indicator=other, fiscal_year=2021, kind="actual", value=150)
    indicator.delete()  # its values go with it: nothing is judged again for an indicator being deleted
    assert not PublicJudgement.objects.filter(indicator_id=indicator.pk).exists()
    Indicator.objects.filter(pk=other.pk).delete()  # a queryset's delete too
    assert not PublicJudgement.objects.filter(indicator_id=other.pk).exists()


def test_a_kpi_row_escapes_what_it_writes(client, indicator):
    from django.utils import translation

    from tests.kpi.factories import PlacementFactory

    indicator.name = "<b>観光客数</b>"
    indicator.save()
    PlacementFactory(indicator=indicator)
    ObservationFactory(indicator=indicator, fiscal_year=2021, kind="actual", value=150, printed="150<i>")
    with translation.override("ja"):
        html = client.get(indicator.plan.get_absolute_url()).content.decode()
    assert "&lt;b&gt;観光客数&lt;/b&gt;" in html and "<b>観光客数" not in html
    assert "50.0%" in html and "badge--on_track" in html  # (150 − 100) / (200 − 100), over the line's 140
