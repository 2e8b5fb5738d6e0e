"""Editing a copy of a user's workbook with openpyxl, without its traps.

openpyxl turns any string assigned to a cell that starts with "=" into a live formula;
``set_text`` keeps text as text. ``open_copy`` loads a workbook (or a CSV as a fresh one)
for writing to a new file; the input is never written to.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import warnings
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from .errors import ReadError
from .readers import Workbook as Grid
from .textsafe import header_footer, sheet_name
from .textwidth import fit_width, row_height, wrapped_lines
from .xlsx_style import A4, DATE_FORMAT, FONT, HEADER_FILL, PAGE_FOOTER, layout

PRINT_MARGINS = {"left": 0.4, "right": 0.4, "top": 0.75, "bottom": 0.75}
CSV_WIDEST = 30



def set_text(cell: Cell, value: str) -> None:
    cell.value = value
    cell.data_type = "s"     # never a formula, whatever the text starts with


def set_value(cell: Cell, value: Any) -> None:
    """Store a typed value: text as text (formatted @), dates as dates, numbers as numbers."""
    if isinstance(value, str):
        set_text(cell, value)
        cell.number_format = "@"
    elif isinstance(value, dt.date):
        cell.value = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        cell.number_format = DATE_FORMAT
    else:
        cell.value = value
        if cell.number_format == "@":
            cell.number_format = "General"


def text_sheet(wb: openpyxl.Workbook, title: str, columns, rows, *, empty: tuple[int, str],
               index: int | None = None) -> Worksheet:
    """A sheet of text that replaces any sheet of that title: a bold header row of
    (title, widest) columns, a row per item, and empty=(column, note) when there are none.
    Each column is as wide as its content up to its widest; longer text wraps in rows as
    tall as their lines. It prints on A4 one page wide (print_setup_openpyxl)."""
    if title in wb.sheetnames:
        del wb[title]
    ws = wb.create_sheet(title, index)
    rows = [list(values) for values in rows]
    widths = [fit_width([head, *(r[c] for r in rows if c < len(r))], maximum=most)
              for c, (head, most) in enumerate(columns)]
    line = Side(style="thin", color="FFBFBFBF")
    border = Border(left=line, right=line, top=line, bottom=line)
    head_font = Font(name=FONT, bold=True, color="FFFFFFFF")
    head_fill = PatternFill(fill_type="solid", fgColor="FF" + HEADER_FILL.lstrip("#"))
    wrap = Alignment(wrap_text=True, vertical="top")
    for c, ((head, _), width) in enumerate(zip(columns, widths), start=1):
        cell = ws.cell(row=1, column=c)
        set_text(cell, head)
        cell.font, cell.fill, cell.border = head_font, head_fill, border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[cell.column_letter].width = file_width(width)
    for n, values in enumerate(rows, start=2):
        lines = 1
        for c, v in enumerate(values):
            cell = ws.cell(row=n, column=c + 1)
            set_text(cell, v)
            cell.alignment, cell.border = wrap, border
            lines = max(lines, wrapped_lines(v, widths[c]))
        if lines > 1:
            ws.row_dimensions[n].height = row_height(lines)
    if not rows:
        set_text(ws.cell(row=2, column=empty[0]), empty[1])
    ws.freeze_panes = "A2"
    print_setup_openpyxl(ws, widths, repeat=1)
    return ws


def file_width(width: float) -> float:
    """The width openpyxl must store for a column of that width as XlsxWriter (and
    xlsx_style.layout) count it: the file's width includes the 5 pixels of padding."""
    return round(width + 5 / 7, 2)


def print_setup_openpyxl(ws: Worksheet, widths, *, repeat: int | None = None,
                         margins=None) -> int:
    """What xlsx_style.print_setup does for XlsxWriter, for a sheet openpyxl writes: A4,
    portrait or landscape from the column widths (xlsx_style.layout), one page wide and
    as many tall as needed, the first repeat rows atop every page, the file and sheet
    name in the page header and page numbers in the footer. Returns the scale."""
    margins = {**PRINT_MARGINS, **(margins or {})}
    landscape, scale = layout(widths, margins)
    ws.page_setup.paperSize = A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins = PageMargins(**margins, header=0.3, footer=0.3)
    if repeat:
        ws.print_title_rows = f"1:{repeat}"
    ws.oddHeader.left.text, ws.oddHeader.left.font = "&F", FONT          # the file's name, filled in by the client
    ws.oddHeader.right.text, ws.oddHeader.right.font = header_footer(ws.title), FONT
    ws.oddFooter.center.text, ws.oddFooter.center.font = PAGE_FOOTER.removeprefix("&C"), FONT
    return scale


def _default_font(wb: openpyxl.Workbook) -> None:
    """A new openpyxl workbook in our default font (等线, as xlsx_style.new_workbook), so
    that its column widths count the digits xlsx_style.layout counts. openpyxl offers
    no public way to set the font every unstyled cell uses."""
    font = Font(name=FONT, sz=11, family=2)
    wb._fonts = IndexedList([font])
    wb._named_styles["Normal"].font = font


def _fit_columns(ws: Worksheet, columns: dict[int, list[str]]) -> None:
    """A sheet made from a CSV: columns as wide as their text (no wider than CSV_WIDEST),
    printed like our other sheets."""
    widths = [fit_width(columns.get(c, ()), maximum=CSV_WIDEST) for c in range(max(columns, default=-1) + 1)]
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(row=1, column=c).column_letter].width = file_width(width)
    print_setup_openpyxl(ws, widths, repeat=1)


# Parts of a package openpyxl does not carry over into a saved copy.
_NOT_KEPT = (("xl/drawings/", "图片、图表或形状"), ("xl/slicers/", "切片器"),
             ("xl/timelines/", "日程表"), ("xl/ctrlProps/", "表单控件"), ("xl/activeX/", "ActiveX 控件"))


def not_kept(grid: Grid) -> list[str]:
    """What the edited copy will lack (said to the user, never dropped silently)."""
    if grid.kind == "csv":
        return []
    with zipfile.ZipFile(grid.path) as z:
        names = z.namelist()
    return [what for prefix, what in _NOT_KEPT if any(n.startswith(prefix) for n in names)]


def writable(ws: Worksheet, ref: str) -> Cell:
    """The cell to style and comment for a reference: a cell under a merge is the merge's
    top-left cell (openpyxl refuses to touch the others)."""
    cell = ws[ref]
    if isinstance(cell, MergedCell):
        for rng in ws.merged_cells.ranges:
            if ref in rng:
                return ws.cell(row=rng.min_row, column=rng.min_col)
    return cell


def open_copy(grid: Grid) -> tuple[openpyxl.Workbook, dict[str, str]]:
    """The workbook behind a read result, loaded for editing (CSV: rebuilt as text), and
    the name each sheet has in it. Refuses when openpyxl would not see every sheet (it
    opens Strict OOXML as empty)."""
    if grid.kind == "csv":
        wb = openpyxl.Workbook()
        _default_font(wb)
        ws: Worksheet = wb.active
        sheet = grid.sheets[0]
        ws.title = sheet_name(sheet.name)
        columns: dict[int, list[str]] = {}
        for row_idx, values in sheet.iter_rows():
            for c, v in enumerate(values):
                if v != "":
                    set_text(ws.cell(row=row_idx + 1, column=c + 1), v)
                    columns.setdefault(c, []).append(v)
        _fit_columns(ws, columns)
        return wb, {sheet.name: ws.title}
    try:
        # openpyxl warns about extensions it drops and even print()s on some damaged
        # styles: neither belongs on the user's terminal.
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(grid.path, keep_vba=grid.kind == "xlsm", rich_text=True)
    except Exception as e:  # openpyxl raises many kinds on files calamine accepts
        raise ReadError(grid.path, f"无法在副本里编辑这个工作簿（{type(e).__name__}: {str(e)[:100]}）") from None
    missing = [s.name for s in grid.sheets if s.name not in wb.sheetnames]
    if missing:
        raise ReadError(grid.path, f"这个工作簿（可能是 Strict OOXML 格式）无法完整复制，工作表「{missing[0]}」会丢失，"
                                   "所以没有写副本；请在 Excel 中另存为普通 .xlsx 后再试")
    return wb, {s.name: s.name for s in grid.sheets}


def output_name(path: str | Path, kind: str) -> str:
    p = Path(path)
    return p.stem + ".xlsx" if kind == "csv" else p.name
