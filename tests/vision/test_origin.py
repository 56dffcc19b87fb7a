"""PORTAL_ORIGIN (vision/origin.py): the absolute URLs the portal hands out, on its public origin."""

import pytest

pytestmark = pytest.mark.django_db

INDICATOR = "/ja/areas/kumamoto/indicators/S1-G2-N1/"


def test_the_embed_snippet_points_at_the_portal_origin(client, reference_data, settings):
    settings.PORTAL_ORIGIN = "https://portal.example.jp"
    settings.ALLOWED_HOSTS = ["app1.internal"]

    # Reached through an app server's own name, as a load balancer or an intranet link would.
    body = client.get(INDICATOR, HTTP_HOST="app1.internal").content.decode()

    assert 'src="https://portal.example.jp/ja/areas/kumamoto/indicators/S1-G2-N1/embed/"' in body
    assert "app1.internal" not in body


def test_without_a_portal_origin_the_snippet_uses_the_request_origin(client, reference_data, settings):
    settings.PORTAL_ORIGIN = ""

    body = client.get(INDICATOR).content.decode()

    assert 'src="http://testserver/ja/areas/kumamoto/indicators/S1-G2-N1/embed/"' in body


@pytest.mark.parametrize(
    "path", ["/ja/", "/ja/areas/kumamoto/", INDICATOR, "/en/areas/kumamoto/matrix/", "/ja/open-data/progress/"]
)
def test_public_pages_name_their_canonical_url_on_the_portal_origin(client, reference_data, settings, path):
    settings.PORTAL_ORIGIN = "https://portal.example.jp"

    body = client.get(path + "?utm_source=x").content.decode()

    assert f'<link rel="canonical" href="https://portal.example.jp{path}">' in body


def test_without_a_portal_origin_the_canonical_url_is_on_the_request_origin(client, reference_data, settings):
    settings.PORTAL_ORIGIN = ""

    body = client.get("/ja/areas/kumamoto/").content.decode()

    assert '<link rel="canonical" href="http://testserver/ja/areas/kumamoto/">' in body


def test_error_pages_name_no_canonical_url(client, reference_data, settings):
    settings.PORTAL_ORIGIN = "https://portal.example.jp"

    response = client.get("/ja/areas/kumamoto/indicators/NO-SUCH-CODE/")

    assert response.status_code == 404
    assert 'rel="canonical"' not in response.content.decode()


def test_the_committee_workspace_names_no_canonical_url(admin_client, reference_data, settings):
    settings.PORTAL_ORIGIN = "https://portal.example.jp"

    response = admin_client.get("/ja/areas/kumamoto/workspace/")

    assert response.status_code == 200
    assert 'rel="canonical"' not in response.content.decode()
