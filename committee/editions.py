"""Annual editions (年度版): freeze what the committee saw when it closed a review, and compare two editions.

`snapshot()` reads the database once; `compare()` is a plain function of two snapshots.
"""

from dataclasses import dataclass

from django.utils import timezone

from kpi import progress
from kpi.opendata import plain_number

from .models import Edition
from .sheets import policy_sheets


def snapshot(review):
    """The review's sheets as plain data: per indicator its values by year and kind, status, rate; opinions."""
    indicators = {}
    evaluations = {}
    for sheet in policy_sheets(review):
        evaluation = sheet.evaluation
        evaluations[sheet.policy.code] = {
            "policy": str(sheet.policy),
            "direction_text": evaluation.direction_text if evaluation else "",
            "issues_text": evaluation.issues_text if evaluation else "",
            "committee_opinion": evaluation.committee_opinion if evaluation else "",
            "rating": evaluation.rating if evaluation else "",
        }
        for kpi in sheet.kpis:
            indicator = kpi.row.indicator
            judgement = kpi.row.judgement
            indicators[indicator.code] = {
                "name": indicator.name,
                "unit": indicator.unit,
                "policy": sheet.policy.code,
                "status": judgement.status,
                "status_word": judgement.word,
                "fiscal_year": judgement.fiscal_year,
                "rate": None if judgement.rate_percent is None else str(judgement.rate_percent),
                "values": {
                    f"{o.fiscal_year}:{o.kind}": {
                        "value": plain_number(o.value),
                        "measured_year": o.measured_year,
                        "provisional": o.is_provisional,
                        "missing_reason": o.missing_reason,
                    }
                    for o in indicator.observations.all()
                },
            }
    return {
        "review": str(review),
        "fiscal_year": review.fiscal_year,
        "rules_version": progress.RULES_VERSION,
        "indicators": indicators,
        "evaluations": evaluations,
    }


def freeze(review):
    """Create the review's edition if it has none (a review closed before the portal is frozen on first use)."""
    edition = Edition.objects.filter(review=review).first()
    if edition is None and review.is_closed:
        edition = Edition.objects.create(
            review=review, frozen_at=timezone.now(), snapshot=snapshot(review), rules_version=progress.RULES_VERSION
        )
    return edition


@dataclass(frozen=True)
class ValueChange:
    code: str
    name: str
    key: str  # "2018:actual"
    old: dict | None
    new: dict | None


@dataclass(frozen=True)
class StatusChange:
    code: str
    name: str
    old: str
    new: str
    # True when the two snapshots were judged by different rule versions and none of the indicator's values
    # changed: the status moved because the rules changed, not the data.
    by_rules: bool = False


def rules_version(snapshot):
    """The rules version that judged a snapshot; snapshots from before versions were recorded are version 1."""
    return snapshot.get("rules_version") or "1"


def compare(old, new):
    """(value changes, status changes) between two snapshots: revised values, and statuses that moved.

    When the snapshots were judged by different versions of the progress rules, a status change of an indicator
    whose values did not change is marked `by_rules`: pages say so instead of showing it as a change in the data.
    """
    values, statuses = [], []
    rules_differ = rules_version(old) != rules_version(new)
    for code in sorted(set(old["indicators"]) | set(new["indicators"])):
        before = old["indicators"].get(code, {"values": {}, "status_word": "", "name": ""})
        after = new["indicators"].get(code, {"values": {}, "status_word": "", "name": ""})
        name = after.get("name") or before.get("name")
        value_changed = False
        for key in sorted(set(before["values"]) | set(after["values"])):
            if before["values"].get(key) != after["values"].get(key):
                value_changed = True
                values.append(ValueChange(code, name, key, before["values"].get(key), after["values"].get(key)))
        if before.get("status_word") != after.get("status_word"):
            statuses.append(
                StatusChange(
                    code,
                    name,
                    before.get("status_word", ""),
                    after.get("status_word", ""),
                    by_rules=rules_differ and not value_changed,
                )
            )
    return values, statuses
