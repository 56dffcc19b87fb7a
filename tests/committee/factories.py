import datetime

import factory

from committee.models import Appointment, Comment, Committee, Evaluation, Meeting, Member, Review
from tests.kpi.factories import IndicatorFactory
from tests.vision.factories import GoalFactory, PlanFactory


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    slug = factory.Sequence(lambda n: f"committee-{n}")
    name = factory.Sequence(lambda n: f"テスト検証委員会{n}")
    plan = factory.SubFactory(PlanFactory)
    area = factory.LazyAttribute(lambda committee: committee.plan.area)
    max_term_years = 3


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"委員　{n}")


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    member = factory.SubFactory(MemberFactory)
    starts_on = datetime.date(2018, 7, 13)
    ends_on = datetime.date(2021, 3, 31)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    committee = factory.SubFactory(CommitteeFactory)
    fiscal_year = 2021
    number = factory.Sequence(lambda n: n + 1)
    held_on = datetime.date(2021, 8, 1)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    committee = factory.SubFactory(CommitteeFactory)
    plan = factory.SelfAttribute("committee.plan")
    fiscal_year = 2021


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    review = factory.SubFactory(ReviewFactory)
    policy = factory.SubFactory(GoalFactory, plan=factory.SelfAttribute("..review.plan"))
    direction_text = "引き続き取り組む。"


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    review = factory.SubFactory(ReviewFactory)
    indicator = factory.SubFactory(IndicatorFactory, plan=factory.SelfAttribute("..review.plan"))
    body = "目標との差の理由を伺いたい。"
