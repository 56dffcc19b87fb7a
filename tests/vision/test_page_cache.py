"""The server-side cache of public pages: keyed by full URL and data version, only for anonymous-safe answers,
revalidated by browsers with an ETag (vision.middleware.PublicPageCacheMiddleware)."""

import gzip
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings

from kpi import services
from kpi.models import Indicator, Observation
from tests.conftest import TEST_REDIS_URL
from vision import dataversion
from vision.middleware import PublicPageCacheMiddleware

pytestmark = pytest.mark.django_db

# 市内総生産額: published final target 2,692 (FY2023) in seed 001, as tests/kpi/test_write_path.py reads it.
CODE = "S2-G1-N1"
PAGE = f"/ja/areas/kumamoto/indicators/{CODE}/"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 3600


def _directives(response):
    return {part.strip() for part in response["Cache-Control"].split(",")}


def test_the_second_anonymous_request_is_a_hit_with_the_same_page(client, reference_data):
    first = client.get(PAGE)
    second = client.get(PAGE)

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Content-Language"] == "ja"


def test_browsers_revalidate_instead_of_keeping_the_page(client, reference_data):
    response = client.get("/ja/")

    assert {"public", "no-cache"} <= _directives(response)
    assert not any(directive.startswith("max-age") and directive != "max-age=0" for directive in _directives(response))
    assert response["ETag"].startswith(f'"{dataversion.current()}-')


def test_an_unchanged_page_is_a_304_and_a_changed_one_is_sent_again(client, reference_data):
    etag = client.get(PAGE)["ETag"]

    assert client.get(PAGE, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(PAGE, HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304

    indicator = Indicator.objects.get(code=CODE)
    indicator.name = "市内総生産額（改）"
    indicator.save()

    response = client.get(PAGE, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert "市内総生産額（改）" in response.content.decode()


def test_a_publish_shows_the_new_figure_on_the_next_request_while_the_cache_was_warm(client, admin_user):
    client.get(PAGE)
    warm = client.get(PAGE)
    assert warm["X-Page-Cache"] == "hit" and "2,692" in warm.content.decode()

    services.record_observation(Indicator.objects.get(code=CODE), 2023, "target", value=Decimal("2700"))
    draft = client.get(PAGE).content.decode()
    # a draft is not public: the page is the same, character for character (its chart's top tick reads 2,700)
    assert draft == warm.content.decode()

    services.publish([Observation.objects.get(indicator__code=CODE, fiscal_year=2023, kind="target")], admin_user)
    response = client.get(PAGE)
    assert response["X-Page-Cache"] == "miss"
    assert '<td class="number">2,700</td>' in response.content.decode()


def test_each_language_and_query_string_has_its_own_entry(client, reference_data):
    ja = client.get(PAGE)
    en = client.get(PAGE.replace("/ja/", "/en/"))
    searched = client.get("/ja/areas/kumamoto/search/?q=観光")
    other = client.get("/ja/areas/kumamoto/search/?q=人口")

    assert en["X-Page-Cache"] == "miss" and en["Content-Language"] == "en"
    assert ja.content != en.content
    assert other["X-Page-Cache"] == "miss" and searched.content != other.content


def test_a_signed_in_request_is_neither_served_from_nor_stored_in_the_cache(client, admin_user, reference_data):
    client.get(PAGE)
    assert client.get(PAGE)["X-Page-Cache"] == "hit"

    signed_in = Client()
    signed_in.force_login(admin_user)
    response = signed_in.get(PAGE)
    assert "X-Page-Cache" not in response
    assert response.status_code == 200

    # Nothing it rendered is served to the next anonymous visitor: the cache is empty again and stays so.
    caches["default"].clear()
    assert "X-Page-Cache" not in signed_in.get(PAGE)
    assert client.get(PAGE)["X-Page-Cache"] == "miss"


def test_a_session_cookie_bypasses_the_cache_even_when_it_is_not_valid(client, reference_data):
    client.get(PAGE)
    client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-session"

    assert "X-Page-Cache" not in client.get(PAGE)


def test_private_pages_and_health_never_use_the_cache(admin_client, client, reference_data):
    for url in ["/ja/accounts/login/", "/ja/areas/kumamoto/workspace/", "/health/", "/admin/login/"]:
        client.get(url)
        response = client.get(url)
        assert "X-Page-Cache" not in response, url
        assert "public" not in response.get("Cache-Control", ""), url


def _middleware(response):
    return PublicPageCacheMiddleware(lambda request: response)


@pytest.mark.parametrize(
    "prepare",
    [
        lambda r: r.set_cookie("tracking", "1"),
        lambda r: r.headers.__setitem__("Vary", "Cookie"),
        lambda r: r.headers.__setitem__("Cache-Control", "private"),
        lambda r: setattr(r, "status_code", 404),
    ],
    ids=["sets-a-cookie", "varies-by-cookie", "own-cache-control", "not-200"],
)
def test_an_answer_that_is_not_anonymous_safe_is_not_stored(prepare):
    response = HttpResponse("personal")
    prepare(response)
    middleware = _middleware(response)

    middleware(RequestFactory().get("/ja/some-page/"))

    key = middleware._key(RequestFactory().get("/ja/some-page/"))
    assert caches["default"].get(key) is None


def test_a_post_or_a_request_with_credentials_is_not_served_from_the_cache():
    middleware = _middleware(HttpResponse("page"))
    middleware(RequestFactory().get("/ja/page/"))
    assert middleware(RequestFactory().get("/ja/page/"))["X-Page-Cache"] == "hit"

    assert "X-Page-Cache" not in middleware(RequestFactory().post("/ja/page/"))
    assert "X-Page-Cache" not in middleware(RequestFactory().get("/ja/page/", HTTP_AUTHORIZATION="Token abc"))
    messages = RequestFactory().get("/ja/page/")
    messages.COOKIES["messages"] = "x"
    assert "X-Page-Cache" not in middleware(messages)


def test_a_head_request_is_served_from_a_stored_get_but_stores_nothing():
    middleware = _middleware(HttpResponse("page"))
    assert middleware(RequestFactory().head("/ja/page/"))["X-Page-Cache"] == "miss"
    assert middleware(RequestFactory().head("/ja/page/"))["X-Page-Cache"] == "miss"
    middleware(RequestFactory().get("/ja/page/"))
    assert middleware(RequestFactory().head("/ja/page/"))["X-Page-Cache"] == "hit"


def test_the_host_is_part_of_the_key(settings):
    settings.ALLOWED_HOSTS = ["a.example.jp", "b.example.jp"]
    middleware = _middleware(HttpResponse("page"))
    middleware(RequestFactory().get("/ja/page/", HTTP_HOST="a.example.jp"))

    assert middleware(RequestFactory().get("/ja/page/", HTTP_HOST="b.example.jp"))["X-Page-Cache"] == "miss"


@override_settings(PAGE_CACHE_SECONDS=0)
def test_it_can_be_turned_off(client, reference_data):
    client.get(PAGE)
    response = client.get(PAGE)
    assert "X-Page-Cache" not in response
    assert "public" in response["Cache-Control"]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_on_the_shared_cache_a_change_committed_elsewhere_shows_on_the_next_request(live_reference_data, test_redis):
    redis_cache = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": TEST_REDIS_URL}}
    with override_settings(CACHES=redis_cache):
        caches["default"].clear()
        client = Client()
        client.get(PAGE)
        assert client.get(PAGE)["X-Page-Cache"] == "hit"

        indicator = Indicator.objects.get(code=CODE)
        indicator.name = "市内総生産額（改）"
        indicator.save()  # autocommit: the new version is in the shared cache now

        response = client.get(PAGE)
        assert response["X-Page-Cache"] == "miss"
        assert "市内総生産額（改）" in response.content.decode()
        assert client.get(PAGE)["X-Page-Cache"] == "hit"
        caches["default"].clear()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_on_the_shared_cache_a_hit_is_one_round_trip(live_reference_data, test_redis):
    """The version and the page are read together (MGET), not one after the other: a hit's cost is mostly its
    round trips to Redis."""
    redis_cache = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": TEST_REDIS_URL}}
    with override_settings(CACHES=redis_cache):
        caches["default"].clear()
        client = Client()
        client.get(PAGE)
        commands = []
        connection = caches["default"]._cache.get_client(PAGE)
        original = type(connection).execute_command

        def counting(self, *args, **kwargs):
            commands.append(args[0])
            return original(self, *args, **kwargs)

        type(connection).execute_command = counting
        try:
            response = client.get(PAGE)
        finally:
            type(connection).execute_command = original
        assert response["X-Page-Cache"] == "hit"
        assert commands == ["MGET"]
        caches["default"].clear()


def test_a_client_that_accepts_gzip_gets_the_same_page_compressed(client, reference_data):
    plain = client.get(PAGE)
    for said in ("miss", "hit"):
        client_cache = caches["default"]
        if said == "miss":
            client_cache.clear()
        zipped = client.get(PAGE, HTTP_ACCEPT_ENCODING="gzip, deflate, br")

        assert zipped["X-Page-Cache"] == said
        assert zipped["Content-Encoding"] == "gzip"
        assert gzip.decompress(zipped.content) == plain.content
        assert int(zipped["Content-Length"]) == len(zipped.content) < len(plain.content) / 3
        assert "Accept-Encoding" in zipped["Vary"] and "Accept-Encoding" in plain["Vary"]
    assert int(plain["Content-Length"]) == len(plain.content)
    assert "Content-Encoding" not in plain


def test_the_compressed_copy_has_its_own_etag_and_revalidates(client, reference_data):
    plain_etag = client.get(PAGE)["ETag"]
    zipped_etag = client.get(PAGE, HTTP_ACCEPT_ENCODING="gzip")["ETag"]

    assert zipped_etag != plain_etag
    assert client.get(PAGE, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=zipped_etag).status_code == 304
    assert client.get(PAGE, HTTP_IF_NONE_MATCH=plain_etag).status_code == 304
    assert client.get(PAGE, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=plain_etag).status_code == 200


def test_a_tiny_answer_is_not_compressed():
    middleware = _middleware(HttpResponse("page"))
    response = middleware(RequestFactory().get("/ja/page/", HTTP_ACCEPT_ENCODING="gzip"))

    assert response.content == b"page" and "Content-Encoding" not in response


def test_a_download_is_not_stored_and_an_image_gets_no_gzip_copy():
    download = HttpResponse(b"PK\x03\x04" + b"x" * 500, content_type="application/vnd.ms-excel")
    download["Content-Disposition"] = 'attachment; filename="observations.xlsx"'
    middleware = _middleware(download)
    middleware(RequestFactory().get("/ja/open-data/observations.xlsx"))
    assert "X-Page-Cache" not in middleware(RequestFactory().get("/ja/open-data/observations.xlsx"))

    image = _middleware(HttpResponse(b"\x89PNG" + b"x" * 500, content_type="image/png"))
    image(RequestFactory().get("/ja/chart.png", HTTP_ACCEPT_ENCODING="gzip"))
    response = image(RequestFactory().get("/ja/chart.png", HTTP_ACCEPT_ENCODING="gzip"))
    assert response["X-Page-Cache"] == "hit"
    assert "Content-Encoding" not in response and response.content.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "accept, compressed",
    [("gzip", True), ("br, GZIP;q=0.5", True), ("gzip;q=0, identity", False), ("gzip; q=0.0", False), ("br", False)],
)
def test_gzip_is_sent_only_where_accepted(accept, compressed):
    middleware = _middleware(HttpResponse("<p>page</p>" * 100))
    response = middleware(RequestFactory().get("/ja/page/", HTTP_ACCEPT_ENCODING=accept))

    assert (response.get("Content-Encoding") == "gzip") is compressed
