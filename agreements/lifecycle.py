"""The life of a 連携協約: which status may follow which.

An agreement is drafted, resolved by both councils (議決, 地方自治法第252条の2第3項), signed, and then in
force once publicly notified (告示, 同条第2項). It stops being in force when an amended version takes its place
(変更) or when it is abolished (廃止); both follow the same procedure as the original (同条第4項), so neither
ending status can be left again.
"""

DRAFT = "draft"
RESOLVED = "resolved"
SIGNED = "signed"
IN_FORCE = "in_force"
AMENDED = "amended"
ABOLISHED = "abolished"

ALLOWED_TRANSITIONS = {
    DRAFT: {RESOLVED},
    RESOLVED: {SIGNED, DRAFT},
    SIGNED: {IN_FORCE},
    IN_FORCE: {AMENDED, ABOLISHED},
    AMENDED: set(),
    ABOLISHED: set(),
}


def can_transition(current: str, new: str) -> bool:
    """True when an agreement in status `current` may move to status `new`."""
    return new in ALLOWED_TRANSITIONS.get(current, set())


def next_statuses(current: str) -> list[str]:
    """The statuses an agreement may move to from `current`, in lifecycle order."""
    order = [DRAFT, RESOLVED, SIGNED, IN_FORCE, AMENDED, ABOLISHED]
    return [status for status in order if status in ALLOWED_TRANSITIONS.get(current, set())]
