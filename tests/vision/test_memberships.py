"""Area membership as its own relation (issue 12): a municipality in several areas, over time.

The two areas of the reference data are 熊本連携中枢都市圏 (24 members) and 下関市連携中枢都市圏 (seed 004 row 9:
合併1市圏域, its central city alone). A municipality in both is test data: the sources name none.
"""

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from agreements.models import Agreement
from kpi import services
from kpi.models import Observation
from tests.vision.factories import AreaMembershipFactory, MetroAreaFactory, MunicipalityFactory
from vision.models import AreaMembership, MetroArea, Municipality
from vision.selectors import member_summary

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(reference_data):
    """A test town that is a member of both areas: of 熊本 since 2020-04-01, of 下関 since 2021-04-01."""
    town = MunicipalityFactory(area=None, lg_code="980013", name="両圏町")
    AreaMembership.objects.create(
        area=MetroArea.objects.get(slug="kumamoto"), municipality=town, joined_on=datetime.date(2020, 4, 1)
    )
    AreaMembership.objects.create(
        area=MetroArea.objects.get(slug="shimonoseki"), municipality=town, joined_on=datetime.date(2021, 4, 1)
    )
    return town


def test_a_municipality_in_both_areas_appears_in_both(client, shared):
    for slug in ("kumamoto", "shimonoseki"):
        members = client.get(f"/ja/areas/{slug}/members/").content.decode()
        assert f'href="/ja/areas/{slug}/municipalities/980013/"' in members
        page = client.get(f"/ja/areas/{slug}/municipalities/980013/")
        assert page.status_code == 200
        other = "shimonoseki" if slug == "kumamoto" else "kumamoto"
        assert f'href="/ja/areas/{other}/municipalities/980013/"' in page.content.decode()  # ほかに参加している圏域
    assert client.get("/ja/areas/kumamoto/municipalities/980013/").context["membership"].joined_on == datetime.date(
        2020, 4, 1
    )
    search = client.get("/ja/areas/shimonoseki/search/", {"q": "両圏"}).content.decode()
    assert 'href="/ja/areas/shimonoseki/municipalities/980013/"' in search
    assert (
        "/ja/areas/shimonoseki/municipalities/431001/"
        not in client.get("/ja/areas/shimonoseki/search/", {"q": "熊本"}).content.decode()
    )


def test_member_counts_follow_the_memberships(shared):
    # shared/reference/members.csv: 24 members of 熊本 (9 市, 13 町, 2 村); the shared town makes 25 and 14 町.
    kumamoto = member_summary(MetroArea.objects.get(slug="kumamoto"))
    assert (kumamoto["total"], kumamoto["cities"], kumamoto["towns"], kumamoto["villages"]) == (25, 9, 14, 2)
    shimonoseki = member_summary(MetroArea.objects.get(slug="shimonoseki"))
    assert (shimonoseki["total"], shimonoseki["cities"], shimonoseki["towns"]) == (2, 1, 1)


def test_a_member_that_left_is_no_longer_listed_but_keeps_its_page(client, shared):
    membership = shared.memberships.get(area__slug="shimonoseki")
    membership.left_on = datetime.date(2022, 3, 31)
    membership.full_clean()
    membership.save()
    assert member_summary(MetroArea.objects.get(slug="shimonoseki"))["total"] == 1
    members = client.get("/ja/areas/shimonoseki/members/").content.decode()
    assert "両圏町" not in members
    page = client.get("/ja/areas/shimonoseki/municipalities/980013/").content.decode()
    assert "2022-03-31" in page  # 圏域離脱日
    assert membership.history.count() == 2  # created, then left: the change is in the membership's history


def test_leaving_before_joining_is_refused_in_japanese(shared):
    membership = shared.memberships.get(area__slug="kumamoto")
    membership.left_on = datetime.date(2019, 1, 1)
    with pytest.raises(ValidationError) as raised:
        membership.full_clean()
    assert "圏域離脱日は圏域参加日以降にしてください。" in raised.value.message_dict["left_on"]
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()


def test_one_central_city_per_area_and_one_membership_per_pair(reference_data):
    kumamoto = MetroArea.objects.get(slug="kumamoto")
    with pytest.raises(IntegrityError), transaction.atomic():
        AreaMembershipFactory(area=kumamoto, is_central_city=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        AreaMembership.objects.create(area=kumamoto, municipality=Municipality.objects.get(name="宇土市"))


def test_an_agreement_names_members_of_its_own_area(shared):
    kumamoto = MetroArea.objects.get(slug="kumamoto")
    shimonoseki_city = Municipality.objects.get(name="下関市")
    not_here = Agreement(area=kumamoto, central_city=Municipality.objects.get(name="熊本市"), partner=shimonoseki_city)
    with pytest.raises(ValidationError) as raised:
        not_here.full_clean()
    assert raised.value.message_dict["partner"] == ["乙は 熊本連携中枢都市圏 の構成市町村から選んでください。"]
    other_central = Agreement(area=kumamoto, central_city=shimonoseki_city, partner=shared)
    with pytest.raises(ValidationError) as raised:
        other_central.full_clean()
    assert raised.value.message_dict["central_city"] == ["甲には 熊本連携中枢都市圏 の連携中枢都市を指定してください。"]
    # The shared town may be 乙 in 下関's area too, with 下関市 as 甲.
    in_shimonoseki = Agreement(
        area=MetroArea.objects.get(slug="shimonoseki"),
        central_city=shimonoseki_city,
        partner=shared,
        title="下関市及び両圏町における連携協約",
    )
    in_shimonoseki.full_clean()


def test_the_second_area_says_what_it_has_not_got(client, reference_data):
    home = client.get("/ja/areas/shimonoseki/").content.decode()
    assert "下関市連携中枢都市圏" in home
    assert "この圏域の計画・指標は、まだこのポータルに登録されていません。" in home
    members = client.get("/ja/areas/shimonoseki/members/").content.decode()
    assert 'href="/ja/areas/shimonoseki/municipalities/352012/"' in members
    assert "構成市町村の人口は、まだ出典で確認できていません。" in members
    assert "/ja/areas/shimonoseki/committee/" not in home  # no committee is registered for it: no link to a 404
    kumamoto_home = client.get("/ja/").content.decode()
    assert 'href="/ja/areas/shimonoseki/"' in kumamoto_home  # the chooser: two areas have members
    assert 'href="/ja/areas/kumamoto/committee/"' in kumamoto_home


def _add_areas(start, stop):
    """Areas numbered start..stop-1, each with its central city."""
    for n in range(start, stop):
        area = MetroAreaFactory(slug=f"scale-{n}", name=f"規模試験都市圏{n}")
        MunicipalityFactory(area=area, is_central_city=True)


def _queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


@pytest.mark.parametrize(
    "path",
    [
        "/ja/",
        "/ja/areas/",
        "/ja/areas/kumamoto/",
        "/ja/areas/kumamoto/members/",
        "/ja/areas/kumamoto/matrix/",
        "/ja/areas/kumamoto/municipalities/432113/",
        "/ja/areas/kumamoto/search/?q=市",
    ],
)
def test_queries_per_page_do_not_grow_with_the_number_of_areas(client, reference_data, path):
    _add_areas(0, 10)
    client.get(path)  # warm caches (content types, sessions) before counting
    with_10 = _queries(client, path)
    _add_areas(10, 100)
    with_100 = _queries(client, path)
    assert with_100 == with_10


def test_the_all_areas_open_data_names_each_rows_area(client, reference_data):
    """Codes are unique per area only, so a file of every area says which area each row belongs to."""
    from tests.kpi.factories import IndicatorFactory
    from tests.vision.factories import PlanFactory

    plan = PlanFactory(area=MetroArea.objects.get(slug="shimonoseki"), slug="kumamoto-strategy-2")
    indicator = IndicatorFactory(plan=plan, code="S2-G1-N1")
    services.save_observation(Observation(indicator=indicator, fiscal_year=2023, kind="target", value=5))
    services.publish(indicator.observations.all(), None)
    rows = list(
        csv.DictReader(io.StringIO(client.get("/ja/open-data/observations.csv").getvalue().decode("utf-8-sig")))
    )
    same_code = {row["area"] for row in rows if row["indicator_id"] == "S2-G1-N1"}
    assert same_code == {"kumamoto", "shimonoseki"}
    assert [row["value"] for row in rows if row["area"] == "shimonoseki"] == ["5"]
