"""Loading the reference data again merges it field by field: staff edits survive, fixture corrections arrive.

The shipped values below are read by hand from fixtures/11_plan_strategy1.json and fixtures/20_committee.json
(seed 001): 市内総生産額 (S1-G1-N1) H30 actual 2,496 十億円, published; 転入超過数 (S1-G1-N2) H30 actual -128.
"""

import io
import json
import shutil
from decimal import Decimal

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.db import transaction

from committee.models import Evaluation, Member, Review
from kpi.models import Indicator, Observation
from vision.management.commands.load_reference_data import FIXTURE_DIR
from vision.models import Department, MetroArea, Municipality, ReferenceRecord
from vision.reference_data import RESET_REASON, UPDATE_REASON, KeptField, fixture_paths, load_reference_data

pytestmark = pytest.mark.django_db

COMMITTEE = "kumamoto-strategy-committee"
ARAKAWA = "荒川\u3000浩二"
GDP_2018 = '["kumamoto", "S1-G1-N1", 2018, "actual"]'


def gdp_2018():
    return Observation.objects.get_by_natural_key("kumamoto", "S1-G1-N1", 2018, "actual")


def load(directory=FIXTURE_DIR, **options):
    """Run the command as `make run` does; return its output."""
    out = io.StringIO()
    call_command("load_reference_data", fixture_dir=directory, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def staff_edits(django_user_model):
    """What staff did between two loads: corrected an actual (now a draft), gave an indicator its department
    and due date, and linked a committee member to a login."""
    observation = gdp_2018()
    observation.value = Decimal("2500")
    observation.is_published = False
    observation.save()
    indicator = Indicator.objects.get(code="S1-G1-N1")
    department = Department.objects.create(municipality=Municipality.objects.get(name="熊本市"), name="政策企画課")
    indicator.department = department
    indicator.actual_due_month, indicator.actual_due_day = 8, 31
    indicator.save()
    user = django_user_model.objects.create_user("arakawa")
    member = Member.objects.get_by_natural_key("kumamoto", COMMITTEE, ARAKAWA)
    member.user = user
    member.save()
    return {"department": department, "user": user}


def assert_staff_edits_survived(staff_edits):
    observation = gdp_2018()
    assert (observation.value, observation.is_published) == (Decimal("2500"), False)
    indicator = Indicator.objects.get(code="S1-G1-N1")
    assert (indicator.department, indicator.actual_due_month, indicator.actual_due_day) == (
        staff_edits["department"],
        8,
        31,
    )
    assert Member.objects.get_by_natural_key("kumamoto", COMMITTEE, ARAKAWA).user == staff_edits["user"]


@pytest.fixture
def fixture_copy(tmp_path):
    """A copy of the shipped fixtures; edit(name, match, **changes) changes the objects of one file."""
    for path in fixture_paths(FIXTURE_DIR):
        shutil.copy(path, tmp_path / path.name)

    def edit(name, model, match, **changes):
        path = tmp_path / name
        objects = json.loads(path.read_text(encoding="utf-8"))
        hits = [o for o in objects if o["model"] == model and all(o["fields"][k] == v for k, v in match.items())]
        assert len(hits) == 1, (model, match)
        hits[0]["fields"].update(changes)
        path.write_text(json.dumps(objects, ensure_ascii=False, indent=1), encoding="utf-8")

    def add(name, obj):
        path = tmp_path / name
        objects = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps([*objects, obj], ensure_ascii=False, indent=1), encoding="utf-8")

    edit.directory = tmp_path
    edit.add = add
    return edit


def test_staff_edits_survive_a_second_load_and_are_reported(reference_data, staff_edits):
    output = load()

    assert_staff_edits_survived(staff_edits)
    # The shipped value and publication are reported as kept; department, due date and login are not
    # reference data (the fixtures do not set them), so the loader never reads or writes them.
    assert f"kpi.observation {GDP_2018} value: 現在 2500 / 出荷時 2496" in output
    assert f"kpi.observation {GDP_2018} is_published: 現在 False / 出荷時 True" in output
    assert "kpi.observation: 追加 0 / 更新 0 / 変更なし 171 / 編集を保持 2 項目 / スキップ 0" in output
    assert "--reset" in output


def test_the_report_lists_each_kept_field(reference_data, staff_edits):
    report = load_reference_data(fixture_paths(FIXTURE_DIR))

    assert set(report.kept) == {
        KeptField("kpi.observation", GDP_2018, "value", "2500", "2496"),
        KeptField("kpi.observation", GDP_2018, "is_published", False, True),
    }
    assert report.counts["kpi.observation"].kept == 2
    assert report.counts["kpi.indicator"].updated == 0


def test_a_second_load_of_unchanged_fixtures_writes_no_history(reference_data):
    before = Observation.history.count()
    load()
    assert Observation.history.count() == before


def test_a_corrected_fixture_field_that_staff_did_not_touch_arrives(reference_data, staff_edits, fixture_copy):
    s1 = "11_plan_strategy1.json"
    gdp = {"indicator": ["kumamoto", "S1-G1-N1"], "fiscal_year": 2018, "kind": "actual"}
    # The same row: staff changed value and is_published; the fixture now corrects note (untouched) and value.
    fixture_copy(s1, "kpi.observation", gdp, note="改定値に訂正", value="2497")
    fixture_copy(
        s1,
        "kpi.observation",
        {"indicator": ["kumamoto", "S1-G1-N2"], "fiscal_year": 2018, "kind": "actual"},
        value="-130",
    )
    fixture_copy(s1, "kpi.indicator", {"code": "S1-G1-N1"}, notes="※市町村民経済計算による")
    fixture_copy("20_committee.json", "committee.member", {"name": ARAKAWA}, note="令和2年1月23日退任")

    output = load(fixture_copy.directory)

    observation = gdp_2018()
    assert (observation.value, observation.is_published, observation.note) == (Decimal("2500"), False, "改定値に訂正")
    assert f"kpi.observation {GDP_2018} value: 現在 2500 / 出荷時 2497" in output
    migration = Observation.objects.get_by_natural_key("kumamoto", "S1-G1-N2", 2018, "actual")
    assert migration.value == Decimal("-130")
    assert migration.history.first().history_change_reason == UPDATE_REASON
    assert migration.history.first().prev_record.value == Decimal("-128")
    assert Indicator.objects.get(code="S1-G1-N1").notes == "※市町村民経済計算による"
    assert Member.objects.get_by_natural_key("kumamoto", COMMITTEE, ARAKAWA).note == "令和2年1月23日退任"
    assert_staff_edits_survived(staff_edits)


def test_an_untouched_field_keeps_following_the_fixtures(reference_data, fixture_copy):
    """A field takes every later correction as long as staff leave it alone (the record follows each load)."""
    row = {"indicator": ["kumamoto", "S1-G1-N2"], "fiscal_year": 2018, "kind": "actual"}
    fixture_copy("11_plan_strategy1.json", "kpi.observation", row, value="-130")
    load(fixture_copy.directory)
    fixture_copy("11_plan_strategy1.json", "kpi.observation", {**row, "value": "-130"}, value="-131")
    load(fixture_copy.directory)
    assert Observation.objects.get_by_natural_key("kumamoto", "S1-G1-N2", 2018, "actual").value == Decimal("-131")


def test_a_new_fixture_row_is_inserted(reference_data, fixture_copy):
    new = {
        "indicator": ["kumamoto", "S1-G1-N1"],
        "fiscal_year": 2019,
        "kind": "actual",
        "value": "2550",
        "comparator": "",
        "measured_year": None,
        "is_provisional": False,
        "missing_reason": "",
        "printed": "2,550",
        "note": "",
        "is_published": True,
    }
    fixture_copy.add("11_plan_strategy1.json", {"model": "kpi.observation", "fields": new})

    output = load(fixture_copy.directory)

    assert Observation.objects.get_by_natural_key("kumamoto", "S1-G1-N1", 2019, "actual").value == Decimal("2550")
    assert "kpi.observation: 追加 1 / 更新 0 / 変更なし 171" in output


def test_rows_of_a_closed_review_are_skipped_and_reported(reference_data, fixture_copy):
    evaluation = {"review": ["kumamoto", COMMITTEE, 2019], "policy": ["kumamoto", "kumamoto-strategy-1", "G1-P1"]}
    fixture_copy("20_committee.json", "committee.evaluation", evaluation, direction_text="書き換えた方向性")
    stored = Evaluation.objects.get(
        review__fiscal_year=2019, policy__code="G1-P1", policy__plan__slug="kumamoto-strategy-1"
    )
    assert stored.review.status == Review.Status.CLOSED

    output = load(fixture_copy.directory)

    stored.refresh_from_db()
    assert stored.direction_text.startswith("引き続き関連事業者と連携した合同就職面談会等を開催する")
    assert "committee.evaluation: 追加 0 / 更新 0 / 変更なし 8 / 編集を保持 0 項目 / スキップ 1" in output
    assert "締め切った検証の行のため変更しません（direction_text）" in output


def test_a_row_deleted_by_staff_is_not_brought_back(reference_data):
    gdp_2018().delete()

    output = load()

    assert not Observation.objects.filter(indicator__code="S1-G1-N1", fiscal_year=2018, kind="actual").exists()
    assert f"kpi.observation {GDP_2018}: 前回の読込み後に削除されたため再登録しません" in output


def test_reset_overwrites_staff_edits_with_history(reference_data, staff_edits):
    gdp_2017 = Observation.objects.get_by_natural_key("kumamoto", "S1-G1-N1", 2017, "actual")
    shipped_2017 = gdp_2017.value
    gdp_2017.delete()

    load(reset=True)

    observation = gdp_2018()
    assert (observation.value, observation.is_published) == (Decimal("2496"), True)
    latest = observation.history.first()
    assert latest.history_change_reason == RESET_REASON
    assert (latest.prev_record.value, latest.prev_record.is_published) == (Decimal("2500"), False)
    assert Observation.objects.get_by_natural_key("kumamoto", "S1-G1-N1", 2017, "actual").value == shipped_2017
    # Fields the fixtures do not set are not reference data: --reset leaves them too.
    indicator = Indicator.objects.get(code="S1-G1-N1")
    assert (indicator.department, indicator.actual_due_month) == (staff_edits["department"], 8)
    assert Member.objects.get_by_natural_key("kumamoto", COMMITTEE, ARAKAWA).user == staff_edits["user"]
    # After a reset the shipped values are what was loaded: a later load changes nothing.
    assert "編集を保持 0 項目" in load()


def test_any_fixture_format_is_read(reference_data, tmp_path):
    """The loader reads fixtures through Django's deserializers, so an XML fixture merges the same way."""
    shipped = [d.object for d in serializers.deserialize("json", (FIXTURE_DIR / "01_metro_areas.json").read_text())]
    hiroshima = next(area for area in shipped if area.name == "広島都市広域圏")
    hiroshima.population = 2_341_288  # a correction in the new fixture
    xml = serializers.serialize("xml", shipped, use_natural_primary_keys=True, use_natural_foreign_keys=True)
    (tmp_path / "01_metro_areas.xml").write_text(xml, encoding="utf-8")
    MetroArea.objects.filter(slug="kumamoto").update(population=1_116_000)  # a staff edit

    report = load_reference_data(fixture_paths(tmp_path))

    assert MetroArea.objects.get(name="広島都市広域圏").population == 2_341_288
    assert MetroArea.objects.get(slug="kumamoto").population == 1_116_000
    assert [(k.model, k.field, k.current, k.shipped) for k in report.kept] == [
        ("vision.metroarea", "population", 1_116_000, 1_116_317)
    ]


class _Rollback(Exception):
    pass


def _dump_after_loading_into_empty_tables(load_it):
    """Empty the reference tables, load, dumpdata (natural keys, so ids do not matter), then roll back."""
    shipped_models = []
    for path in fixture_paths(FIXTURE_DIR):
        for obj in json.loads(path.read_text(encoding="utf-8")):
            if obj["model"] not in shipped_models:
                shipped_models.append(obj["model"])
    try:
        with transaction.atomic():
            for label in reversed(shipped_models):
                apps.get_model(label)._base_manager.all().delete()
            ReferenceRecord.objects.all().delete()
            load_it()
            out = io.StringIO()
            call_command("dumpdata", *shipped_models, natural_foreign=True, natural_primary=True, stdout=out)
            raise _Rollback(out.getvalue())
    except _Rollback as done:
        return json.loads(done.args[0])


def test_a_first_load_gives_what_loaddata_gave(reference_data):
    paths = [str(path) for path in fixture_paths(FIXTURE_DIR)]
    with_loaddata = _dump_after_loading_into_empty_tables(lambda: call_command("loaddata", *paths, verbosity=0))
    with_loader = _dump_after_loading_into_empty_tables(lambda: call_command("load_reference_data", verbosity=0))
    assert len(with_loaddata) == sum(len(json.loads(open(path, encoding="utf-8").read())) for path in paths)
    assert with_loader == with_loaddata


def test_many_to_many_fields_merge_the_same_way(reference_data, tmp_path, django_user_model):
    """No shipped fixture sets a many-to-many field today; one that does is merged like any other field."""
    for username in ("tanaka", "suzuki", "sato"):
        django_user_model.objects.create_user(username)
    kumamoto = Municipality.objects.get(name="熊本市").lg_code

    def ship(**staff):
        departments = [
            {"model": "vision.department", "fields": {"municipality": [kumamoto], "name": name, "staff": users}}
            for name, users in staff.items()
        ]
        (tmp_path / "50_departments.json").write_text(json.dumps(departments, ensure_ascii=False), encoding="utf-8")
        return load_reference_data(fixture_paths(tmp_path))

    def staff_of(name):
        return set(Department.objects.get(name=name).staff.values_list("username", flat=True))

    ship(政策企画課=[["tanaka"]], 財政課=[["tanaka"]])
    assert staff_of("政策企画課") == staff_of("財政課") == {"tanaka"}
    Department.objects.get(name="財政課").staff.add(django_user_model.objects.get(username="suzuki"))

    report = ship(政策企画課=[["tanaka"], ["sato"]], 財政課=[["sato"]])

    assert staff_of("政策企画課") == {"tanaka", "sato"}  # untouched since the last load: the new list arrives
    assert staff_of("財政課") == {"tanaka", "suzuki"}  # changed by staff: kept and reported
    assert [(k.model, k.field) for k in report.kept] == [("vision.department", "staff")]


def test_rows_under_a_row_deleted_by_staff_are_skipped_and_reported(reference_data):
    """市内総生産額 (S1-G1-N1) has 8 series values and 1 placement in fixtures/11_plan_strategy1.json."""
    Indicator.objects.get(code="S1-G1-N1").delete()

    report = load_reference_data(fixture_paths(FIXTURE_DIR))

    assert not Indicator.objects.filter(code="S1-G1-N1").exists()
    assert report.counts["kpi.indicator"].skipped == 1
    assert report.counts["kpi.observation"].skipped == 8
    assert report.counts["kpi.indicatorplacement"].skipped == 1
    assert report.counts["kpi.observation"].unchanged == 171 - 8


def test_a_field_added_since_the_last_load_takes_the_shipped_value_while_at_its_default(reference_data):
    """Issue 13 added Indicator.period and final_outlook: an install loaded before has no record of them, and the
    values shipped (出生数 measures a 年, seed 001 l.788) arrive, unless staff already set them."""
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(Indicator)
    for code in ("S1-G2-N1", "S1-G1-N1"):
        record = ReferenceRecord.objects.get(content_type=content_type, natural_key=json.dumps(["kumamoto", code]))
        for name in ("period", "final_outlook", "final_outlook_source"):
            record.values.pop(name, None)
        record.save()
    Indicator.objects.filter(code="S1-G2-N1").update(period="fiscal_year")  # as the migration left it
    Indicator.objects.filter(code="S1-G1-N1").update(period="calendar_year", final_outlook="", final_outlook_source="")
    load()
    assert Indicator.objects.get(code="S1-G2-N1").period == "calendar_year"
    gdp = Indicator.objects.get(code="S1-G1-N1")
    assert gdp.final_outlook == "miss"  # still at its default: the shipped value arrives
    assert gdp.period == "calendar_year"  # set by someone since: kept
