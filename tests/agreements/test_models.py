import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from agreements.models import Agreement, PolicyArea, RoleAssignment
from tests.agreements.factories import AgreementFactory, PillarFactory, PolicyAreaGroupFactory, RoleAssignmentFactory
from tests.vision.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_database_refuses_a_second_agreement_in_force_for_the_same_pair():
    first = AgreementFactory()
    second = Agreement(
        area=first.area,
        central_city=first.central_city,
        partner=first.partner,
        version=2,
        previous_version=first,
        title="二つ目",
        status=Agreement.Status.IN_FORCE,
        signed_on=datetime.date(2026, 4, 1),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_an_amended_version_may_sit_beside_the_version_in_force():
    first = AgreementFactory(status=Agreement.Status.AMENDED)
    AgreementFactory(
        area=first.area,
        central_city=first.central_city,
        partner=first.partner,
        version=2,
        previous_version=first,
        status=Agreement.Status.IN_FORCE,
    )
    assert Agreement.objects.in_force().filter(partner=first.partner).count() == 1


def test_database_refuses_the_same_policy_area_twice_in_one_agreement():
    role = RoleAssignmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(
            agreement=role.agreement,
            policy_area=role.policy_area,
            order=99,
            initiative="x",
            central_role="x",
            partner_role="x",
        )


def test_same_policy_area_twice_gets_a_japanese_message_from_model_validation():
    role = RoleAssignmentFactory()
    duplicate = RoleAssignment(
        agreement=role.agreement, policy_area=role.policy_area, initiative="x", central_role="x", partner_role="x"
    )
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "この政策分野は、この連携協約の別表に既に記載されています。" in str(error.value)


def test_database_refuses_an_agreement_with_itself():
    agreement = AgreementFactory.build()
    agreement.area.save()
    agreement.central_city.save()
    agreement.partner = agreement.central_city
    with pytest.raises(IntegrityError), transaction.atomic():
        agreement.save()


def test_signed_agreement_without_a_signing_date_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementFactory(status=Agreement.Status.SIGNED, signed_on=None)


def test_party_a_must_be_the_central_city():
    agreement = AgreementFactory()
    other = MunicipalityFactory(area=agreement.area)
    agreement.central_city = other
    with pytest.raises(ValidationError) as error:
        agreement.full_clean()
    assert "甲には連携中枢都市を指定してください" in error.value.message_dict["central_city"][0]


def test_party_b_must_not_be_a_central_city():
    agreement = AgreementFactory()
    agreement.partner = agreement.central_city
    with pytest.raises(ValidationError) as error:
        agreement.full_clean()
    assert "partner" in error.value.message_dict


def test_second_version_must_name_the_version_it_amends():
    agreement = AgreementFactory.build(version=2)
    with pytest.raises(ValidationError) as error:
        agreement.clean()
    assert "変更前の版" in str(error.value)


def test_policy_area_group_must_belong_to_the_same_pillar():
    area = PolicyArea(pillar=PillarFactory(number=1), group=PolicyAreaGroupFactory(), number=1, code="x", name="x")
    with pytest.raises(ValidationError) as error:
        area.clean()
    assert "group" in error.value.message_dict
