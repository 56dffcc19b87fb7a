"""The people and objects of the security tests: a user in each role, and fixture objects that belong to each.

Built on the reference data: 荒尾市's agreement (in force) and a draft agreement with 宇土市; one indicator of the
second strategy owned by a department of 荒尾市 and one by a department of 宇土市, each with a published FY2023
target; an open review of the first strategy with a remark by a member in office. In the second area
(下関市連携中枢都市圏, no plan in the reference data), a test plan whose indicator, with a published FY2023 target,
belongs to a department of 下関市: its editor is an editor of another area.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from agreements import services as agreement_services
from agreements.models import Agreement
from committee.models import Appointment, Comment, Committee, Member, Review
from kpi import services
from kpi.models import Indicator, IndicatorPlacement, Observation
from vision import roles
from vision.models import Department, Goal, MetroArea, Municipality, Plan

ROLES = (
    "administrator",
    "editor_arao",
    "editor_uto",
    "editor_shimonoseki",
    "member_staff",
    "member",
    "no_role",
    "anonymous",
)


@dataclass
class World:
    users: dict
    departments: dict
    indicators: dict
    targets: dict
    agreements: dict
    review: Review
    comment: Comment


def _user(django_user_model, name, *, group=None, staff=True):
    user = django_user_model.objects.create_user(name, f"{name}@example.jp", "pw-for-tests-only", is_staff=staff)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def _member(user, name):
    person = Member.objects.create(committee=Committee.objects.get(), name=name, user=user, order=90)
    Appointment.objects.create(member=person, starts_on=datetime.date(2026, 4, 1), ends_on=datetime.date(2029, 3, 31))


@pytest.fixture
def world(db, django_user_model):
    kumamoto = Municipality.objects.get(lg_code="431001")
    arao = Municipality.objects.get(name="荒尾市")
    uto = Municipality.objects.get(lg_code="432113")
    departments = {
        "kumamoto": Department.objects.create(municipality=kumamoto, name="政策企画課"),
        "arao": Department.objects.create(municipality=arao, name="企画政策課"),
        "uto": Department.objects.create(municipality=uto, name="企画課"),
        "shimonoseki": Department.objects.create(municipality=Municipality.objects.get(name="下関市"), name="企画課"),
    }
    users = {
        "administrator": _user(django_user_model, "administrator", group=roles.ADMINISTRATORS),
        "editor_arao": _user(django_user_model, "editor_arao", group=roles.EDITORS),
        "editor_uto": _user(django_user_model, "editor_uto", group=roles.EDITORS),
        "editor_shimonoseki": _user(django_user_model, "editor_shimonoseki", group=roles.EDITORS),
        "member_staff": _user(django_user_model, "member_staff", group=roles.COMMITTEE_MEMBERS),
        "member": _user(django_user_model, "member", group=roles.COMMITTEE_MEMBERS, staff=False),
        "no_role": _user(django_user_model, "no_role"),
        "anonymous": AnonymousUser(),
    }
    departments["arao"].staff.add(users["editor_arao"])
    departments["uto"].staff.add(users["editor_uto"])
    departments["shimonoseki"].staff.add(users["editor_shimonoseki"])
    _member(users["member_staff"], "職員　委員")
    _member(users["member"], "市民　委員")

    strategy = Plan.objects.get(slug="kumamoto-strategy-2")
    with_target = Indicator.objects.filter(plan=strategy, observations__kind="target", observations__fiscal_year=2023)
    first, second = with_target.order_by("code").distinct()[:2]
    first.department, second.department = departments["arao"], departments["uto"]
    first.save()
    second.save()
    other_area = _other_area_indicator(departments["shimonoseki"], users["administrator"])
    targets = {}
    for key, indicator in (("arao", first), ("uto", second), ("shimonoseki", other_area)):
        targets[key] = indicator.observations.get(kind="target", fiscal_year=2023)
        assert targets[key].is_published

    arao_agreement = Agreement.objects.get(partner=arao, version=1)
    arao_agreement.department = departments["kumamoto"]
    arao_agreement.save()
    uto_draft = agreement_services.copy_agreement(arao_agreement, uto)

    review = Review.objects.create(
        committee=Committee.objects.get(), plan=Plan.objects.get(slug="kumamoto-strategy-1"), fiscal_year=2020
    )
    comment = Comment.objects.create(
        review=review,
        indicator=Indicator.objects.filter(plan=review.plan).order_by("code").first(),
        author=users["member"],
        body="目標との差の理由を伺いたい。",
    )
    return World(
        users=users,
        departments=departments,
        indicators={"arao": first, "uto": second, "shimonoseki": other_area},
        targets=targets,
        agreements={"arao": arao_agreement, "uto": uto_draft},
        review=review,
        comment=comment,
    )


def _other_area_indicator(department, administrator):
    """An indicator of a plan of the second area, owned by `department`, with a published FY2023 target."""
    plan = Plan.objects.create(
        area=MetroArea.objects.get(slug="shimonoseki"),
        slug="test-shimonoseki-strategy",
        kind=Plan.Kind.STRATEGY,
        title="テスト用の計画（下関市連携中枢都市圏）",
        start_fiscal_year=2020,
        end_fiscal_year=2023,
    )
    goal = Goal.objects.create(plan=plan, code="G1", title="テスト用の目標")
    indicator = Indicator.objects.create(plan=plan, code="TEST-SHIMONOSEKI-1", name="テスト指標", unit="件")
    indicator.department = department
    indicator.save()
    IndicatorPlacement.objects.create(indicator=indicator, goal=goal)
    target = Observation(indicator=indicator, fiscal_year=2023, kind=Observation.Kind.TARGET, value=10)
    services.save_observation(target)
    services.publish([target], administrator)
    return indicator


@pytest.fixture
def login(client):
    """login(user) → the test client signed in as `user` (anonymous stays signed out)."""

    def sign_in(user):
        client.logout()
        if user.is_authenticated:
            client.force_login(user)
        return client

    return sign_in
