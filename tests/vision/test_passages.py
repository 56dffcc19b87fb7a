"""Passages of the source documents, stored exactly and attributed (issue 13, items 2 and 7).

Expected texts are copied by hand from the seeds (shared/seeds/), line numbers given; the extraction's line breaks
and the spaces it put between Japanese characters are removed, as fixtures/README.md says.
"""

import pytest

from vision.models import Passage

pytestmark = pytest.mark.django_db

S1_G1 = "/ja/areas/kumamoto/plans/kumamoto-strategy-1/goals/G1/"
S2_G1 = "/ja/areas/kumamoto/plans/kumamoto-strategy-2/goals/G1/"


def test_the_second_strategys_self_assessment_is_stored_exactly(reference_data):
    review = Passage.objects.get(key="s2-g1-review")
    # seed 001 l.284–288
    assert (
        "平成28(2016)年に1,394人の転出超過、平成29(2017)年に560人の転入超過、平成30(2018)年に128人の転出超過、"
        in review.text
    )
    assert "平成31(2019)年に494人の転入超過となっており" in review.text
    assert review.text.startswith(
        "基本目標１においては、「市内総生産額」と「年転入超過数」を数値目標として掲げ、取組を推進してきました。\n"
    )
    assert review.heading == "【第１期戦略の検証】" and review.author == Passage.Author.SELF_ASSESSMENT
    assert review.document == "第2期熊本市しごと・ひと・まち創生総合戦略"
    assert (review.goal.plan.slug, review.goal.code) == ("kumamoto-strategy-2", "G1")
    assert (review.assessed_goal.plan.slug, review.assessed_goal.code) == ("kumamoto-strategy-1", "G1")
    # seed 001 l.786–794: 出生数 6,766 against 7,000以上
    assert (
        "令和元(2019)年に7,000人以上という目標値に対し、6,766人（平成30(2018)年実績値）と目標値に達しませんでした。"
        in (Passage.objects.get(key="s2-g2-review").text)
    )
    # 【基本的方向】 of 基本目標１ runs on after the KPI table (l.318 → l.337): one paragraph, not two
    direction = Passage.objects.get(key="s2-g1-direction").text
    assert (
        "中小・小規模事業者の販路拡大、医療・介護・健康サービス分野の医工連携の推進など、地場企業の育成・振興に加え、"
        in direction
    )
    assert direction.endswith("国内外から人々が集い交流するまちづくりを推進します。")  # l.357
    assert "ＭＩＣＥやスポーツ大会" in direction  # the footnote mark 7 (l.353) is not part of the wording


def test_the_first_phase_goal_page_shows_the_self_assessment_attributed_to_the_strategy(client, reference_data):
    body = client.get(S1_G1).content.decode()
    assert "平成31(2019)年に494人の転入超過" in body
    assert "熊本市による自己評価（第2期総合戦略の本文）" in body
    assert "第2期熊本市しごと・ひと・まち創生総合戦略「２ 基本戦略 基本目標１ 【第１期戦略の検証】」" in body
    body = client.get(S2_G1).content.decode()
    assert "【基本的方向】" in body and "熊本市の方針（第2期総合戦略の本文）" in body


def test_the_plan_page_shows_each_basic_goals_texts(client, reference_data):
    body = client.get("/ja/areas/kumamoto/plans/kumamoto-strategy-1/").content.decode()
    assert body.count("<h4>【第１期戦略の検証】</h4>") == 3  # one under each of 基本目標１〜３


def test_the_review_page_says_who_wrote_each_text(client, reference_data):
    body = client.get("/ja/areas/kumamoto/committee/reviews/2019/").content.decode()
    sheet = body[body.index('class="policy-sheet"') :]
    assert sheet.count("所管課による記述") >= 2
    assert "編集上の推定" in body


def test_context_pages_cite_the_document_and_section(client, reference_data):
    body = client.get("/ja/areas/kumamoto/about/").content.decode()
    for topic in ("area", "strategy", "priorities", "scheme"):
        assert f"/ja/areas/kumamoto/about/{topic}/" in body
    # seed 000 l.76–80
    body = client.get("/ja/areas/kumamoto/about/area/").content.decode()
    assert "【目的】人口減少・少子高齢社会においても地域を活性化し経済を持続可能なものとし、" in body
    assert "熊本連携中枢都市圏ビジョン 概要「【概要等：その１】連携中枢都市圏構想の位置付け 【目的】」" in body
    # seed 001 l.102–104
    body = client.get("/ja/areas/kumamoto/about/strategy/").content.decode()
    assert "令和32（2050）年において約70万人の人口を維持するという将来展望" in body
    # seed 003 l.188–189: the figure of section 2
    body = client.get("/ja/areas/kumamoto/about/priorities/").content.decode()
    assert "（Ｈ29.4月～Ｈ31.3月） 3,066件" in body and "編集上の推定" in body
    # seed 004 l.36: another city's figure, said to be another city's
    body = client.get("/ja/areas/kumamoto/about/scheme/").content.decode()
    assert "本市は0.97（2市合併の場合0.95）" in body
    assert "他市の説明資料（熊本市についての記述ではありません）" in body
    assert "連携協約の締結（要議決）" in body  # l.70
    assert client.get("/ja/areas/kumamoto/about/goal/").status_code == 404
    assert client.get("/ja/areas/kumamoto/about/nothing/").status_code == 404
