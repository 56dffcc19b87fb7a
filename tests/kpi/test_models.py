from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kpi.models import Indicator, Observation
from tests.vision.factories import PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator():
    return Indicator.objects.create(code="T-1", plan=PlanFactory(), name="出生数", unit="人")


def test_one_value_per_indicator_year_and_kind(indicator):
    Observation.objects.create(indicator=indicator, fiscal_year=2020, kind="actual", value=Decimal("1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(indicator=indicator, fiscal_year=2020, kind="actual", value=Decimal("2"))


def test_missing_value_needs_a_reason(indicator):
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(indicator=indicator, fiscal_year=2020, kind="actual", value=None)
    with pytest.raises(ValidationError) as error:
        Observation(indicator=indicator, fiscal_year=2020, kind="actual").full_clean()
    assert "値がない理由" in str(error.value)


def test_comparator_only_on_targets(indicator):
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(indicator=indicator, fiscal_year=2020, kind="actual", value=1, comparator="gte")


def test_one_baseline_per_indicator(indicator):
    Observation.objects.create(indicator=indicator, fiscal_year=2018, kind="baseline", value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(indicator=indicator, fiscal_year=2019, kind="baseline", value=2)
