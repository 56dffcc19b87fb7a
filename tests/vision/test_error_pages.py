"""Japanese error pages in the portal's layout (DEBUG is off in tests), and 503 when the database is down."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def _page(response):
    return response.content.decode()


@pytest.mark.django_db
def test_404_is_japanese_in_the_portal_layout(client):
    response = client.get("/ja/areas/kumamoto/indicators/no-such-indicator/")

    assert response.status_code == 404
    assert "ページが見つかりません" in _page(response)
    assert 'class="site-nav"' in _page(response)


@pytest.mark.django_db
def test_400_for_a_control_character_is_japanese(client):
    response = client.get("/ja/areas/kumamoto/search/?q=%00")

    assert response.status_code == 400
    assert "リクエストを受け付けられません" in _page(response)


@pytest.mark.django_db
@pytest.mark.urls("tests.vision.error_urls")
def test_400_raised_by_a_view_is_japanese(client):
    response = client.get("/broken/request/")

    assert response.status_code == 400
    assert "リクエストを受け付けられません" in _page(response)


@pytest.mark.django_db
@pytest.mark.urls("tests.vision.error_urls")
def test_403_is_japanese(client):
    response = client.get("/broken/forbidden/")

    assert response.status_code == 403
    assert "このページを見る権限がありません" in _page(response)


@pytest.mark.django_db
@pytest.mark.urls("tests.vision.error_urls")
def test_500_is_japanese_and_names_the_request_id(client):
    response = client.get("/broken/view/")

    assert response.status_code == 500
    assert "サーバーでエラーが発生しました" in _page(response)
    assert response["X-Request-ID"] in _page(response)


@pytest.mark.django_db
@pytest.mark.urls("tests.vision.error_urls")
@pytest.mark.parametrize("url", ["/broken/database/", "/broken/connection/"])
def test_a_view_losing_the_database_gives_503(client, url):
    response = client.get(url)

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "ただいまご利用いただけません" in _page(response)


@pytest.mark.django_db
def test_a_failed_csrf_check_is_japanese():
    response = Client(enforce_csrf_checks=True).post("/ja/accounts/login/", {"username": "a", "password": "b"})

    assert response.status_code == 403
    assert "送信を受け付けられませんでした" in _page(response)


# No django_db mark below: pytest-django refuses every database access, so the pages must render without one.


def test_the_500_page_renders_without_the_database(client):
    # Opening the request's transaction (ATOMIC_REQUESTS) is refused with a RuntimeError: an ordinary 500. Had
    # the 500 page touched the database, its own RuntimeError would escape the client.
    response = client.get("/ja/")

    assert response.status_code == 500
    assert "サーバーでエラーが発生しました" in _page(response)


def test_an_unreachable_database_gives_503_on_every_page(client):
    refused = OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=refused):
        for url in ("/ja/", "/ja/areas/kumamoto/indicators/KPI-1/", "/admin/"):
            response = client.get(url)

            assert response.status_code == 503, url
            assert "ただいまご利用いただけません" in _page(response)
