"""Reading the files staff already have: CSV in UTF-8 (with or without BOM) or Shift_JIS, and XLSX; in the long
open-data layout or the committee's wide layout (one row per indicator and kind, fiscal years as columns).

Plain functions from bytes to `tablib.Dataset`; nothing here touches the database. Every refusal is an
ImportFileError with a Japanese message for the person who uploaded the file.
"""

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import tablib
from django.utils.translation import gettext as _

from vision import wareki

from .numbers import NumberError, is_no_value, parse_number

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_XLSX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_XLSX_MEMBERS = 200

LONG_COLUMNS = (
    "indicator_id",
    "fiscal_year",
    "kind",
    "value",
    "comparator",
    "measured_year",
    "provisional",
    "missing_reason",
    "printed",
    "note",
)
KIND_WORDS = {
    "baseline": "baseline",
    "基準値": "baseline",
    "target": "target",
    "目標値": "target",
    "目標": "target",
    "actual": "actual",
    "実績値": "actual",
    "実績": "actual",
}


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says why, in Japanese."""


@dataclass(frozen=True)
class CellError:
    row: int  # 1-based row of the uploaded file, the header being row 1
    column: str
    message: str


_UNLIKELY_TEXT = re.compile("[\ue000-\uf8ff\x00-\x08\x0b\x0c\x0e-\x1f\x80-\x9f]")


def decode_text(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), UTF-16 with a BOM (Excel's "Unicode text"), or Shift_JIS as Japanese Excel
    saves CSV (cp932). Python's cp932 maps a few stray bytes to private-use characters rather than failing,
    so a decoding that yields those is not taken as Shift_JIS."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _UNLIKELY_TEXT.search(text):
            return text
    raise ImportFileError(
        _("文字コードを判別できません。UTF-8 または Shift_JIS（Excel の「CSV」）で保存してください。")
    )


def _check_size(data: bytes):
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            _("ファイルが大きすぎます（%(size)s MB）。%(limit)s MB 以下に分けてください。")
            % {"size": round(len(data) / 1024 / 1024, 1), "limit": MAX_FILE_BYTES // 1024 // 1024}
        )


def _check_rows(count: int):
    if count > MAX_ROWS:
        raise ImportFileError(
            _("行数が多すぎます（%(count)s 行）。%(limit)s 行以下に分けてください。")
            % {"count": count, "limit": MAX_ROWS}
        )


def _read_xlsx(data: bytes):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ImportFileError(_("XLSX ファイルとして読めません。Excel で保存し直してください。")) from error
    members = archive.infolist()
    if len(members) > MAX_XLSX_MEMBERS or sum(m.file_size for m in members) > MAX_XLSX_UNCOMPRESSED_BYTES:
        # a small file that expands enormously (a "zip bomb") is refused before anything is parsed
        raise ImportFileError(_("XLSX ファイルの展開後の大きさが上限を超えています。"))
    from openpyxl import load_workbook  # parses through defusedxml when it is installed

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(_("XLSX ファイルとして読めません。Excel で保存し直してください。")) from error
    sheet = workbook.worksheets[0]
    rows = []
    for row in sheet.iter_rows(values_only=True):
        rows.append(["" if cell is None else cell for cell in row])
        _check_rows(len(rows) - 1)
    workbook.close()
    return rows


def _read_csv(data: bytes):
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    _check_rows(len(rows) - 1)
    return rows


def read_table(data: bytes, filename: str = "") -> list[list]:
    """The file's cells as rows (the first is the header), whatever the format and encoding."""
    _check_size(data)
    if not data.strip():
        raise ImportFileError(_("ファイルが空です。"))
    is_xlsx = data[:2] == b"PK" or filename.lower().endswith(".xlsx")
    rows = _read_xlsx(data) if is_xlsx else _read_csv(data)
    rows = [row for row in rows if any(str(cell).strip() for cell in row)]
    if len(rows) < 2:
        raise ImportFileError(_("見出し行と、1行以上のデータが必要です。"))
    width = max(len(row) for row in rows)
    return [
        [str(cell).strip() if not isinstance(cell, (int, float)) else cell for cell in row] + [""] * (width - len(row))
        for row in rows
    ]


def header_year(header) -> int | None:
    """A wide-layout column header as a fiscal year: H27, Ｈ28, R1, 令和元年度, H30(2018), 2019, 2019年度."""
    text = unicodedata.normalize("NFKC", str(header)).strip()
    if re.fullmatch(r"(19|20)\d\d(年度)?", text):
        return int(text[:4])
    try:
        return wareki.parse_year(text)
    except ValueError:
        return None


def detect_layout(headers) -> str:
    """'long' when the header names a fiscal_year column, 'wide' when its columns are years."""
    names = [str(h).strip() for h in headers]
    if "fiscal_year" in names:
        return "long"
    if "indicator_id" in names and "kind" in names and any(header_year(h) for h in names):
        return "wide"
    raise ImportFileError(
        _(
            "見出し行を読めません。縦長の形式（indicator_id, fiscal_year, kind, value …）か、"
            "横長の形式（indicator_id, kind, H27, H28 …）で作成してください。"
        )
    )


_MEASURED = re.compile(r"[（(]\s*([HRSＨＲＳ]\s*[0-9０-９元]+|平成[0-9０-９元]+年?|令和[0-9０-９元]+年?)\s*[)）]")


def parse_wide_cell(text, decimals=None):
    """One committee-table cell: '2,325（H24）', '7,000以上', '6,766※概算値', '△37', '―'.

    Returns None for an empty cell or a dash (nothing to record), else a dict of long-layout values.
    """
    if is_no_value(text):
        return None
    printed = str(text).strip()
    remainder = unicodedata.normalize("NFKC", printed)
    provisional = "概算" in remainder
    remainder = re.sub(r"※.*$", "", remainder).strip()
    measured_year = ""
    match = _MEASURED.search(remainder)
    if match:
        measured_year = wareki.parse_year(match.group(1))
        remainder = (remainder[: match.start()] + remainder[match.end() :]).strip()
    comparator = ""
    if remainder.endswith("以上"):
        comparator, remainder = "gte", remainder[:-2]
    elif remainder.endswith("以下"):
        comparator, remainder = "lte", remainder[:-2]
    value = parse_number(remainder, decimals)
    return {
        "value": format(value.normalize(), "f"),
        "comparator": comparator,
        "measured_year": measured_year,
        "provisional": "true" if provisional else "false",
        "missing_reason": "",
        "printed": printed,
        "note": "",
    }


def long_dataset(rows) -> tablib.Dataset:
    """The long layout as a Dataset; the file's row number of each data row is row index + 2."""
    headers = [str(h).strip() for h in rows[0]]
    dataset = tablib.Dataset(headers=headers)
    for row in rows[1:]:
        dataset.append(row)
    return dataset


def wide_to_long(rows):
    """Convert the committee's wide layout to the long one.

    Returns (dataset, sources, errors): `sources[i]` is the (file row, column header) of long row i, so a
    problem found later is reported where the person typed it; `errors` are cells that could not be read.
    """
    headers = [str(h).strip() for h in rows[0]]
    year_columns = [(index, header, header_year(header)) for index, header in enumerate(headers)]
    year_columns = [(index, header, year) for index, header, year in year_columns if year]
    id_index, kind_index = headers.index("indicator_id"), headers.index("kind")
    # Only the columns the wide layout carries: a note or a missing reason stored earlier is left alone.
    carried = ("value", "comparator", "measured_year", "provisional", "printed")
    dataset = tablib.Dataset(headers=["indicator_id", "fiscal_year", "kind", *carried])
    sources, errors = [], []
    for offset, row in enumerate(rows[1:]):
        file_row = offset + 2
        kind = KIND_WORDS.get(str(row[kind_index]).strip())
        if kind is None:
            errors.append(
                CellError(file_row, "kind", _("種別は「基準値」「目標値」「実績値」のいずれかにしてください。"))
            )
            continue
        for index, header, year in year_columns:
            try:
                cell = parse_wide_cell(row[index])
            except (NumberError, ValueError) as error:
                errors.append(CellError(file_row, header, str(error)))
                continue
            if cell is None:
                continue
            dataset.append([str(row[id_index]).strip(), year, kind, *(cell[name] for name in carried)])
            sources.append((file_row, header))
    return dataset, sources, errors
