"""Bulk import of series values: encodings, layouts, all-or-nothing, limits and the round trip."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from kpi.importing import ImportFileError, parse_wide_cell, read_table, rows_to_import
from kpi.models import Indicator, Observation
from kpi.resources import ObservationResource
from kpi.services import import_observations
from tests.vision.test_tabular import _with_cell_value
from vision import tabular

pytestmark = pytest.mark.django_db

HEADER = "indicator_id,fiscal_year,kind,value,comparator,measured_year,provisional,missing_reason,printed,note"


def csv_bytes(lines, encoding):
    return ("\r\n".join([HEADER, *lines]) + "\r\n").encode(encoding)


def actual(code, year):
    return Observation.objects.get(indicator__code=code, fiscal_year=year, kind="actual")


def test_cp932_csv_is_read_and_imported_as_drafts():
    data = csv_bytes(
        ['S2-G1-N1,2020,actual,"2,600",,2017,false,,,熊本市推計', "S2-G1-N2,2020,実績値,△120,,,false,,,"], "cp932"
    )
    outcome = import_observations(data, "actuals.csv", dry_run=False)
    assert outcome.ok and outcome.written
    assert outcome.totals["new"] == 2
    gdp = actual("S2-G1-N1", 2020)
    assert (gdp.value, gdp.measured_year, gdp.note, gdp.is_published) == (Decimal("2600"), 2017, "熊本市推計", False)
    record = gdp.history.get()
    assert (record.history_type, record.history_change_reason, record.value) == ("+", "一括取込み", Decimal("2600"))
    assert actual("S2-G1-N2", 2020).value == Decimal("-120")


def test_utf8_bom_csv_is_read():
    data = csv_bytes(["S2-G2-N1,2020,actual,6500,,,true,,,"], "utf-8-sig")
    assert data.startswith(b"\xef\xbb\xbf")
    assert import_observations(data, "a.csv", dry_run=False).ok
    assert actual("S2-G2-N1", 2020).is_provisional


def test_xlsx_written_with_openpyxl_is_read():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(["S2-G1-P1-K1", 2021, "actual", 1.05, None, None, "false", None, None, None])
    sheet.append(["S2-G1-P1-K2", 2021, "actual", 170, None, None, "false", None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    outcome = import_observations(buffer.getvalue(), "book.xlsx", dry_run=False)
    assert outcome.ok, outcome.errors
    assert actual("S2-G1-P1-K1", 2021).value == Decimal("1.05")
    assert actual("S2-G1-P1-K2", 2021).value == Decimal("170")


def test_committee_wide_layout_is_read():
    wide = "\r\n".join(
        [
            "indicator_id,kind,H28,H29,H30,H31",
            'S1-G1-N1,実績値,"2,400（H25）","2,354（H26）","2,496（H27）",―',
            'S1-G2-N1,実績値,6797,6746,"6,800※概算値",',
            "S1-G2-N1,目標値,7000以上,7000以上,7000以上,7000以上",
        ]
    ).encode("cp932")
    outcome = import_observations(wide, "committee.csv", dry_run=False)
    assert outcome.layout == "wide"
    assert outcome.ok, outcome.errors
    changed = actual("S1-G1-N1", 2016)
    assert (changed.value, changed.measured_year, changed.printed) == (Decimal("2400"), 2013, "2,400（H25）")
    births = actual("S1-G2-N1", 2018)
    assert (births.value, births.is_provisional) == (Decimal("6800"), True)
    assert births.note == "※H30の出生数は、概算値。10月に数値確定"  # the wide layout carries no notes: kept
    assert outcome.totals["new"] == 0
    assert not Observation.objects.filter(indicator__code="S1-G1-N1", fiscal_year=2019, kind="actual").exists()


def test_wide_layout_errors_name_the_cell_where_it_was_typed():
    wide = "indicator_id,kind,H28,H29\r\nS1-G1-N1,実績値,2400,abc\r\nS1-G1-N1,予算,1,2\r\n".encode()
    outcome = import_observations(wide, "w.csv", dry_run=False)
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "H29"), (3, "kind")]
    assert actual("S1-G1-N1", 2016).value == Decimal("2334")  # nothing written


def test_one_bad_row_among_a_thousand_writes_nothing_and_names_the_row():
    plan = Indicator.objects.get(code="S2-G1-N1").plan  # FY2020–FY2023
    Indicator.objects.bulk_create(
        Indicator(code=f"BULK-{n}", plan=plan, area=plan.area, name=f"指標{n}", unit="件") for n in range(250)
    )
    rows = [f"BULK-{n},{year},actual,{n * 10 + year % 10},,,false,,," for n in range(250) for year in range(2020, 2024)]
    assert len(rows) == 1000
    bad_index = 637
    rows.insert(bad_index, "BULK-1,2031,target,5,,,false,,,")  # outside the plan period
    before = Observation.objects.count()
    outcome = import_observations(csv_bytes(rows, "utf-8"), "big.csv", dry_run=False)
    assert not outcome.written
    assert [(e.row, e.column) for e in outcome.errors] == [(bad_index + 2, "fiscal_year")]  # header is row 1
    assert "計画期間" in outcome.errors[0].message
    assert Observation.objects.count() == before

    del rows[bad_index]
    outcome = import_observations(csv_bytes(rows, "utf-8"), "big.csv", dry_run=False)
    assert outcome.written and outcome.totals["new"] == 1000
    assert Observation.objects.count() == before + 1000


def test_duplicate_rows_in_one_file_are_refused():
    data = csv_bytes(["S2-G1-N1,2020,actual,1,,,false,,,", "S2-G1-N1,2020,actual,2,,,false,,,"], "utf-8")
    outcome = import_observations(data, "dup.csv", dry_run=False)
    assert [e.row for e in outcome.errors] == [3]
    assert not Observation.objects.filter(indicator__code="S2-G1-N1", fiscal_year=2020, kind="actual").exists()


def test_import_command_exits_non_zero_and_writes_nothing(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(["S2-G1-N1,2020,actual,1,,,false,,,", "S2-G1-N1,2021,actual,x,,,false,,,"], "cp932"))
    with pytest.raises(CommandError, match="何も取り込みませんでした"):
        call_command("import_observations", str(path))
    assert not Observation.objects.filter(indicator__code="S2-G1-N1", kind="actual").exists()
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(["S2-G1-N1,2020,actual,1,,,false,,,"], "cp932"))
    call_command("import_observations", str(good), "--dry-run")
    assert not Observation.objects.filter(indicator__code="S2-G1-N1", kind="actual").exists()
    call_command("import_observations", str(good))
    assert actual("S2-G1-N1", 2020).value == 1


def test_limits_and_unreadable_files(monkeypatch):
    with pytest.raises(ImportFileError, match="文字コード"):
        read_table(b"a,b\r\n\x85\x40,\xff\r\n", "x.csv")
    # Excel's "Unicode text" (UTF-16, tab separated) is read too
    assert read_table("指標,値\r\nS1,1\r\n".replace(",", "\t").encode("utf-16"), "x.txt")[1] == ["S1", "1"]
    monkeypatch.setattr(tabular, "MAX_FILE_BYTES", 10)
    with pytest.raises(ImportFileError, match="大きすぎます"):
        read_table(b"a,b,c\r\n1,2,3\r\n", "x.csv")
    monkeypatch.setattr(tabular, "MAX_FILE_BYTES", 10_000)
    monkeypatch.setattr(tabular, "MAX_ROWS", 2)
    with pytest.raises(ImportFileError, match="行数が多すぎます"):
        read_table(b"a\r\n1\r\n2\r\n3\r\n", "x.csv")
    with pytest.raises(ImportFileError, match="XLSX"):
        read_table(b"PK\x03\x04 not really a zip", "x.xlsx")


def test_rows_to_import_counts_a_wide_files_year_cells_with_a_value():
    # 2400; ― (no value); 1 and 2; the note column is no year
    wide = "indicator_id,kind,H28,H29,note\r\nS1-G1-N1,実績値,2400,―,x\r\nS1-G1-N1,目標値,1,2,\r\n"
    assert rows_to_import(read_table(wide.encode(), "w.csv")) == 3
    long = "indicator_id,fiscal_year,kind,value\r\nS1-G1-N1,2020,actual,\r\nS1-G1-N1,2021,actual,\r\n"
    assert rows_to_import(read_table(long.encode(), "l.csv")) == 2
    with pytest.raises(ImportFileError, match="見出し行を読めません"):
        rows_to_import(read_table(b"a,b\r\n1,2\r\n", "x.csv"))


def test_xlsx_that_expands_too_much_is_refused(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_XLSX_UNCOMPRESSED_BYTES", 1000)
    workbook = Workbook()
    workbook.active.append(["x" * 5000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ImportFileError, match="展開後"):
        read_table(buffer.getvalue(), "bomb.xlsx")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2,325（H24）", {"value": "2325", "measured_year": 2012, "comparator": "", "provisional": "false"}),
        ("7,000以上", {"value": "7000", "comparator": "gte"}),
        ("6,766※概算値", {"value": "6766", "provisional": "true"}),
        ("△37", {"value": "-37"}),
        ("41(H26)", {"value": "41", "measured_year": 2014}),
    ],
)
def test_parse_wide_cell(cell, expected):
    parsed = parse_wide_cell(cell)
    assert {key: parsed[key] for key in expected} == expected
    assert parsed["printed"] == cell


def test_export_neutralises_formulas_and_round_trips():
    gdp = Observation.objects.get(indicator__code="S1-G1-N1", fiscal_year=2016, kind="actual")
    gdp.note = '=HYPERLINK("http://example.invalid")'
    gdp.save()
    first = ObservationResource().export().csv
    assert "'=HYPERLINK" in first
    assert "-1394" in first  # a negative number is a number, not a formula
    Observation.objects.all().delete()
    outcome = import_observations(first.encode("utf-8-sig"), "export.csv", dry_run=False)
    assert outcome.ok, outcome.errors[:3]
    assert Observation.objects.get(
        pk__isnull=False, indicator__code="S1-G1-N1", fiscal_year=2016, kind="actual"
    ).note.startswith("=HYPERLINK")
    second = ObservationResource().export().csv
    assert second == first


def test_an_imported_change_is_in_the_history_with_who_and_the_old_value(admin_user):
    data = csv_bytes(["S1-G1-N1,2018,actual,2500,,2015,false,,,"], "utf-8")
    assert import_observations(data, "fix.csv", user=admin_user, dry_run=False).ok
    gdp = actual("S1-G1-N1", 2018)
    latest = gdp.history.latest()
    assert (latest.history_type, latest.history_user, latest.value) == ("~", admin_user, Decimal("2500"))
    assert latest.prev_record.value == Decimal("2496")  # the record made when the reference data was loaded


def test_an_empty_cell_in_an_update_leaves_the_stored_field_alone():
    # FY2018 births: 6,766 printed in the committee material, with a note that it is provisional
    data = csv_bytes(["S1-G2-N1,2018,actual,6800,,,true,,,"], "utf-8")
    outcome = import_observations(data, "fix.csv", dry_run=False)
    assert outcome.ok, outcome.errors
    births = actual("S1-G2-N1", 2018)
    assert births.value == Decimal("6800")
    assert (births.printed, births.note) == ("6,766", "※H30の出生数は、概算値。10月に数値確定")


def test_the_clear_marker_empties_a_stored_field():
    data = csv_bytes(["S1-G2-N1,2018,actual,6800,,,true,,#クリア,＃クリア"], "utf-8")
    outcome = import_observations(data, "clear.csv", dry_run=False)
    assert outcome.ok, outcome.errors
    births = actual("S1-G2-N1", 2018)
    assert (births.value, births.printed, births.note) == (Decimal("6800"), "", "")


def test_clearing_a_value_needs_a_reason_and_says_so_in_japanese():
    data = csv_bytes(["S1-G2-N1,2018,actual,#クリア,,,true,,,"], "utf-8")
    outcome = import_observations(data, "clear.csv", dry_run=False)
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "value")]
    assert "missing_reason" in outcome.errors[0].message and "#クリア" in outcome.errors[0].message
    assert actual("S1-G2-N1", 2018).value == Decimal("6766")

    data = csv_bytes(["S1-G2-N1,2018,actual,#クリア,,,true,集計中止,,"], "utf-8")
    outcome = import_observations(data, "clear.csv", dry_run=False)
    assert outcome.ok, outcome.errors
    births = actual("S1-G2-N1", 2018)
    assert (births.value, births.missing_reason, births.printed) == (None, "集計中止", "6,766")


def test_a_new_row_with_empty_cells_takes_the_defaults():
    data = csv_bytes(["S2-G1-N1,2020,actual,5,,,,,,"], "utf-8")
    assert import_observations(data, "new.csv", dry_run=False).ok
    new = actual("S2-G1-N1", 2020)
    assert (new.value, new.comparator, new.measured_year, new.is_provisional, new.note) == (5, "", None, False, "")


def test_the_wide_layout_still_replaces_what_its_cell_describes():
    # S1-G2-N1 FY2018 target was "7000以上"; a plain 7,100 in the wide layout means no comparator any more
    wide = "indicator_id,kind,H30\r\nS1-G2-N1,目標値,7100\r\n".encode()
    outcome = import_observations(wide, "w.csv", dry_run=False)
    assert outcome.ok, outcome.errors
    target = Observation.objects.get(indicator__code="S1-G2-N1", fiscal_year=2018, kind="target")
    assert (target.value, target.comparator, target.printed) == (Decimal("7100"), "", "7100")


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-Infinity", "Infinity"])
def test_nan_and_infinity_text_are_row_errors(text):
    data = csv_bytes([f"S2-G1-N1,2020,actual,{text},,,false,,,"], "utf-8")
    outcome = import_observations(data, "nan.csv", dry_run=False)
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "value")]
    assert "数値ではありません" in outcome.errors[0].message


def test_an_xlsx_number_too_large_for_a_float_is_a_row_error():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(["S2-G1-N1", 2020, "actual", 1, None, None, "false", None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    # Excel stores numbers as text; 1E999 overflows to infinity when read as a float
    data = _with_cell_value(buffer.getvalue(), "D2", "1E999")
    outcome = import_observations(data, "inf.xlsx", dry_run=True)
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "value")]
    assert "数値ではありません" in outcome.errors[0].message


def test_a_missing_key_column_is_named_in_japanese():
    data = b"indicator_id,fiscal_year,value\r\nS2-G1-N1,2020,1\r\n"
    with pytest.raises(ImportFileError, match="kind"):
        try:
            import_observations(data, "nokind.csv", dry_run=True)
        except ImportFileError as error:
            assert "見出し行" in str(error)
            raise


def test_an_upload_over_the_cap_is_refused_in_the_admin_with_its_true_size(admin_client, monkeypatch):
    monkeypatch.setattr(tabular, "MAX_FILE_BYTES", 1024 * 1024)
    data = (HEADER + "\r\n").encode() + b"S2-G1-N1,2020,actual,1,,,false,,,\r\n" * 100_000
    page = admin_client.post(
        "/admin/kpi/observation/import/", {"file": SimpleUploadedFile("big.csv", data, "text/csv")}
    )
    # 92 + 35 × 100,000 = 3,500,092 bytes = 3.34 MiB, shown rounded up
    assert "ファイルが大きすぎます（3.4 MB）。1 MB 以下に分けてください。" in page.content.decode()


def test_the_import_help_names_the_clear_marker(admin_client):
    page = admin_client.get("/admin/kpi/observation/import/")
    assert "#クリア" in page.content.decode()


def test_the_import_command_refuses_a_file_over_the_cap_with_its_size(tmp_path, monkeypatch):
    monkeypatch.setattr(tabular, "MAX_FILE_BYTES", 1024 * 1024)
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * (3 * 1024 * 1024))
    with pytest.raises(CommandError, match=r"（3\.0 MB）"):
        call_command("import_observations", str(path))


def test_a_wide_file_with_more_values_than_the_row_limit_is_refused(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_ROWS", 5)
    # 3 file rows, 2 values each: 6 values, one more than 5
    wide = "indicator_id,kind,H28,H29\r\n" + "S1-G1-N1,実績値,1,2\r\n" * 3
    with pytest.raises(ImportFileError, match="値が多すぎます（6 個以上）"):
        import_observations(wide.encode(), "w.csv", dry_run=True)


def test_an_oversized_upload_is_counted_not_kept(admin_client, monkeypatch):
    from django.core.files import uploadhandler

    monkeypatch.setattr(tabular, "MAX_FILE_BYTES", 1024 * 1024)

    def no_temporary_file(*args, **kwargs):
        raise AssertionError("the upload was spooled to a temporary file")

    monkeypatch.setattr(uploadhandler.TemporaryFileUploadHandler, "new_file", no_temporary_file)
    data = b"x" * (4 * 1024 * 1024)  # over FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), which goes to disk by default
    page = admin_client.post("/admin/kpi/observation/import/", {"file": SimpleUploadedFile("big.csv", data)})
    assert "ファイルが大きすぎます（4.0 MB）" in page.content.decode()


def test_the_import_upload_still_checks_csrf(client, admin_user):
    from django.test import Client

    checked = Client(enforce_csrf_checks=True)
    checked.force_login(admin_user)
    data = (HEADER + "\r\nS2-G1-N1,2020,actual,1,,,false,,,\r\n").encode()
    response = checked.post("/admin/kpi/observation/import/", {"file": SimpleUploadedFile("a.csv", data)})
    assert response.status_code == 403


def test_indicator_import_messages_are_japanese(admin_user):
    from kpi.resources import IndicatorResource
    from vision.tabular import import_table

    data = (
        "code,plan,name,unit,decimals,direction,is_cumulative,cumulative_since,source,notes,department,"
        "actual_due_month,actual_due_day\r\n"
        "NEW-1,no-such-plan,新しい指標,件,x,higher,たぶん,,,,,8,31\r\n"
    ).encode()
    outcome = import_table(IndicatorResource, data, "i.csv", user=admin_user, dry_run=True)
    by_column = {error.column: error.message for error in outcome.errors}
    assert "no-such-plan" in by_column["plan"] and "計画" in by_column["plan"]
    assert "整数" in by_column["decimals"]
    assert "true" in by_column["is_cumulative"] and "false" in by_column["is_cumulative"]


def test_errors_name_the_file_row_even_after_a_blank_row():
    data = (
        "\r\n".join([HEADER, "S2-G1-N1,2020,actual,1,,,false,,,", "", ",,,,,,,,,", "S2-G1-N1,2021,actual,x,,,false,,,"])
        + "\r\n"
    ).encode()
    outcome = import_observations(data, "gap.csv", dry_run=True)
    assert [(e.row, e.column) for e in outcome.errors] == [(5, "value")]
    wide = "indicator_id,kind,H28\r\n\r\nS1-G1-N1,予算,1\r\n".encode()
    assert [(e.row, e.column) for e in import_observations(wide, "w.csv", dry_run=True).errors] == [(3, "kind")]
