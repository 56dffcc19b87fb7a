"""Spreadsheets in and out, for every app: reading the files staff have (CSV in UTF-8, UTF-8 with BOM,
Shift_JIS or UTF-16; XLSX, size-capped and parsed through defusedxml), running a django-import-export resource
over them in one transaction with errors by file row and column, and keeping formula cells inert on export.
"""

import contextlib
import csv
import io
import math
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

import tablib
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import IntegrityError
from django.db.models import Model
from django.http import HttpResponse
from django.utils.translation import gettext as _
from import_export import widgets
from import_export.resources import Diff
from import_export.results import RowResult

from . import dataversion, jobs

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
# A background job (vision.jobs) writes in batches without a diff per row, so it may take more rows; the byte cap
# (MAX_FILE_BYTES, the same for every upload) is what bounds its memory.
JOB_MAX_ROWS = 100_000


def row_cap() -> int:
    """The most rows a file may have here: more inside a background job."""
    return JOB_MAX_ROWS if jobs.in_job() else MAX_ROWS


# The widest file staff have is the committee's wide layout: indicator_id, kind and one column per fiscal year.
MAX_COLUMNS = 100
MAX_CELL_CHARS = 10_000
# The notes of an XLSX are all held at once (shared strings, the rows, the diff): the expanded size is what
# bounds memory, so it is capped at what 20,000 rows of ordinary cells need (see bench/import_memory.py).
MAX_XLSX_UNCOMPRESSED_BYTES = 25 * 1024 * 1024
MAX_XLSX_MEMBERS = 200
READ_CHUNK_BYTES = 64 * 1024


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


def _too_large(size: int):
    # rounded up, so a file just over the cap never reads as the cap itself
    megabytes = math.ceil(size / 1024 / 1024 * 10) / 10
    return ImportFileError(
        _("ファイルが大きすぎます（%(size)s MB）。%(limit)s MB 以下に分けてください。")
        % {"size": f"{megabytes:.1f}", "limit": f"{MAX_FILE_BYTES / 1024 / 1024:g}"}
    )


def read_upload(upload) -> bytes:
    """The bytes of an uploaded file (or any binary file object), read in chunks and no further than the cap.

    A file over the cap is refused with its true size: Django's UploadedFile knows it (`size`), an open file
    knows it from the file system; the rest of the file is never read into memory.
    """
    size = getattr(upload, "size", None)
    if size is None:
        try:
            size = os.fstat(upload.fileno()).st_size
        except (AttributeError, OSError, io.UnsupportedOperation):
            size = None
    if size is not None and size > MAX_FILE_BYTES:
        raise _too_large(size)
    buffer = bytearray()
    while len(buffer) <= MAX_FILE_BYTES:
        chunk = upload.read(READ_CHUNK_BYTES)
        if not chunk:
            return bytes(buffer)
        buffer += chunk
    raise _too_large(size if size is not None and size > len(buffer) else len(buffer))


def _check_size(data: bytes):
    if len(data) > MAX_FILE_BYTES:
        raise _too_large(len(data))


def _check_rows(count: int, cap: int):
    if count > cap:
        raise ImportFileError(
            _("行数が多すぎます（%(count)s 行）。%(limit)s 行以下に分けてください。") % {"count": count, "limit": cap}
        )


def _too_wide(row: int, count: int):
    return ImportFileError(
        _("%(row)s 行目の列が多すぎます（%(count)s 列）。%(limit)s 列以下にしてください。")
        % {"row": row, "count": count, "limit": MAX_COLUMNS}
    )


def _too_long(row: int):
    return ImportFileError(
        _("%(row)s 行目のセルが長すぎます。1つのセルは %(limit)s 文字以下にしてください。")
        % {"row": row, "limit": MAX_CELL_CHARS}
    )


def _checked_row(cells, row: int, *, trailing_empty_count=True):
    """One row as read: wider than MAX_COLUMNS or holding a cell longer than MAX_CELL_CHARS is refused.

    In XLSX an empty cell that merely carries formatting is not a column (`trailing_empty_count=False`); in CSV
    every delimiter is."""
    if len(cells) > MAX_COLUMNS and trailing_empty_count:
        raise _too_wide(row, len(cells))
    cells = list(cells)
    while cells and (cells[-1] is None or cells[-1] == ""):
        cells.pop()
    if len(cells) > MAX_COLUMNS:
        raise _too_wide(row, len(cells))
    for cell in cells:
        if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
            raise _too_long(row)
    return cells


def _xlsx_bad_number(archive, sheet_path, rows):
    """The first numeric cell of the sheet whose text is not a finite number (NaN, INF), as an ImportFileError."""
    from defusedxml.ElementTree import iterparse

    namespace = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with archive.open(sheet_path) as source:
        for _event, element in iterparse(source):
            if element.tag != f"{namespace}c" or element.get("t", "n") != "n":
                if element.tag == f"{namespace}row":
                    element.clear()
                continue
            text = element.findtext(f"{namespace}v") or ""
            try:
                finite = not text or math.isfinite(float(text))
            except ValueError:
                finite = False
            if not finite:
                reference = element.get("r", "")
                match = re.fullmatch(r"([A-Z]+)(\d+)", reference)
                letters, row = (match.group(1), int(match.group(2))) if match else ("", 0)
                index = 0
                for letter in letters:
                    index = index * 26 + ord(letter) - ord("A") + 1
                header = rows[0][index - 1] if rows and 0 < index <= len(rows[0]) else ""
                return ImportFileError(
                    _("%(row)s 行目・%(column)s 列（セル %(cell)s）の「%(text)s」は数値ではありません。")
                    % {"row": row, "column": header or letters, "cell": reference, "text": text}
                )
    return ImportFileError(_("XLSX ファイルとして読めません。Excel で保存し直してください。"))


def _read_xlsx(data: bytes, max_rows: int):
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
    # Without the declared dimensions each row is as wide as its last cell, not padded to the sheet's
    # claimed width (which a file may set to 16,384 columns).
    sheet.reset_dimensions()
    rows = []
    try:
        for cells in sheet.iter_rows(values_only=True):
            cells = _checked_row(cells, len(rows) + 1, trailing_empty_count=False)
            rows.append(["" if cell is None else cell for cell in cells])
            _check_rows(len(rows) - 1, max_rows)
    except ValueError as error:  # openpyxl reads a numeric cell holding NaN or INF with int()
        if isinstance(error, ImportFileError):
            raise
        raise _xlsx_bad_number(archive, sheet._worksheet_path, rows) from error
    finally:
        workbook.close()
    return rows


def _read_csv(data: bytes, max_rows: int):
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    # The cell limit is enforced by the csv module while it reads (the limit is process-wide, and this
    # is the only CSV reader of uploads).
    csv.field_size_limit(MAX_CELL_CHARS)
    began = {"line": ""}

    def lines():
        for line in io.StringIO(text, newline=""):
            if began["line"] is None:
                began["line"] = line
            yield line

    # strict: an unclosed quote is an error at the end of the file instead of one cell holding the rest
    reader = csv.reader(lines(), delimiter=delimiter, strict=True)
    rows = []
    while True:
        row = len(rows) + 1
        began["line"] = None
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            quoted = '"' in (began["line"] or "")
            if "field larger than field limit" in str(error):
                if quoted:
                    raise ImportFileError(
                        _(
                            '%(row)s 行目で始まる二重引用符（"）が閉じられていないか、セルが %(limit)s 文字を'
                            '超えています。セルの中の " は "" と2つ重ねてください。'
                        )
                        % {"row": row, "limit": MAX_CELL_CHARS}
                    ) from error
                raise _too_long(row) from error
            if "unexpected end of data" in str(error):
                raise ImportFileError(
                    _(
                        '%(row)s 行目で始まる二重引用符（"）が閉じられていません。'
                        'セルの中の " は "" と2つ重ねてください。'
                    )
                    % {"row": row}
                ) from error
            raise ImportFileError(
                _('%(row)s 行目を CSV として読めません。二重引用符（"）の使い方を確かめてください。') % {"row": row}
            ) from error
        rows.append(_checked_row(cells, row))
        _check_rows(len(rows) - 1, max_rows)
    return rows


class Table(list):
    """The rows read from a file (header first), with `file_rows`: the row number each has in the file, which
    differs from its position once blank rows are left out."""

    file_rows: list


def file_rows(rows) -> list:
    """The file's row number of each of `rows` (a Table), or their positions counted from 1."""
    return getattr(rows, "file_rows", None) or list(range(1, len(rows) + 1))


def read_table(data: bytes, filename: str = "", *, max_rows: int | None = None) -> Table:
    """The file's cells as rows (the first is the header), whatever the format and encoding.

    Limits hold while reading, so memory stays proportional to the file: at most `max_rows` rows (row_cap()
    unless given), MAX_COLUMNS columns and MAX_CELL_CHARS characters a cell. Rows are padded to the header's
    width only; blank rows are left out, and `file_rows` keeps the row numbers of the rest for messages.
    """
    _check_size(data)
    if not data.strip():
        raise ImportFileError(_("ファイルが空です。"))
    max_rows = row_cap() if max_rows is None else max_rows
    is_xlsx = data[:2] == b"PK" or filename.lower().endswith(".xlsx")
    read = _read_xlsx(data, max_rows) if is_xlsx else _read_csv(data, max_rows)
    numbers = [number for number, row in enumerate(read, 1) if any(str(cell).strip() for cell in row)]
    rows = [read[number - 1] for number in numbers]
    del read
    if len(rows) < 2:
        raise ImportFileError(_("見出し行と、1行以上のデータが必要です。"))
    width = len(rows[0])
    for number, row in zip(numbers[1:], rows[1:], strict=True):
        if len(row) > width:
            raise ImportFileError(
                _("%(row)s 行目の %(column)s 列目に値がありますが、見出し行にその列の名前がありません。")
                % {"row": number, "column": width + 1}
            )
    table = Table(
        [str(cell).strip() if not isinstance(cell, (int, float)) else cell for cell in row] + [""] * (width - len(row))
        for row in rows
    )
    table.file_rows = numbers
    return table


def count_rows(data: bytes, filename: str = "") -> int:
    """How many data rows a file has (blank rows left out), refusing what read_table refuses with the cap of a
    background job (JOB_MAX_ROWS), so the caller can choose where to check it. A CSV's rows cannot be counted
    without reading its quotes, nor an XLSX's without its sheet; reading costs little beside checking."""
    return len(read_table(data, filename, max_rows=JOB_MAX_ROWS)) - 1


def long_dataset(rows) -> tablib.Dataset:
    """The long layout as a Dataset; `file_rows(rows)[1:]` are the file row numbers of its rows."""
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
    key_headers: list = field(default_factory=list)  # the columns that find a row (indicator_id, fiscal_year, kind)
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


def _report_rows(resource, total):
    """Each row the resource has read counts towards the progress of the background job running it, if any."""
    after_import_row = resource.after_import_row

    def reporting(row, row_result, **kwargs):
        after_import_row(row, row_result, **kwargs)
        number = kwargs.get("row_number") or 0
        if jobs.every(number, total):
            jobs.report(number, total, phase=jobs.CHECKING)

    resource.after_import_row = reporting


def run_import(resource, dataset, sources, cell_errors, layout, dry_run):
    """Run a django-import-export resource over a dataset in one transaction and report by file row and column."""
    outcome = ImportOutcome(layout=layout, errors=list(cell_errors))
    missing = [
        resource.fields[name].column_name
        for name in resource.get_import_id_fields()
        if resource.fields[name].column_name not in (dataset.headers or [])
    ]
    if missing:  # django-import-export would say so in English, once per row
        raise ImportFileError(
            _("見出し行に %(columns)s の列がありません。行を特定するのに必要な列です。")
            % {"columns": "、".join(missing)}
        )
    if not len(dataset):
        if not outcome.errors:
            outcome.errors.append(CellError(2, "", _("取り込む値がありません。")))
        return outcome
    _report_rows(resource, len(dataset))
    writes = not (dry_run or cell_errors)
    # A written import moves the public data version on once, not once per row; a dry run rolls back and moves nothing.
    with dataversion.batch() if writes else contextlib.nullcontext():
        result = resource.import_data(
            dataset,
            dry_run=not writes,
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
    collisions = [
        number
        for number, row_errors in result.row_errors()
        if any(isinstance(e.error, IntegrityError) for e in row_errors)
    ]
    if any(isinstance(e.error, IntegrityError) for e in result.base_errors):
        collisions.append(1)  # a batch written at the end of the file (in after_import)
    if collisions:  # one message, not one raw database error per row
        outcome.errors = [
            CellError(
                sources[collisions[0] - 1][0],
                "",
                _(
                    "別の取込みが同じ行を先に書き込みました。このファイルからは何も取り込んでいません。"
                    "もう一度ファイルを選んで、確認からやり直してください。"
                ),
            )
        ]
        outcome.totals = dict(result.totals)
        return outcome
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
    outcome.key_headers = [resource.fields[name].column_name for name in resource.get_import_id_fields()]
    outcome.written = not dry_run and outcome.ok
    return outcome


def readable(value):
    """A stored value as a person reads it in a preview: はい/いいえ, 2,496 (not 2496.0000), a choice's label."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("はい") if value else _("いいえ")
    if isinstance(value, Decimal):
        normalised = value.normalize()
        exponent = normalised.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return f"{normalised:,.{places}f}"
    return str(value)


@dataclass(frozen=True)
class PreviewCell:
    """One cell of a previewed row: what is stored and what the file would make it ("" for a new row's old)."""

    old: str
    new: str

    @property
    def changed(self):
        return self.old != self.new


@dataclass(frozen=True)
class Change:
    """A changed cell, as the preview and the shell both say it: `value: 812 → 815`."""

    column: str
    old: str
    new: str

    def __str__(self):
        blank = _("（空欄）")
        return f"{self.column}: {self.old or blank} → {self.new or blank}"


class ReadableDiff(Diff):
    """django-import-export's diff, kept as old and new values a person reads instead of a character-level HTML
    diff (which shows 812 → 815 as 81̶2̶5 and true → false as trufalse)."""

    def __init__(self, resource, instance, new):
        self.left = resource.preview_values(instance)
        self.right = []
        self.new = new

    def compare_with(self, resource, instance):
        self.right = resource.preview_values(instance)

    def as_html(self):
        return [PreviewCell("" if self.new else old, new) for old, new in zip(self.left, self.right, strict=False)]


class ReadablePreviewMixin:
    """For a django-import-export resource: the preview shows values as people read them (ReadableDiff)."""

    def get_diff_class(self):
        return ReadableDiff

    def preview_value(self, field, instance):
        """One column of an instance for the preview; a choice shows its label, a related object its str()."""
        value = field.get_value(instance)
        if value == "":
            return ""
        if field.attribute and "__" not in field.attribute and value is not None and not isinstance(value, Model):
            try:
                model_field = instance._meta.get_field(field.attribute)
            except Exception:
                model_field = None
            if model_field is not None and model_field.choices:
                return str(dict(model_field.flatchoices).get(value, value))
        return readable(value)

    def preview_values(self, instance):
        if instance is None:
            return ["" for _field in self.get_import_fields()]
        return [self.preview_value(field, instance) for field in self.get_import_fields()]


@dataclass(frozen=True)
class PreviewRow:
    """A row of an import's preview: its file row, new or update, every column, and the changed ones."""

    file_row: int
    import_type: str
    cells: list  # (column, PreviewCell)
    key_headers: tuple

    @property
    def label(self):
        """The row as found: the new values of its key columns (S2-G1-N1 市内総生産額 2020 実績値)."""
        return " ".join(cell.new for column, cell in self.cells if column in self.key_headers)

    @property
    def changes(self):
        if self.import_type != RowResult.IMPORT_TYPE_UPDATE:
            return [Change(column, "", cell.new) for column, cell in self.cells if cell.new]
        return [Change(column, cell.old, cell.new) for column, cell in self.cells if cell.changed]

    @property
    def type_label(self):
        return {RowResult.IMPORT_TYPE_NEW: _("新規"), RowResult.IMPORT_TYPE_UPDATE: _("変更")}.get(
            self.import_type, self.import_type
        )

    def __str__(self):
        """The row as the shell prints it: 2行目 変更 S2-G1-N1 市内総生産額 2020 実績値: value: 812 → 815 …"""
        lines = [
            _("%(row)s行目 %(type)s %(label)s") % {"row": self.file_row, "type": self.type_label, "label": self.label}
        ]
        lines += [f"  {change}" for change in self.changes]
        return "\n".join(lines)


def preview_rows(outcome):
    """What an import would change, row by row: the one reading of a dry run that the admin's preview and the
    shell's `--dry-run` both show."""
    return [
        PreviewRow(
            file_row,
            row.import_type,
            list(zip(outcome.diff_headers, row.diff or [], strict=False)),
            tuple(outcome.key_headers),
        )
        for file_row, row in outcome.rows
    ]


def preview_columns(rows):
    """The columns of a preview worth a place on screen: the key columns and those with a value in some row."""
    if not rows:
        return []
    return [
        column
        for index, (column, _cell) in enumerate(rows[0].cells)
        if column in rows[0].key_headers or any(row.cells[index][1].old or row.cells[index][1].new for row in rows)
    ]


def import_table(resource_class, data, filename="", *, user=None, dry_run=True):
    """Check, and unless `dry_run` write, a file in a resource's own columns (indicators, role tables).

    The same reading as for series values: CSV in UTF-8, UTF-8 with BOM, Shift_JIS or UTF-16, or XLSX; any
    bad row means nothing is written.
    """
    rows = read_table(data, filename)
    dataset = long_dataset(rows)
    sources = [(number, None) for number in file_rows(rows)[1:]]
    return run_import(resource_class(user=user), dataset, sources, [], "long", dry_run)


# What a cell holds to empty a stored field on update; an empty cell leaves the field as it is. Full-width
# ＃ is read as # (NFKC).
CLEAR_MARKER = "#クリア"


def is_clear_marker(cell) -> bool:
    return isinstance(cell, str) and unicodedata.normalize("NFKC", cell).strip() == CLEAR_MARKER


def is_blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


class KeepOnBlankMixin:
    """For a django-import-export resource: on update, an empty cell leaves the stored field alone and a cell
    holding exactly CLEAR_MARKER empties it (to the model field's empty value). A new row takes the marker as an
    empty cell. The fields emptied by the marker are in `instance.import_cleared` for validation messages."""

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.readonly or not field.attribute or field.column_name not in row:
            return super().import_field(field, instance, row, is_m2m, **kwargs)
        key_columns = self.__dict__.get("_key_columns")
        if key_columns is None:  # once per import, not once per cell
            key_columns = self._key_columns = {self.fields[name].column_name for name in self.get_import_id_fields()}
        cell = row[field.column_name]
        if field.column_name in key_columns or not (is_blank(cell) or is_clear_marker(cell)):
            return super().import_field(field, instance, row, is_m2m, **kwargs)
        if instance.pk is not None and is_blank(cell):
            return None
        model_field = instance._meta.get_field(field.attribute)
        empty = None if model_field.null else model_field.get_default()
        setattr(instance, model_field.attname if model_field.is_relation else field.attribute, empty)
        if instance.pk is not None:
            instance.import_cleared = {*getattr(instance, "import_cleared", ()), field.attribute}
        return None


class StopOnConflictMixin:
    """For a django-import-export resource: once a row collides with a row another import has just written
    (a unique constraint, as when two people import the same new rows at once), the remaining rows are not
    tried; run_import reports the collision once and the transaction writes nothing."""

    conflict = False

    def import_row(self, row, instance_loader, **kwargs):
        if self.conflict:
            result = self.get_row_result_class()()
            result.import_type = RowResult.IMPORT_TYPE_SKIP
            return result
        return super().import_row(row, instance_loader, **kwargs)

    def save_instance(self, instance, is_create, row, **kwargs):
        try:
            return super().save_instance(instance, is_create, row, **kwargs)
        except IntegrityError:
            self.conflict = True
            raise


class SafeTextWidget(widgets.CharWidget):
    """Text that a spreadsheet would run as a formula is exported with a leading apostrophe, read back without."""

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value)
        if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
            text = text[1:]
        return text

    def render(self, value, obj=None, **kwargs):
        return neutralise("" if value is None else str(value))
