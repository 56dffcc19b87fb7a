"""How /api/v1/ answers over HTTP: JSON only, ETag and 304 for anonymous callers, never cached for staff, CORS for
GET from anywhere, throttling by the real client address, the same answer whatever Accept-Language says."""

import re

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from vision import dataversion

pytestmark = pytest.mark.django_db

URL = "/api/v1/areas/"


def test_anonymous_answers_carry_an_etag_from_the_data_version(reference_data, client):
    first = client.get(URL)
    assert first.status_code == 200
    etag = first["ETag"]
    assert str(dataversion.current()) in etag
    assert "public" in first["Cache-Control"]
    again = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    dataversion.bump()
    changed = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_signed_in_answers_have_no_etag_and_are_never_stored(reference_data, client, admin_user):
    etag = client.get(URL)["ETag"]
    client.force_login(admin_user)
    response = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert not response.has_header("ETag")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_server_cache_serves_an_unchanged_version_without_querying(reference_data, client):
    client.get("/api/v1/series-values/", {"page_size": 50})
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/series-values/", {"page_size": 50}).status_code == 200
    # The request's transaction savepoints aside, the data version is the only read.
    reads = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(reads) == 1 and "vision_dataversion" in reads[0]


def test_cors_allows_get_from_any_origin_without_credentials(reference_data, client):
    response = client.get(URL, HTTP_ORIGIN="https://news.example.com")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert not response.has_header("Access-Control-Allow-Credentials")
    assert not client.get("/ja/", HTTP_ORIGIN="https://news.example.com").has_header("Access-Control-Allow-Origin")


def test_json_only_and_read_only(reference_data, client):
    assert client.get(URL, HTTP_ACCEPT="text/html,*/*")["Content-Type"] == "application/json"
    assert client.get(URL, {"format": "api"}).status_code == 404
    assert client.post(URL, {}, content_type="application/json").status_code == 405


def test_accept_language_changes_nothing(reference_data, client):
    japanese = client.get("/api/v1/judgements/", {"page_size": 5}, HTTP_ACCEPT_LANGUAGE="ja").content
    english = client.get("/api/v1/judgements/", {"page_size": 5}, HTTP_ACCEPT_LANGUAGE="en").content
    assert japanese == english
    row = client.get("/api/v1/judgements/", {"page_size": 1}).json()["results"][0]
    assert row["judged_by"] == {
        "ja": "ポータルによる機械的な判定（委員会の評価ではありません）",
        "en": "Automatic judgement by the portal (not an evaluation by the committee)",
    }


@override_settings(API_ANONYMOUS_RATE="3/minute")
def test_anonymous_callers_are_throttled_by_address(reference_data, client, admin_user):
    for _ in range(3):
        assert client.get(URL, REMOTE_ADDR="198.51.100.7").status_code == 200
    refused = client.get(URL, REMOTE_ADDR="198.51.100.7")
    assert refused.status_code == 429
    assert refused.has_header("Retry-After")
    assert client.get(URL, REMOTE_ADDR="198.51.100.8").status_code == 200
    client.force_login(admin_user)
    assert client.get(URL, REMOTE_ADDR="198.51.100.7").status_code == 200


@override_settings(
    API_ANONYMOUS_RATE="2/minute",
    AXES_IPWARE_META_PRECEDENCE_ORDER=("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"),
    AXES_IPWARE_PROXY_COUNT=0,
)
def test_behind_a_proxy_the_throttle_counts_the_address_the_proxy_saw(reference_data, client):
    # One proxy in front (CLIENT_IP_HEADER=HTTP_X_FORWARDED_FOR, TRUSTED_PROXY_COUNT=1): the proxy's own address is
    # REMOTE_ADDR for everyone, and an address a client puts in front of the real one is skipped.
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(2):
        assert client.get(URL, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy).status_code == 200
    assert client.get(URL, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5", **proxy).status_code == 429
    assert client.get(URL, HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy).status_code == 200


def test_the_schema_is_openapi_3(reference_data, client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    assert schema["openapi"].startswith("3.")
    description = schema["components"]["schemas"]["SeriesValue"]["properties"]["printed"]["description"]
    assert "出典資料" in description and "source document" in description


def test_the_docs_page_needs_no_inline_script(reference_data, client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all("src=" in attributes for attributes in scripts)
    assert "script-src 'self'" in response["Content-Security-Policy"]
    for source in re.findall(r'<script src="([^"]+)"', html):
        assert client.get(source.replace("&amp;", "&")).status_code == 200, source


def test_a_control_character_in_a_query_is_a_json_400(reference_data, client):
    # Found by schemathesis: the portal-wide guard answered the API with its HTML error page.
    response = client.get("/api/v1/agreements/", {"area": "a\x07b"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()
