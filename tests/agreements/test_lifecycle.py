import pytest

from agreements import lifecycle


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        ("draft", "resolved", True),
        ("resolved", "signed", True),
        ("signed", "in_force", True),
        ("in_force", "amended", True),
        ("in_force", "abolished", True),
        ("draft", "in_force", False),
        ("amended", "in_force", False),
        ("abolished", "draft", False),
        ("signed", "draft", False),
    ],
)
def test_can_transition(current, new, allowed):
    assert lifecycle.can_transition(current, new) is allowed


def test_next_statuses_are_in_lifecycle_order():
    assert lifecycle.next_statuses("in_force") == ["amended", "abolished"]
    assert lifecycle.next_statuses("abolished") == []
