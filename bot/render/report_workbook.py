"""The annual report pack as an Excel workbook (openpyxl): one sheet per table, the header row frozen, dates as
ISO dates, numbers as numbers, columns as wide as their contents (within reason)."""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bot.render.report_tables import Cell, Table, tables
from bot.services.reports.figures import ReportPack

MIN_WIDTH, MAX_WIDTH = 8, 60
# Excel's limit on a sheet's name.
SHEET_NAME = 31
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def _width(cell: Cell) -> int:
    if cell is None:
        return 0
    if isinstance(cell, datetime):
        return 16
    if isinstance(cell, date):
        return 10
    return len(str(cell))


def _sheet(book: Workbook, table: Table) -> None:
    sheet = book.create_sheet(table.sheet[:SHEET_NAME])
    sheet.append(list(table.columns))
    for heading in sheet[1]:
        heading.font = Font(bold=True)
        heading.alignment = Alignment(vertical="top", wrap_text=True)
    for row in table.rows:
        sheet.append(list(row))
    sheet.freeze_panes = "A2"
    widths = [len(column) for column in table.columns]
    for row in table.rows:
        widths = [max(width, _width(cell)) for width, cell in zip(widths, row, strict=True)]
    for index, width in enumerate(widths, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = min(MAX_WIDTH, max(MIN_WIDTH, width + 2))
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if isinstance(cell.value, datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT


def workbook(pack: ReportPack, lang: str) -> bytes:
    """The pack's .xlsx file."""
    book = Workbook()
    if book.active is not None:
        book.remove(book.active)
    for table in tables(pack, lang):
        _sheet(book, table)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def filename(pack: ReportPack, extension: str = "xlsx") -> str:
    """'report-wind-2026.xlsx' (the public pack: 'report-wind-2026-public.xlsx')."""
    suffix = "" if pack.secretariat else "-public"
    return f"report-{pack.slug}-{pack.period.cycle}{suffix}.{extension}"
