"""/health/ (vision/health.py): 200 when the database (and, with REDIS_URL, Redis and the cache) answer, else 503
naming what failed; never cached, no session, no login."""

import socket

import pytest

from tests.conftest import TEST_REDIS_URL

pytestmark = pytest.mark.django_db


def _closed_port():
    """A loopback port nothing listens on: bound, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _redis_at(settings, url):
    """What settings.py sets with REDIS_URL=url."""
    settings.REDIS_URL = url
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.fixture
def without_redis(settings):
    settings.REDIS_URL = ""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_healthy_with_the_database_alone(client, without_redis):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"database": "OK"}


def test_the_answer_is_never_cached_and_starts_no_session(client, without_redis):
    response = client.get("/health/")

    assert "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_plain_text_on_request(client, without_redis):
    for response in (client.get("/health/?format=text"), client.get("/health/", HTTP_ACCEPT="text/plain")):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        assert response.content.decode() == "database: OK\n"


def test_a_load_balancer_probing_over_http_is_not_redirected_to_https(client, without_redis, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/ja/").status_code == 301
    assert client.get("/health/").status_code == 200


@pytest.mark.redis
def test_healthy_with_redis_checks_redis_and_the_cache(client, settings, test_redis):
    _redis_at(settings, TEST_REDIS_URL)

    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"database": "OK", "redis": "OK", "cache": "OK"}


def test_503_naming_redis_and_the_cache_when_redis_is_down(client, settings, caplog):
    _redis_at(settings, f"redis://127.0.0.1:{_closed_port()}/0")

    response = client.get("/health/")

    assert response.status_code == 503
    report = response.json()
    assert report["database"] == "OK"
    assert report["redis"].startswith("Unavailable: Unable to connect to Redis")
    assert report["cache"] != "OK"
    # Logged once per failed check as a warning, not as a server error mailed to ADMINS on every probe.
    assert not [record for record in caplog.records if record.name == "django.request"]
    assert [record.levelname for record in caplog.records if record.name == "health_check"] == ["WARNING"] * 2


def test_503_naming_the_database_when_it_is_down(client, without_redis, monkeypatch):
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.utils import OperationalError

    def refuse(self):
        raise OperationalError("connection refused: the database is down")

    # Only the health check's own connection is affected: it opens a new one in a worker thread.
    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)

    response = client.get("/health/?format=text")

    assert response.status_code == 503
    assert response.content.decode().startswith("database: Unavailable:")
