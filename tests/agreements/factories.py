import datetime

import factory

from agreements.models import Agreement, Article, Pillar, PolicyArea, PolicyAreaGroup, RoleAssignment
from tests.vision.factories import CentralCityFactory, MetroAreaFactory, MunicipalityFactory


class PillarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pillar
        django_get_or_create = ("number",)

    number = 1
    name = factory.LazyAttribute(lambda o: f"柱{o.number}")
    short_name = factory.LazyAttribute(lambda o: f"柱{o.number}")
    schedule_label = factory.LazyAttribute(lambda o: f"別表第{o.number}")


class PolicyAreaGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyAreaGroup
        django_get_or_create = ("pillar", "number")

    pillar = factory.SubFactory(PillarFactory, number=3)
    number = 1
    name = factory.LazyAttribute(lambda o: f"グループ{o.number}")


class PolicyAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyArea

    pillar = factory.SubFactory(PillarFactory)
    group = None
    number = factory.Sequence(lambda n: n + 1)
    code = factory.Sequence(lambda n: f"T-{n}")
    name = factory.Sequence(lambda n: f"政策分野{n}")


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    area = factory.SubFactory(MetroAreaFactory)
    central_city = factory.SubFactory(CentralCityFactory, area=factory.SelfAttribute("..area"))
    partner = factory.SubFactory(MunicipalityFactory, area=factory.SelfAttribute("..area"))
    title = factory.LazyAttribute(lambda o: f"{o.central_city.name}及び{o.partner.name}における連携協約")
    status = Agreement.Status.IN_FORCE
    signed_on = datetime.date(2025, 3, 27)


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    agreement = factory.SubFactory(AgreementFactory)
    number = factory.Sequence(lambda n: n + 1)
    kind = Article.Kind.OTHER
    heading = "見出し"
    body = "本文"


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    agreement = factory.SubFactory(AgreementFactory)
    policy_area = factory.SubFactory(PolicyAreaFactory)
    order = factory.Sequence(lambda n: n + 1)
    initiative = "取組内容"
    central_role = "甲の役割"
    partner_role = "乙の役割"
