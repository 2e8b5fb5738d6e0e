"""MemoryBook: the Book protocol held in memory, for the tests of the buttons (and for
making the README's picture of a checked sheet: save writes it back through openpyxl)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from ..readers import read
from .book import Details, Link, Look


class MemoryBook:
    """A workbook as sheets of values, cell looks and added sheets; answers to questions
    are scripted (answers, in order; yes when they run out) and every message and status
    shown is recorded."""

    can_mark = True
    can_ask = True

    def __init__(self, name: str, sheets: dict[str, list[list[Any]]], *, path: Path | None = None,
                 hidden: Sequence[str] = (), answers: Sequence[bool] = ()):
        self.name, self.path = name, path
        self.sheets = {k: [list(r) for r in v] for k, v in sheets.items()}
        self._hidden = set(hidden)
        self._details: dict[str, Details] = {}
        self.looks: dict[tuple[str, int, int], Look] = {}
        self.links: dict[str, list[Link]] = {}
        self.hidden_from: dict[str, int | None] = {}
        self.answers = list(answers)
        self.messages: list[str] = []
        self.questions: list[str] = []
        self.statuses: list[str | None] = []
        self.opened: list[Path] = []
        self.others: dict[Path, MemoryBook] = {}        # other workbooks "open in Excel"

    @classmethod
    def from_file(cls, path: str | Path, **kwargs) -> "MemoryBook":
        """The values of a workbook file, as Excel would show them to xlwings."""
        path = Path(path)
        grid = read(path)
        sheets = {}
        for s in grid.sheets:
            rows: list[list[Any]] = []
            for r, values in s.rows:
                rows.extend([] for _ in range(r - len(rows)))
                rows.append(list(values))
            sheets[s.name] = rows
        book = cls(path.name, sheets, path=path, hidden=[s.name for s in grid.sheets if s.hidden], **kwargs)
        book._details = {s.name: Details(s.merged, s.formulas, s.errors) for s in grid.sheets}
        return book

    # --- the protocol -----------------------------------------------------------------------
    def sheet_names(self) -> list[str]:
        """The sheets, in order."""
        return list(self.sheets)

    def hidden(self, sheet: str) -> bool:
        """Whether the sheet is hidden."""
        return sheet in self._hidden

    def read(self, sheet: str) -> list[list[Any]]:
        """The sheet's values as a rectangle ("" for empty)."""
        rows = self.sheets[sheet]
        width = max(map(len, rows), default=0)
        return [[*r, *([""] * (width - len(r)))] for r in rows]

    def details(self, sheet: str) -> Details:
        """The merged ranges, formulas and error values the file had."""
        return self._details.get(sheet, Details())

    def write(self, sheet: str, row: int, col: int, rows: Sequence[Sequence[Any]]) -> None:
        """Values into the rectangle at (row, col)."""
        grid = self.sheets[sheet]
        for k, values in enumerate(rows):
            while len(grid) <= row + k:
                grid.append([])
            line = grid[row + k]
            line.extend([""] * (col + len(values) - len(line)))
            for c, v in enumerate(values):
                line[col + c] = "" if v is None else v

    def look(self, sheet: str, row: int, col: int) -> Look:
        """The cell's fill and note."""
        return self.looks.get((sheet, row, col), Look())

    def mark(self, sheet: str, row: int, col: int, look: Look) -> None:
        """Set the cell's fill and note."""
        if look == Look():
            self.looks.pop((sheet, row, col), None)
        else:
            self.looks[(sheet, row, col)] = look

    def replace_sheet(self, name: str, rows, *, links=(), fills=None, hide_from=None, first=False) -> None:
        """A sheet of these rows (emptied first), its links, fills and hidden columns."""
        if name not in self.sheets:
            self.sheets = {name: [], **self.sheets} if first else {**self.sheets, name: []}
        self.sheets[name] = [["" if v is None else v for v in r] for r in rows]
        for key in [k for k in self.looks if k[0] == name]:
            del self.looks[key]
        for (r, c), fill in (fills or {}).items():
            self.looks[(name, r, c)] = Look(fill)
        self.links[name] = list(links)
        self.hidden_from[name] = hide_from

    def message(self, text: str, *, ask: bool = False) -> bool:
        """Records the message; a question takes the next scripted answer."""
        if not ask:
            self.messages.append(text)
            return True
        self.questions.append(text)
        return self.answers.pop(0) if self.answers else True

    def status(self, text: str | None) -> None:
        """Records the status bar's text."""
        self.statuses.append(text)

    def open_file(self, path: Path) -> None:
        """Records the file opened."""
        self.opened.append(Path(path))

    def open_book(self, path: Path) -> "MemoryBook | None":
        """Another workbook open in "Excel" (others)."""
        return self.others.get(Path(path))

    # --- for the tests and the picture ------------------------------------------------------
    def cell(self, sheet: str, ref: str) -> Any:
        """The value of a cell given as A1."""
        from ..a1 import parse_a1

        col, row = parse_a1(ref)
        rows = self.sheets[sheet]
        return rows[row - 1][col] if row - 1 < len(rows) and col < len(rows[row - 1]) else ""

    def save(self, target: Path) -> Path:
        """Write the book as Excel would after the buttons ran: the original file (path)
        with the values, fills, notes and sheets of this book (for the README's picture)."""
        import openpyxl
        from openpyxl.comments import Comment
        from openpyxl.styles import PatternFill
        from openpyxl.worksheet.hyperlink import Hyperlink

        from ..xlsx_edit import set_value

        wb = openpyxl.load_workbook(self.path) if self.path else openpyxl.Workbook()
        for name, rows in self.sheets.items():
            ws = wb[name] if name in wb.sheetnames else wb.create_sheet(name, 0 if name in self.links else None)
            for r, values in enumerate(rows, start=1):
                for c, v in enumerate(values, start=1):
                    if ws.cell(r, c).value != (None if v == "" else v):
                        set_value(ws.cell(r, c), None if v == "" else v)
            for link in self.links.get(name, ()):
                cell = ws.cell(link.row + 1, link.col + 1)
                cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{link.sheet}'!{link.cell}")
            if name in self.links:          # a sheet a button wrote: as wide as its text (Excel's autofit)
                from openpyxl.styles import Alignment, Font

                from ..textwidth import excel_width, fit_width, row_height, wrapped_lines
                width = max(map(len, rows), default=0)
                lines = [1] * len(rows)
                for c in range(width):
                    text = [str(r[c]) if c < len(r) else "" for r in rows]
                    fitted = fit_width(text, maximum=40)
                    ws.column_dimensions[ws.cell(1, c + 1).column_letter].width = fitted
                    wrap = max(map(excel_width, text), default=0) > fitted     # wrapped, never cut off
                    for r, t in enumerate(text):
                        ws.cell(r + 1, c + 1).alignment = Alignment(wrap_text=wrap, vertical="top")
                        if wrap:
                            lines[r] = max(lines[r], wrapped_lines(t, fitted))
                for r, n in enumerate(lines, start=1):
                    if n > 1:
                        ws.row_dimensions[r].height = row_height(n)
                for cell in ws[1]:
                    cell.font = Font(bold=True)
            start = self.hidden_from.get(name)
            if start is not None:
                for c in range(start + 1, start + 10):
                    ws.column_dimensions[ws.cell(1, c).column_letter].hidden = True
        for (sheet, r, c), look in self.looks.items():
            cell = wb[sheet].cell(r + 1, c + 1)
            if look.fill:
                cell.fill = PatternFill(fill_type="solid", fgColor="FF" + look.fill.lstrip("#"))
            cell.comment = Comment(look.note, "gcs_excel") if look.note else None
        wb.active = 0
        wb.save(target)
        return target
