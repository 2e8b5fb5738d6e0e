"""Editing a copy of a user's workbook with openpyxl, without its traps.

openpyxl turns any string assigned to a cell that starts with "=" into a live formula;
``set_text`` keeps text as text. ``open_copy`` loads a workbook (or a CSV as a fresh one)
for writing to a new file, ``Copy.save`` writes it; the input is never written to. Long
runs of formatted empty rows are set aside while openpyxl holds the copy (styled_rows.py)
and put back when it is saved; openpyxl's failures become one line in Chinese.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import warnings
import zipfile
from dataclasses import dataclass, field
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
from .styled_rows import Run, put_back, set_aside
from .textsafe import header_footer, sheet_name
from .textwidth import fit_width, row_height, wrapped_lines
from .vba.ribbon import add_custom_ui, read_custom_ui
from .xlsx_style import A4, DATE_FORMAT, FONT, HEADER_FILL, PAGE_FOOTER, layout

PRINT_MARGINS = {"left": 0.4, "right": 0.4, "top": 0.75, "bottom": 0.75}
CSV_WIDEST = 30


def set_text(cell: Cell, value: str) -> None:
    """Store text as text, whatever it starts with."""
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
# ... except that with the macros (keep_vba) it copies the VML drawings: the sheet buttons
# of our .xlsm workbooks live there.
_KEPT_WITH_MACROS = "xl/drawings/vmlDrawing"


def not_kept(grid: Grid) -> list[str]:
    """What the edited copy will lack (said to the user, never dropped silently)."""
    if grid.kind == "csv":
        return []
    with zipfile.ZipFile(grid.path) as z:
        names = z.namelist()
    if grid.kind == "xlsm":
        names = [n for n in names if not n.startswith(_KEPT_WITH_MACROS)]
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


@dataclass
class Copy:
    """A user's workbook loaded for editing into a new file: the openpyxl workbook, the
    name each sheet of the read result has in it (CSV sheets are renamed), and the rows
    set aside while it is loaded (put back by save)."""
    wb: openpyxl.Workbook
    names: dict[str, str]
    runs: list[Run] = field(default_factory=list)
    ribbon: bytes | None = None     # the .xlsm's ribbon XML, re-linked on save

    def save(self, path: str | Path) -> None:
        """Write the copy to path (atomic_output's temporary file), set-aside rows back
        and the ribbon re-linked (openpyxl copies its part but drops its relationship);
        once: a macro workbook's copy of its macros is closed after."""
        if not self.runs:
            _save(self.wb, path)
        else:
            buf = io.BytesIO()
            _save(self.wb, buf)
            put_back(buf.getvalue(), self.runs, self.names, path)
        if self.ribbon is not None:
            add_custom_ui(Path(path), self.ribbon)
        vba = getattr(self.wb, "vba_archive", None)
        if vba is not None:     # openpyxl's in-memory copy of the macros (keep_vba): closed once written,
            vba.close()         # or its finaliser, run later by the collector, prints "Exception ignored"


def _save(wb: openpyxl.Workbook, target) -> None:
    """openpyxl's save with its archive closed whatever happens: left open on a full disk,
    the archive's finaliser would print "Exception ignored in ZipFile.__del__"."""
    from openpyxl.writer.excel import ExcelWriter

    wb.properties.modified = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()


def open_copy(grid: Grid) -> Copy:
    """The workbook behind a read result, loaded for editing (CSV: rebuilt as text).
    Refuses when openpyxl would not see every sheet (it opens Strict OOXML as empty)."""
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
        return Copy(wb, {sheet.name: ws.title})
    try:
        data, runs = set_aside(grid.path)
    except Exception:       # only a shortcut: where it cannot tell, openpyxl gets the file as it is
        data, runs = None, []
    try:
        # openpyxl warns about extensions it drops and even print()s on some damaged
        # styles: neither belongs on the user's terminal. A file object, not the name:
        # openpyxl refuses names not ending in .xlsx or .xlsm, whatever the content.
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), \
                (contextlib.nullcontext(io.BytesIO(data)) if data else open(grid.path, "rb")) as fh:
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(fh, keep_vba=grid.kind == "xlsm", rich_text=True)
    except Exception as e:  # openpyxl raises many kinds on files calamine accepts
        raise ReadError(grid.path, _cannot_copy(e)) from e
    missing = [s.name for s in grid.sheets if s.name not in wb.sheetnames]
    if missing:
        raise ReadError(grid.path, f"这个工作簿（可能是 Strict OOXML 格式）无法完整复制，工作表「{missing[0]}」会丢失，"
                                   "所以没有写副本；请在 Excel 中另存为普通 .xlsx 后再试")
    ribbon = read_custom_ui(grid.path) if grid.kind == "xlsm" else None
    return Copy(wb, {s.name: s.name for s in grid.sheets}, runs, ribbon)


def _cannot_copy(e: Exception) -> str:
    """Why openpyxl could not load a workbook that was read, in Chinese."""
    from defusedxml import DefusedXmlException

    cause: BaseException | None = e
    while cause is not None and not isinstance(cause, DefusedXmlException):
        cause = cause.__cause__ or cause.__context__
    if cause is not None:
        return ("工作簿的 XML 里声明了实体（<!DOCTYPE …[<!ENTITY …>]>），为安全起见不展开它们，所以不能复制编辑；"
                "数据已经校验。请在 Excel 或 WPS 中打开后另存为 .xlsx，再标注或修正")
    if isinstance(e, MemoryError):
        return "工作簿太大，内存不够复制编辑"
    return (f"这个工作簿能读取，但无法复制编辑（openpyxl 无法打开它：{type(e).__name__}）；"
            "请在 Excel 或 WPS 中打开后另存为 .xlsx 再试")


def output_name(path: str | Path, kind: str) -> str:
    """The name of an edited copy of path: the input's name, with the extension that
    says what the copy is (a CSV or an .xlsx named .et becomes .xlsx, macros .xlsm)."""
    p = Path(path)
    suffix = ".xlsm" if kind == "xlsm" else ".xlsx"
    return p.name if p.suffix.lower() == suffix else p.stem + suffix
