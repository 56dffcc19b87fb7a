"""The public data version moves on with every change to the portal's data, once per transaction."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import transaction
from django.test import override_settings

from tests.conftest import TEST_REDIS_URL
from tests.vision.factories import AreaMembershipFactory, MetroAreaFactory, MunicipalityFactory, PlanFactory
from vision import dataversion

pytestmark = pytest.mark.django_db


def test_a_save_moves_the_version_on_by_one():
    before = dataversion.current()
    MetroAreaFactory()
    assert dataversion.current() == before + 1


def test_a_batch_of_writes_moves_it_once_at_the_end():
    before = dataversion.current()
    with dataversion.batch():
        area = MetroAreaFactory()
        with dataversion.batch():
            PlanFactory(area=area)
        PlanFactory(area=area)
        assert dataversion.current() == before
    assert dataversion.current() == before + 1


def test_a_batch_that_writes_nothing_leaves_it():
    before = dataversion.current()
    with dataversion.batch():
        pass
    assert dataversion.current() == before


def test_a_rolled_back_change_leaves_it_and_the_next_change_still_moves_it(django_capture_on_commit_callbacks):
    before = dataversion.current()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            MetroAreaFactory()
            raise RuntimeError("rolled back")
    assert dataversion.current() == before
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            MetroAreaFactory()
    assert dataversion.current() == before + 1


def test_a_delete_and_a_relation_change_move_it():
    membership = AreaMembershipFactory()
    before = dataversion.current()
    membership.delete()
    assert dataversion.current() == before + 1
    municipality = MunicipalityFactory()
    before = dataversion.current()
    municipality.areas.add(MetroAreaFactory(), through_defaults={"joined_on": "2020-01-01"})
    assert dataversion.current() > before


def test_a_user_account_is_not_public_data():
    before = dataversion.current()
    get_user_model().objects.create_user("someone")
    assert dataversion.current() == before


def test_an_explicit_bump_for_bulk_writes():
    before = dataversion.current()
    dataversion.bump()
    assert dataversion.current() == before + 1


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_with_a_shared_cache_readers_find_the_new_version_after_the_commit():
    redis_cache = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": TEST_REDIS_URL}}
    with override_settings(CACHES=redis_cache):
        caches["default"].clear()
        try:
            first = dataversion.current()
            with transaction.atomic():
                MetroAreaFactory()
                # Not committed yet: other app servers still see the old version in the cache.
                assert caches["default"].get(dataversion.CACHE_KEY) == first
            assert caches["default"].get(dataversion.CACHE_KEY) == first + 1
            assert dataversion.current() == first + 1
        finally:
            caches["default"].clear()


def test_every_migrate_moves_it_even_with_nothing_to_migrate():
    # A deploy runs migrate before the new code starts (README: 本番運用): pages cached by the old code retire.
    from django.apps import apps
    from django.db.models.signals import post_migrate

    vision = apps.get_app_config("vision")
    before = dataversion.current()
    post_migrate.send(vision, app_config=vision, using="default", plan=[])
    assert dataversion.current() == before + 1
