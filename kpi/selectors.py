"""Reads of indicators and their series that pages, exports and the progress judgement share."""

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from operator import itemgetter

from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    FilteredRelation,
    Func,
    Prefetch,
    Q,
    TextField,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Cast

from vision.models import Goal, Passage

from . import judgements, presentation, progress
from .models import PUBLIC_ROWS, Indicator, IndicatorPlacement, Observation, PublicJudgement


def series_for(indicator) -> progress.Series:
    """The indicator's series in the shape `kpi.progress` judges, targets with their revision history.

    Uses the prefetched observations and revisions of `Indicator.objects.with_series()`.
    """

    def revisions(observation):
        return tuple((r.previous_value, r.revised_value, r.revised_on) for r in observation.revisions.all())

    return build_series(indicator, indicator.observations.all(), revisions)


def build_series(indicator, observations, revisions) -> progress.Series:
    """The series of `indicator` (its direction and outlook) from its values: anything with an Observation's
    fields; `revisions(observation)` gives a target's (previous_value, revised_value, revised_on) tuples."""
    baseline = baseline_year = None
    targets, actuals = {}, {}
    for observation in observations:
        value = progress.Value(
            value=observation.value,
            comparator=observation.comparator,
            provisional=observation.is_provisional,
            missing_reason=observation.missing_reason,
            measured_year=observation.measured_year,
            printed=observation.printed,
        )
        if observation.kind == Observation.Kind.BASELINE:
            baseline, baseline_year = value, observation.fiscal_year
        elif observation.kind == Observation.Kind.TARGET:
            targets[observation.fiscal_year] = progress.Value(
                observation.value, comparator=observation.comparator, revisions=revisions(observation)
            )
        else:
            actuals[observation.fiscal_year] = value
    return progress.Series(
        direction=indicator.direction,
        baseline=baseline,
        baseline_year=baseline_year,
        targets=targets,
        actuals=actuals,
        final_outlook=indicator.final_outlook,
        final_outlook_source=indicator.final_outlook_source,
    )


def judge_indicator(indicator, fiscal_year=None) -> progress.Judgement:
    return progress.judge(series_for(indicator), fiscal_year, scheme=indicator.plan.progress_scheme)


def goal_paths_by_plan(plan_ids):
    """plan id → (goal id → path) for the given plans, in one query."""
    goals = {
        goal.pk: goal
        for goal in Goal.objects.filter(plan_id__in=plan_ids).only("pk", "plan_id", "parent_id", "number", "title")
    }
    paths = {}
    by_plan = {plan_id: {} for plan_id in plan_ids}

    def path(goal):
        if goal.pk not in paths:
            parent = goals.get(goal.parent_id)
            paths[goal.pk] = (f"{path(parent)} > " if parent else "") + str(goal)
        return paths[goal.pk]

    for goal in goals.values():
        by_plan[goal.plan_id][goal.pk] = path(goal)
    return by_plan


def _original_placement(indicator):
    """The placement prefetched by IndicatorQuerySet.with_original_placement(), or None."""
    return indicator.original_placements[0] if indicator.original_placements else None


OPEN_DATA_CHUNK = 500  # indicators read (with their values) per round trip while a download streams

# Observation fields as the open-data columns name them; a correction waiting for publication shows the
# published_… copy of each (PUBLIC_FIGURES) to the public.
_OPEN_DATA_FIGURES = {
    "value": "value",
    "comparator": "comparator",
    "measured_year": "measured_year",
    "provisional": "is_provisional",
    "missing_reason": "missing_reason",
    "printed": "printed",
    "note": "note",
}
OPEN_DATA_HEAD = ("area", "plan_id", "plan", "goal_path", "indicator_id", "indicator", "unit")
OPEN_DATA_TAIL = ("fiscal_year", "kind", *_OPEN_DATA_FIGURES)


def open_data_series(indicators=None, *, published_only=True):
    """The long open-data table, one indicator at a time: (head, values) pairs in area, plan and indicator code
    order, where head holds the indicator's columns (OPEN_DATA_HEAD) and values its series values in year and kind
    order, each a tuple of the value columns (OPEN_DATA_TAIL). Indicators without a value are left out. The value is
    a Decimal, or on PostgreSQL already its plain text (kpi.opendata.plain_number), which the writers take as it is.

    A generator reading plain values (no model instances): the indicators OPEN_DATA_CHUNK at a time, then that
    chunk's values, placements and goal paths, so a download of a million values holds one chunk in memory, and
    the indicator's columns are read (and written, kpi.opendata) once for all its values.
    """
    if indicators is None:
        indicators = Indicator.objects.all()
    # The goal the indicator is placed under (not restated, at most one: a constraint), joined to the indicator.
    indicators = (
        indicators.order_by("area__slug", "plan__order", "plan__pk", "code")
        .annotate(home=FilteredRelation("placements", condition=Q(placements__is_restated=False)))
        .values_list(
            "pk", "area__slug", "plan_id", "plan__slug", "plan__title", "code", "name", "unit", "home__goal_id"
        )
    )
    paths = {}  # plan id → its goal paths, for the plans of the chunk at hand (a plan's indicators are together)
    chunk = []
    for indicator in indicators.iterator(chunk_size=OPEN_DATA_CHUNK):
        chunk.append(indicator)
        if len(chunk) == OPEN_DATA_CHUNK:
            yield from _open_data_chunk(chunk, paths, published_only)
            chunk = []
    yield from _open_data_chunk(chunk, paths, published_only)


def open_data_rows(indicators=None, *, published_only=True):
    """One dict per series value (the columns of kpi.opendata.FIELDNAMES), in the order of open_data_series; the
    value a Decimal on every database (open_data_series gives PostgreSQL's as the text the CSV writes)."""
    names = OPEN_DATA_HEAD + OPEN_DATA_TAIL
    for head, values in open_data_series(indicators, published_only=published_only):
        for tail in values:
            row = dict(zip(names, head + tail, strict=True))
            if isinstance(row["value"], str):
                row["value"] = Decimal(row["value"])
            yield row


def _open_data_chunk(indicators, paths, published_only):
    if not indicators:
        return
    plans = {indicator[2] for indicator in indicators}
    for plan_id in set(paths) - plans:
        del paths[plan_id]
    if plans - set(paths):
        paths.update(goal_paths_by_plan(plans - set(paths)))
    observations = Observation.objects.filter(indicator_id__in=[indicator[0] for indicator in indicators])
    figures = {name: F(name) for name in _OPEN_DATA_FIGURES.values()}
    if published_only:
        observations = observations.filter(PUBLIC_ROWS)
        # The published copy while a correction waits (chosen by the database: half the columns to read).
        figures = {
            name: Case(When(pending_correction=True, then=F(f"published_{name}")), default=F(name)) for name in figures
        }
    if connection.vendor == "postgresql":
        # The value as plain_number writes it (no trailing zeros; numeric's text never has an exponent), as text:
        # converting a million Decimals and formatting them again is a third of the time of a download.
        figures["value"] = Cast(Func(figures["value"], function="TRIM_SCALE"), output_field=TextField())
    observations = observations.annotate(**{f"open_{name}": expression for name, expression in figures.items()})
    figures = [f"open_{name}" for name in figures]
    series = {}
    rows = observations.order_by("indicator_id", "fiscal_year", "kind").values_list(
        "indicator_id", "fiscal_year", "kind", *figures
    )
    for pk, values in groupby(rows, key=itemgetter(0)):
        series[pk] = [row[1:] for row in values]
    for pk, area, plan_id, plan_slug, plan_title, code, name, unit, goal_id in indicators:
        values_of = series.get(pk)
        if values_of:
            goal_path = paths[plan_id].get(goal_id, "") if goal_id else ""
            yield (area, plan_slug, plan_title, goal_path, code, name, unit), values_of


@dataclass
class KpiRow:
    """An indicator as a list shows it: where it is placed, its latest figures and its judgement."""

    indicator: Indicator
    placement: IndicatorPlacement | None
    judgement: progress.Judgement
    stored: PublicJudgement | None = None  # the stored public judgement the row was read from (kpi.judgements)

    @property
    def latest_actual(self):
        if self.stored is not None:
            return self.stored.latest_actual
        year = self.judgement.fiscal_year
        return next(
            (
                o
                for o in self.indicator.observations.all()
                if o.kind == Observation.Kind.ACTUAL and o.fiscal_year == year
            ),
            None,
        )

    @property
    def final_target(self):
        if self.stored is not None:
            return self.stored.final_target
        return judgements.final_target(self.indicator.observations.all())

    @property
    def latest_measured(self):
        """The latest measured value of the indicator (an actual or the baseline), or None."""
        if self.stored is not None:
            return self.stored.latest_measured
        return judgements.latest_measured(self.indicator.observations.all())

    @property
    def is_restated(self):
        return bool(self.placement and self.placement.is_restated)


@dataclass
class GoalNode:
    goal: Goal
    depth: int
    level_name: str
    kpis: list = field(default_factory=list)
    children: list = field(default_factory=list)
    passages: list = field(default_factory=list)  # what the source documents say about this goal

    def all_kpis(self):
        yield from self.kpis
        for child in self.children:
            yield from child.all_kpis()


def plan_tree(plan, *, root=None, published_only=True):
    """The plan's goal tree with each goal's KPIs judged, in three queries whatever the number of indicators.

    The public tree (`published_only`) reads the stored judgements (kpi.judgements); the staff's tree judges live.
    `root` limits the tree to one goal and its descendants.
    """
    goals = list(Goal.objects.filter(plan=plan).order_by("order", "pk"))
    for goal in goals:
        goal.plan = plan  # each goal's link and level name read it
    placements = list(IndicatorPlacement.objects.filter(goal__plan=plan).order_by("order", "pk"))
    # The plan's indicators by plan, not by a list of ids: a list of a thousand ids is too deep for SQLite's
    # parser (and a long message to PostgreSQL); a placement is always in its indicator's plan (its clean()).
    indicators = Indicator.objects.filter(plan=plan)
    if published_only:
        indicators = indicators.select_related("public_judgement")
    else:
        indicators = indicators.with_series(published_only=False)
    indicators = {indicator.pk: indicator for indicator in indicators}
    for indicator in indicators.values():
        indicator.plan = plan
    judged = _judged(list(indicators.values()), published_only)
    for placement in placements:
        placement.indicator = indicators[placement.indicator_id]
    nodes = {}
    roots = []
    by_id = {goal.pk: goal for goal in goals}
    for goal in goals:
        depth, parent = 0, by_id.get(goal.parent_id)
        while parent is not None:
            depth, parent = depth + 1, by_id.get(parent.parent_id)
        nodes[goal.pk] = GoalNode(goal, depth, goal.level_label or plan.level_name(depth))
    for goal in goals:
        node = nodes[goal.pk]
        if goal.parent_id in nodes:
            nodes[goal.parent_id].children.append(node)
        else:
            roots.append(node)
    for placement in placements:
        nodes[placement.goal_id].kpis.append(KpiRow(placement.indicator, placement, *judged[placement.indicator_id]))
    if root is not None:
        return [nodes[root.pk]]
    return roots


def status_counts(rows):
    """How many indicators are in each status (each indicator once, however often it is placed)."""
    counts = {status: 0 for status in progress.STATUS_WORDS}
    seen = set()
    for row in rows:
        if row.indicator.pk in seen:
            continue
        seen.add(row.indicator.pk)
        counts[row.judgement.status] += 1
    return counts


def _stored_judgement(indicator):
    """The indicator's stored public judgement (select_related), or None when it has none of the current rules."""
    try:
        stored = indicator.public_judgement
    except PublicJudgement.DoesNotExist:
        return None
    return stored if stored.is_current else None


def _judged(indicators, published_only):
    """indicator id → (judgement, stored judgement or None).

    The public judgement is read from the stored rows (select_related("public_judgement")); an indicator without
    one of the current rules (written around the signals and not yet refreshed) is judged live over its published
    series, read for those indicators only. Staff screens (`published_only=False`) have their series prefetched.
    """
    judged = {}
    if published_only:
        live = []
        for indicator in indicators:
            stored = _stored_judgement(indicator)
            if stored is None:
                live.append(indicator)
            else:
                judged[indicator.pk] = (stored.as_judgement(), stored)
        if live:
            prefetch_related_objects(live, Indicator.series_prefetch())
        indicators = live
    for indicator in indicators:
        judged[indicator.pk] = (judge_indicator(indicator), None)
    return judged


def indicator_rows(indicators, *, published_only=True, drafts_for=None, placements=True):
    """Judged rows for a queryset of indicators, each with its original placement (unless not `placements`).

    The public rows read the stored judgements (kpi.judgements) in one query with the indicators; rows that show
    drafts (`published_only=False`, `drafts_for`) judge live over the series (see with_series).
    """
    stored = published_only and drafts_for is None
    if stored:
        indicators = indicators.select_related("plan", "public_judgement")
    else:
        indicators = indicators.with_series(published_only=published_only, drafts_for=drafts_for)
    if placements:
        indicators = indicators.with_original_placement()
    indicators = list(indicators)
    judged = _judged(indicators, stored)
    return [
        KpiRow(indicator, _original_placement(indicator) if placements else None, *judged[indicator.pk])
        for indicator in indicators
    ]


@dataclass(frozen=True)
class OutstandingActual:
    indicator: Indicator
    fiscal_year: int
    due: object
    state: str


def outstanding_actuals(today, indicators=None):
    """Actuals that are missing and due soon or overdue, for indicators with a due date (two queries)."""
    from . import reminders

    if indicators is None:
        indicators = Indicator.objects.all()
    indicators = (
        indicators.filter(actual_due_month__isnull=False)
        .select_related("plan", "department__municipality")
        .prefetch_related(
            Prefetch("observations", queryset=Observation.objects.filter(kind="actual"), to_attr="actual_values")
        )
        .order_by("actual_due_month", "actual_due_day", "code")
    )
    items = []
    for indicator in indicators:
        entered = {o.fiscal_year for o in indicator.actual_values}
        for year in range(indicator.plan.start_fiscal_year, indicator.plan.end_fiscal_year + 1):
            due = reminders.due_date(year, indicator.actual_due_month, indicator.actual_due_day)
            state = reminders.reminder_state(due, today, year in entered)
            if state:
                items.append(OutstandingActual(indicator, year, due, state))
    return items


def series_table(indicator):
    """Rows of (fiscal year, baseline, target, actual) for the accessible table under the chart."""
    by_year = {}
    for observation in indicator.observations.all():
        by_year.setdefault(observation.fiscal_year, {})[observation.kind] = observation
    return [
        (
            year,
            presentation.fiscal_year_label(year),
            cells.get("baseline"),
            cells.get("target"),
            cells.get("actual"),
        )
        for year, cells in sorted(by_year.items())
    ]


def attach_passages(nodes):
    """Give each node the source passages written about its goal (or assessing it, from a later plan): one query."""
    by_goal = {node.goal.pk: node for node in nodes}
    for passage in Passage.objects.for_goal_pages(list(by_goal)):
        for goal_id in dict.fromkeys((passage.goal_id, passage.assessed_goal_id)):
            if goal_id in by_goal:
                by_goal[goal_id].passages.append(passage)
    return nodes


@dataclass(frozen=True)
class Standing:
    """One indicator of the newest plan with the latest measured value of its measure, whichever plan reported it."""

    indicator: Indicator
    measure: object  # the kpi.Measure linking it to earlier plans, or None
    actual: object  # the latest measured value (an actual or a baseline), of this or a linked indicator, or None
    reported_by: Indicator | None  # the indicator whose series holds that actual
    final_target: object  # the target of the indicator's last year with one (Observation or models.Figure), or None


def plan_status_counts(plans):
    """plan id → (how many of its indicators are in each status, how many indicators it has), from the stored
    judgements in one query; indicators without a current stored judgement are judged live (two queries more)."""
    counts = {plan.pk: dict.fromkeys(progress.STATUS_WORDS, 0) for plan in plans}
    totals = dict.fromkeys(counts, 0)
    stale = False
    groups = (
        Indicator.objects.filter(plan__in=plans)
        .values_list("plan_id", "public_judgement__status", "public_judgement__rules_version")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for plan_id, status, version, n in groups:
        totals[plan_id] += n
        if version == progress.RULES_VERSION:
            counts[plan_id][status] += n
        else:
            stale = True
    if stale:
        current = Indicator.objects.filter(plan__in=plans, public_judgement__rules_version=progress.RULES_VERSION)
        for row in indicator_rows(Indicator.objects.filter(plan__in=plans).exclude(pk__in=current.values("pk"))):
            counts[row.indicator.plan_id][row.judgement.status] += 1
    return {plan_id: (counts[plan_id], totals[plan_id]) for plan_id in counts}


def area_standing(plans, counts):
    """How the area is doing: for each indicator of the newest plan, the latest measured value (actual or baseline).

    `counts` are plan_status_counts(plans): the newest plan with indicators is the one shown. An indicator linked
    to indicators of earlier plans (kpi.Measure) takes the latest actual of any of them, so the newest plan's KPIs
    are not all 未測定 before it reports. Two queries (the plan's indicators with their stored judgements, then the
    links of its indicators' measures with every linked indicator of `plans` and its stored judgement).
    """
    from .models import Measure

    candidates = [plan for plan in plans if counts[plan.pk][1]]
    if not candidates:
        return None, []
    newest = max(candidates, key=lambda plan: (plan.start_fiscal_year, plan.order))
    rows = indicator_rows(Indicator.objects.filter(plan=newest), placements=False)
    by_indicator = {row.indicator.pk: row for row in rows}
    links = list(
        Measure.indicators.through.objects.filter(measure__indicators__plan=newest, indicator__plan__in=plans)
        .select_related("measure", "indicator__plan", "indicator__public_judgement")
        .distinct()
    )
    others = {link.indicator_id: link.indicator for link in links if link.indicator_id not in by_indicator}
    judged = _judged(list(others.values()), True)
    for pk, indicator in others.items():
        by_indicator[pk] = KpiRow(indicator, None, *judged[pk])
    measure_of, members = {}, {}
    for link in links:
        measure_of[link.indicator_id] = link.measure
        members.setdefault(link.measure_id, []).append(link.indicator_id)
    standings = []
    for row in rows:
        measure = measure_of.get(row.indicator.pk)
        series = [by_indicator[pk] for pk in members.get(measure.pk, [])] if measure else [row]
        latest = None
        for other in series:
            measured = other.latest_measured
            if measured is None:
                continue
            # a baseline is a measured value too (the second plan's 494 measures 平成31年); on a tie the actual,
            # as the earlier plan reported it, is shown
            key = (*judgements.measured_order(measured), other.indicator.plan.start_fiscal_year)
            if latest is None or key > latest[0]:
                latest = (key, measured, other.indicator)
        standings.append(
            Standing(
                row.indicator,
                measure,
                latest[1] if latest else None,
                latest[2] if latest else None,
                row.final_target,
            )
        )
    return newest, standings
