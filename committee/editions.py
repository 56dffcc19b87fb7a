"""Annual editions (年度版): freeze what the committee saw when it closed a review, and compare two editions.

`snapshot()` reads the database once; `compare()` is a plain function of two snapshots.
"""

from dataclasses import dataclass

from django.utils import timezone

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
        "indicators": indicators,
        "evaluations": evaluations,
    }


def freeze(review):
    """Create the review's edition if it has none (a review closed before the portal is frozen on first use)."""
    edition = Edition.objects.filter(review=review).first()
    if edition is None and review.is_closed:
        edition = Edition.objects.create(review=review, frozen_at=timezone.now(), snapshot=snapshot(review))
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


def compare(old, new):
    """(value changes, status changes) between two snapshots: revised values, and statuses that moved."""
    values, statuses = [], []
    for code in sorted(set(old["indicators"]) | set(new["indicators"])):
        before = old["indicators"].get(code, {"values": {}, "status_word": "", "name": ""})
        after = new["indicators"].get(code, {"values": {}, "status_word": "", "name": ""})
        name = after.get("name") or before.get("name")
        for key in sorted(set(before["values"]) | set(after["values"])):
            if before["values"].get(key) != after["values"].get(key):
                values.append(ValueChange(code, name, key, before["values"].get(key), after["values"].get(key)))
        if before.get("status_word") != after.get("status_word"):
            statuses.append(StatusChange(code, name, before.get("status_word", ""), after.get("status_word", "")))
    return values, statuses
