"""Meeting material as files: the policy sheets and the status table as XLSX, and the sheets as PDF.

The PDF is WeasyPrint's rendering of the same HTML the browser prints, with the print stylesheet.
"""

import io
import os
import re
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from kpi.opendata import neutralise
from kpi.presentation import decimal_places, measured_and_reported, observation_figure

from .sheets import cell_marks, cell_text

THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD = PatternFill("solid", fgColor="E8EEF4")
WRAP = Alignment(wrap_text=True, vertical="top")


def _safe(value):
    return neutralise(value) if isinstance(value, str) else value


def _cell(sheet, row, column, value, *, bold=False, fill=None):
    cell = sheet.cell(row=row, column=column, value=_safe(value))
    cell.border, cell.alignment = BOX, WRAP
    if bold:
        cell.font = Font(bold=True)
    if fill:
        cell.fill = fill
    return cell


def number_format(observation, decimals):
    """An Excel number format that prints a value as the committee tables do, the number staying a number:
    7000 gte → `#,##0"以上"` (7,000以上), 0.8 → `#,##0.0`, a negative with △ as Japanese tables write it."""
    places = decimal_places(Decimal(observation_figure(observation, decimals).replace(",", "").lstrip("△▲-−") or 0))
    digits = "#,##0" + ("." + "0" * places if places else "")
    marks = cell_marks(observation).replace('"', "")
    shown = f'{digits}"{marks}"' if marks else digits
    return f'{shown};"△"{shown}'


def _number_cell(sheet, row, column, observation, decimals):
    """A KPI value as a number with its marks in the number format; text only where there is no number (―)."""
    if observation is None or observation.value is None:
        return _cell(sheet, row, column, cell_text(observation, decimals) or "―")
    value = observation.value
    cell = _cell(sheet, row, column, int(value) if value == value.to_integral_value() else float(value))
    cell.number_format = number_format(observation, decimals)
    cell.alignment = Alignment(horizontal="right", vertical="top")
    return cell


# Excel refuses these in a sheet name and cuts names at 31 characters.
_SHEET_NAME_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")


def sheet_title(policy, taken):
    """The tab of a policy's sheet: its number and name (施策１ 地域経済…), unique within the workbook."""
    base = _SHEET_NAME_FORBIDDEN.sub("", " ".join(part for part in (policy.number, policy.title) if part)).strip()
    base = base or policy.code
    title, suffix = base[:31], 2
    while title in taken:
        tail = f"～{suffix}"
        title, suffix = base[: 31 - len(tail)] + tail, suffix + 1
    taken.add(title)
    return title


def sheets_xlsx(review, sheets):
    """One worksheet per policy, laid out like the committee material."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken = set()
    for sheet in sheets:
        ws = workbook.create_sheet(title=sheet_title(sheet.policy, taken))
        ws["A1"] = _safe(str(review))
        ws["A2"] = _safe(str(sheet.policy))
        ws["A2"].font = Font(bold=True, size=13)
        row = 4
        for measure in sheet.measures:
            ws.cell(row=row, column=1, value=_safe(str(measure)))
            row += 1
        row += 1
        for label, text in (
            ("方向性", sheet.evaluation.direction_text if sheet.evaluation else ""),
            ("課題・検証", sheet.evaluation.issues_text if sheet.evaluation else ""),
            ("委員会の意見", sheet.evaluation.committee_opinion if sheet.evaluation else ""),
        ):
            _cell(ws, row, 1, label, bold=True, fill=HEAD)
            _cell(ws, row, 2, text)
            ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3 + len(sheet.years))
            ws.row_dimensions[row].height = max(30, 15 * (text.count("\n") + 1))
            row += 1
        row += 1
        _cell(ws, row, 1, "KPI", bold=True, fill=HEAD)
        _cell(ws, row, 2, "単位", bold=True, fill=HEAD)
        _cell(ws, row, 3, "", bold=True, fill=HEAD)
        for offset, label in enumerate(sheet.year_labels):
            _cell(ws, row, 4 + offset, label, bold=True, fill=HEAD)
        row += 1
        for kpi in sheet.kpis:
            indicator = kpi.row.indicator
            for kind, cells in (("目標値", kpi.target_values), ("実績値", kpi.actual_values)):
                _cell(ws, row, 1, indicator.name if kind == "目標値" else "")
                _cell(ws, row, 2, indicator.unit if kind == "目標値" else "")
                _cell(ws, row, 3, kind)
                for offset, observation in enumerate(cells):
                    _number_cell(ws, row, 4 + offset, observation, indicator.decimals)
                row += 1
        for note in sheet.footnotes:
            ws.cell(row=row, column=1, value=_safe(note))
            row += 1
        ws.column_dimensions["A"].width = 40
        ws.column_dimensions["B"].width = 10
        ws.column_dimensions["C"].width = 8
        for offset in range(len(sheet.years)):
            ws.column_dimensions[get_column_letter(4 + offset)].width = 14
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


STATUS_HEADERS = [
    "指標コード",
    "指標",
    "単位",
    "所管課",
    "評価年度",
    "最新の実績値",
    "最終目標",
    "達成率(%)",
    "進捗（ポータルによる機械的な判定。委員会の評価ではありません）",
    "概算値",
    "最新の実績値が示す年・年度と報告年度",
]


def status_xlsx(rows):
    """The status table: one row per indicator with its latest actual, final target, rate and status."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = "進捗一覧"
    for column, header in enumerate(STATUS_HEADERS, 1):
        _cell(ws, 1, column, header, bold=True, fill=HEAD)
    for index, row in enumerate(rows, 2):
        indicator, judgement = row.indicator, row.judgement
        actual, target = row.latest_actual, row.final_target
        values = [
            indicator.code,
            indicator.name,
            indicator.unit,
            str(indicator.department) if indicator.department_id else "",
            judgement.fiscal_year,
            float(actual.value) if actual and actual.value is not None else None,
            float(target.value) if target and target.value is not None else None,
            float(judgement.rate_percent) if judgement.rate_percent is not None else None,
            judgement.label,
            "概算値" if judgement.is_provisional else "",
            measured_and_reported(actual, indicator) if actual else "",
        ]
        for column, value in enumerate(values, 1):
            _cell(ws, index, column, value)
    for column, width in zip("ABCDEFGHIJK", (14, 48, 10, 18, 10, 14, 14, 10, 10, 8, 30), strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _static_fetcher(base_url):
    """A WeasyPrint fetcher that reads the page's own static files (the print stylesheet) from disk and
    refuses anything else over the network: a PDF never calls out."""
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.contrib.staticfiles.storage import staticfiles_storage
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    static_prefix = base_url.rstrip("/") + "/" + settings.STATIC_URL.strip("/") + "/"

    class StaticFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith(static_prefix):
                name = url[len(static_prefix) :].split("?")[0]
                path = staticfiles_storage.path(name)
                if not os.path.exists(path):
                    path = finders.find(name)
                if path:
                    with open(path, "rb") as handle:
                        body = handle.read()
                    content_type = "text/css" if name.endswith(".css") else "application/octet-stream"
                    return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})
            if url.startswith(("http://", "https://")):
                raise ValueError(f"external resource refused: {url}")
            return super().fetch(url, headers)

    return StaticFetcher()


def html_to_pdf(html, base_url):
    """PDF bytes of an HTML page (WeasyPrint; needs Pango from the system, as Debian's libpango-1.0-0)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url, url_fetcher=_static_fetcher(base_url)).write_pdf()
