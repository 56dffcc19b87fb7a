"""The area in the URL path (issue 12, first step): pages of an area look their objects up within it, and today's
area-less URLs move permanently to the area of the object they show."""

import pytest

from agreements.models import Agreement
from kpi.models import Indicator
from tests.kpi.factories import IndicatorFactory
from tests.vision.factories import MetroAreaFactory, MunicipalityFactory, PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other(reference_data):
    """A second area, with one member, one plan and one KPI of its own."""
    area = MetroAreaFactory(slug="other-area", name="別の都市圏")
    plan = PlanFactory(area=area, slug="other-plan")
    return {
        "area": area,
        "plan": plan,
        "indicator": IndicatorFactory(plan=plan, code="OTHER-1"),
        "member": MunicipalityFactory(area=area, lg_code="999991", name="別市"),
    }


def test_an_object_of_another_area_is_not_found_under_this_area(client, other):
    assert client.get("/ja/areas/other-area/plans/other-plan/").status_code == 200
    assert client.get("/ja/areas/kumamoto/plans/other-plan/").status_code == 404
    assert client.get("/ja/areas/other-area/indicators/OTHER-1/").status_code == 200
    assert client.get("/ja/areas/kumamoto/indicators/OTHER-1/").status_code == 404
    assert client.get("/ja/areas/kumamoto/indicators/OTHER-1/embed/").status_code == 404
    assert client.get("/ja/areas/kumamoto/indicators/OTHER-1/data.csv").status_code == 404
    assert client.get("/ja/areas/kumamoto/municipalities/999991/").status_code == 404
    assert client.get("/ja/areas/other-area/municipalities/432041/").status_code == 404  # 荒尾市 is in 熊本
    arao = Agreement.objects.get(partner__lg_code="432041")
    assert client.get(f"/ja/areas/kumamoto/agreements/{arao.pk}/").status_code == 200
    assert client.get(f"/ja/areas/other-area/agreements/{arao.pk}/").status_code == 404
    kumamoto_kpi = Indicator.objects.filter(plan__area__slug="kumamoto").first()
    assert client.get(f"/ja/areas/other-area/indicators/{kumamoto_kpi.code}/").status_code == 404


def test_an_unknown_area_is_not_found(client, reference_data):
    assert client.get("/ja/areas/nowhere/").status_code == 404
    assert client.get("/ja/areas/nowhere/matrix/").status_code == 404


def test_old_urls_move_permanently_to_the_area_of_their_object(client, other):
    expected = {
        "/ja/plans/other-plan/": "/ja/areas/other-area/plans/other-plan/",
        "/ja/indicators/OTHER-1/": "/ja/areas/other-area/indicators/OTHER-1/",
        "/ja/indicators/OTHER-1/embed/": "/ja/areas/other-area/indicators/OTHER-1/embed/",
        "/en/indicators/OTHER-1/data.json": "/en/areas/other-area/indicators/OTHER-1/data.json",
        "/ja/municipalities/999991/": "/ja/areas/other-area/municipalities/999991/",
        "/ja/municipalities/432041/": "/ja/areas/kumamoto/municipalities/432041/",
        "/ja/matrix/": "/ja/areas/kumamoto/matrix/",
        "/ja/open-data/": "/ja/areas/kumamoto/open-data/",
        "/ja/committee/": "/ja/areas/kumamoto/committee/",
        "/ja/search/?q=%E8%8D%92%E5%B0%BE&page=2": "/ja/areas/kumamoto/search/?q=%E8%8D%92%E5%B0%BE&page=2",
    }
    for old, new in expected.items():
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old
    assert client.get("/ja/plans/no-such-plan/").status_code == 404


def test_the_old_embed_still_frames_the_chart(client, other):
    response = client.get("/ja/indicators/OTHER-1/embed/", follow=True)
    assert response.redirect_chain == [("/ja/areas/other-area/indicators/OTHER-1/embed/", 301)]
    assert response.status_code == 200
    assert "X-Frame-Options" not in response


def test_pages_link_and_offer_embeds_at_the_new_addresses(client, reference_data):
    code = Indicator.objects.filter(plan__area__slug="kumamoto").order_by("code").first().code
    body = client.get(f"/ja/areas/kumamoto/indicators/{code}/").content.decode()
    assert f"/ja/areas/kumamoto/indicators/{code}/embed/" in body
    assert f'"/ja/indicators/{code}/' not in body
    home = client.get("/ja/").content.decode()
    assert 'href="/ja/areas/kumamoto/matrix/"' in home
    assert 'action="/ja/areas/kumamoto/search/"' in home


def test_root_shows_the_default_area_and_a_chooser_only_when_several_have_members(client, other, settings):
    body = client.get("/ja/").content.decode()
    assert "別の都市圏" in body and 'href="/ja/areas/other-area/"' in body
    assert 'href="/ja/areas/kumamoto/"' in body
    other["member"].memberships.all().delete()
    body = client.get("/ja/").content.decode()
    assert 'href="/ja/areas/other-area/"' not in body
    assert 'href="/ja/areas/kumamoto/matrix/"' in body


def test_the_default_area_is_a_setting(client, other, settings):
    settings.DEFAULT_AREA = "other-area"
    assert client.get("/ja/matrix/")["Location"] == "/ja/areas/other-area/matrix/"
