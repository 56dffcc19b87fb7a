"""When a year's actual is due, and whether to remind its owners.

An indicator's actual for fiscal year Y is due on its due date (month, day) in the fiscal year after Y: with
8月31日, the FY2023 actual is due on 2024-08-31; with 3月31日, on 2025-03-31 (still FY2024). A missing actual
is "due soon" within 30 days before that date and "overdue" from the day after it.
"""

from datetime import date, timedelta

DUE_SOON = "due_soon"
OVERDUE = "overdue"
WARNING_DAYS = 30


def due_date(fiscal_year: int, month: int, day: int) -> date:
    """The date by which the actual of `fiscal_year` must be entered."""
    year = fiscal_year + 1 if month >= 4 else fiscal_year + 2
    return date(year, month, day)


def reminder_state(due: date, today: date, has_actual: bool, warning_days: int = WARNING_DAYS):
    """OVERDUE, DUE_SOON or None for one indicator and year."""
    if has_actual:
        return None
    if today > due:
        return OVERDUE
    if today >= due - timedelta(days=warning_days):
        return DUE_SOON
    return None
