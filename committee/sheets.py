"""The committee's material built from live data: the policy sheet and the status table.

A policy sheet reproduces the layout of the 検証委員会資料: the policy, its measures, the department's
方向性 and 課題・検証, and a KPI table with fiscal years as columns and 目標値 / 実績値 rows, each value with the
year it measures (2,325（H24）). The same structures feed the HTML page, the XLSX export and the PDF.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from kpi.models import Indicator, IndicatorPlacement, Observation
from kpi.presentation import observation_figure
from kpi.selectors import KpiRow, judge_indicator
from vision import wareki
from vision.models import Goal


def cell_marks(observation):
    """What the committee tables write after a number: 以上/以下, the year it measures （H24）, ※ for provisional."""
    marks = ""
    if observation.comparator == "gte":
        marks += "以上"
    elif observation.comparator == "lte":
        marks += "以下"
    if observation.measured_year and observation.measured_year != observation.fiscal_year:
        marks += f"（{wareki.era_label(observation.measured_year)}）"
    if observation.is_provisional:
        marks += "※"
    return marks


def cell_text(observation, decimals):
    """A value as the committee tables print it: 2,325（H24）, 7,000以上, 6,766※, 0.8, ―."""
    if observation is None:
        return ""
    if observation.value is None:
        return "―"
    return observation_figure(observation, decimals) + cell_marks(observation)


def _cell(values, baseline, year, kind, baseline_here):
    """The value of a year's row; the baseline column shows the baseline in the row the document prints it in."""
    shown = values.get((year, kind))
    if shown is None and baseline_here and baseline is not None and baseline.fiscal_year == year:
        shown = baseline
    return shown


@dataclass
class SheetKpi:
    row: KpiRow
    targets: list  # one cell text per year column
    actuals: list
    baseline: str
    notes: list = field(default_factory=list)
    target_values: list = field(default_factory=list)  # the Observation (or None) behind each target cell
    actual_values: list = field(default_factory=list)


@dataclass
class PolicySheet:
    policy: Goal
    measures: list
    evaluation: object
    years: list  # fiscal years, the first being the baseline column when the plan starts with one
    year_labels: list
    kpis: list

    @property
    def footnotes(self):
        notes = []
        for kpi in self.kpis:
            if kpi.row.indicator.notes:
                notes.append(f"{kpi.row.indicator.name}: {kpi.row.indicator.notes}")
            notes += kpi.notes
        if any("※" in cell for kpi in self.kpis for cell in kpi.actuals):
            notes.append("※は概算値")
        return notes


def plan_years(plan, indicators):
    """The year columns: from the earliest baseline (or the plan's start) to the plan's end."""
    start = plan.start_fiscal_year
    for indicator in indicators:
        for observation in indicator.observations.all():
            if observation.kind == Observation.Kind.BASELINE:
                start = min(start, observation.fiscal_year)
    return list(range(start, plan.end_fiscal_year + 1))


def policies_of(goals, goals_with_kpis):
    """The policies (施策) of a plan's goal tree that the committee evaluates: the second level, in document order,
    where the policy or one of its measures carries a KPI (a leading project's policies carry none: they pull
    the basic goals' measures forward, seeds/001 line 222)."""
    top_level = {goal.pk for goal in goals if goal.parent_id is None}
    measured = set(goals_with_kpis) | {goal.parent_id for goal in goals if goal.pk in goals_with_kpis}
    return [
        goal
        for goal in sorted(goals, key=lambda g: (g.order, g.pk))
        if goal.parent_id in top_level and goal.pk in measured
    ]


def policy_sheets(review, *, policies=None, published_only=False, drafts_for=None):
    """One sheet per policy (施策) of the review's plan, in document order, in a fixed number of queries."""
    plan = review.plan
    goals = list(Goal.objects.filter(plan=plan).order_by("order", "pk"))
    children = {}
    for goal in goals:
        children.setdefault(goal.parent_id, []).append(goal)
    placements = list(
        IndicatorPlacement.objects.filter(goal__plan=plan)
        .order_by("order", "pk")
        .prefetch_related(
            Prefetch(
                "indicator",
                queryset=Indicator.objects.with_series(
                    published_only=published_only, drafts_for=drafts_for
                ).select_related("department"),
            )
        )
    )
    by_goal = {}
    for placement in placements:
        by_goal.setdefault(placement.goal_id, []).append(placement)
    evaluations = {evaluation.policy_id: evaluation for evaluation in review.evaluations.all()}
    years = plan_years(plan, [p.indicator for p in placements])
    labels = [wareki.era_label(year, fiscal=True) for year in years]
    # A sheet per goal that has an evaluation (or, when none has, per 施策: the second level), preceded by
    # the top-level goals that carry their own indicators (the 数値目標 page of the committee material).
    top_level = {goal.pk for goal in goals if goal.parent_id is None}
    policies_ = [g for g in goals if g.pk in evaluations] or policies_of(goals, by_goal)
    headline = [g for g in goals if g.pk in top_level and g.pk in by_goal and g not in policies_]
    chosen = sorted(headline + policies_, key=lambda g: (g.order, g.pk))
    if policies is not None:
        wanted = {p.pk for p in policies}
        chosen = [g for g in chosen if g.pk in wanted]
    sheets = []
    for policy in chosen:
        kpis = []
        for placement in by_goal.get(policy.pk, []) + [
            p for c in children.get(policy.pk, []) for p in by_goal.get(c.pk, [])
        ]:
            indicator = placement.indicator
            values = {(o.fiscal_year, o.kind): o for o in indicator.observations.all()}
            judgement = judge_indicator(indicator)
            baseline = next((o for o in indicator.observations.all() if o.kind == Observation.Kind.BASELINE), None)
            in_target_row = indicator.baseline_row == Indicator.BaselineRow.TARGET
            target_values = [_cell(values, baseline, year, "target", in_target_row) for year in years]
            actual_values = [_cell(values, baseline, year, "actual", not in_target_row) for year in years]
            kpis.append(
                SheetKpi(
                    row=KpiRow(indicator, placement, judgement),
                    targets=[cell_text(o, indicator.decimals) for o in target_values],
                    actuals=[cell_text(o, indicator.decimals) for o in actual_values],
                    baseline=cell_text(baseline, indicator.decimals),
                    notes=[o.note for o in indicator.observations.all() if o.note],
                    target_values=target_values,
                    actual_values=actual_values,
                )
            )
        sheets.append(
            PolicySheet(
                policy=policy,
                measures=[] if policy.pk in top_level else children.get(policy.pk, []),
                evaluation=evaluations.get(policy.pk),
                years=years,
                year_labels=labels,
                kpis=kpis,
            )
        )
    return sheets
