"""Search that finds what people type: width and variants of common words, codes, ranking."""

import pytest

from kpi import search

pytestmark = pytest.mark.django_db

URL = "/ja/areas/kumamoto/search/"


def test_normalise_folds_width_and_word_variants():
    assert search.normalise("６５歳以上") == search.normalise("65歳以上")
    assert search.normalise("保育所など利用待機児童数") == search.normalise("保育所等利用待機児童数")
    assert search.normalise("子供") == search.normalise("こども") == search.normalise("子ども")
    assert search.normalise("障がい者") == search.normalise("障害者")
    assert search.normalise("ＡＢＣ") == search.normalise("abc")


def test_synonyms_are_data():
    groups = search.synonym_groups()
    assert {"等", "など"} in [set(group) for group in groups]
    assert {"子ども", "子供", "こども"} in [set(group) for group in groups]


def test_both_plans_spellings_are_found(client, reference_data):
    # fixtures: 第1期 S1-G2-P2-K1 保育所等利用待機児童数; 第2期 S2-G2-P2-K1 保育所など利用待機児童数
    response = client.get(URL, {"q": "保育所等利用待機児童数"})
    assert [i.code for i in response.context["indicators"]] == ["S1-G2-P2-K1", "S2-G2-P2-K1"]  # as typed first
    response = client.get(URL, {"q": "保育所など利用待機児童数"})
    assert [i.code for i in response.context["indicators"]] == ["S2-G2-P2-K1", "S1-G2-P2-K1"]


def test_full_width_query_and_codes_are_found(client, reference_data):
    # fixtures: S2-G3-P2-K1 is written with full-width digits (６５歳以上の元気な高齢者の割合…)
    response = client.get(URL, {"q": "65歳以上の元気な高齢者"})
    assert {i.code for i in response.context["indicators"]} >= {"S1-G3-P2-K1", "S2-G3-P2-K1"}
    response = client.get(URL, {"q": "ｓ２－ｇ１－ｎ１"})
    assert [i.code for i in response.context["indicators"]][0] == "S2-G1-N1"
    response = client.get(URL, {"q": "432041"})  # 荒尾市's local-government code (fixtures/02_municipalities.json)
    assert [m.name for m in response.context["municipalities"]] == ["荒尾市"]


def test_exact_names_first_then_names_then_descriptions(client, reference_data):
    response = client.get(URL, {"q": "出生数"})
    names = [i.name for i in response.context["indicators"]]
    exact = [n for n in names if search.normalise(n) == search.normalise("出生数")]
    assert exact and names[: len(exact)] == exact
    ranks = [search.indicator_rank(i, "出生数") for i in response.context["indicators"]]
    assert ranks == sorted(ranks)


def test_search_page_queries_do_not_grow_with_results(client, reference_data, django_assert_max_num_queries):
    client.get(URL, {"q": "数"})  # warm the per-process caches
    # names compared as plain values (one query per kind), then the matching indicators and goals loaded (two)
    with django_assert_max_num_queries(10):
        response = client.get(URL, {"q": "数"})
    assert len(response.context["indicators"]) > 5


def test_english_names_are_found_on_the_english_pages(client, reference_data):
    # fixtures: S1-G2-N1 and S2-G2-N1 出生数 are "Births" in English; goal LP1-P3-M1 is "Creating tourism-related
    # industries"; policy area 3-1-10 観光の振興 is "Promoting tourism" (fixtures/03_policy_areas.json)
    response = client.get("/en/areas/kumamoto/search/", {"q": "births"})
    assert {i.code for i in response.context["indicators"]} == {"S1-G2-N1", "S2-G2-N1"}
    assert "Births" in response.content.decode()
    response = client.get("/en/areas/kumamoto/search/", {"q": "Tourism-related"})
    assert [g.code for g in response.context["goals"]] == ["LP1-P3-M1"]
    response = client.get("/en/areas/kumamoto/search/", {"q": "promoting tourism"})
    assert [p.code for p in response.context["policy_areas"]] == ["3-1-10"]
