import factory

from vision.lgcode import check_digit
from vision.models import AreaMembership, Goal, MetroArea, Municipality, Plan


def lg_code_for(sequence):
    """A valid code in prefecture 99 (none exists), so it never collides with the reference data."""
    first_five = f"99{sequence % 1000:03d}"
    return first_five + str(check_digit(first_five))


class MetroAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MetroArea
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"area-{n}")
    name = factory.Sequence(lambda n: f"テスト連携中枢都市圏{n}")
    central_city_name = "中心市"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    """A municipality and its membership of `area` (a new area unless given; `area=None` for none)."""

    class Meta:
        model = Municipality

    lg_code = factory.Sequence(lg_code_for)
    name = factory.Sequence(lambda n: f"テスト町{n}")
    kana = "テストマチ"
    kind = Municipality.Kind.TOWN
    area = factory.SubFactory(MetroAreaFactory)
    is_central_city = False
    joined_on = None

    @classmethod
    def _build(cls, model_class, *args, area=None, is_central_city=False, joined_on=None, **kwargs):
        return super()._build(model_class, *args, **kwargs)

    @classmethod
    def _create(cls, model_class, *args, area=None, is_central_city=False, joined_on=None, **kwargs):
        municipality = super()._create(model_class, *args, **kwargs)
        if area is not None:
            AreaMembership.objects.create(
                area=area, municipality=municipality, is_central_city=is_central_city, joined_on=joined_on
            )
        return municipality


class CentralCityFactory(MunicipalityFactory):
    name = factory.Sequence(lambda n: f"中心市{n}")
    kind = Municipality.Kind.CITY
    is_central_city = True


class AreaMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AreaMembership

    area = factory.SubFactory(MetroAreaFactory)
    municipality = factory.SubFactory(MunicipalityFactory, area=None)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    slug = factory.Sequence(lambda n: f"plan-{n}")
    area = factory.SubFactory(MetroAreaFactory)
    kind = Plan.Kind.STRATEGY
    title = factory.Sequence(lambda n: f"テスト戦略{n}")
    start_fiscal_year = 2020
    end_fiscal_year = 2023
    level_names = ["基本目標", "施策", "具体的な取組"]


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    plan = factory.SubFactory(PlanFactory)
    code = factory.Sequence(lambda n: f"G{n}")
    title = factory.Sequence(lambda n: f"目標{n}")
