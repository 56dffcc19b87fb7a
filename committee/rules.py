"""The committee's own rules (運営要綱) as plain functions: quorum, votes, closed sessions and terms.

Each function takes counts or dates and returns a value, so the rules are tested without a database.
The defaults are those of the 熊本市しごと・ひと・まち創生総合戦略検証委員会運営要綱 (seed 001 l.2282–2361).
"""

import enum
from datetime import date, timedelta


class Outcome(enum.Enum):
    """How a vote ended."""

    CARRIED = "carried"
    REJECTED = "rejected"
    CHAIR_DECIDES = "chair_decides"


def has_quorum(members: int, present: int, numerator: int = 1, denominator: int = 2) -> bool:
    """Whether a meeting may open: at least numerator/denominator of the members are present.

    第6条第2項: 会議は、委員の半数以上が出席しなければ、これを開くことができない (半数「以上」: 4 of 8 is enough).
    """
    if members <= 0 or present < 0 or present > members:
        raise ValueError("present must be between 0 and the number of members, and members positive")
    return present * denominator >= members * numerator


def vote_outcome(present: int, in_favour: int, against: int) -> Outcome:
    """The outcome of a vote among the members present.

    第6条第3項: 出席委員の過半数で決し、可否同数のときは、議長の決するところによる. A motion carries with more
    than half of those present; a tie goes to the chair; anything else (abstentions included) is rejected.
    """
    if min(present, in_favour, against) < 0 or in_favour + against > present:
        raise ValueError("votes cannot be negative or exceed the members present")
    if in_favour * 2 > present:
        return Outcome.CARRIED
    if in_favour == against and in_favour > 0:
        return Outcome.CHAIR_DECIDES
    return Outcome.REJECTED


def may_close_session(present: int, in_favour: int, numerator: int = 2, denominator: int = 3) -> bool:
    """Whether a vote makes a meeting non-public: at least numerator/denominator of those present.

    第7条: 出席委員の３分の２以上の多数で公開が不適当と議決されたとき (meetings are public otherwise).
    """
    if present <= 0 or not 0 <= in_favour <= present:
        raise ValueError("in_favour must be between 0 and the members present, and present positive")
    return in_favour * denominator >= present * numerator


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def term_within_limit(starts_on: date, ends_on: date, years: int) -> bool:
    """Whether a term of appointment is at most `years` long (第4条: 委員の任期は３年以内).

    A three-year term starting on 2018-07-13 may run up to 2021-07-12.
    """
    return ends_on <= add_years(starts_on, years) - timedelta(days=1)
