"""The open-data table of series values: its columns, and its CSV and JSON renderings."""

import csv
import io
import json
import unicodedata
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from vision.tabular import FORMULA_PREFIXES, neutralise  # kpi code imports neutralise from here

# (column, meaning) — the column dictionary published beside the data (in Japanese in the files; the page
# translates the meanings).
COLUMNS = [
    ("area", gettext_noop("圏域の識別名（例: kumamoto）。計画の識別名・指標コードは圏域ごとに一意です")),
    ("plan_id", gettext_noop("計画の識別名")),
    ("plan", gettext_noop("計画の名称")),
    ("goal_path", gettext_noop("指標が属する目標（上位から「 > 」で連結。再掲の場合は元の掲載先）")),
    ("indicator_id", gettext_noop("指標コード（取込み・書出しで使う識別子）")),
    ("indicator", gettext_noop("指標名")),
    ("unit", gettext_noop("単位（資料の表記どおり。例: 十億円）")),
    ("fiscal_year", gettext_noop("値が掲載されている年度（西暦。4月〜翌3月）")),
    ("kind", gettext_noop("種別: baseline（基準値）/ target（目標値）/ actual（実績値）")),
    ("value", gettext_noop("値（数値。値がない場合は空欄）")),
    ("comparator", gettext_noop("目標値の比較: gte（以上）/ lte（以下）/ 空欄")),
    (
        "measured_year",
        gettext_noop("値が示す年（西暦）。掲載年度と異なる場合のみ（例: H27の列の 2,325（H24） → 2012）"),
    ),
    ("provisional", gettext_noop("概算値なら true、確定値なら false")),
    ("missing_reason", gettext_noop("値がない理由（例: 地震によりアンケート未実施）")),
    ("printed", gettext_noop("出典資料でのセルの表記")),
    ("note", gettext_noop("注記")),
]
FIELDNAMES = [name for name, _meaning in COLUMNS]
LICENCE = gettext_noop(
    "このデータは出典資料（各圏域・各市町村の公表資料）に基づきます。出典を明記の上、自由に利用できます。"
)


GETA = "〓"  # the geta mark: Japanese typesetting's stand-in for a character the type case lacks

# Characters outside cp932 whose look-alike is in it. The first ones are the classic differences between the
# Unicode mappings of Shift_JIS and of cp932 (what Windows and Excel read); Python's cp932 already maps
# 〜 ‖ − ¢ £ ¬ itself, they are listed so the rule is whole here.
CP932_LOOK_ALIKES = str.maketrans(
    {
        "\u2014": "\u2015",  # — EM DASH → ― HORIZONTAL BAR
        "\u301c": "\uff5e",  # 〜 WAVE DASH → ～ FULLWIDTH TILDE
        "\u2016": "\u2225",  # ‖ DOUBLE VERTICAL LINE → ∥ PARALLEL TO
        "\u2212": "\uff0d",  # − MINUS SIGN → － FULLWIDTH HYPHEN-MINUS
        "\u00a2": "\uffe0",  # ¢ → ￠
        "\u00a3": "\uffe1",  # £ → ￡
        "\u00ac": "\uffe2",  # ¬ → ￢
        "\u00a6": "\uffe4",  # ¦ → ￤
        "\u00a5": "\uffe5",  # ¥ → ￥
        "\u203e": "\uffe3",  # ‾ OVERLINE → ￣
        "\u2013": "\u2010",  # – EN DASH → ‐ HYPHEN
        "\u2012": "\u2010",  # ‒ FIGURE DASH → ‐ HYPHEN
        "\u2011": "\u2010",  # non-breaking hyphen → ‐ HYPHEN
        "\u00b7": "\u30fb",  # · MIDDLE DOT → ・ KATAKANA MIDDLE DOT
        "\u00a0": " ",  # no-break space → space
    }
)


def _is_variation_selector(character):
    return "\ufe00" <= character <= "\ufe0f" or "\U000e0100" <= character <= "\U000e01ef"


def cp932_text(text: str) -> str:
    """Text that encodes to cp932: composed (NFC), look-alikes mapped (CP932_LOOK_ALIKES, then a character's
    NFKC compatibility form such as ™ → TM), variation selectors dropped (they only choose a glyph), and any
    other character outside cp932 (𩸽, 🐟, é) replaced by the geta mark 〓."""
    text = unicodedata.normalize("NFC", text).translate(CP932_LOOK_ALIKES)
    try:
        text.encode("cp932")
        return text
    except UnicodeEncodeError:
        pass
    characters = []
    for character in text:
        if _is_variation_selector(character):
            continue
        for candidate in (character, unicodedata.normalize("NFKC", character)):
            try:
                candidate.encode("cp932")
            except UnicodeEncodeError:
                continue
            characters.append(candidate)
            break
        else:
            characters.append(GETA)
    return "".join(characters)


SHIFT_JIS_NOTE = _(
    "Shift_JIS 版の CSV では、Shift_JIS（Windows の cp932）にない文字を置き換えています。"
    "形の似た文字がある場合はその文字に（例: — は ―、− は －）、ない場合は 〓（げた記号）にします。"
    "元の文字は UTF-8 版の CSV・XLSX・JSON で確かめられます。"
)


def plain_number(value):
    """A Decimal as a plain number string: 2496, 0.56, -1394 — no exponent, no trailing zeros."""
    if value is None:
        return ""
    normalised = value.normalize() if isinstance(value, Decimal) else Decimal(value).normalize()
    return format(normalised, "f")


_VALUE_INDEX = FIELDNAMES.index("value")
_FORMULA_FIRST = frozenset(prefix[0] for prefix in FORMULA_PREFIXES)  # every prefix is one character


def _csv_cells(row):
    """A row's CSV cells: the value as a plain number, booleans as true/false, nothing as "", and text that a
    spreadsheet would run as a formula neutralised (vision.tabular.neutralise; inlined: this runs per cell of a
    million rows)."""
    cells = [row[name] for name in FIELDNAMES]
    for index, cell in enumerate(cells):
        if cell.__class__ is str:
            if cell and cell[0] in _FORMULA_FIRST:
                cells[index] = "'" + cell
        elif cell is None:
            cells[index] = ""
        elif cell is True or cell is False:
            cells[index] = "true" if cell else "false"
    cells[_VALUE_INDEX] = plain_number(row["value"])
    return cells


CHUNK_ROWS = 2000  # rows per piece of a streamed download
EXCEL_MAX_ROWS = 1_048_576  # rows of an Excel sheet, the header included


def iter_csv(rows, *, encoding="utf-8-sig"):
    """CSV bytes in pieces of CHUNK_ROWS rows: UTF-8 with a BOM (Excel opens it) by default, or cp932 for older
    Excel, where a character cp932 lacks becomes its look-alike or 〓 (cp932_text) instead of failing the whole
    download. Memory stays that of one piece, however many rows."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    # The BOM once, at the very start (encoding each piece with utf-8-sig would put one before every piece).
    prefix = "\ufeff" if encoding == "utf-8-sig" else ""
    codec = "utf-8" if encoding == "utf-8-sig" else encoding

    def piece():
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if encoding == "cp932":
            text = cp932_text(text)
        return text.encode(codec, errors="strict")

    buffer.write(prefix)
    writer.writerow(FIELDNAMES)
    pending = 0
    for row in rows:
        writer.writerow(_csv_cells(row))
        pending += 1
        if pending == CHUNK_ROWS:
            yield piece()
            pending = 0
    yield piece()


def to_csv(rows, *, encoding="utf-8-sig"):
    """The whole CSV as bytes (iter_csv joined)."""
    return b"".join(iter_csv(rows, encoding=encoding))


def _xlsx_cells(row):
    cells = []
    for name in FIELDNAMES:
        value = row[name]
        if name == "value":
            cells.append(None if value is None else float(value) if Decimal(value) % 1 else int(value))
        elif isinstance(value, bool):
            cells.append("true" if value else "false")
        else:
            cells.append(neutralise(value) if isinstance(value, str) else value)
    return cells


def write_xlsx(rows, file):
    """An XLSX workbook written to `file`: a data sheet with numbers as numbers ("observations", continued on
    "observations (2)"… past Excel's row limit), and a sheet with the column dictionary. Written in openpyxl's
    write-only mode, so rows go to a temporary file as they come instead of piling up in memory."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheets, sheet, filled = 0, None, EXCEL_MAX_ROWS
    for row in rows:
        if filled == EXCEL_MAX_ROWS:
            sheets += 1
            sheet = workbook.create_sheet("observations" if sheets == 1 else f"observations ({sheets})")
            sheet.freeze_panes = "A2"
            sheet.append(FIELDNAMES)
            filled = 1
        sheet.append(_xlsx_cells(row))
        filled += 1
    if sheet is None:
        sheet = workbook.create_sheet("observations")
        sheet.freeze_panes = "A2"
        sheet.append(FIELDNAMES)
    dictionary = workbook.create_sheet("columns")
    dictionary.append(["column", "meaning"])
    for name, meaning in COLUMNS:
        dictionary.append([name, meaning])
    dictionary.append([])
    dictionary.append(["licence", LICENCE])
    workbook.save(file)


def to_xlsx(rows):
    """The XLSX workbook as bytes (write_xlsx into memory)."""
    buffer = io.BytesIO()
    write_xlsx(rows, buffer)
    return buffer.getvalue()


def _json_record(row):
    record = dict(row)
    value = record["value"]
    record["value"] = None if value is None else json.loads(plain_number(value))
    # One level in, as json.dumps(list, indent=1) would print it (strings hold no raw newline: JSON escapes it).
    return json.dumps(record, ensure_ascii=False, indent=1).replace("\n", "\n ")


def iter_json(rows):
    """JSON bytes in pieces: a list of objects with numbers as JSON numbers and missing values as null, the same
    bytes as json.dumps(records, ensure_ascii=False, indent=1)."""
    pieces, first = [], True
    for row in rows:
        pieces.append(("[\n " if first else ",\n ") + _json_record(row))
        first = False
        if len(pieces) == CHUNK_ROWS:
            yield "".join(pieces).encode("utf-8")
            pieces = []
    pieces.append("[]" if first else "\n]")
    yield "".join(pieces).encode("utf-8")


def to_json(rows):
    """The whole JSON as bytes (iter_json joined)."""
    return b"".join(iter_json(rows))
