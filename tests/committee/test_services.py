"""Writes to reviews go through committee/services.py; a closed review and what it holds stay as they are."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from committee import services
from committee.models import Comment, Evaluation, Review
from tests.vision.factories import GoalFactory
from vision import roles

from .factories import AppointmentFactory, CommentFactory, EvaluationFactory, MemberFactory, ReviewFactory

pytestmark = pytest.mark.django_db

CLOSED = "締め切った検証は変更・削除できません。"


@pytest.fixture
def closed_review():
    evaluation = EvaluationFactory(direction_text="締切前の方向性")
    CommentFactory(review=evaluation.review, body="締切前の意見")
    return services.close_review(evaluation.review, on=datetime.date(2021, 9, 1))


def test_closing_a_review_records_the_date_and_cannot_happen_twice(closed_review):
    closed_review.refresh_from_db()
    assert closed_review.status == Review.Status.CLOSED
    assert closed_review.closed_on == datetime.date(2021, 9, 1)
    with pytest.raises(ValidationError, match=CLOSED):
        services.close_review(closed_review)


def test_an_open_review_is_written_through_the_services(django_user_model):
    review = ReviewFactory(opened_on=datetime.date(2021, 6, 1))
    author = django_user_model.objects.create_user("iin")
    author.groups.add(Group.objects.get(name=roles.COMMITTEE_MEMBERS))
    AppointmentFactory(
        member=MemberFactory(committee=review.committee, user=author), starts_on=datetime.date(2000, 4, 1), ends_on=None
    )
    policy = GoalFactory(plan=review.plan)
    evaluation = services.save_evaluation(Evaluation(review=review, policy=policy, rating="B"))
    evaluation.committee_opinion = "おおむね妥当"
    services.save_evaluation(evaluation)
    comment = services.add_comment(
        review=review, indicator=CommentFactory(review=review).indicator, author=author, body="意見"
    )
    services.delete_comment(comment)
    services.delete_evaluation(evaluation)
    review.note = "変更"
    services.save_review(review)
    services.delete_review(review)
    assert not Review.objects.filter(pk=review.pk).exists()


def test_review_cannot_be_closed_by_saving_it():
    review = ReviewFactory()
    review.status = Review.Status.CLOSED
    with pytest.raises(ValidationError, match="締め切る"):
        services.save_review(review)


def test_closed_review_refuses_every_service_write(closed_review):
    evaluation = closed_review.evaluations.get()
    comment = closed_review.comments.get()

    closed_review.note = "書き換え"
    with pytest.raises(ValidationError, match=CLOSED):
        services.save_review(closed_review)
    with pytest.raises(ValidationError, match=CLOSED):
        services.delete_review(closed_review)

    evaluation.direction_text = "書き換え"
    with pytest.raises(ValidationError, match=CLOSED):
        services.save_evaluation(evaluation)
    with pytest.raises(ValidationError, match=CLOSED):
        services.delete_evaluation(evaluation)
    with pytest.raises(ValidationError, match=CLOSED):
        services.save_evaluation(Evaluation(review=closed_review, policy=evaluation.policy))

    comment.body = "書き換え"
    with pytest.raises(ValidationError, match=CLOSED):
        services.save_comment(comment)
    with pytest.raises(ValidationError, match=CLOSED):
        services.delete_comment(comment)
    with pytest.raises(ValidationError, match=CLOSED):
        services.add_comment(review=closed_review, indicator=comment.indicator, author=None, body="追加")

    assert Evaluation.objects.get(pk=evaluation.pk).direction_text == "締切前の方向性"
    assert Comment.objects.get(pk=comment.pk).body == "締切前の意見"
    assert Review.objects.get(pk=closed_review.pk).note == ""
    assert closed_review.evaluations.count() == 1 and closed_review.comments.count() == 1


def test_a_stale_copy_of_an_open_review_cannot_write_after_it_was_closed():
    review = ReviewFactory()
    stale = Review.objects.get(pk=review.pk)
    services.close_review(review)
    assert stale.status == Review.Status.OPEN  # the caller's copy still says open
    with pytest.raises(ValidationError, match=CLOSED):
        services.save_evaluation(Evaluation(review=stale, policy=GoalFactory(plan=stale.plan)))


def test_an_evaluation_cannot_be_moved_into_or_out_of_a_closed_review(closed_review):
    open_review = ReviewFactory(committee=closed_review.committee, plan=closed_review.plan, fiscal_year=2022)
    moved_out = closed_review.evaluations.get()
    moved_out.review = open_review
    with pytest.raises(ValidationError, match=CLOSED):
        services.save_evaluation(moved_out)
    moved_in = EvaluationFactory(review=open_review)
    moved_in.review = closed_review
    with pytest.raises(ValidationError, match=CLOSED):
        moved_in.full_clean()


def test_model_validation_refuses_a_closed_review_whatever_the_instance_says(closed_review):
    crafted = Review.objects.get(pk=closed_review.pk)
    crafted.status = Review.Status.OPEN  # as a crafted form would send
    crafted.closed_on = None
    with pytest.raises(ValidationError, match=CLOSED):
        crafted.full_clean()


def test_the_database_refuses_changes_that_bypass_the_services(closed_review):
    with pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.filter(review=closed_review).update(direction_text="update() で書き換え")
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.filter(review=closed_review).update(body="update() で書き換え")
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=closed_review.pk).update(status=Review.Status.OPEN, closed_on=None)
    other = ReviewFactory(committee=closed_review.committee, plan=closed_review.plan, fiscal_year=2022)
    EvaluationFactory(review=other)
    with pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.filter(review=other).update(review=closed_review)
    assert Evaluation.objects.get(review=closed_review).direction_text == "締切前の方向性"
    assert Review.objects.get(pk=closed_review.pk).is_closed


def test_the_database_lets_unchanged_rows_be_rewritten_and_authors_be_deleted(closed_review, django_user_model):
    evaluation = closed_review.evaluations.get()
    Evaluation.objects.filter(pk=evaluation.pk).update(direction_text=evaluation.direction_text)
    Review.objects.get(pk=closed_review.pk).save()  # what loaddata does on a second run
    author = django_user_model.objects.create_user("member")
    Comment.objects.filter(review=closed_review).update(author=author)  # not guarded: see migration 0002
    author.delete()
    assert closed_review.comments.get().author is None


def test_comments_are_for_members_in_office_and_administrators_only(django_user_model):
    comment = CommentFactory()
    committee = comment.review.committee
    members = Group.objects.get(name=roles.COMMITTEE_MEMBERS)
    member_user = django_user_model.objects.create_user("iin")
    member_user.groups.add(members)
    AppointmentFactory(
        member=MemberFactory(committee=committee, user=member_user),
        starts_on=datetime.date(2000, 4, 1),
        ends_on=None,
    )
    former_user = django_user_model.objects.create_user("moto-iin")
    former_user.groups.add(members)
    AppointmentFactory(member=MemberFactory(committee=committee, user=former_user))  # term ended 2021-03-31
    staff = django_user_model.objects.create_user("shokuin", is_staff=True)  # staff status alone is no role
    administrator = django_user_model.objects.create_user("kanri")
    administrator.groups.add(Group.objects.get(name=roles.ADMINISTRATORS))
    citizen = django_user_model.objects.create_user("shimin")

    assert list(Comment.objects.visible_to(member_user)) == [comment]
    assert list(Comment.objects.visible_to(administrator)) == [comment]
    assert not Comment.objects.visible_to(staff).exists()
    assert not Comment.objects.visible_to(former_user).exists()
    assert not Comment.objects.visible_to(citizen).exists()
    assert not Comment.objects.visible_to(AnonymousUser()).exists()
