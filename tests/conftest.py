import os

import pytest
from django.core.management import call_command
from hypothesis import settings as hypothesis_settings

# Explore freely on a developer's machine; in CI, the same examples every run so a red build is reproducible.
hypothesis_settings.register_profile("ci", derandomize=True, max_examples=300)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


# Tests marked `redis` use this database of the Redis server and empty it before and after each test; nothing
# else of the portal uses it (the default REDIS_URL is database 0).
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def pytest_runtest_setup(item):
    """A test marked `postgres` needs PostgreSQL: skipped elsewhere, and a failure where REQUIRE_POSTGRES_TESTS
    is set (CI's PostgreSQL run), so the race it tests is never silently left untested. Likewise a test marked
    `redis` needs a Redis server at TEST_REDIS_URL (REQUIRE_REDIS_TESTS in CI)."""
    if item.get_closest_marker("redis"):
        import redis

        try:
            redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1).ping()
        except redis.ConnectionError as error:
            message = f"needs Redis at {TEST_REDIS_URL}: {error}"
            if os.environ.get("REQUIRE_REDIS_TESTS"):
                pytest.fail(message)
            pytest.skip(message)
    if item.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            message = f"needs PostgreSQL (DATABASE_URL), not {connection.vendor}"
            if os.environ.get("REQUIRE_POSTGRES_TESTS"):
                pytest.fail(message)
            pytest.skip(message)


@pytest.fixture(scope="session", autouse=True)
def collected_static():
    """Collect static files once per run, so pages get the same hashed, compressed URLs as in production."""
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def empty_cache(settings):
    """Each test starts with an empty cache (the data version rolls back with each test's transaction, so a page
    another test cached under the same version number must not be served to this one), and without the public
    page cache, so a test may read a response's template context on any request: tests/vision/test_page_cache.py
    turns it on."""
    from django.core.cache import caches

    settings.PAGE_CACHE_SECONDS = 0
    caches["default"].clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real reference data once into the test database; each test's transaction rolls back over it.

    Tests on a live server (transactional) flush the tables, so they load it again themselves
    (tests/browser/conftest.py); pytest-django runs them after all the others.
    """
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture
def reference_data(db):
    """Marks a test that reads the reference data (loaded once per session by django_db_setup)."""


@pytest.fixture
def live_reference_data(transactional_db):
    """The reference data for a transactional test (live server, several connections): the tables are
    flushed after each such test, so each loads it again."""
    call_command("load_reference_data", verbosity=0)


@pytest.fixture
def test_redis():
    """A client of the tests' own Redis database (TEST_REDIS_URL), emptied before and after the test."""
    import redis

    client = redis.Redis.from_url(TEST_REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def rq_on_test_redis(settings, test_redis):
    """Background jobs queued on the tests' Redis database, as REDIS_URL sets them up (kumamoto_portal/settings.py)."""
    settings.RQ_QUEUES = {"default": {"URL": TEST_REDIS_URL, "DEFAULT_TIMEOUT": 60}}
    return test_redis
