"""What a search engine and a link preview read: meta description, hreflang alternates, canonical, Open Graph image."""

import re
from unittest import mock

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db

ORIGIN = "https://portal.example.jp"
INDICATOR = "/areas/kumamoto/indicators/S1-G2-N1/"
# seeds/001_16f58a72b6d60119.txt line 2440: 出生数 H30 6,766 (provisional on the portal), target 7,000以上
SENTENCE = "平成30（2018）年度の出生数は6,766人（概算値）で、目標の7,000人以上に届いていません。"


def _meta(body, attribute, name):
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', body)
    return match and match.group(1)


def _alternates(body):
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', body))


@pytest.fixture
def origin(settings):
    settings.PORTAL_ORIGIN = ORIGIN


def test_indicator_page_describes_itself_with_its_sentence(client, reference_data, origin):
    body = client.get(f"/ja{INDICATOR}").content.decode()
    assert _meta(body, "name", "description") == SENTENCE
    assert _meta(body, "property", "og:description") == SENTENCE
    assert f'<link rel="canonical" href="{ORIGIN}/ja{INDICATOR}">' in body
    assert _alternates(body) == {
        "ja": f"{ORIGIN}/ja{INDICATOR}",
        "en": f"{ORIGIN}/en{INDICATOR}",
        "x-default": f"{ORIGIN}/ja{INDICATOR}",
    }
    assert _meta(body, "property", "og:image") == f"{ORIGIN}/ja{INDICATOR}chart.png"
    assert _meta(body, "property", "og:url") == f"{ORIGIN}/ja{INDICATOR}"


def test_embed_page_has_the_same_description_and_alternates(client, reference_data, origin):
    body = client.get(f"/en{INDICATOR}embed/").content.decode()
    assert _meta(body, "name", "description").startswith("Births in FY2018 (H30) was 6,766")
    assert _alternates(body)["ja"] == f"{ORIGIN}/ja{INDICATOR}embed/"
    assert _meta(body, "property", "og:image") == f"{ORIGIN}/en{INDICATOR}chart.png"


@pytest.mark.parametrize(
    "path",
    [
        "/ja/",
        "/ja/areas/kumamoto/plans/kumamoto-strategy-1/",
        "/ja/areas/kumamoto/open-data/",
        "/en/open-data/progress/",
    ],
)
def test_every_public_page_has_a_description_and_alternates(client, reference_data, origin, path):
    body = client.get(path).content.decode()
    assert _meta(body, "name", "description")
    alternates = _alternates(body)
    assert set(alternates) == {"ja", "en", "x-default"}
    assert all(url.startswith(ORIGIN + "/") for url in alternates.values())
    assert alternates["en"] == ORIGIN + "/en/" + path.split("/", 2)[2]


def test_the_open_graph_image_is_drawn_once_then_cached(client, reference_data):
    cache.clear()
    path = f"/ja{INDICATOR}chart.png"
    with mock.patch("kpi.chartimage.cairosvg.svg2png", wraps=__import__("cairosvg").svg2png) as draw:
        first = client.get(path)
        second = client.get(path)
    assert draw.call_count == 1
    assert first.content == second.content
    assert first.content.startswith(b"\x89PNG")
    # 1200×630, Open Graph's size: the PNG header's width and height (bytes 16-24)
    assert int.from_bytes(first.content[16:20], "big") == 1200
    assert int.from_bytes(first.content[20:24], "big") == 630
