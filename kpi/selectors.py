"""Reads of indicators and their series that pages, exports and the progress judgement share."""

from django.db.models import Prefetch

from vision.models import Goal

from . import progress
from .models import Indicator, IndicatorPlacement, Observation


def series_for(indicator) -> progress.Series:
    """The indicator's series in the shape `kpi.progress` judges, targets with their revision history.

    Uses the prefetched observations and revisions of `Indicator.objects.with_series()`.
    """
    baseline = baseline_year = None
    targets, actuals = {}, {}
    for observation in indicator.observations.all():
        value = progress.Value(
            value=observation.value,
            comparator=observation.comparator,
            provisional=observation.is_provisional,
            missing_reason=observation.missing_reason,
            measured_year=observation.measured_year,
        )
        if observation.kind == Observation.Kind.BASELINE:
            baseline, baseline_year = value, observation.fiscal_year
        elif observation.kind == Observation.Kind.TARGET:
            revisions = tuple((r.previous_value, r.revised_value, r.revised_on) for r in observation.revisions.all())
            targets[observation.fiscal_year] = progress.Value(
                observation.value, comparator=observation.comparator, revisions=revisions
            )
        else:
            actuals[observation.fiscal_year] = value
    return progress.Series(
        direction=indicator.direction,
        baseline=baseline,
        baseline_year=baseline_year,
        targets=targets,
        actuals=actuals,
    )


def judge_indicator(indicator, fiscal_year=None) -> progress.Judgement:
    return progress.judge(series_for(indicator), fiscal_year, scheme=indicator.plan.progress_scheme)


def goal_paths(plan_ids):
    """goal id → " > "-joined names from the top of its tree, for every goal of the given plans, in one query."""
    goals = {
        goal.pk: goal for goal in Goal.objects.filter(plan_id__in=plan_ids).only("pk", "parent_id", "number", "title")
    }
    paths = {}

    def path(goal):
        if goal.pk not in paths:
            parent = goals.get(goal.parent_id)
            paths[goal.pk] = (f"{path(parent)} > " if parent else "") + str(goal)
        return paths[goal.pk]

    for goal in goals.values():
        path(goal)
    return paths


def open_data_rows(indicators=None):
    """One dict per series value, in plan, indicator, year and kind order: the long open-data table."""
    if indicators is None:
        indicators = Indicator.objects.all()
    indicators = list(
        indicators.select_related("plan")
        .prefetch_related(
            Prefetch("observations", queryset=Observation.objects.order_by("fiscal_year", "kind")),
            Prefetch(
                "placements",
                queryset=IndicatorPlacement.objects.filter(is_restated=False),
                to_attr="original_placements",
            ),
        )
        .order_by("plan__order", "plan__pk", "code")
    )
    paths = goal_paths({indicator.plan_id for indicator in indicators})
    rows = []
    for indicator in indicators:
        placement = indicator.original_placements[0] if indicator.original_placements else None
        goal_path = paths.get(placement.goal_id, "") if placement else ""
        for observation in indicator.observations.all():
            rows.append(
                {
                    "plan_id": indicator.plan.slug,
                    "plan": indicator.plan.title,
                    "goal_path": goal_path,
                    "indicator_id": indicator.code,
                    "indicator": indicator.name,
                    "unit": indicator.unit,
                    "fiscal_year": observation.fiscal_year,
                    "kind": observation.kind,
                    "value": observation.value,
                    "comparator": observation.comparator,
                    "measured_year": observation.measured_year,
                    "provisional": observation.is_provisional,
                    "missing_reason": observation.missing_reason,
                    "printed": observation.printed,
                    "note": observation.note,
                }
            )
    return rows
