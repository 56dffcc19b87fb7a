"""The Shift_JIS open data: every character either as written, as its cp932 look-alike, or as 〓."""

import codecs
import csv
import io
import json
from decimal import Decimal

import pytest

from kpi import opendata
from kpi.models import Observation
from kpi.opendata import GETA, cp932_text, to_csv
from tests.kpi.factories import ObservationFactory


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("熊本市推計", "熊本市推計"),
        ("2014—2018", "2014―2018"),  # EM DASH → HORIZONTAL BAR (what Shift_JIS's 0x815C is in cp932)
        ("−5", "－5"),  # MINUS SIGN → FULLWIDTH HYPHEN-MINUS
        ("10〜20", "10～20"),  # WAVE DASH → FULLWIDTH TILDE
        ("A‖B", "A∥B"),  # DOUBLE VERTICAL LINE → PARALLEL TO
        ("¢£¬", "￠￡￢"),
        ("¦", "￤"),
        ("¥100", "￥100"),
        ("a\u00a0b", "a b"),  # no-break space
        ("2020–2021", "2020‐2021"),  # EN DASH → HYPHEN
        ("𩸽の漁獲量", "〓の漁獲量"),  # outside cp932 (and outside the BMP)
        ("🐟", "〓"),
        ("Café", "Caf〓"),
        ("か\u3099", "が"),  # decomposed kana is composed first
        ("葛\U000e0100飾", "葛飾"),  # an ideographic variation selector chooses a glyph; the character stays
        ("①Ⅱ㈱髙", "①Ⅱ㈱髙"),  # cp932's NEC and IBM extensions are in cp932
    ],
)
def test_cp932_text(text, expected):
    assert cp932_text(text) == expected
    expected.encode("cp932")


def test_the_geta_mark_is_in_cp932():
    assert GETA == "〓" and GETA.encode("cp932") == b"\x81\xac"


def test_shift_jis_csv_never_fails_on_a_character_outside_cp932():
    rows = [{name: "" for name in ("area", "plan_id", "plan", "goal_path", "indicator_id", "indicator", "unit")}]
    rows[0].update(
        fiscal_year=2020,
        kind="actual",
        value=None,
        comparator="",
        measured_year=None,
        provisional=False,
        missing_reason="𩸽🐟",
        printed="1—2",
        note="〓",
    )
    text = to_csv(rows, encoding="cp932").decode("cp932")
    assert ",〓〓,1―2,〓\r\n" in text


@pytest.mark.django_db
def test_the_shift_jis_download_survives_a_published_note_outside_cp932(client):
    ObservationFactory(note="𩸽 🐟 — 漁獲", is_published=True)
    response = client.get("/ja/open-data/observations-sjis.csv")
    assert response.status_code == 200
    assert "〓 〓 ― 漁獲" in response.getvalue().decode("cp932")


@pytest.mark.django_db
def test_the_column_dictionary_says_what_happens_to_characters_outside_shift_jis(client):
    page = client.get("/ja/areas/kumamoto/open-data/").content.decode()
    assert "〓" in page and "Shift_JIS" in page
    english = client.get("/en/areas/kumamoto/open-data/").content.decode()
    assert "geta" in english


def _rows(count):
    base = {name: "" for name in opendata.FIELDNAMES}
    return [
        {**base, "indicator": f"指標{n}\n改行", "fiscal_year": 2020, "value": Decimal(n) / 4, "provisional": n % 2 == 0}
        for n in range(count)
    ]


@pytest.mark.parametrize("count", [0, 1, 5])
def test_streamed_json_is_byte_for_byte_the_whole_json_dump(monkeypatch, count):
    monkeypatch.setattr(opendata, "CHUNK_ROWS", 2)
    rows = _rows(count)
    records = [{**row, "value": json.loads(opendata.plain_number(row["value"]))} for row in rows]
    pieces = list(opendata.iter_json(rows))
    assert b"".join(pieces) == json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8")
    assert len(pieces) == count // 2 + 1


def test_streamed_csv_has_one_bom_and_every_row(monkeypatch):
    monkeypatch.setattr(opendata, "CHUNK_ROWS", 2)
    pieces = list(opendata.iter_csv(_rows(5)))
    assert len(pieces) == 3
    data = b"".join(pieces)
    assert data.startswith(codecs.BOM_UTF8) and data.count(codecs.BOM_UTF8) == 1
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [row["value"] for row in rows] == ["0", "0.25", "0.5", "0.75", "1"]
    assert rows[1]["indicator"] == "指標1\n改行"


def test_xlsx_continues_on_a_second_sheet_past_the_row_limit(monkeypatch):
    from openpyxl import load_workbook

    monkeypatch.setattr(opendata, "EXCEL_MAX_ROWS", 4)  # the header and three rows per sheet
    workbook = load_workbook(io.BytesIO(opendata.to_xlsx(_rows(5))))
    assert workbook.sheetnames == ["observations", "observations (2)", "columns"]
    first, second = (list(workbook[name].iter_rows(values_only=True)) for name in workbook.sheetnames[:2])
    assert first[0] == second[0] == tuple(opendata.FIELDNAMES)
    assert len(first) == 4 and len(second) == 3
    assert [row[opendata.FIELDNAMES.index("value")] for row in first[1:] + second[1:]] == [0, 0.25, 0.5, 0.75, 1]


@pytest.mark.django_db
def test_open_data_rows_read_in_chunks_give_the_same_table(reference_data, monkeypatch):
    from kpi import selectors

    whole = list(selectors.open_data_rows())
    monkeypatch.setattr(selectors, "OPEN_DATA_CHUNK", 3)
    assert list(selectors.open_data_rows()) == whole
    assert len(whole) == Observation.objects.published().count()


@pytest.fixture
def small_table(db):
    """One area, one plan, an indicator placed under a sub-goal (and restated elsewhere) with three public values (one
    a correction awaiting publication) and a draft, and a second indicator with no goal."""
    from tests.kpi.factories import IndicatorFactory, PlacementFactory
    from tests.vision.factories import GoalFactory, MetroAreaFactory, PlanFactory

    area = MetroAreaFactory(slug="aso")
    plan = PlanFactory(area=area, slug="sogo", title="総合戦略, 第2期")
    top = GoalFactory(plan=plan, number="1", title="しごと")
    sub = GoalFactory(plan=plan, parent=top, number="(1)", title="観光")
    other = GoalFactory(plan=plan, number="2", title="ひと")
    tourists = IndicatorFactory(plan=plan, code="A-1", name="観光客数", unit="万人")
    PlacementFactory(indicator=tourists, goal=sub, is_restated=False)
    PlacementFactory(indicator=tourists, goal=other, is_restated=True)
    ObservationFactory(indicator=tourists, fiscal_year=2019, kind="baseline", value=Decimal("1200.5000"))
    ObservationFactory(
        indicator=tourists, fiscal_year=2023, kind="target", value=Decimal("1500"), comparator="gte", note="=再掲"
    )
    ObservationFactory(
        indicator=tourists,
        fiscal_year=2021,
        kind="actual",
        value=Decimal("999"),
        is_published=False,
        pending_correction=True,
        published_value=Decimal("-0.25"),
        published_measured_year=2020,
        published_is_provisional=True,
        published_note='速報値、"概算"\n改行',
    )
    ObservationFactory(indicator=tourists, fiscal_year=2022, kind="actual", value=Decimal("7"), is_published=False)
    moved = IndicatorFactory(plan=plan, code="B-1", name="転入者数", unit="")
    ObservationFactory(
        indicator=moved, fiscal_year=2020, kind="actual", value=None, missing_reason="-調査なし", printed="―"
    )


# Written by hand from the fixture: the BOM, CRLF line ends, the goal path from the top goal, the published copy of
# the correction, the values as plain numbers, the formula-like texts with an apostrophe, quotes around the
# texts with a comma, a quote or a line break, and the draft left out.
SMALL_TABLE_CSV = (
    "\ufeffarea,plan_id,plan,goal_path,indicator_id,indicator,unit,fiscal_year,kind,value,comparator,measured_year,"
    "provisional,missing_reason,printed,note\r\n"
    'aso,sogo,"総合戦略, 第2期",1 しごと > (1) 観光,A-1,観光客数,万人,2019,baseline,1200.5,,,false,,,\r\n'
    'aso,sogo,"総合戦略, 第2期",1 しごと > (1) 観光,A-1,観光客数,万人,2021,actual,-0.25,,2020,true,,,'
    '"速報値、""概算""\n改行"\r\n'
    'aso,sogo,"総合戦略, 第2期",1 しごと > (1) 観光,A-1,観光客数,万人,2023,target,1500,gte,,false,,,\'=再掲\r\n'
    'aso,sogo,"総合戦略, 第2期",,B-1,転入者数,,2020,actual,,,,false,\'-調査なし,―,\r\n'
)


def _small_table_json():
    def record(indicator, year, kind, value, **figures):
        head = {"area": "aso", "plan_id": "sogo", "plan": "総合戦略, 第2期"}
        if indicator == "A-1":
            head.update(goal_path="1 しごと > (1) 観光", indicator_id="A-1", indicator="観光客数", unit="万人")
        else:
            head.update(goal_path="", indicator_id="B-1", indicator="転入者数", unit="")
        empty = {"comparator": "", "measured_year": None, "provisional": False, "missing_reason": "", "printed": ""}
        return {**head, "fiscal_year": year, "kind": kind, "value": value, **empty, "note": "", **figures}

    return [
        record("A-1", 2019, "baseline", 1200.5),
        record("A-1", 2021, "actual", -0.25, measured_year=2020, provisional=True, note='速報値、"概算"\n改行'),
        record("A-1", 2023, "target", 1500, comparator="gte", note="=再掲"),
        record("B-1", 2020, "actual", None, missing_reason="-調査なし", printed="―"),
    ]


@pytest.mark.parametrize("chunk", [1, 2000])
def test_the_csv_download_of_a_small_table_is_byte_for_byte_as_written_by_hand(small_table, client, monkeypatch, chunk):
    monkeypatch.setattr(opendata, "CHUNK_ROWS", chunk)
    response = client.get("/ja/areas/aso/open-data/observations.csv")
    assert response.getvalue() == SMALL_TABLE_CSV.encode("utf-8")


def test_the_shift_jis_download_of_a_small_table_is_the_csv_in_cp932(small_table, client):
    response = client.get("/ja/areas/aso/open-data/observations-sjis.csv")
    assert response.getvalue() == SMALL_TABLE_CSV.removeprefix("\ufeff").encode("cp932")


@pytest.mark.parametrize("chunk", [1, 2000])
def test_the_json_download_of_a_small_table_is_json_dumps_of_the_records(small_table, client, monkeypatch, chunk):
    monkeypatch.setattr(opendata, "CHUNK_ROWS", chunk)
    expected = json.dumps(_small_table_json(), ensure_ascii=False, indent=1).encode("utf-8")
    assert client.get("/ja/areas/aso/open-data/observations.json").getvalue() == expected


@pytest.mark.django_db
def test_the_streamed_csv_and_json_are_the_row_by_row_renderings_of_the_reference_data(reference_data):
    """The writers read an indicator's columns once for all its values; the same bytes as row by row."""
    from kpi import selectors

    rows = list(selectors.open_data_rows())
    assert len(rows) > 100
    as_rows = b"".join(opendata.iter_csv(rows))
    assert b"".join(opendata.iter_csv_series(selectors.open_data_series())) == as_rows
    assert as_rows == opendata.to_csv(rows)
    assert b"".join(opendata.iter_json_series(selectors.open_data_series())) == opendata.to_json(rows)
    sjis = b"".join(opendata.iter_csv_series(selectors.open_data_series(), encoding="cp932"))
    assert sjis == opendata.to_csv(rows, encoding="cp932")
