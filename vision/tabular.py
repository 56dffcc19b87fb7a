"""Spreadsheets in and out, for every app: reading the files staff have (CSV in UTF-8, UTF-8 with BOM,
Shift_JIS or UTF-16; XLSX, size-capped and parsed through defusedxml), running a django-import-export resource
over them in one transaction with errors by file row and column, and keeping formula cells inert on export.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

import tablib
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpResponse
from django.utils.translation import gettext as _
from import_export import widgets

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(data, content_type, filename):
    """A download: the bytes as a response the browser saves under `filename`."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text):
    """Prefix a text cell that a spreadsheet would run as a formula with an apostrophe."""
    return "'" + text if isinstance(text, str) and text.startswith(FORMULA_PREFIXES) else text


MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_XLSX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_XLSX_MEMBERS = 200


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


def long_dataset(rows) -> tablib.Dataset:
    """The long layout as a Dataset; the file's row number of each data row is row index + 2."""
    headers = [str(h).strip() for h in rows[0]]
    dataset = tablib.Dataset(headers=headers)
    for row in rows[1:]:
        dataset.append(row)
    return dataset


@dataclass
class ImportOutcome:
    """What an import did or would do: counts by kind of change, the rows with their diffs, and every error."""

    layout: str
    totals: dict = field(default_factory=dict)
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # importing.CellError, by file row and column
    diff_headers: list = field(default_factory=list)
    written: bool = False
    versions: dict = field(default_factory=dict)  # what a dry run was checked against (row key → version)

    @property
    def ok(self):
        return not self.errors


def _column_of(resource, attribute):
    for field_name, resource_field in resource.fields.items():
        if attribute in (field_name, resource_field.attribute):
            return resource_field.column_name
    return attribute if attribute != NON_FIELD_ERRORS else ""


def run_import(resource, dataset, sources, cell_errors, layout, dry_run):
    """Run a django-import-export resource over a dataset in one transaction and report by file row and column."""
    outcome = ImportOutcome(layout=layout, errors=list(cell_errors))
    if not len(dataset):
        if not outcome.errors:
            outcome.errors.append(CellError(2, "", _("取り込む値がありません。")))
        return outcome
    result = resource.import_data(
        dataset,
        dry_run=dry_run or bool(cell_errors),
        use_transactions=True,
        rollback_on_validation_errors=True,
        raise_errors=False,
    )
    for invalid in result.invalid_rows:
        file_row, source_column = sources[invalid.number - 1]
        for attribute, messages in invalid.error_dict.items():
            column = source_column or _column_of(resource, attribute)
            for message in messages:
                outcome.errors.append(CellError(file_row, column, str(message)))
    for number, row_errors in result.row_errors():
        file_row, source_column = sources[number - 1]
        for error in row_errors:
            outcome.errors.append(
                CellError(file_row, source_column or "", _("保存できませんでした: %(error)s") % {"error": error.error})
            )
    for error in result.base_errors:
        outcome.errors.append(CellError(1, "", str(error.error)))
    outcome.errors.sort(key=lambda e: (e.row, e.column))
    outcome.totals = dict(result.totals)
    if not outcome.errors:
        outcome.rows = [(sources[i][0], row) for i, row in enumerate(result.rows) if row.import_type != "skip"]
    outcome.diff_headers = result.diff_headers
    outcome.written = not dry_run and outcome.ok
    return outcome


def import_table(resource_class, data, filename="", *, user=None, dry_run=True):
    """Check, and unless `dry_run` write, a file in a resource's own columns (indicators, role tables).

    The same reading as for series values: CSV in UTF-8, UTF-8 with BOM, Shift_JIS or UTF-16, or XLSX; any
    bad row means nothing is written.
    """
    dataset = long_dataset(read_table(data, filename))
    sources = [(index + 2, None) for index in range(len(dataset))]
    return run_import(resource_class(user=user), dataset, sources, [], "long", dry_run)


class SafeTextWidget(widgets.CharWidget):
    """Text that a spreadsheet would run as a formula is exported with a leading apostrophe, read back without."""

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value)
        if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
            text = text[1:]
        return text

    def render(self, value, obj=None, **kwargs):
        return neutralise("" if value is None else str(value))
