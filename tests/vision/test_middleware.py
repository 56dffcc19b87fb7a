from urllib.parse import urlencode

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    "url",
    [
        "/ja/areas/kumamoto/indicators/%00/",
        "/ja/areas/kumamoto/municipalities/%00/",
        "/ja/areas/kumamoto/policy-areas/%00/",
        "/ja/areas/kumamoto/search/?q=%00",
        "/ja/areas/kumamoto/search/?q%00=a",
        "/ja/areas/kumamoto/indicators/%1B/",
        "/ja/areas/kumamoto/search/?q=%7F",
    ],
)
def test_control_characters_in_the_url_are_400(client, url):
    response = client.get(url)

    assert response.status_code == 400


def test_a_nul_in_a_multipart_form_field_is_400(client):
    response = client.post("/ja/accounts/login/", {"username": "admin\x00", "password": "x"})

    assert response.status_code == 400


def test_a_nul_in_an_urlencoded_form_field_is_400(client):
    body = urlencode({"username": "admin\x00", "password": "x"})

    response = client.post("/ja/accounts/login/", body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400


def test_a_nul_in_the_session_cookie_is_400(client):
    # The cookie parser turns "\000" inside a quoted value into NUL; loading the session for the login check
    # would send it to the database (a 500 on PostgreSQL).
    response = client.get("/ja/workspace/", HTTP_COOKIE='sessionid="abcdefgh\\000ijkl"')

    assert response.status_code == 400


def test_line_breaks_and_tabs_in_a_query_are_allowed(client):
    # A textarea's line breaks are ordinary text; only the other C0 characters are refused.
    response = client.get("/ja/areas/kumamoto/search/", {"q": "熊本\r\n\t市"})

    assert response.status_code == 200


def test_every_response_carries_a_request_id(client):
    first = client.get("/ja/")
    second = client.get("/ja/")

    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_sane_request_id_from_the_proxy_is_kept(client):
    response = client.get("/ja/", HTTP_X_REQUEST_ID="edge-4f1c.9a_2")

    assert response["X-Request-ID"] == "edge-4f1c.9a_2"


@pytest.mark.parametrize("header", ["a b", "x" * 129, "<script>", "ä", ""])
def test_an_odd_request_id_is_replaced(client, header):
    response = client.get("/ja/", HTTP_X_REQUEST_ID=header)

    assert response["X-Request-ID"] != header
    assert len(response["X-Request-ID"]) == 32
