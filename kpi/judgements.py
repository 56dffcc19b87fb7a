"""Each indicator's public judgement, stored (kpi.PublicJudgement): what the public lists show of it.

Judging an indicator means reading its whole series; the home page of a national-scale area would judge ~1,900
indicators over ~40,000 values on every render. So the judgement of the published values (and the figures the
lists print beside it: the judged actual, the final target, the latest measured value) is written when those
values change, and the public pages read it in one query:

- every save and delete of an Observation, a TargetRevision, an Indicator or a Plan refreshes the indicators it
  concerns, in the same transaction (signals connected in kpi.apps);
- a bulk job wraps its writes in `batch()`, so each indicator it touched is judged once, at the end;
- code that writes around the signals (`bulk_create`, `QuerySet.update`, COPY) calls `refresh()` itself;
- after every migrate, the indicators with no stored judgement or one of another RULES_VERSION are judged
  (`manage.py rebuild_judgements` judges them all).

Only the public judgement is stored: staff screens that show drafts judge live (kpi.selectors).
"""

import threading
from collections import namedtuple
from contextlib import contextmanager

from django.db import connections, transaction
from django.db.models import QuerySet

from . import progress

CHUNK = 500  # indicators judged per round trip
FIELDS = (
    "rules_version",
    "status",
    "fiscal_year",
    "rate",
    "compared_with",
    "compared_with_kind",
    "compared_comparator",
    "rate_basis",
    "reason",
    "grade",
    "scheme",
    "formula",
    "actual_value",
    "actual_comparator",
    "actual_measured_year",
    "actual_is_provisional",
    "actual_missing_reason",
    "actual_printed",
    "target_year",
    "target_value",
    "target_comparator",
    "target_printed",
    "measured_kind",
    "measured_fiscal_year",
    "measured_value",
    "measured_measured_year",
    "measured_is_provisional",
    "measured_printed",
)


def measured_order(observation):
    """How recent a measured value is: by the year it measures, then the year it was reported; on a tie the actual
    (as the plan reported it) before the baseline."""
    return (observation.measured_year or observation.fiscal_year, observation.fiscal_year, observation.kind == "actual")


def latest_measured(observations):
    """The latest measured value among an indicator's values (an actual or the baseline with a value), by
    measured_order."""
    measured = [o for o in observations if o.kind != "target" and o.value is not None]
    return max(measured, key=measured_order, default=None)


def final_target(observations):
    """The target of the last fiscal year with one (with a value or not), as the lists show it."""
    targets = [o for o in observations if o.kind == "target"]
    return max(targets, key=lambda o: o.fiscal_year, default=None)


# An Observation's fields as a list reads them, as the public sees them (a pending correction shows the published
# figure): what build_series, final_target and latest_measured need, without a model instance per value.
Value = namedtuple("Value", "pk kind fiscal_year value comparator measured_year is_provisional missing_reason printed")
_FIGURES = ("value", "comparator", "measured_year", "is_provisional", "missing_reason", "printed")


def _published_values(indicator_ids, using):
    """indicator id → its published values (Value), in two queries (values, then target revisions)."""
    from .models import PUBLIC_ROWS, Observation, TargetRevision

    rows = (
        Observation.objects.using(using)
        .filter(indicator_id__in=indicator_ids)
        .filter(PUBLIC_ROWS)
        .order_by("indicator_id", "fiscal_year", "kind")
        .values_list(
            "indicator_id",
            "pk",
            "kind",
            "fiscal_year",
            "pending_correction",
            *_FIGURES,
            *(f"published_{name}" for name in _FIGURES),
        )
    )
    values = {}
    count = len(_FIGURES)
    for row in rows:
        figures = row[5 + count :] if row[4] else row[5 : 5 + count]
        values.setdefault(row[0], []).append(Value(row[1], row[2], row[3], *figures))
    revisions = {}
    for observation_id, previous, revised, revised_on in (
        TargetRevision.objects.using(using)
        .filter(observation__indicator_id__in=indicator_ids)
        .values_list("observation_id", "previous_value", "revised_value", "revised_on")
    ):
        revisions.setdefault(observation_id, []).append((previous, revised, revised_on))
    return values, revisions


def stored_row(indicator, values, revisions):
    """The PublicJudgement of an indicator (with its plan) from its published `values` and the target `revisions`
    (observation id → (previous_value, revised_value, revised_on) tuples)."""
    from .models import PublicJudgement
    from .selectors import build_series

    series = build_series(indicator, values, lambda value: tuple(revisions.get(value.pk, ())))
    judgement = progress.judge(series, scheme=indicator.plan.progress_scheme)
    actual = judgement.actual if judgement.fiscal_year is not None else None
    target = final_target(values)
    measured = latest_measured(values)
    return PublicJudgement(
        indicator_id=indicator.pk,
        rules_version=progress.RULES_VERSION,
        status=judgement.status,
        fiscal_year=judgement.fiscal_year,
        rate=judgement.rate,
        compared_with=judgement.compared_with,
        compared_with_kind=judgement.compared_with_kind,
        compared_comparator=judgement.compared_comparator,
        rate_basis=judgement.rate_basis,
        reason=judgement.reason,
        grade=judgement.grade,
        scheme=judgement.scheme,
        formula=judgement.formula,
        actual_value=actual.value if actual else None,
        actual_comparator=actual.comparator if actual else "",
        actual_measured_year=actual.measured_year if actual else None,
        actual_is_provisional=actual.provisional if actual else False,
        actual_missing_reason=actual.missing_reason if actual else "",
        actual_printed=actual.printed if actual else "",
        target_year=target.fiscal_year if target else None,
        target_value=target.value if target else None,
        target_comparator=target.comparator if target else "",
        target_printed=target.printed if target else "",
        measured_kind=measured.kind if measured else "",
        measured_fiscal_year=measured.fiscal_year if measured else None,
        measured_value=measured.value if measured else None,
        measured_measured_year=measured.measured_year if measured else None,
        measured_is_provisional=measured.is_provisional if measured else False,
        measured_printed=measured.printed if measured else "",
    )


def refresh(indicator_ids, using="default"):
    """Judge these indicators again from their published values and store the results; ids of indicators that no
    longer exist are passed over. Four queries per CHUNK indicators. Returns how many were stored."""
    from .models import Indicator, PublicJudgement

    ids = sorted(set(indicator_ids))
    stored = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with transaction.atomic(using=using):
            # The indicators are locked (in id order) before their values are read: a transaction that changed
            # another value of one of them and judged it meanwhile has committed by then, so the judgement stored
            # last is made from every committed value, not from a snapshot taken before the other write.
            indicators = list(
                Indicator.objects.using(using)
                .filter(pk__in=chunk)
                .order_by("pk")
                .select_related("plan")
                .select_for_update(of=("self",))
                .only("pk", "direction", "final_outlook", "final_outlook_source", "plan__progress_scheme")
            )
            values, revisions = _published_values(chunk, using)
            rows = [stored_row(indicator, values.get(indicator.pk, []), revisions) for indicator in indicators]
            PublicJudgement.objects.using(using).bulk_create(
                rows, update_conflicts=True, unique_fields=["indicator"], update_fields=list(FIELDS)
            )
        stored += len(rows)
    return stored


def refresh_all(indicators=None, using="default"):
    """Judge every indicator (or those of the `indicators` queryset) again. Returns how many were stored."""
    from .models import Indicator

    if indicators is None:
        indicators = Indicator.objects.using(using).all()
    return refresh(indicators.values_list("pk", flat=True), using=using)


def refresh_stale(using="default"):
    """Judge the indicators with no stored judgement, or one judged by other rules (RULES_VERSION)."""
    from .models import Indicator

    stale = Indicator.objects.using(using).exclude(public_judgement__rules_version=progress.RULES_VERSION)
    return refresh(stale.values_list("pk", flat=True), using=using)


_batch = threading.local()


@contextmanager
def batch():
    """Within it, the indicators that writes touch are collected and judged once, at the end (imports, loaders)."""
    depth = getattr(_batch, "depth", 0)
    if depth == 0:
        _batch.pending = {}
    _batch.depth = depth + 1
    try:
        yield
    except BaseException:
        if depth == 0:
            _batch.pending = {}  # the writes are being rolled back: nothing to judge again
        raise
    finally:
        _batch.depth = depth
    if depth == 0:
        pending, _batch.pending = _batch.pending, {}
        for using, ids in pending.items():
            refresh(ids, using=using)


def touch(indicator_ids, using="default"):
    """These indicators' published values may have changed: judge them now, or at the end of the batch."""
    if getattr(_batch, "depth", 0):
        _batch.pending.setdefault(using, set()).update(indicator_ids)
        return
    refresh(indicator_ids, using=using)


def _deleted_with_its_indicator(origin, models):
    """Whether a delete began elsewhere than at these models (an indicator, a plan or an area taking its values
    with it): then there is nothing left to judge, and a row stored now would outlive its indicator's delete."""
    if origin is None:
        return False
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return not issubclass(model, models)


def on_observation_change(sender, instance, using, **kwargs):
    """post_save/post_delete of an Observation."""
    from .models import Observation, TargetRevision

    if _deleted_with_its_indicator(kwargs.get("origin"), (Observation, TargetRevision)):
        return
    touch([instance.indicator_id], using=using)


def on_revision_change(sender, instance, using, **kwargs):
    """post_save/post_delete of a TargetRevision."""
    from .models import Observation, TargetRevision

    if _deleted_with_its_indicator(kwargs.get("origin"), (TargetRevision,)):
        return
    indicator_id = (
        Observation.objects.using(using).filter(pk=instance.observation_id).values_list("indicator_id", flat=True)
    ).first()
    if indicator_id is not None:
        touch([indicator_id], using=using)


def on_indicator_save(sender, instance, using, **kwargs):
    """post_save of an Indicator: its direction, outlook or plan (whose scheme judges it) may have changed."""
    touch([instance.pk], using=using)


def on_plan_save(sender, instance, using, update_fields=None, **kwargs):
    """post_save of a Plan: its progress scheme grades each of its indicators."""
    from .models import Indicator

    if update_fields is not None and "progress_scheme" not in update_fields:
        return
    touch(Indicator.objects.using(using).filter(plan_id=instance.pk).values_list("pk", flat=True), using=using)


def after_migrate(sender, using, **kwargs):
    """post_migrate: existing installs get their stored judgements, and a new RULES_VERSION judges them all again."""
    from .models import PublicJudgement

    connection = connections[using]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    if PublicJudgement._meta.db_table in tables:
        refresh_stale(using=using)
