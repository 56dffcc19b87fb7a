"""Cache-Control: public pages may sit in a shared cache; the workspace, the admin and login pages never."""

import pytest
from django.urls import reverse

from committee.models import Committee, Review
from vision.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("chief", "chief@example.jp", "pw-for-tests-only"))
    return client


def _private(response):
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    return {"private", "no-store"} <= directives and "public" not in directives


def test_workspace_responses_are_private_even_before_login(client, reference_data):
    response = client.get("/ja/areas/kumamoto/workspace/")

    assert response.status_code == 302
    assert _private(response)


def test_every_workspace_page_and_download_is_private(superuser_client, reference_data):
    Review.objects.create(
        committee=Committee.objects.get(), plan=Plan.objects.get(slug="kumamoto-strategy-1"), fiscal_year=2020
    )
    urls = [
        "/ja/areas/kumamoto/workspace/",
        "/en/areas/kumamoto/workspace/",
        "/ja/areas/kumamoto/workspace/reviews/2020/",
        "/ja/areas/kumamoto/workspace/reviews/2020/status.xlsx",
        "/ja/areas/kumamoto/workspace/reviews/2020/sheets.xlsx",
        "/ja/areas/kumamoto/workspace/editions/",
    ]
    for url in urls:
        response = superuser_client.get(url)
        assert response.status_code == 200, url
        assert _private(response), (url, response["Cache-Control"])


def test_admin_and_login_responses_are_private(superuser_client, client, reference_data):
    for url in ["/admin/", "/admin/kpi/indicator/", reverse("admin:jsi18n")]:
        response = superuser_client.get(url)
        assert response.status_code == 200, url
        assert _private(response), (url, response["Cache-Control"])
    client.logout()
    for url in ["/admin/login/", "/ja/accounts/login/"]:
        response = client.get(url)
        assert _private(response), (url, response["Cache-Control"])


def test_public_pages_keep_their_public_caching(client, reference_data):
    for url in ["/ja/", "/ja/areas/kumamoto/committee/", "/ja/areas/kumamoto/indicators/S1-G2-N1/"]:
        response = client.get(url)
        assert "public" in response["Cache-Control"], url
        assert "no-store" not in response["Cache-Control"], url
