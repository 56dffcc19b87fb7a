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
