"""The open-data table of series values: its columns, and its CSV and JSON renderings."""

import csv
import io
import json
import re
import unicodedata
from decimal import Decimal
from types import SimpleNamespace

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


# The same replacement as str.translate(CP932_LOOK_ALIKES), which looks every character up (0.15 s a megabyte); a
# download of a million rows is mostly characters that need no look-up.
_LOOK_ALIKE = re.compile("[" + "".join(re.escape(chr(code)) for code in CP932_LOOK_ALIKES) + "]")


def _look_alike(match):
    return CP932_LOOK_ALIKES[ord(match.group())]


def _is_variation_selector(character):
    return "\ufe00" <= character <= "\ufe0f" or "\U000e0100" <= character <= "\U000e01ef"


def cp932_text(text: str) -> str:
    """Text that encodes to cp932: composed (NFC), look-alikes mapped (CP932_LOOK_ALIKES, then a character's
    NFKC compatibility form such as ™ → TM), variation selectors dropped (they only choose a glyph), and any
    other character outside cp932 (𩸽, 🐟, é) replaced by the geta mark 〓."""
    text = _LOOK_ALIKE.sub(_look_alike, unicodedata.normalize("NFC", text))
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


_FORMULA_FIRST = frozenset(prefix[0] for prefix in FORMULA_PREFIXES)  # every prefix is one character
# The columns of the indicator (written once for all its values) and of each value (kpi.selectors.open_data_series).
HEAD_FIELDNAMES = FIELDNAMES[:7]
TAIL_FIELDNAMES = FIELDNAMES[7:]


def _csv_cell(cell):
    """A CSV cell: booleans as true/false, nothing as "" (csv.writer writes None so too), and text that a
    spreadsheet would run as a formula neutralised (vision.tabular.neutralise)."""
    if cell.__class__ is str:
        return "'" + cell if cell and cell[0] in _FORMULA_FIRST else cell
    if cell is None:
        return ""
    if cell is True or cell is False:
        return "true" if cell else "false"
    return cell


CHUNK_ROWS = 2000  # rows per piece of a streamed download (at least: a piece ends after an indicator's rows)
EXCEL_MAX_ROWS = 1_048_576  # rows of an Excel sheet, the header included


def series_of_rows(rows):
    """Rows (dicts of FIELDNAMES) as the (head, values) pairs of kpi.selectors.open_data_series, one per row."""
    for row in rows:
        yield tuple(row[name] for name in HEAD_FIELDNAMES), [tuple(row[name] for name in TAIL_FIELDNAMES)]


def iter_csv(rows, *, encoding="utf-8-sig"):
    """CSV bytes of rows (dicts of FIELDNAMES) in pieces (iter_csv_series)."""
    return iter_csv_series(series_of_rows(rows), encoding=encoding)


def iter_csv_series(series, *, encoding="utf-8-sig"):
    """CSV bytes of the (head, values) pairs of kpi.selectors.open_data_series in pieces of about CHUNK_ROWS rows:
    UTF-8 with a BOM (Excel opens it) by default, or cp932 for older Excel, where a character cp932 lacks becomes its
    look-alike or 〓 (cp932_text) instead of failing the whole download. Memory stays that of one piece, however
    many rows.

    The value as a plain number (plain_number), booleans as true/false, nothing as "", and text that a spreadsheet
    would run as a formula neutralised (vision.tabular.neutralise). A million rows pass through here, so the
    indicator's columns are written once per indicator and put before each of its value lines (csv quotes each
    field on its own, so the line is the same as if written whole), and the value columns are converted inline:
    text columns hold text, the years whole numbers or None, `provisional` a boolean (as the database gives them).
    """
    # The BOM once, at the very start (encoding each piece with utf-8-sig would put one before every piece).
    if encoding == "utf-8-sig":
        texts = csv_texts(series)
        yield ("\ufeff" + next(texts)).encode("utf-8")
        for text in texts:
            yield text.encode("utf-8")
    elif encoding == "cp932":
        for text in csv_texts(series):
            yield cp932_text(text).encode("cp932", errors="strict")
    else:
        for text in csv_texts(series):
            yield text.encode(encoding, errors="strict")


def csv_texts(series):
    """The CSV text of iter_csv_series, without a BOM, in pieces that end at a line end (at least one piece)."""
    lines = []
    writer = csv.writer(SimpleNamespace(write=lines.append), lineterminator="\r\n")
    writer.writerow(FIELDNAMES)
    out = [lines.pop()]
    pending = 0
    first = _FORMULA_FIRST
    for head, values in series:
        writer.writerow([_csv_cell(cell) for cell in head])
        head_text = lines.pop()[:-2] + ","  # the line without its terminator, and the separator
        writer.writerows(
            [
                (
                    year if year.__class__ is int else _csv_cell(year),
                    "'" + kind if kind and kind[0] in first else kind,
                    ""
                    if value is None
                    else value
                    if value.__class__ is str  # plain already (kpi.selectors.open_data_series)
                    else format(value.normalize(), "f")
                    if value.__class__ is Decimal
                    else plain_number(value),
                    "'" + comparator if comparator and comparator[0] in first else comparator,
                    measured if measured is None or measured.__class__ is int else _csv_cell(measured),
                    "true" if provisional is True else "false" if provisional is False else _csv_cell(provisional),
                    "'" + reason if reason and reason[0] in first else reason,
                    "'" + printed if printed and printed[0] in first else printed,
                    "'" + note if note and note[0] in first else note,
                )
                for year, kind, value, comparator, measured, provisional, reason, printed, note in values
            ]
        )
        out.extend(map(head_text.__add__, lines))
        lines.clear()
        pending += len(values)
        if pending >= CHUNK_ROWS:
            yield "".join(out)
            out, pending = [], 0
    yield "".join(out)


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


def _json_scalar(value):
    return json.dumps(value, ensure_ascii=False)


def _json_number(value):
    """A Decimal as json.dumps writes json.loads(plain_number(value)): a whole number as an int, else a float."""
    if value is None:
        return "null"
    if value.__class__ is str:  # plain already (kpi.selectors.open_data_series)
        plain = value
    else:
        plain = format(value.normalize(), "f") if value.__class__ is Decimal else plain_number(value)
    return float.__repr__(float(plain)) if "." in plain else int.__repr__(int(plain))


def iter_json(rows):
    """JSON bytes of rows (dicts of FIELDNAMES) in pieces (iter_json_series)."""
    return iter_json_series(series_of_rows(rows))


def iter_json_series(series):
    """JSON bytes of the (head, values) pairs of kpi.selectors.open_data_series in pieces: a list of objects with
    numbers as JSON numbers and missing values as null, the same bytes as json.dumps(records, ensure_ascii=False,
    indent=1). As in iter_csv_series, the indicator's members are written once per indicator."""
    # Each object one level in, as json.dumps(list, indent=1) prints it (strings hold no raw newline: JSON escapes
    # them).
    string = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) writes a string with
    tail = (
        ',\n  "kind": %s,\n  "value": %s,\n  "comparator": %s,\n  "measured_year": %s,\n  "provisional": %s,'
        '\n  "missing_reason": %s,\n  "printed": %s,\n  "note": %s\n }'
    )
    pieces, separator, pending = [], "[\n ", 0
    for head, values in series:
        head_text = (
            "{\n"
            + "".join(f'  "{name}": {_json_scalar(cell)},\n' for name, cell in zip(HEAD_FIELDNAMES, head, strict=True))
            + '  "fiscal_year": '
        )
        for year, kind, value, comparator, measured, provisional, reason, printed, note in values:
            pieces.append(separator)
            pieces.append(head_text)
            pieces.append(str(year) if year.__class__ is int else _json_scalar(year))
            pieces.append(
                tail
                % (
                    string(kind),
                    _json_number(value),
                    string(comparator),
                    "null"
                    if measured is None
                    else str(measured)
                    if measured.__class__ is int
                    else _json_scalar(measured),
                    "true" if provisional is True else "false" if provisional is False else _json_scalar(provisional),
                    string(reason),
                    string(printed),
                    string(note),
                )
            )
            separator = ",\n "
        pending += len(values)
        if pending >= CHUNK_ROWS:
            yield "".join(pieces).encode("utf-8")
            pieces, pending = [], 0
    pieces.append("[]" if separator == "[\n " else "\n]")
    yield "".join(pieces).encode("utf-8")


def to_json(rows):
    """The whole JSON as bytes (iter_json joined)."""
    return b"".join(iter_json(rows))
