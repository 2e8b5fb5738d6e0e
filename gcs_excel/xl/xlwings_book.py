"""The Book protocol over an xlwings Book: a few lines per operation.

XlwingsBook serves classic xlwings (Excel on Windows or macOS calling a local Python
through the add-in's RunPython); LiteBook serves xlwings Lite, whose book is a remote
copy: no notes, no fill to read back, no status bar, no file system, and alert() only
queues a message (no answer), so a question is answered by a script argument instead.
Only the free parts of xlwings are used (never xlwings.pro or xlwings.server)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Sequence

from .book import MARK_HEADERS, Details, Link, Look

TITLE = "集团客户"
ERRORS = frozenset(("#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA"))
MERGE_SCAN_MOST = 200_000       # cells: beyond this the merged ranges are not looked for
# Text Excel would turn into a number, a date, a boolean or a formula when written into a
# General cell: such a column is formatted as text (@) first, as gcs fix does (set_value).
_CONVERTED = re.compile(r"^\s*([=+\-@]|[\d.,\s%/:年月日E+-]+$|(true|false)$)", re.IGNORECASE)


def converted(value: Any) -> bool:
    """Whether Excel would not keep this text as text in a General cell."""
    return isinstance(value, str) and bool(value) and bool(_CONVERTED.match(value))


def excel_value(value: Any) -> Any:
    """A value as written through xlwings: a date as a datetime, nothing as empty."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
    return "" if value is None else value


def put(ws, row: int, col: int, rows: Sequence[Sequence[Any]]) -> None:
    """Values into the rectangle of a sheet at (row, col), 0-based: one call, after the
    columns holding text Excel would convert are formatted as text."""
    width = max(map(len, rows), default=0)
    if not width:
        return
    block = [[excel_value(v) for v in r] + [""] * (width - len(r)) for r in rows]
    for c in range(width):
        if any(converted(r[c]) for r in block):
            ws.range((row + 1, col + c + 1)).resize(len(block), 1).number_format = "@"
    ws.range((row + 1, col + 1)).value = block


def hex_colour(colour: Any) -> str | None:
    """xlwings' (r, g, b) as "#RRGGBB"."""
    if colour is None:
        return None
    if isinstance(colour, str):
        return colour.upper()
    r, g, b = colour
    return f"#{r:02X}{g:02X}{b:02X}"


class XlwingsBook:
    """A workbook open in Excel, through classic xlwings."""

    can_mark = True
    can_ask = True

    def __init__(self, book):
        self.book = book
        self.name = book.name
        full = Path(book.fullname)
        self.path = full if full.is_absolute() else None     # unsaved, or a OneDrive URL

    def sheet_names(self) -> list[str]:
        """The worksheets, in tab order."""
        return [s.name for s in self.book.sheets]

    def hidden(self, sheet: str) -> bool:
        """Whether a sheet is hidden."""
        return not self.book.sheets[sheet].visible

    def _area(self, sheet: str):
        ws = self.book.sheets[sheet]
        last = ws.used_range.last_cell
        return ws.range((1, 1), (last.row, last.column))

    def read(self, sheet: str) -> list[list[Any]]:
        """Values from A1 to the last used cell; an error value (#N/A) reads as empty
        (details lists it)."""
        values = self._area(sheet).options(ndim=2, empty="", err_to_str=True).value or []
        return [["" if isinstance(v, str) and v in ERRORS else v for v in row] for row in values]

    def details(self, sheet: str) -> Details:
        """Formulas and error values from two reads of the used area; merged ranges
        looked for cell by cell only when Excel says the area has some (rare, and slow)."""
        area = self._area(sheet)
        values = area.options(ndim=2, empty="", err_to_str=True).value or []
        formulas = area.formula
        formulas = [[formulas]] if isinstance(formulas, str) else formulas or []
        out = Details()
        for r, row in enumerate(formulas):
            for c, f in enumerate(row):
                if isinstance(f, str) and f.startswith("="):
                    out.formulas[(r, c)] = f[1:]
        for r, row in enumerate(values):
            for c, v in enumerate(row):
                if isinstance(v, str) and v in ERRORS:
                    out.errors[(r, c)] = v
        if area.merge_cells is not False and len(values) * len(values[0] if values else ()) <= MERGE_SCAN_MOST:
            seen = set()
            for r in range(len(values)):
                for c in range(len(values[r])):
                    cell = area[r, c]
                    if (r, c) not in seen and cell.merge_cells:
                        m = cell.merge_area
                        box = (m.row - 1, m.column - 1, m.last_cell.row - 1, m.last_cell.column - 1)
                        out.merged.append(box)
                        seen |= {(i, j) for i in range(box[0], box[2] + 1) for j in range(box[1], box[3] + 1)}
        return out

    def write(self, sheet: str, row: int, col: int, rows: Sequence[Sequence[Any]]) -> None:
        """Values into the rectangle at (row, col)."""
        put(self.book.sheets[sheet], row, col, rows)

    def look(self, sheet: str, row: int, col: int) -> Look:
        """A cell's fill and note."""
        cell = self.book.sheets[sheet].range((row + 1, col + 1))
        note = cell.note
        return Look(hex_colour(cell.color), note.text if note is not None else None)

    def mark(self, sheet: str, row: int, col: int, look: Look) -> None:
        """Set a cell's fill and note."""
        cell = self.book.sheets[sheet].range((row + 1, col + 1))
        cell.color = look.fill
        if cell.note is not None:
            cell.note.delete()
        if look.note:
            if hasattr(cell, "add_note"):       # xlwings 0.35 and later
                cell.add_note(look.note)
            else:                               # Windows COM
                cell.api.AddComment(look.note)

    def replace_sheet(self, name: str, rows: Sequence[Sequence[Any]], *, links: Sequence[Link] = (),
                      fills: dict[tuple[int, int], str] | None = None, hide_from: int | None = None,
                      first: bool = False) -> None:
        """A sheet of these rows: the existing one emptied (so links to it elsewhere stay),
        or a new one, first or last."""
        sheets = self.book.sheets
        if name in self.sheet_names():
            ws = sheets[name]
            ws.clear()
        else:
            ws = sheets.add(name, before=sheets[0]) if first else sheets.add(name, after=sheets[-1])
        put(ws, 0, 0, rows)
        for (r, c), colour in (fills or {}).items():
            ws.range((r + 1, c + 1)).color = colour
        for link in links:
            quoted = link.sheet.replace("'", "''")
            ws.range((link.row + 1, link.col + 1)).add_hyperlink(f"#'{quoted}'!{link.cell}", link.cell)
        self._format(ws, rows, hide_from)

    def _format(self, ws, rows, hide_from: int | None) -> None:
        """A bold header row, columns as wide as their content, the record columns hidden."""
        if rows:
            ws.range((1, 1), (1, len(rows[0]))).font.bold = True
        ws.autofit("c")
        if hide_from is not None:
            ws.range((1, hide_from + 1)).resize(1, len(MARK_HEADERS)).column_width = 0

    def message(self, text: str, *, ask: bool = False) -> bool:
        """Excel's message box (owned by Excel's window); a question answers yes or no."""
        answer = self.book.app.alert(text, title=TITLE, buttons="yes_no" if ask else "ok", mode="info")
        return answer == "yes" if ask else True

    def status(self, text: str | None) -> None:
        """Excel's status bar; None gives it back to Excel."""
        self.book.app.status_bar = text if text else False

    def open_file(self, path: Path) -> None:
        """Open a workbook in the same Excel."""
        self.book.app.books.open(str(path))

    def open_book(self, path: Path) -> "XlwingsBook | None":
        """The workbook of that file, when this Excel has it open."""
        for other in self.book.app.books:
            if other.fullname and Path(other.fullname) == Path(path) and other.fullname != self.book.fullname:
                return XlwingsBook(other)
        return None


class LiteBook(XlwingsBook):
    """A workbook in xlwings Lite: values, new sheets and links; no notes, fills that
    cannot be read back (so no marks, which could cover a user's colour), no status bar,
    no file system; a question is answered by the script's own argument (confirmed)."""

    can_mark = False
    can_ask = False

    def __init__(self, book, *, confirmed: bool = False):
        super().__init__(book)
        self.path = None
        self.confirmed = confirmed

    def look(self, sheet: str, row: int, col: int) -> Look:
        """Not readable in Lite."""
        return Look()

    def mark(self, sheet: str, row: int, col: int, look: Look) -> None:
        """Never called (can_mark is False)."""

    def details(self, sheet: str) -> Details:
        """Error values only: the remote book tells neither formulas nor merged ranges."""
        values = self._area(sheet).options(ndim=2, empty="", err_to_str=True).value or []
        return Details(errors={(r, c): v for r, row in enumerate(values) for c, v in enumerate(row)
                               if isinstance(v, str) and v in ERRORS})

    def _format(self, ws, rows, hide_from: int | None) -> None:
        """The remote book has no fonts, autofit or column widths to set."""

    def message(self, text: str, *, ask: bool = False) -> bool:
        """Lite's alert shows the text and answers nothing: a question is answered by
        confirmed (the script's 确认 argument)."""
        self.book.app.alert(text, title=TITLE)
        return self.confirmed if ask else True

    def status(self, text: str | None) -> None:
        """Lite has no status bar."""

    def open_file(self, path: Path) -> None:
        """Lite cannot open files."""

    def open_book(self, path: Path) -> None:
        """Lite sees no other workbook."""
        return None
