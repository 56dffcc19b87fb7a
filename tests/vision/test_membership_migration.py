"""The migration to AreaMembership keeps every municipality's area, central-city flag and signing date."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("vision", "0003_reference_record")]
AFTER = [("vision", "0006_remove_municipality_single_area")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _migrate_to_latest():
    """Every app at its newest migration again (later migrations than AFTER included), for the tests after this."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_memberships_are_copied_from_the_single_area_and_back():
    old = _migrate(BEFORE)
    MetroArea = old.get_model("vision", "MetroArea")
    Municipality = old.get_model("vision", "Municipality")
    area = MetroArea.objects.create(slug="migrated", name="移行試験都市圏", central_city_name="移行市")
    Municipality.objects.create(
        lg_code="980013", name="移行市", kana="イコウシ", kind="市", area=area, is_central_city=True
    )
    Municipality.objects.create(
        lg_code="980021", name="移行町", kana="イコウマチ", kind="町", area=area, joined_on=datetime.date(2016, 3, 30)
    )
    Municipality.objects.create(lg_code="980030", name="無所属村", kana="ムショゾクムラ", kind="村")

    new = _migrate(AFTER)
    AreaMembership = new.get_model("vision", "AreaMembership")
    rows = set(
        AreaMembership.objects.filter(area__slug="migrated").values_list(
            "municipality__lg_code", "is_central_city", "joined_on"
        )
    )
    assert rows == {("980013", True, None), ("980021", False, datetime.date(2016, 3, 30))}
    assert not AreaMembership.objects.filter(municipality__lg_code="980030").exists()

    back = _migrate(BEFORE)
    rows = set(
        back.get_model("vision", "Municipality")
        .objects.filter(lg_code__startswith="980")
        .values_list("lg_code", "area__slug", "is_central_city", "joined_on")
    )
    assert rows == {
        ("980013", "migrated", True, None),
        ("980021", "migrated", False, datetime.date(2016, 3, 30)),
        ("980030", None, False, None),
    }
    _migrate_to_latest()
