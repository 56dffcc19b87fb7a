"""The committee's rules as plain functions (committee/rules.py)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from committee.rules import Outcome, add_years, has_quorum, may_close_session, term_within_limit, vote_outcome


@pytest.mark.parametrize(
    ("members", "present", "expected"),
    [(8, 4, True), (8, 3, False), (9, 5, True), (9, 4, False), (8, 8, True), (1, 1, True), (1, 0, False)],
)
def test_quorum_is_half_of_the_members_or_more(members, present, expected):
    assert has_quorum(members, present) is expected


def test_quorum_with_another_fraction():
    assert has_quorum(9, 6, 2, 3) is True
    assert has_quorum(9, 5, 2, 3) is False


def test_quorum_refuses_impossible_counts():
    with pytest.raises(ValueError):
        has_quorum(8, 9)
    with pytest.raises(ValueError):
        has_quorum(0, 0)


@pytest.mark.parametrize(
    ("present", "in_favour", "against", "expected"),
    [
        (8, 5, 3, Outcome.CARRIED),
        (8, 4, 4, Outcome.CHAIR_DECIDES),
        (8, 4, 3, Outcome.REJECTED),  # one abstention: 4 is not more than half of 8
        (7, 4, 3, Outcome.CARRIED),
        (5, 2, 3, Outcome.REJECTED),
        (4, 0, 0, Outcome.REJECTED),
    ],
)
def test_motion_needs_a_majority_of_those_present_and_a_tie_goes_to_the_chair(present, in_favour, against, expected):
    assert vote_outcome(present, in_favour, against) is expected


def test_vote_refuses_more_votes_than_members_present():
    with pytest.raises(ValueError):
        vote_outcome(4, 3, 2)


@pytest.mark.parametrize(
    ("present", "in_favour", "expected"), [(6, 4, True), (6, 3, False), (8, 6, True), (8, 5, False)]
)
def test_closing_a_meeting_needs_two_thirds_of_those_present(present, in_favour, expected):
    assert may_close_session(present, in_favour) is expected


def test_three_year_term_limit():
    assert term_within_limit(date(2018, 7, 13), date(2021, 3, 31), 3)
    assert term_within_limit(date(2018, 7, 13), date(2021, 7, 12), 3)
    assert not term_within_limit(date(2018, 7, 13), date(2021, 7, 13), 3)


def test_add_years_on_29_february():
    assert add_years(date(2020, 2, 29), 1) == date(2021, 2, 28)
    assert add_years(date(2020, 2, 29), 4) == date(2024, 2, 29)


@given(members=st.integers(1, 50), data=st.data())
def test_quorum_grows_with_attendance(members, data):
    present = data.draw(st.integers(0, members - 1))
    assert has_quorum(members, present) <= has_quorum(members, present + 1)


@given(present=st.integers(1, 50), data=st.data())
def test_every_vote_has_exactly_one_outcome_and_a_carried_motion_beats_the_rest(present, data):
    in_favour = data.draw(st.integers(0, present))
    against = data.draw(st.integers(0, present - in_favour))
    outcome = vote_outcome(present, in_favour, against)
    if outcome is Outcome.CARRIED:
        assert in_favour > against
    if outcome is Outcome.CHAIR_DECIDES:
        assert in_favour == against
