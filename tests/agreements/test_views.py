import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from agreements.models import Agreement
from agreements.services import start_amendment

pytestmark = pytest.mark.django_db


@pytest.fixture
def arao(reference_data):
    return Agreement.objects.get(partner__lg_code="432041")


def ja(name, **kwargs):
    if name.startswith("agreements:"):  # the agreements' pages live under their area (issue 12)
        kwargs.setdefault("area_slug", "kumamoto")
    with translation.override("ja"):
        return reverse(name, kwargs=kwargs)


def test_public_pages_open_without_setting_a_cookie(client, arao, django_assert_max_num_queries):
    pages = [
        ja("kpi:home"),
        ja("vision:area_detail", area_slug="kumamoto"),
        ja("vision:area_list"),
        ja("agreements:municipality_detail", lg_code="432041"),
        ja("agreements:municipality_detail", lg_code="431001"),
        ja("agreements:agreement_detail", pk=arao.pk),
        ja("agreements:matrix"),
        ja("agreements:policy_area_detail", code="3-1-10"),
    ]
    for url in pages:
        # The home's 14: its plans and KPIs, the member counts, the areas to choose from and the committee link
        # (each one query whatever the number of areas: tests/vision/test_memberships.py), and the links between
        # the plans' indicators for the area's standing (one query, kpi.selectors.area_standing).
        with django_assert_max_num_queries(14):
            response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, url
        assert 'lang="ja"' in response.content.decode()


def test_root_redirects_to_the_japanese_site(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/ja/"


def test_english_page_is_english_and_links_back_to_japanese(client, arao):
    response = client.get(f"/en/areas/kumamoto/agreements/{arao.pk}/")
    body = response.content.decode()
    assert 'lang="en"' in body
    assert f'href="/ja/areas/kumamoto/agreements/{arao.pk}/"' in body
    assert "Schedule 1" in body and "Role of Party B" in body
    assert "States the purpose" in body


def test_agreement_page_shows_articles_schedules_and_checklist(client, arao):
    body = client.get(ja("agreements:agreement_detail", pk=arao.pk)).content.decode()
    assert "<strong>第1条</strong>" in body and "（目的）" in body
    assert body.count('<tr id="role-') == 26
    assert "ポータルが確認した記載事項はすべて満たしています。" in body
    assert "令和7年3月27日" in body


def test_matrix_counts_each_row_and_column(client, arao):
    response = client.get(ja("agreements:matrix"))
    matrix = response.context["matrix"]
    assert len(matrix.policy_areas) == 26
    assert len(matrix.rows) == 23
    arao_row = next(row for row in matrix.rows if row.municipality.name == "荒尾市")
    assert arao_row.count == 26
    assert sum(row.count for row in matrix.rows) == 26
    assert matrix.column_counts == [1] * 26
    assert f'href="/ja/areas/kumamoto/agreements/{arao.pk}/#role-3-1-10"' in response.content.decode()


def test_matrix_query_count_does_not_grow_with_agreements(client, arao, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from agreements.services import copy_agreement
    from vision.models import Municipality

    with CaptureQueriesContext(connection) as captured:
        client.get(ja("agreements:matrix"))
    for name in ("南関町", "長洲町", "和水町"):
        draft = copy_agreement(arao, Municipality.objects.get(name=name))
        Agreement.objects.filter(pk=draft.pk).update(status="in_force", signed_on="2025-03-27")
    with django_assert_num_queries(len(captured.captured_queries)):
        response = client.get(ja("agreements:matrix"))
    assert sum(row.count for row in response.context["matrix"].rows) == 26 * 4


def test_policy_area_page_answers_which_partners_work_on_it(client, arao):
    body = client.get(ja("agreements:policy_area_detail", code="3-1-10")).content.decode()
    assert "観光の振興" in body
    assert "荒尾市" in body


def test_compare_page_shows_the_difference_between_versions(client, arao):
    draft = start_amendment(arao)
    role = draft.roles.get(policy_area__code="3-1-10")
    role.partner_role = "甲と連携して国内外からの観光客の誘致に取り組む。"
    role.save()
    # A draft amendment is staff-only: the public sees the comparison once it is signed.
    assert client.get(ja("agreements:agreement_compare", pk=draft.pk), {"from": 1, "to": 2}).status_code == 404
    Agreement.objects.filter(pk=draft.pk).update(status=Agreement.Status.SIGNED, signed_on=datetime.date(2025, 4, 1))
    response = client.get(ja("agreements:agreement_compare", pk=draft.pk), {"from": 1, "to": 2})
    body = response.content.decode()
    assert response.status_code == 200
    assert '<ins class="diff-insert">国内外からの</ins>' in body
    assert client.get(ja("agreements:agreement_compare", pk=draft.pk), {"from": 1, "to": 9}).status_code == 404
    assert client.get(ja("agreements:agreement_compare", pk=draft.pk), {"from": "x"}).status_code == 404


# --- Issue 13, item 8: honest absence ---


def test_policy_area_page_says_which_partners_texts_are_missing_before_listing_arao(client, arao):
    # shared/reference/members.csv: 23 partners besides 熊本市; seed 002 is the only agreement text (荒尾市).
    body = client.get(ja("agreements:policy_area_detail", code="3-1-10")).content.decode()
    caveat = "23 の連携市町村のうち 22 市町村は、連携協約の本文がこのポータルに登録されていません"
    assert caveat in body
    assert body.index(caveat) < body.index(">荒尾市</a>")
    assert "南関町" in body[body.index(caveat) : body.index(">荒尾市</a>")]  # the missing ones are named


def test_source_lines_cite_the_documents_title_not_a_file_path(client, arao):
    for url in (
        ja("agreements:agreement_detail", pk=arao.pk),
        "/ja/areas/kumamoto/plans/kumamoto-strategy-1/",
        "/ja/areas/kumamoto/plans/kumamoto-strategy-2/",
        "/ja/areas/kumamoto/indicators/S1-G1-N1/",
        ja("vision:area_detail", area_slug="kumamoto"),
    ):
        body = client.get(url).content.decode()
        assert "seeds/" not in body, url
    body = client.get(ja("agreements:agreement_detail", pk=arao.pk)).content.decode()
    assert "連携協約書（熊本市・荒尾市、令和7年3月27日）" in body


def test_the_area_page_says_what_each_population_figure_covers(client, arao):
    body = client.get(ja("vision:area_detail", area_slug="kumamoto")).content.decode()
    # seed 004 l.172: 1,116,317人 for the 17 municipalities of 2016; members.csv: 18 of 24 populations known
    assert "1,116,317" in body and "当初の構成17市町村" in body
    assert "24 市町村のうち人口を確認できた 18 市町村の合計で 1,316,144 人" in body
    assert "確認できていない 6 市町村（高森町、西原村、南阿蘇村、御船町、嘉島町、山都町）は含みません" in body


def test_the_completeness_check_names_every_item_of_the_schemes_full_list(client, arao):
    # seed 004 l.84–96 (① 名称 ② 目的 ③ 基本方針 ④ 連携する取組) and l.211–266 (ア a〜d, イ a〜c, ウ A・B・C)
    body = client.get(ja("agreements:agreement_detail", pk=arao.pk)).content.decode()
    checklist = body[body.index('id="checklist"') : body.index('id="text"')]
    for words in ("① 市町村の名称", "② 目的", "③ 基本方針", "④ 連携する取組", "ア の a〜d", "イ の a〜c", "ウ の Ａ"):
        assert words in checklist, words
    assert checklist.count("確認していない</strong>") == 2  # ア's a〜d and イ's a〜c
    assert "すべての必須記載事項を満たしています" not in body
