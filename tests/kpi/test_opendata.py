"""The Shift_JIS open data: every character either as written, as its cp932 look-alike, or as 〓."""

import pytest

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
    assert "〓 〓 ― 漁獲" in response.content.decode("cp932")


@pytest.mark.django_db
def test_the_column_dictionary_says_what_happens_to_characters_outside_shift_jis(client):
    page = client.get("/ja/areas/kumamoto/open-data/").content.decode()
    assert "〓" in page and "Shift_JIS" in page
    english = client.get("/en/areas/kumamoto/open-data/").content.decode()
    assert "geta" in english
