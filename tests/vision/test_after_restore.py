"""`manage.py after_restore` (README: バックアップと復元): after a backup is restored, no page, API answer or chart
cached before the restore is served, on any app server, and the job queue is left alone."""

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client, override_settings

from kpi.models import Indicator
from tests.conftest import TEST_REDIS_URL
from vision import dataversion
from vision.models import DataVersion

CODE = "S2-G1-N1"
PAGE = f"/ja/areas/kumamoto/indicators/{CODE}/"
ORIGINAL, RENAMED = "市内総生産額", "市内総生産額（バックアップ後の変更）"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 3600


def _back_up_change_and_restore(client):
    """The backup is taken, then the data changes and its page is cached; then the backup is restored: the rows and
    the data version are the backup's again (pg_restore writes around every signal)."""
    backed_up_version = dataversion.current()
    indicator = Indicator.objects.get(code=CODE)
    indicator.name = RENAMED
    indicator.save()
    cached = client.get(PAGE)
    assert RENAMED in cached.content.decode() and client.get(PAGE)["X-Page-Cache"] == "hit"

    Indicator.objects.filter(pk=indicator.pk).update(name=ORIGINAL)
    DataVersion.objects.filter(pk=DataVersion.SINGLETON).update(value=backed_up_version)
    return backed_up_version


def _assert_the_restored_page_is_served(client):
    first = client.get(PAGE)
    assert first["X-Page-Cache"] == "miss"
    assert RENAMED not in first.content.decode() and ORIGINAL in first.content.decode()
    assert client.get(PAGE)["X-Page-Cache"] == "hit"


@pytest.mark.django_db
def test_a_page_cached_before_a_restore_is_not_served_after_it(client, reference_data):
    backed_up_version = _back_up_change_and_restore(client)
    # The restored version's next number is the one the changed page was cached under.
    dataversion.bump()
    assert RENAMED in client.get(PAGE).content.decode()

    call_command("after_restore", verbosity=0)

    assert DataVersion.objects.get().value > backed_up_version + 1
    _assert_the_restored_page_is_served(client)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_on_the_shared_cache_the_version_moves_past_every_one_used_before_the_restore(live_reference_data, test_redis):
    redis_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": TEST_REDIS_URL,
            "KEY_PREFIX": "portal",  # as kumamoto_portal/settings.py sets it
        }
    }
    with override_settings(CACHES=redis_cache):
        caches["default"].clear()
        client = Client()
        before_restore = dataversion.current()
        _back_up_change_and_restore(client)
        used_before_restore = caches["default"].get(dataversion.CACHE_KEY)
        assert used_before_restore > before_restore
        test_redis.rpush("rq:queue:default", "a queued job")

        call_command("after_restore", verbosity=0)

        assert DataVersion.objects.get().value > used_before_restore
        assert dataversion.current() == DataVersion.objects.get().value
        assert not [key for key in test_redis.scan_iter("portal:*") if b":page:" in key]
        assert test_redis.lrange("rq:queue:default", 0, -1) == [b"a queued job"]
        _assert_the_restored_page_is_served(client)
        caches["default"].clear()
