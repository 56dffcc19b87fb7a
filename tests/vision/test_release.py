"""The release identifier in the page cache's key and ETag (vision.release): a deploy that runs no migrate still
retires the pages the old code rendered."""

import shutil
from unittest import mock

import cairosvg
import pytest
from django.core.cache import caches
from django.http import HttpResponse
from django.test import RequestFactory

from vision import release
from vision.middleware import PublicPageCacheMiddleware

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 3600
    caches["default"].clear()
    yield
    caches["default"].clear()


def _served(settings, release_id, body):
    """What a server of release `release_id`, whose views render `body`, answers for /ja/page/."""
    settings.RELEASE_ID = release_id
    return PublicPageCacheMiddleware(lambda request: HttpResponse(body))(RequestFactory().get("/ja/page/"))


def test_two_releases_have_different_keys_and_the_same_release_hits(settings):
    old = _served(settings, "r1", "old template")
    assert old["X-Page-Cache"] == "miss"
    assert _served(settings, "r1", "old template")["X-Page-Cache"] == "hit"

    new = _served(settings, "r2", "new template")
    assert new["X-Page-Cache"] == "miss"
    assert new.content == b"new template"
    assert _served(settings, "r2", "new template")["X-Page-Cache"] == "hit"

    request = RequestFactory().get("/ja/page/")
    middleware = PublicPageCacheMiddleware(lambda request: HttpResponse())
    settings.RELEASE_ID = "r1"
    key_r1 = middleware._key(request)
    settings.RELEASE_ID = "r2"
    assert middleware._key(request) != key_r1


def test_the_etag_names_the_release_so_a_browser_revalidates_after_a_deploy(settings):
    old = _served(settings, "r1", "same page")
    new = _served(settings, "r2", "same page")

    assert "r1" in old["ETag"] and "r2" in new["ETag"]
    assert old["ETag"] != new["ETag"]


def test_without_release_id_the_installed_code_is_fingerprinted_once(settings):
    settings.RELEASE_ID = ""
    first = release.current()

    assert first == release.current()
    assert len(first) == 12 and int(first, 16) >= 0


def _tree(root):
    (root / "templates").mkdir(parents=True)
    (root / "templates" / "page.html").write_text("<p>{{ value }}</p>")
    (root / "app").mkdir()
    (root / "app" / "views.py").write_text("x = 1\n")
    (root / "app" / "__pycache__").mkdir()
    (root / "app" / "__pycache__" / "views.cpython-312.pyc").write_bytes(b"\0compiled")
    return [root / "templates", root / "app"]


def test_the_fingerprint_follows_the_files_not_where_they_are_installed(tmp_path):
    server_a = _tree(tmp_path / "a")
    server_b = _tree(tmp_path / "b")
    assert release.fingerprint(tmp_path / "a", server_a) == release.fingerprint(tmp_path / "b", server_b)

    (tmp_path / "b" / "app" / "__pycache__" / "views.cpython-312.pyc").write_bytes(b"\0other")
    assert release.fingerprint(tmp_path / "a", server_a) == release.fingerprint(tmp_path / "b", server_b)

    (tmp_path / "b" / "templates" / "page.html").write_text("<p>{{ value|default:'―' }}</p>")
    assert release.fingerprint(tmp_path / "a", server_a) != release.fingerprint(tmp_path / "b", server_b)

    shutil.rmtree(tmp_path / "b")
    server_b = _tree(tmp_path / "b")
    (tmp_path / "b" / "templates" / "new.html").write_text("")
    assert release.fingerprint(tmp_path / "a", server_a) != release.fingerprint(tmp_path / "b", server_b)


def test_the_api_answers_of_another_release_are_neither_reused_nor_revalidated(settings, client, reference_data):
    settings.RELEASE_ID = "r1"
    old = client.get("/api/v1/areas/")
    assert client.get("/api/v1/areas/", HTTP_IF_NONE_MATCH=old["ETag"]).status_code == 304

    settings.RELEASE_ID = "r2"
    new = client.get("/api/v1/areas/", HTTP_IF_NONE_MATCH=old["ETag"])

    assert new.status_code == 200
    assert new["ETag"] != old["ETag"] and "r2" in new["ETag"]


def test_a_chart_image_of_another_release_is_drawn_again(settings, client, reference_data):
    path = "/ja/areas/kumamoto/indicators/S2-G1-N1/chart.png"
    settings.RELEASE_ID = "r1"
    with mock.patch("kpi.chartimage.cairosvg.svg2png", wraps=cairosvg.svg2png) as draw:
        client.get(path)
        client.get(path)
        settings.RELEASE_ID = "r2"
        client.get(path)
    assert draw.call_count == 2
