"""Login throttling (django-axes), enabled in the tests as in production.

The lock is on the pair (username, address): five wrong passwords for a user from one address stop that user
from that address for the cool-off time, while the same user from another address, and other users from that
address, still log in — nobody can lock `admin` out from everywhere.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.utils import timezone

pytestmark = pytest.mark.django_db

PASSWORD = "kumamoto-Castle-1607"
LOGIN_URLS = ["/admin/login/", "/ja/accounts/login/"]
ATTACKER = "203.0.113.7"
PROXY = "10.0.0.2"
# The default of AXES_FAILURE_LIMIT (settings.py, .env.example).
FAILURE_LIMIT = 5


@pytest.fixture
def staff_user():
    return get_user_model().objects.create_user("tanaka", password=PASSWORD, is_staff=True)


def _login(client, url, password, **meta):
    return client.post(url, {"username": "tanaka", "password": password}, **meta)


def _logged_in(client):
    return "_auth_user_id" in client.session


def _fail(client, url, times, **meta):
    return [_login(client, url, "wrong-password", **meta).status_code for _ in range(times)]


@pytest.mark.parametrize("url", LOGIN_URLS)
def test_five_wrong_passwords_lock_the_user_at_that_address(client, staff_user, url):
    assert _fail(client, url, FAILURE_LIMIT - 1, REMOTE_ADDR=ATTACKER) == [200] * (FAILURE_LIMIT - 1)
    assert _fail(client, url, 1, REMOTE_ADDR=ATTACKER) == [429]

    response = _login(client, url, PASSWORD, REMOTE_ADDR=ATTACKER)

    assert response.status_code == 429
    assert not _logged_in(client)
    text = response.content.decode()
    assert "ログインの失敗が続いたため" in text
    assert "15分" in text
    assert 'lang="ja"' in text


@pytest.mark.parametrize("url", LOGIN_URLS)
def test_another_address_still_logs_in_as_that_user(client, staff_user, url):
    _fail(client, url, FAILURE_LIMIT, REMOTE_ADDR=ATTACKER)

    response = _login(client, url, PASSWORD, REMOTE_ADDR="198.51.100.20")

    assert response.status_code == 302
    assert _logged_in(client)


def test_the_lock_ends_after_the_cool_off(client, staff_user):
    _fail(client, "/ja/accounts/login/", FAILURE_LIMIT, REMOTE_ADDR=ATTACKER)
    # Default AXES_COOLOFF_MINUTES is 15: attempts older than that no longer count.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    response = _login(client, "/ja/accounts/login/", PASSWORD, REMOTE_ADDR=ATTACKER)

    assert response.status_code == 302
    assert _logged_in(client)


def test_without_a_proxy_configured_a_forwarded_header_is_ignored(client, staff_user):
    # No CLIENT_IP_HEADER (the default): whatever X-Forwarded-For a client sends, its own address is counted,
    # so a new forged address per attempt does not escape the lock.
    for attempt in range(FAILURE_LIMIT):
        _login(client, "/admin/login/", "wrong", REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}")

    response = _login(client, "/admin/login/", PASSWORD, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="198.51.100.99")

    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


@pytest.fixture
def behind_one_proxy(settings):
    """What CLIENT_IP_HEADER=HTTP_X_FORWARDED_FOR and TRUSTED_PROXY_COUNT=1 set (see test_settings.py)."""
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.IPWARE_STRICT = False


def test_the_forwarded_address_is_recorded_behind_the_proxy(client, staff_user, behind_one_proxy):
    # The proxy appends the address it saw; the client may have sent a forged one before it.
    _login(client, "/admin/login/", "wrong", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.66, " + ATTACKER)

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [ATTACKER]


def test_behind_the_proxy_one_client_does_not_lock_out_another(client, staff_user, behind_one_proxy):
    _fail(client, "/admin/login/", FAILURE_LIMIT, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)
    locked = _login(client, "/admin/login/", PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert locked.status_code == 429

    response = _login(client, "/admin/login/", PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.20")

    assert response.status_code == 302
    assert _logged_in(client)
