"""Named constraints hold in the database, and clean() refuses the same rows with a Japanese message."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from committee.models import Appointment, Meeting, PublicComment, Review
from tests.vision.factories import GoalFactory

from .factories import (
    AppointmentFactory,
    CommentFactory,
    CommitteeFactory,
    EvaluationFactory,
    MeetingFactory,
    MemberFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def messages_of(error):
    return " ".join(error.value.messages)


def test_appointment_ending_before_it_starts_is_refused_by_the_database_and_by_clean():
    member = MemberFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(member=member, starts_on=D(2021, 4, 1), ends_on=D(2021, 3, 31))
    with pytest.raises(ValidationError) as error:
        Appointment(member=member, starts_on=D(2021, 4, 1), ends_on=D(2021, 3, 31)).full_clean()
    assert "委嘱期間の終期は始期以降の日付にしてください。" in messages_of(error)


def test_open_ended_and_one_day_appointments_are_fine():
    member = MemberFactory()
    Appointment(member=member, starts_on=D(2021, 4, 1), ends_on=None).full_clean()
    Appointment(member=member, starts_on=D(2021, 4, 1), ends_on=D(2021, 4, 1)).full_clean()


def test_a_term_longer_than_the_committee_allows_is_refused():
    member = MemberFactory(committee__max_term_years=3)
    with pytest.raises(ValidationError) as error:
        Appointment(member=member, starts_on=D(2018, 7, 13), ends_on=D(2021, 7, 13)).full_clean()
    assert "3 年以内" in messages_of(error)


def test_a_member_cannot_replace_themself_or_someone_from_another_committee():
    member = MemberFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentFactory(member=member, replaced_member=member)
    with pytest.raises(ValidationError) as error:
        Appointment(member=member, starts_on=D(2020, 1, 24), replaced_member=MemberFactory()).full_clean()
    assert "同じ委員会の委員" in messages_of(error)


def test_same_member_name_twice_in_a_committee_is_refused():
    member = MemberFactory()
    with pytest.raises(ValidationError) as error:
        MemberFactory.build(committee=member.committee, name=member.name).full_clean()
    assert "同じ氏名の委員" in messages_of(error)


def test_meeting_numbers_are_unique_within_a_committee_and_fiscal_year():
    meeting = MeetingFactory(fiscal_year=2019, number=2, held_on=D(2019, 8, 7))
    MeetingFactory(committee=meeting.committee, fiscal_year=2020, number=2, held_on=D(2020, 8, 7))
    duplicate = Meeting(committee=meeting.committee, fiscal_year=2019, number=2, held_on=D(2019, 10, 29))
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "同じ回の会議" in messages_of(error)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_meeting_fiscal_year_must_match_its_date():
    committee = CommitteeFactory()
    with pytest.raises(ValidationError) as error:
        # 2020-02-14 is in fiscal 2019 (令和元年度)
        Meeting(committee=committee, fiscal_year=2020, number=5, held_on=D(2020, 2, 14)).full_clean()
    assert "2019年度" in messages_of(error)


def test_meeting_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(starts_at=datetime.time(15), ends_at=datetime.time(14))


def test_public_comment_period_in_order_and_about_something():
    committee = CommitteeFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PublicComment.objects.create(committee=committee, title="意見", starts_on=D(2020, 2, 5), ends_on=D(2020, 1, 6))
    with pytest.raises(IntegrityError), transaction.atomic():
        PublicComment.objects.create(title="意見", starts_on=D(2020, 1, 6), ends_on=D(2020, 2, 5))
    with pytest.raises(ValidationError) as error:
        PublicComment(title="意見", starts_on=D(2020, 2, 5), ends_on=D(2020, 1, 6)).full_clean()
    assert "終期は始期以降" in messages_of(error)
    assert "少なくとも一方" in messages_of(error)


def test_one_review_per_committee_and_year():
    review = ReviewFactory()
    with pytest.raises(ValidationError) as error:
        ReviewFactory.build(committee=review.committee, fiscal_year=review.fiscal_year).full_clean()
    assert "この年度の検証は既に登録されています" in messages_of(error)


def test_closed_on_only_on_a_closed_review():
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewFactory(closed_on=D(2021, 9, 1))
    with pytest.raises(ValidationError) as error:
        ReviewFactory.build(closed_on=D(2021, 9, 1)).full_clean()
    assert "締切日は締め切った検証にだけ入力できます。" in messages_of(error)


def test_one_evaluation_per_policy_in_a_review():
    evaluation = EvaluationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        EvaluationFactory(review=evaluation.review, policy=evaluation.policy)


def test_evaluation_policy_and_comment_indicator_must_belong_to_the_reviewed_plan():
    review = ReviewFactory()
    with pytest.raises(ValidationError) as error:
        EvaluationFactory.build(review=review, policy=GoalFactory()).full_clean()
    assert "検証する計画の施策" in messages_of(error)
    comment = CommentFactory(review=review)
    comment.review = ReviewFactory()  # another plan
    with pytest.raises(ValidationError) as error:
        comment.full_clean()
    assert "検証する計画の指標" in messages_of(error)


def test_quorum_must_be_a_fraction():
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitteeFactory(quorum_numerator=3, quorum_denominator=2)
    with pytest.raises(ValidationError) as error:
        CommitteeFactory.build(closing_vote_numerator=2, closing_vote_denominator=None).full_clean()
    assert "分子と分母をそろえて" in messages_of(error)


def test_natural_keys_round_trip():
    evaluation = EvaluationFactory()
    review = evaluation.review
    assert Review.objects.get_by_natural_key(*review.natural_key()) == review
    assert type(evaluation).objects.get_by_natural_key(*evaluation.natural_key()) == evaluation
    appointment = AppointmentFactory()
    assert Appointment.objects.get_by_natural_key(*appointment.natural_key()) == appointment
    comment = CommentFactory()
    assert type(comment).objects.get_by_natural_key(*comment.natural_key()) == comment
