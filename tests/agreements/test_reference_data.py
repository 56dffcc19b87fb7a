"""The reference agreement (熊本市–荒尾市, seed 002) is loaded complete and exactly as signed."""

import datetime

import pytest
from django.core import serializers

from agreements.models import Agreement, Article, Pillar, PolicyArea, RoleAssignment
from kpi.models import Indicator, Observation
from vision.models import AreaMembership, Goal, MetroArea, Municipality, Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def arao(reference_data):
    return Agreement.objects.with_contents().get(partner__lg_code="432041")


def test_the_area_and_its_24_members_are_loaded(reference_data):
    kumamoto = MetroArea.objects.get(slug="kumamoto")
    assert kumamoto.members.count() == 24
    assert kumamoto.memberships.get(is_central_city=True).municipality.name == "熊本市"
    assert kumamoto.target_population == 1_020_000
    assert kumamoto.target_population_year == 2060
    assert (kumamoto.population, kumamoto.central_city_population) == (1_116_317, 734_474)
    counts = {kind: kumamoto.members.filter(kind=kind).count() for kind in ("市", "町", "村")}
    assert counts == {"市": 9, "町": 13, "村": 2}


def test_the_members_keep_their_signing_dates(reference_data):
    """shared/reference/README.md: 16 partners 2016-03-30, 菊池市 2019-03-28, 山鹿市 2022-03-28, 玉名市 2023-10-24,
    荒尾市・南関町・長洲町・和水町 2025-03-27; the central city has no signing date of its own."""
    joined = dict(AreaMembership.objects.filter(area__slug="kumamoto").values_list("municipality__name", "joined_on"))
    assert joined["熊本市"] is None
    assert sum(date == datetime.date(2016, 3, 30) for date in joined.values()) == 16
    assert joined["菊池市"] == datetime.date(2019, 3, 28)
    assert joined["山鹿市"] == datetime.date(2022, 3, 28)
    assert joined["玉名市"] == datetime.date(2023, 10, 24)
    assert {name for name, date in joined.items() if date == datetime.date(2025, 3, 27)} == {
        "荒尾市",
        "南関町",
        "長洲町",
        "和水町",
    }


def test_a_second_small_area_has_its_central_city_and_nothing_invented(reference_data):
    """Seed 004 row 9: 下関市連携中枢都市圏, 下関市, 合併1市圏域 — one member, no agreement, plan or KPI."""
    shimonoseki = MetroArea.objects.get(slug="shimonoseki")
    (membership,) = shimonoseki.memberships.all()
    assert membership.is_central_city and membership.municipality.lg_code == "352012"
    assert membership.municipality.name == "下関市"
    assert not shimonoseki.plans.exists()
    assert not Agreement.objects.filter(area=shimonoseki).exists()


def test_unverified_populations_stay_empty(reference_data):
    takamori = Municipality.objects.get(lg_code="434281")
    assert takamori.population is None
    assert Municipality.objects.get(lg_code="434477").kana == "ヤマトチョウ"


def test_the_15_areas_of_seed_004_are_loaded(reference_data):
    assert MetroArea.objects.count() == 15
    hiroshima = MetroArea.objects.get(name="広島都市広域圏")
    assert (hiroshima.cities_count, hiroshima.towns_count, hiroshima.population) == (11, 13, 2_341_287)
    assert MetroArea.objects.get(name="下関市連携中枢都市圏").composition_note == "合併1市圏域"


def test_each_schedule_has_the_rows_of_the_signed_document(arao):
    by_pillar = {p.number: 0 for p in Pillar.objects.all()}
    for role in arao.roles.all():
        by_pillar[role.policy_area.pillar.number] += 1
    assert by_pillar == {1: 3, 2: 3, 3: 20}
    groups = [role.policy_area.group.number for role in arao.roles.all() if role.policy_area.group_id]
    assert (groups.count(1), groups.count(2), groups.count(3)) == (12, 6, 2)


def test_role_rows_are_in_the_order_of_the_signed_document(arao):
    names = [role.policy_area.name for role in arao.roles.all()]
    assert names[0] == "リーディング産業の育成"
    assert names[3] == "高度な医療サービスの提供"
    assert names[15] == "観光の振興"
    assert names[-1] == "機関等の共同設置"


def test_sampled_rows_are_exact(arao):
    tourism = arao.roles.get(policy_area__name="観光の振興")
    assert tourism.initiative == "圏域の観光資源を活用して、国内外からの観光客の誘致に取り組む。"
    assert tourism.central_role == (
        "乙と連携して観光客の誘致に向けた観光振興事業を実施するとともに、圏域市町村全体の調整を行う。"
    )
    assert tourism.partner_role == "甲と連携して観光客の誘致に取り組む。"
    port = arao.roles.get(policy_area__code="1-3")
    assert (port.initiative, port.central_role) == (
        "企業の事業活動を支援するため、熊本港の利用促進に取り組む。",
        "熊本港の利用促進のための事業を実施する。",
    )
    joint = arao.roles.get(policy_area__name="機関等の共同設置")
    assert joint.partner_role == "地方自治法第252条の7第1項に規定する規約の定めるところによる。"


def test_articles_and_parties_are_as_signed(arao):
    assert [a.heading for a in arao.articles.all()] == [
        "目的",
        "基本方針",
        "連携する取組及び役割分担",
        "費用分担",
        "連絡会議",
    ]
    assert arao.articles.get(number=5).body == (
        "熊本市長及び荒尾市長は、連携中枢都市圏に係る取組に関し連絡調整を図るため、毎年度、連絡会議を開催するものとする。"
    )
    assert str(arao.signed_on) == "2025-03-27"
    assert arao.partner_signatory == "荒尾市長 浅田敏彦"
    assert arao.central_address == "熊本市中央区手取本町1番1号"
    assert arao.status == Agreement.Status.IN_FORCE


def test_no_agreement_text_is_invented(reference_data):
    assert Agreement.objects.count() == 1
    assert PolicyArea.objects.count() == 26


def test_loading_twice_changes_nothing(reference_data):
    from django.core.management import call_command

    models = (
        MetroArea,
        Municipality,
        Agreement,
        Article,
        RoleAssignment,
        PolicyArea,
        Plan,
        Goal,
        Indicator,
        Observation,
    )
    before = {m: serializers.serialize("json", m.objects.order_by("pk")) for m in models}
    call_command("load_reference_data", verbosity=0)
    after = {m: serializers.serialize("json", m.objects.order_by("pk")) for m in models}
    for model in models:
        assert before[model] == after[model], model.__name__
