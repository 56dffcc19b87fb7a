"""Reading the files staff already have: CSV in UTF-8 (with or without BOM) or Shift_JIS, and XLSX; in the long
open-data layout or the committee's wide layout (one row per indicator and kind, fiscal years as columns).

Plain functions from bytes to `tablib.Dataset`; nothing here touches the database. Every refusal is an
ImportFileError with a Japanese message for the person who uploaded the file.
"""

import re
import unicodedata

import tablib
from django.utils.translation import gettext as _

from vision import tabular, wareki
from vision.tabular import (  # noqa: F401  (the names the import code and its tests use)
    CLEAR_MARKER,
    MAX_FILE_BYTES,
    CellError,
    ImportFileError,
    file_rows,
    long_dataset,
    read_table,
)

from .numbers import NumberError, is_no_value, parse_number
from .opendata import plain_number

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
    """'long' when the header names a fiscal_year column, 'wide' when its columns are years (an `area` column, the
    indicator's 圏域, may come with either)."""
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


def rows_to_import(rows) -> int:
    """How many rows a file (its rows as read) imports, counted from its cells without checking them: a long file's
    data rows; a wide file's cells with a value in its year columns, each a row (wide_to_long). Raises
    ImportFileError when the header is neither layout's."""
    if detect_layout(rows[0]) == "long":
        return len(rows) - 1
    years = [index for index, header in enumerate(rows[0]) if header_year(header)]
    return sum(1 for row in rows[1:] for index in years if not is_no_value(row[index]))


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
        "value": plain_number(value),
        "comparator": comparator,
        "measured_year": measured_year,
        "provisional": "true" if provisional else "false",
        "missing_reason": "",
        "printed": printed,
        "note": "",
    }


def wide_to_long(rows):
    """Convert the committee's wide layout to the long one.

    Returns (dataset, sources, errors): `sources[i]` is the (file row, column header) of long row i, so a
    problem found later is reported where the person typed it; `errors` are cells that could not be read.
    """
    headers = [str(h).strip() for h in rows[0]]
    year_columns = [(index, header, header_year(header)) for index, header in enumerate(headers)]
    year_columns = [(index, header, year) for index, header, year in year_columns if year]
    id_index, kind_index = headers.index("indicator_id"), headers.index("kind")
    # The optional area column (indicator codes are unique per area) goes with each row's values.
    area_index = headers.index("area") if "area" in headers else None
    # Only the columns the wide layout carries: a note or a missing reason stored earlier is left alone.
    carried = ("value", "comparator", "measured_year", "provisional", "printed")
    area_header = ["area"] if area_index is not None else []
    dataset = tablib.Dataset(headers=["indicator_id", *area_header, "fiscal_year", "kind", *carried])
    sources, errors = [], []
    for file_row, row in zip(file_rows(rows)[1:], rows[1:], strict=True):
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
            # the cell states its comparator and measured year: one it does not state is cleared, not kept
            values = [cell[name] if cell[name] != "" else CLEAR_MARKER for name in carried]
            area = [str(row[area_index] or "").strip()] if area_index is not None else []
            dataset.append([str(row[id_index]).strip(), *area, year, kind, *values])
            sources.append((file_row, header))
            if len(dataset) > tabular.row_cap():  # each year column is a row to import: the same cap holds
                raise ImportFileError(
                    _("値が多すぎます（%(count)s 個以上）。%(limit)s 個以下に分けてください。")
                    % {"count": len(dataset), "limit": tabular.row_cap()}
                )
    return dataset, sources, errors
