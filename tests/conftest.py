import os

import pytest
from django.core.management import call_command
from hypothesis import settings as hypothesis_settings

# Explore freely on a developer's machine; in CI, the same examples every run so a red build is reproducible.
hypothesis_settings.register_profile("ci", derandomize=True, max_examples=300)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def pytest_runtest_setup(item):
    """A test marked `postgres` needs PostgreSQL: skipped elsewhere, and a failure where REQUIRE_POSTGRES_TESTS
    is set (CI's PostgreSQL run), so the race it tests is never silently left untested."""
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
