"""The English pages name things in English, say the names are unofficial, and keep the official Japanese."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.vision.test_translation import CJK

pytestmark = pytest.mark.django_db

# 保育所等利用待機児童数 of the first strategy (seed 001 l.2875–2881: target 0 人 every year, H31 actual 6).
INDICATOR = "/areas/kumamoto/indicators/S1-G2-P2-K1/"
PAGES = [
    INDICATOR,
    "/areas/kumamoto/plans/kumamoto-strategy-1/",
    "/areas/kumamoto/plans/kumamoto-strategy-2/goals/G1/",
    "/areas/kumamoto/policy-areas/3-1-2/",
    "/areas/kumamoto/municipalities/432041/",
]


def h1_text(page):
    match = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()


@pytest.mark.parametrize("path", PAGES)
def test_english_headings_have_no_cjk_and_the_official_name_is_beside_them(client, reference_data, path):
    page = client.get(f"/en{path}").content.decode()
    heading = h1_text(page)
    assert heading and not CJK.search(heading), heading
    assert '<p class="official-name">' in page
    assert page.count('class="translation-note"') == 1


def test_the_indicator_page_names_the_official_japanese_name(client, reference_data):
    page = client.get(f"/en{INDICATOR}").content.decode()
    assert h1_text(page) == "Children on waiting lists for nursery schools and similar facilities"
    assert '<span lang="ja">保育所等利用待機児童数' in page


def test_japanese_pages_show_no_translation(client, reference_data):
    page = client.get(f"/ja{INDICATOR}").content.decode()
    assert h1_text(page) == "保育所等利用待機児童数"
    assert "official-name" not in page and "translation-note" not in page


def test_an_english_sentence_uses_the_english_unit(client, reference_data):
    page = html.unescape(client.get(f"/en{INDICATOR}").content.decode())
    summary = re.sub(r"<[^>]+>", "", re.search(r'<p class="summary">(.*?)</p>', page, re.S).group(1))
    assert "was 6 children" in summary
    assert "target of 0 children" in summary
    assert "人" not in summary


def test_the_open_data_column_dictionary_is_entirely_english(client, reference_data):
    page = client.get("/en/areas/kumamoto/open-data/").content.decode()
    table = re.search(r'<h2 id="columns">.*?</table>', page, re.S).group(0)
    assert "<code>unit</code>" in table
    assert not CJK.search(html.unescape(re.sub(r"<[^>]+>", "", table)))


@pytest.mark.parametrize("path", PAGES)
def test_english_pages_make_as_many_queries_as_japanese_ones(client, reference_data, path):
    client.get(f"/ja{path}")  # warm the per-process caches (area, content types) for both runs
    counts = {}
    for language in ("ja", "en"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/{language}{path}").status_code == 200
        counts[language] = len(queries)
    assert counts["en"] == counts["ja"]
