"""Settings read at import from the environment: each case runs in a fresh interpreter with its own environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
# Variables these tests set themselves; anything else (DATABASE_URL, …) passes through from the caller.
MANAGED = (
    "DEBUG",
    "SECRET_KEY",
    "SECURE_",
    "SESSION_COOKIE_",
    "CSRF_COOKIE_",
    "AXES_",
    "CLIENT_IP_HEADER",
    "TRUSTED_PROXY_COUNT",
    "ALLOWED_HOSTS",
    "PORTAL_ORIGIN",
    "REDIS_",
    "JOB_TIMEOUT_SECONDS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by tests/browser/conftest.py; check --deploy rightly refuses it
)
PRODUCTION_KEY = "r8J#q2v$Lm9!xT4wZp7&Nc1^Hy6*Bd3@Kf5%Gs0(Ue8)Wa2-Qo"
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": PRODUCTION_KEY,
    "ALLOWED_HOSTS": "portal.example.jp",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
    "SESSION_COOKIE_SECURE": "true",
    "CSRF_COOKIE_SECURE": "true",
}
NAMES = [
    "DEBUG",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "AXES_ENABLED",
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_TIME",
    "AXES_LOCKOUT_PARAMETERS",
    "AXES_IPWARE_META_PRECEDENCE_ORDER",
    "AXES_IPWARE_PROXY_COUNT",
]


def _environment(**variables):
    env = {name: value for name, value in os.environ.items() if not name.startswith(MANAGED)}
    env.update(DJANGO_SETTINGS_MODULE="kumamoto_portal.settings", PYTHONPATH=str(BASE_DIR), **variables)
    return env


def _run(args, **variables):
    return subprocess.run(
        [sys.executable, *args], env=_environment(**variables), cwd=BASE_DIR, capture_output=True, text=True
    )


def _settings(**variables):
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {NAMES!r}}}, default=str))"
    )
    result = _run(["-c", code], **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _example_secret_key():
    lines = (BASE_DIR / ".env.example").read_text(encoding="utf-8").splitlines()
    return next(line.split("=", 1)[1] for line in lines if line.startswith("SECRET_KEY="))


@pytest.mark.parametrize(
    "key",
    ["change-me", "django-insecure-1x$w0^s8c!q9z3k7m2n5b4v6c8x0z1a3s5d7f9g", "short-key", "CHANGE-ME", "example"],
)
def test_a_placeholder_secret_key_is_refused_with_debug_off(key):
    result = _run(["-c", "from django.conf import settings; settings.SECRET_KEY"], DEBUG="false", SECRET_KEY=key)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_the_key_in_env_example_is_refused_with_debug_off():
    key = _example_secret_key()
    result = _run(["-c", "from django.conf import settings; settings.SECRET_KEY"], DEBUG="false", SECRET_KEY=key)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


@pytest.mark.parametrize("key", ["tests-only-not-a-secret", "ci-only-secret-key", PRODUCTION_KEY])
def test_the_test_ci_and_real_keys_are_accepted(key):
    assert _settings(DEBUG="false", SECRET_KEY=key)["DEBUG"] is False


def test_the_placeholder_works_for_local_development():
    # `make run` copies .env.example (DEBUG=true, SECRET_KEY=change-me) to .env.
    assert _settings(DEBUG="true", SECRET_KEY=_example_secret_key())["DEBUG"] is True


def test_security_defaults_without_the_environment():
    values = _settings(DEBUG="false", SECRET_KEY="tests-only-not-a-secret")

    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert values["SECURE_HSTS_PRELOAD"] is False
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["AXES_ENABLED"] is True
    assert values["AXES_FAILURE_LIMIT"] == 5
    assert values["AXES_COOLOFF_TIME"] == "0:15:00"
    assert values["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]
    assert values["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["REMOTE_ADDR"]


def test_security_settings_come_from_the_environment():
    values = _settings(
        **PRODUCTION,
        SECURE_REFERRER_POLICY="strict-origin-when-cross-origin",
        AXES_FAILURE_LIMIT="8",
        AXES_COOLOFF_MINUTES="30",
        CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR",
        TRUSTED_PROXY_COUNT="1",
    )

    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_REFERRER_POLICY"] == "strict-origin-when-cross-origin"
    assert values["AXES_FAILURE_LIMIT"] == 8
    assert values["AXES_COOLOFF_TIME"] == "0:30:00"
    # One proxy in front: the right-most forwarded address is the one it saw (ipware counts the proxies
    # listed in the header, so one proxy in front is a count of 0; see tests/kumamoto_portal/test_login_throttling.py).
    assert values["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    assert values["AXES_IPWARE_PROXY_COUNT"] == 0


def test_a_malformed_proxy_ssl_header_is_refused():
    result = _run(
        ["-c", "from django.conf import settings; settings.DEBUG"],
        DEBUG="false",
        SECRET_KEY=PRODUCTION_KEY,
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO",
    )

    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER" in result.stderr


def test_check_deploy_is_clean_in_a_production_like_environment():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr


def _values(names, **variables):
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}, default=str))"
    )
    result = _run(["-c", code], **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_redis_url_the_cache_is_local_memory_and_jobs_run_inline():
    values = _values(["CACHES", "RQ_QUEUES"], DEBUG="true")

    assert values["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["RQ_QUEUES"] == {}


def test_redis_url_sets_the_cache_and_the_job_queue():
    values = _values(
        ["CACHES", "RQ_QUEUES"], DEBUG="true", REDIS_URL="redis://10.0.0.5:6379/2", JOB_TIMEOUT_SECONDS="600"
    )

    cache = values["CACHES"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://10.0.0.5:6379/2"
    assert cache["OPTIONS"] == {"socket_connect_timeout": 2.0, "socket_timeout": 2.0}
    assert values["RQ_QUEUES"] == {"default": {"URL": "redis://10.0.0.5:6379/2", "DEFAULT_TIMEOUT": 600}}


def test_the_portal_origin_loses_a_trailing_slash():
    assert _values(["PORTAL_ORIGIN"], DEBUG="true", PORTAL_ORIGIN="https://portal.example.jp/") == {
        "PORTAL_ORIGIN": "https://portal.example.jp"
    }


@pytest.mark.parametrize("origin", ["portal.example.jp", "https://portal.example.jp/ja/", "ftp://portal.example.jp"])
def test_a_portal_origin_that_is_not_a_scheme_and_host_is_refused(origin):
    result = _run(["-c", "from django.conf import settings; settings.DEBUG"], DEBUG="true", PORTAL_ORIGIN=origin)

    assert result.returncode != 0
    assert "PORTAL_ORIGIN" in result.stderr


def test_the_release_id_comes_from_the_environment_and_is_empty_without_it():
    release_id = "2026.12.07-3f9a1c2"
    assert _values(["RELEASE_ID"], DEBUG="true", RELEASE_ID=release_id) == {"RELEASE_ID": release_id}
    assert _values(["RELEASE_ID"], DEBUG="true", RELEASE_ID="") == {"RELEASE_ID": ""}


@pytest.mark.parametrize("release_id", ['v1"', "v 1", "x" * 65])
def test_a_release_id_that_cannot_go_in_a_cache_key_and_an_etag_is_refused(release_id):
    result = _run(["-c", "from django.conf import settings; settings.DEBUG"], DEBUG="true", RELEASE_ID=release_id)

    assert result.returncode != 0
    assert "RELEASE_ID" in result.stderr
