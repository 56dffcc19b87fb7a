"""管理者 start a year's review in one step: the review opens with a sheet (an evaluation) per policy."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from committee import services
from committee.models import Committee, Evaluation, Review
from tests.vision.factories import PlanFactory
from vision import roles
from vision.models import Plan

pytestmark = pytest.mark.django_db

# The policies (施策) of the second strategy, seeds/001_16f58a72b6d60119.txt: 基本目標1 施策１〜４ (lines 2488,
# 2579, 2650, 2699), 基本目標2 施策１〜３ (2788, 2838, 2887), 基本目標3 施策１〜２ (2948, 3036).
SECOND_PLAN_POLICIES = ["G1-P1", "G1-P2", "G1-P3", "G1-P4", "G2-P1", "G2-P2", "G2-P3", "G3-P1", "G3-P2"]


@pytest.fixture
def administrator(django_user_model, reference_data):
    user = django_user_model.objects.create_user("kanri", password="pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.ADMINISTRATORS))
    return user


@pytest.fixture
def second_plan(reference_data):
    return Plan.objects.get(slug="kumamoto-strategy-2")


def _new(committee, plan, year):
    return Review(committee=committee, plan=plan, fiscal_year=year)


def test_a_started_review_is_open_with_an_evaluation_per_policy(administrator, second_plan):
    committee = Committee.objects.get()
    review = services.start_review(_new(committee, second_plan, 2021), user=administrator)
    review.refresh_from_db()
    assert review.status == Review.Status.OPEN
    assert review.opened_on == timezone.localdate()
    codes = list(review.evaluations.order_by("policy__order", "policy__pk").values_list("policy__code", flat=True))
    assert codes == SECOND_PLAN_POLICIES
    assert not review.evaluations.exclude(direction_text="", issues_text="", committee_opinion="").exists()


@pytest.mark.parametrize("role", [roles.EDITORS, roles.COMMITTEE_MEMBERS, None])
def test_only_administrators_start_a_review(role, django_user_model, second_plan):
    user = django_user_model.objects.create_user("someone", is_staff=True)
    if role:
        user.groups.add(Group.objects.get(name=role))
    with pytest.raises(PermissionDenied):
        services.start_review(_new(Committee.objects.get(), second_plan, 2021), user=user)
    assert not Review.objects.filter(fiscal_year=2021).exists()


def test_a_year_is_reviewed_once_and_only_the_committees_area_plans(administrator, second_plan):
    committee = Committee.objects.get()
    with pytest.raises(ValidationError, match="この委員会のこの年度の検証は既に登録されています"):
        services.start_review(_new(committee, second_plan, 2019), user=administrator)  # the closed one
    with pytest.raises(ValidationError, match="委員会の圏域の計画を選んでください"):
        services.start_review(_new(committee, PlanFactory(), 2021), user=administrator)
    assert Evaluation.objects.count() == 9  # the 2019 review's, nothing added


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ja"
    return client


def test_the_admin_starts_a_review_in_one_form(admin_client, second_plan):
    committee = Committee.objects.get()
    page = admin_client.get(reverse("admin:committee_review_add"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "年度の検証を始める" in html
    assert "evaluations-TOTAL_FORMS" not in html  # the sheets come from the plan, not typed in
    assert page.context["adminform"].form.initial["plan"] == committee.plan_id
    response = admin_client.post(
        reverse("admin:committee_review_add"),
        {"committee": committee.pk, "plan": second_plan.pk, "fiscal_year": 2021, "opened_on": "", "note": ""},
        follow=True,
    )
    review = Review.objects.get(fiscal_year=2021)
    assert review.evaluations.count() == len(SECOND_PLAN_POLICIES)
    text = response.content.decode()
    assert "施策 9 件のシート" in text
    assert reverse("committee:review", args=["kumamoto", 2021]) in text


def test_the_review_list_offers_to_start_a_review(admin_client):
    html = admin_client.get(reverse("admin:committee_review_changelist")).content.decode()
    assert "年度の検証を始める" in html
