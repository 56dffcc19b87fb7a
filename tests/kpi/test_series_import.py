"""The lean check and write of series values (kpi.series_import): small hand-made files, with the counts, rows,
columns and Japanese messages written out by hand."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from kpi.models import Indicator, Observation
from kpi.resources import ObservationResource
from kpi.series_import import check, write
from kpi.services import import_observations
from vision import roles
from vision.models import Department, Municipality

pytestmark = pytest.mark.django_db

HEADER = ["indicator_id", "fiscal_year", "kind", "value", "comparator", "measured_year", "provisional"]
HEADER += ["missing_reason", "printed", "note"]
# In seed 001: S2-G1-N1 (FY2020–2023) has a published baseline of 2,496 for 2018 and target of 2,692 for 2023;
# S2-G1-N2 a published target of 400 for 2023; S2-G2-N1 a published target of 7,000以上 for 2023.
ZERO = {"new": 0, "update": 0, "delete": 0, "skip": 0, "error": 0, "invalid": 0}


def run_check(*lines, **kwargs):
    rows = [line.split(",") for line in lines]
    assert all(len(row) == len(HEADER) for row in rows)
    sources = [(number, None) for number in range(2, len(rows) + 2)]  # the header is file row 1
    return check(HEADER, rows, sources, **kwargs)


def stored(code, year, kind):
    return Observation.objects.get(indicator__code=code, fiscal_year=year, kind=kind)


def test_good_rows_are_counted_and_kept_as_their_values():
    gdp = Indicator.objects.get(code="S2-G1-N1")
    target = stored("S2-G1-N1", 2023, "target")
    other = stored("S2-G1-N2", 2023, "target")

    checked = run_check(
        "S2-G1-N1,2020,actual,812,,,false,,,熊本市推計",  # new
        "S2-G1-N1,2023,target,2700,,,,,,",  # a changed value; the empty cells keep what is stored
        "S2-G1-N2,2023,target,400,,,,,,",  # as stored: unchanged
    )

    assert checked.ok and checked.errors == []
    assert checked.totals == {**ZERO, "new": 1, "update": 1, "skip": 1}
    assert checked.new == [(gdp.pk, 2020, "actual", Decimal("812"), "", None, False, "", "", "熊本市推計")]
    assert checked.changed == [(target.pk, gdp.pk, 2023, "target", Decimal("2700"), "", None, False, "", "2,692", "")]
    assert checked.versions == {
        "kumamoto/S2-G1-N1/2020/actual": 0,
        "kumamoto/S2-G1-N1/2023/target": target.lock_version,
        "kumamoto/S2-G1-N2/2023/target": other.lock_version,
    }
    assert not Observation.objects.filter(indicator=gdp, kind="actual").exists()  # a check writes nothing


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("S2-G1-N1,20x0,actual,1,,,,,,", "fiscal_year", "年（西暦4桁）を入力してください: 20x0"),
        (
            "S2-G1-N1,2020,予算,1,,,,,,",
            "kind",
            "種別は baseline / target / actual（基準値・目標値・実績値）のいずれかにしてください。",
        ),
        ("S2-G1-N1,2020,actual,abc,,,,,,", "value", "「abc」は数値ではありません（例: 1,234、△12、0.56）。"),
        ("S2-G1-N1,2020,actual,1,以上,,,,,", "comparator", "「以上」「以下」は目標値にだけ指定できます。"),
        (
            "S2-G1-N1,2020,target,1,より多い,,,,,",
            "comparator",
            "比較は gte（以上）、lte（以下）または空欄にしてください。",
        ),
        ("S2-G1-N1,2020,actual,1,,x,,,,", "measured_year", "年（西暦4桁）を入力してください: x"),
        ("S2-G1-N1,2020,actual,1,,,たぶん,,,", "provisional", "true か false で入力してください: たぶん"),
        ("S2-G1-N1,2031,actual,1,,,,,,", "fiscal_year", "年度は計画期間（2020〜2023年度）の中で入力してください。"),
        ("S2-G1-N1,2020,actual,,,,,,,", "missing_reason", "値を入力するか、値がない理由を入力してください。"),
        ("NOPE-1,2020,actual,1,,,,,,", "indicator_id", "指標コード NOPE-1 は登録されていません。"),
        (
            "S2-G1-N1,2019,baseline,1,,,,,,",
            "fiscal_year",
            "この指標の基準値は既に 2018 年度にあります（基準値は1つです）。",
        ),
        (
            "S2-G1-N1,2023,target,―,,,,,,",
            "value",
            "「―」では値は消えません。値を消すときはセルに #クリア と入力してください。",
        ),
        (
            "S2-G1-N1,2023,target,#クリア,,,,,,",
            "value",
            "値を #クリア で消すときは、missing_reason 列に値がない理由を入力してください。",
        ),
    ],
)
def test_each_bad_cell_is_reported_at_its_row_and_column_in_japanese(line, column, message):
    checked = run_check("S2-G1-N2,2020,actual,5,,,,,,", line)

    assert [(e.row, e.column, e.message) for e in checked.errors] == [(3, column, message)]
    assert checked.totals == {**ZERO, "new": 1, "invalid": 1}
    assert not checked.ok and checked.new == [] and checked.changed == []  # nothing of a bad file is written


def test_a_repeated_row_is_an_error_on_the_later_row():
    checked = run_check("S2-G1-N1,2020,actual,1,,,,,,", "S2-G1-N2,2020,actual,1,,,,,,", "S2-G1-N1,2020,実績値,2,,,,,,")

    assert [(e.row, e.column, e.message) for e in checked.errors] == [
        (4, "indicator_id", "同じ指標・年度・種別の行が 1 件目のデータ行にもあります。")
    ]


@pytest.fixture
def editor(django_user_model):
    """An editor of 経済政策課, which owns S2-G1-N1 and S2-G1-N2; S2-G2-N1 is 子ども政策課's."""
    kumamoto = Municipality.objects.get(lg_code="431001")
    own, other = (Department.objects.create(municipality=kumamoto, name=n) for n in ("経済政策課", "子ども政策課"))
    Indicator.objects.filter(code__startswith="S2-G1").update(department=own)
    Indicator.objects.filter(code__startswith="S2-G2").update(department=other)
    user = django_user_model.objects.create_user("editor", "editor@example.jp", "pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.EDITORS))
    own.staff.add(user)
    return user


def test_an_editor_checks_only_the_values_of_their_departments_indicators(editor):
    checked = run_check(
        "S2-G1-N1,2020,actual,1,,,,,,",  # their own: fine
        "S2-G2-N1,2020,actual,1,,,,,,",  # another department's, new
        "S2-G2-N1,2023,target,7100,以上,,,,,",  # another department's, stored
        user=editor,
    )

    assert [(e.row, e.column, e.message) for e in checked.errors] == [
        (3, "indicator_id", "指標 S2-G2-N1 を変更する権限がありません（担当の所管課の指標だけを取り込めます）。"),
        (4, "", "この行のデータを変更する権限がありません（担当の範囲の外です）。"),
        (4, "indicator_id", "指標 S2-G2-N1 を変更する権限がありません（担当の所管課の指標だけを取り込めます）。"),
    ]
    assert checked.totals == {**ZERO, "new": 1, "invalid": 2}


def test_a_committee_member_may_not_add_values(django_user_model):
    member = django_user_model.objects.create_user("iin", "iin@example.jp", "pw-for-tests-only", is_staff=True)
    member.groups.add(Group.objects.get(name=roles.COMMITTEE_MEMBERS))

    checked = run_check("S2-G1-N1,2020,actual,1,,,,,,", user=member)

    assert [(e.row, e.column, e.message) for e in checked.errors] == [
        (2, "", "この種類のデータを追加する権限がありません。"),
        (2, "indicator_id", "指標 S2-G1-N1 を変更する権限がありません（担当の所管課の指標だけを取り込めます）。"),
    ]


def test_a_correction_of_a_published_value_is_written_as_a_draft_beside_the_published_figure(admin_user):
    before = stored("S2-G1-N1", 2023, "target")
    data = ("\r\n".join([",".join(HEADER), "S2-G1-N1,2023,target,2700,,,,,,"]) + "\r\n").encode()

    outcome = import_observations(data, "fix.csv", user=admin_user, dry_run=False)

    assert outcome.ok and outcome.written, outcome.errors
    assert outcome.totals == {**ZERO, "update": 1}
    after = stored("S2-G1-N1", 2023, "target")
    assert (after.value, after.published_value, after.printed) == (Decimal("2700"), Decimal("2692"), "2,692")
    assert (after.is_published, after.pending_correction) == (False, True)
    assert after.lock_version == before.lock_version + 1
    latest = after.history.latest()
    assert (latest.history_type, latest.history_user, latest.value, latest.history_change_reason) == (
        "~",
        admin_user,
        Decimal("2700"),
        "一括取込み",
    )


def test_check_then_write_as_plain_functions_with_progress(admin_user):
    calls = []
    with transaction.atomic():
        checked = run_check(
            "S2-G1-N1,2020,actual,1,,,,,,",
            "S2-G1-N1,2021,actual,2,,,,,,",
            "S2-G1-N2,2020,actual,3,,,,,,",
            user=admin_user,
            progress=lambda done, total: calls.append(("check", done, total)),
        )
        write(checked, user=admin_user, progress=lambda done, total: calls.append(("write", done, total)))

    # 3 rows: every row is 1% or more of the file, so each is reported; the one batch written, once
    assert calls == [("check", 1, 3), ("check", 2, 3), ("check", 3, 3), ("write", 3, 3)]
    written = Observation.objects.filter(indicator__code__in=["S2-G1-N1", "S2-G1-N2"], kind="actual")
    assert sorted((o.indicator.code, o.fiscal_year, o.value) for o in written) == [
        ("S2-G1-N1", 2020, 1),
        ("S2-G1-N1", 2021, 2),
        ("S2-G1-N2", 2020, 3),
    ]
    history = Observation.history.filter(indicator__code__in=["S2-G1-N1", "S2-G1-N2"], kind="actual")
    assert sorted(history.values_list("history_type", "value")) == [("+", 1), ("+", 2), ("+", 3)]


def test_a_file_with_an_error_is_never_written():
    checked = run_check("S2-G1-N1,2020,actual,x,,,,,,")
    with pytest.raises(ValueError):
        write(checked)


def test_a_value_changed_since_the_dry_run_is_an_error_about_the_file():
    checked = run_check("S2-G1-N1,2023,target,2700,,,,,,", expected_versions={"kumamoto/S2-G1-N1/2023/target": 0})

    assert checked.errors == []
    assert checked.base_errors == [
        "['確認の後に、このファイルの 1 件の値が別の職員によって変更されました（kumamoto/S2-G1-N1/2023/target）。"
        "何も取り込んでいません。もう一度ファイルを選んで、変更を確認してください。']"
    ]
    assert not checked.ok and checked.changed == []


def test_the_check_asks_the_database_the_same_number_of_times_for_10_rows_as_for_200(editor):
    plan = Indicator.objects.get(code="S2-G1-N1").plan  # FY2020–2023
    department = editor.departments.get()  # 経済政策課
    Indicator.objects.bulk_create(
        Indicator(code=f"LEAN-{n}", plan=plan, area=plan.area, name=f"指標{n}", unit="件", department=department)
        for n in range(50)
    )
    lines = [f"LEAN-{n},{year},actual,{n},,,,,," for n in range(50) for year in range(2020, 2024)]
    counts = []
    for size in (10, 200):
        user = type(editor).objects.get(pk=editor.pk)  # without the permissions the last run cached
        with CaptureQueriesContext(connection) as queries:
            checked = run_check(*lines[:size], user=user)
        assert checked.ok and checked.totals["new"] == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_resource_no_longer_imports_series_values_itself():
    with pytest.raises(NotImplementedError):
        ObservationResource().import_data(None)


def test_the_rows_may_be_let_go_of_as_they_are_read():
    rows = [line.split(",") for line in ("S2-G1-N1,2020,actual,1,,,,,,", "S2-G1-N1,2021,actual,x,,,,,,")]

    checked = check(HEADER, rows, [(2, None), (3, None)], release_rows=True)

    assert rows == [None, None]
    assert [(e.row, e.column) for e in checked.errors] == [(3, "value")]  # the second row was still read


def test_a_number_as_preview_keeps_the_first_rows_only():
    lines = ("S2-G1-N1,2020,actual,1,,,,,,", "S2-G1-N1,2021,actual,2,,,,,,", "S2-G1-N1,2022,actual,3,,,,,,")

    checked = run_check(*lines, preview=2)

    assert [file_row for file_row, _preview in checked.preview] == [2, 3]
    assert [cell.new for cell in checked.preview[1][1].diff][:5] == [
        "S2-G1-N1 市内総生産額",
        "kumamoto",
        "2021",
        "実績値",
        "2",
    ]
    assert len(checked.new) == 3  # every row is still checked and kept to write
