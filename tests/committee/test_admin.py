"""The admin shows a closed review and what it holds read-only, and refuses crafted requests to change them."""

import pytest
from django.apps import apps
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from committee.models import Comment, Evaluation, Review
from kpi.models import Indicator

from .factories import ReviewFactory

pytestmark = pytest.mark.django_db

COMMITTEE = "kumamoto-strategy-committee"


@pytest.fixture
def staff_client(client, django_user_model, reference_data):
    user = django_user_model.objects.create_superuser("admin", "admin@example.com", "pw-for-tests-only")
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ja"
    return client


@pytest.fixture
def closed_review(reference_data):
    return Review.objects.get(committee__slug=COMMITTEE, fiscal_year=2019)


@pytest.fixture
def open_review(closed_review):
    return ReviewFactory(committee=closed_review.committee, plan=closed_review.plan, fiscal_year=2020)


def snapshot(review):
    return (
        list(Review.objects.filter(pk=review.pk).values()),
        list(Evaluation.objects.filter(review=review).order_by("pk").values()),
        list(Comment.objects.filter(review=review).order_by("pk").values()),
    )


def review_form(review, **overrides):
    data = {
        "committee": review.committee_id,
        "plan": review.plan_id,
        "fiscal_year": review.fiscal_year,
        "opened_on": "",
        "meeting": review.meeting_id or "",
        "note": "管理画面から書き換え",
        "lock_version": review.lock_version,  # the hidden field the change form carries (concurrent edits)
        "evaluations-TOTAL_FORMS": "0",
        "evaluations-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def evaluation_form(evaluation, **overrides):
    data = {
        "review": evaluation.review_id,
        "policy": evaluation.policy_id,
        "rating": "A",
        "direction_text": "管理画面から書き換え",
        "issues_text": evaluation.issues_text,
        "committee_opinion": "",
        "lock_version": evaluation.lock_version,
    }
    data.update(overrides)
    return data


def test_closed_review_is_shown_read_only(staff_client, closed_review):
    response = staff_client.get(reverse("admin:committee_review_change", args=[closed_review.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="_save"' not in body
    assert "保育の量及び質を支える保育士の確保" in body  # the evaluations are shown, as text


def test_post_to_a_closed_review_is_forbidden_and_changes_nothing(staff_client, closed_review):
    before = snapshot(closed_review)
    url = reverse("admin:committee_review_change", args=[closed_review.pk])
    response = staff_client.post(url, review_form(closed_review))
    assert response.status_code == 403
    assert snapshot(closed_review) == before


def test_post_to_an_evaluation_of_a_closed_review_is_forbidden(staff_client, closed_review):
    evaluation = closed_review.evaluations.first()
    before = snapshot(closed_review)
    url = reverse("admin:committee_evaluation_change", args=[evaluation.pk])
    assert staff_client.post(url, evaluation_form(evaluation)).status_code == 403
    url = reverse("admin:committee_evaluation_delete", args=[evaluation.pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == 403
    assert snapshot(closed_review) == before


def test_closed_review_cannot_be_deleted_one_by_one_or_in_bulk(staff_client, closed_review):
    url = reverse("admin:committee_review_delete", args=[closed_review.pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == 403
    response = staff_client.post(
        reverse("admin:committee_review_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [closed_review.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert Review.objects.filter(pk=closed_review.pk).exists()
    assert closed_review.evaluations.count() == 9


def test_bulk_delete_of_evaluations_of_a_closed_review_is_refused(staff_client, closed_review):
    pks = list(closed_review.evaluations.values_list("pk", flat=True))
    confirmation = staff_client.post(
        reverse("admin:committee_evaluation_changelist"), {"action": "delete_selected", ACTION_CHECKBOX_NAME: pks}
    )
    assert "削除できません" in confirmation.content.decode()  # the admin lists what it may not delete
    response = staff_client.post(
        reverse("admin:committee_evaluation_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: pks, "post": "yes"},
    )
    assert response.status_code == 403
    assert closed_review.evaluations.count() == 9


def test_crafted_post_adding_an_evaluation_to_a_closed_review_is_refused(staff_client, closed_review):
    # the values of an existing row, with another policy, posted to the add view
    evaluation = closed_review.evaluations.first()
    other_policy = evaluation.policy.children.first()
    before = Evaluation.objects.count()
    response = staff_client.post(
        reverse("admin:committee_evaluation_add"), evaluation_form(evaluation, policy=other_policy.pk)
    )
    assert response.status_code == 200  # the form comes back with an error
    assert Evaluation.objects.count() == before


def test_crafted_post_adding_a_comment_to_a_closed_review_is_refused(staff_client, closed_review):
    indicator = Indicator.objects.filter(plan=closed_review.plan).first()
    response = staff_client.post(
        reverse("admin:committee_comment_add"),
        {"review": closed_review.pk, "indicator": indicator.pk, "body": "締切後の意見"},
    )
    assert response.status_code == 403  # remarks are posted in the workspace by members, never added in the admin
    assert not Comment.objects.filter(body="締切後の意見").exists()


def test_crafted_inline_rows_of_a_closed_review_posted_to_an_open_one_change_nothing(
    staff_client, closed_review, open_review
):
    stolen = closed_review.evaluations.first()
    before = snapshot(closed_review)
    data = review_form(
        open_review,
        **{
            "evaluations-TOTAL_FORMS": "1",
            "evaluations-INITIAL_FORMS": "1",
            "evaluations-0-id": stolen.pk,
            "evaluations-0-review": open_review.pk,
            "evaluations-0-policy": stolen.policy_id,
            "evaluations-0-rating": "D",
            "evaluations-0-direction_text": "別の検証から書き換え",
            "evaluations-0-issues_text": "",
            "evaluations-0-committee_opinion": "",
            "evaluations-0-DELETE": "on",
        },
    )
    staff_client.post(reverse("admin:committee_review_change", args=[open_review.pk]), data)
    assert snapshot(closed_review) == before


def test_status_cannot_be_posted_and_closing_is_an_action(staff_client, open_review):
    url = reverse("admin:committee_review_change", args=[open_review.pk])
    response = staff_client.post(url, review_form(open_review, status="closed", closed_on="2021-01-01"))
    assert response.status_code == 302
    open_review.refresh_from_db()
    assert open_review.status == Review.Status.OPEN and open_review.note == "管理画面から書き換え"

    staff_client.post(
        reverse("admin:committee_review_changelist"),
        {"action": "close_selected", ACTION_CHECKBOX_NAME: [open_review.pk]},
    )
    open_review.refresh_from_db()
    assert open_review.is_closed and open_review.closed_on is not None
    assert staff_client.post(url, review_form(open_review)).status_code == 403


def test_evaluation_can_be_added_to_an_open_review_in_the_admin(staff_client, closed_review, open_review):
    policy = closed_review.evaluations.first().policy
    response = staff_client.post(
        reverse("admin:committee_evaluation_add"),
        {"review": open_review.pk, "policy": policy.pk, "rating": "B", "direction_text": "方向性"},
    )
    assert response.status_code == 302
    assert open_review.evaluations.get().rating == "B"


def test_administrator_hides_a_comment_with_a_reason_and_history_keeps_it(staff_client, open_review, django_user_model):
    indicator = Indicator.objects.filter(plan=open_review.plan).first()
    comment = Comment.objects.create(review=open_review, indicator=indicator, body="個人名を含む意見")
    url = reverse("admin:committee_comment_change", args=[comment.pk])
    response = staff_client.post(url, {"body": "書き換え", "hidden_reason": ""})
    comment.refresh_from_db()
    assert comment.body == "個人名を含む意見" and comment.hidden_at is None  # 管理者 do not reword remarks
    staff_client.post(url, {"hidden_reason": "個人名が含まれるため"})
    comment.refresh_from_db()
    assert comment.hidden_at is not None and comment.hidden_by.username == "admin"
    assert comment.history.latest().hidden_reason == "個人名が含まれるため"
    assert response.status_code in (200, 302)


@pytest.mark.parametrize(
    "model", ["committee", "member", "meeting", "publiccomment", "review", "evaluation", "comment"]
)
def test_changelists_load_in_a_bounded_number_of_queries(staff_client, django_assert_max_num_queries, model):
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse(f"admin:committee_{model}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("model", "lookup"),
    [("member", {"name": "田邉　元"}), ("meeting", {"number": 5}), ("committee", {"slug": COMMITTEE})],
)
def test_change_pages_with_inlines_load(staff_client, model, lookup):
    obj = apps.get_model("committee", model).objects.get(**lookup)
    response = staff_client.get(reverse(f"admin:committee_{model}_change", args=[obj.pk]))
    assert response.status_code == 200


def test_closed_review_page_with_its_evaluations_loads_in_a_bounded_number_of_queries(
    staff_client, closed_review, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15):
        response = staff_client.get(reverse("admin:committee_review_change", args=[closed_review.pk]))
    assert response.status_code == 200
