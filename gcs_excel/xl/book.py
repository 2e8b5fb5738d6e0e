"""The few operations the buttons need from a workbook open in Excel (the Book protocol),
and the bookkeeping that lets 校验本表 clear its own marks and only those.

Two implementations: XlwingsBook (xlwings_book.py; classic xlwings and, as LiteBook,
xlwings Lite) and MemoryBook (memory.py; the tests). Rows and columns are 0-based;
values are what the readers give (str, float, int, bool, date, datetime, "" or None).

Marks: every cell 校验本表 fills or notes is recorded, with the fill and note it had
before, in hidden columns of the 校验结果 sheet. The next run puts a cell back only where
the fill or note is still the one we set, so a user's own colours and comments survive,
even ones given after our run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol, Sequence

from ..a1 import a1, parse_a1
from ..readers import Sheet, Workbook
from ..sheetnames import is_auxiliary


@dataclass(frozen=True)
class Look:
    """A cell's fill ("#RRGGBB", None for none) and note (None for none)."""
    fill: str | None = None
    note: str | None = None


@dataclass
class Details:
    """What a sheet holds besides values, which the checks report: merged ranges (0-based,
    inclusive: r1, c1, r2, c2), formulas and error values by (row, col)."""
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)


@dataclass(frozen=True)
class Link:
    """A cell of a new sheet that links to a cell of the workbook."""
    row: int
    col: int
    sheet: str
    cell: str           # A1


class Book(Protocol):
    """A workbook open in Excel, as the buttons see it."""

    name: str                   # the file's name, 拜访记录_2026-10.xlsm
    path: Path | None           # where it is saved; None when unsaved or out of reach (Lite)
    can_mark: bool              # fills and notes can be read and set (not in xlwings Lite)
    can_ask: bool               # message(ask=True) gets an answer (not in xlwings Lite)

    def sheet_names(self) -> list[str]:
        """The worksheets, in tab order."""

    def hidden(self, sheet: str) -> bool:
        """Whether a sheet is hidden."""

    def read(self, sheet: str) -> list[list[Any]]:
        """A sheet's values from A1 to its last used cell (a rectangle)."""

    def details(self, sheet: str) -> Details:
        """A sheet's merged ranges, formulas and error values."""

    def write(self, sheet: str, row: int, col: int, rows: Sequence[Sequence[Any]]) -> None:
        """Values into a rectangle whose top-left cell is (row, col)."""

    def look(self, sheet: str, row: int, col: int) -> Look:
        """A cell's fill and note."""

    def mark(self, sheet: str, row: int, col: int, look: Look) -> None:
        """Set a cell's fill and note (None removes them)."""

    def replace_sheet(self, name: str, rows: Sequence[Sequence[Any]], *, links: Sequence[Link] = (),
                      fills: dict[tuple[int, int], str] | None = None, hide_from: int | None = None,
                      first: bool = False) -> None:
        """A sheet of these rows, emptied first when it exists (added last, or first):
        links to cells, fills of cells, columns from hide_from on hidden."""

    def message(self, text: str, *, ask: bool = False) -> bool:
        """A message box; with ask, a yes/no question whose answer it returns."""

    def status(self, text: str | None) -> None:
        """Excel's status bar (None gives it back to Excel)."""

    def open_file(self, path: Path) -> None:
        """Open a workbook file in Excel for the user."""

    def open_book(self, path: Path) -> "Book | None":
        """The workbook of that file when Excel has it open, else None."""


def as_workbook(book: Book) -> Workbook:
    """The book's current values as the readers give a file (validation takes it in place
    of a path); its name is its saved path, so that cross-file messages name the file."""
    sheets = []
    for name in book.sheet_names():
        if is_auxiliary(name):          # 校验结果, 参照-*, 下拉列表 ...: never validated, so not read
            continue
        rows = [(r, list(values)) for r, values in enumerate(book.read(name)) if any(v not in ("", None) for v in values)]
        more = book.details(name)
        sheets.append(Sheet(name, [(r, ["" if v is None else v for v in values]) for r, values in rows],
                            merged=more.merged, formulas=more.formulas, errors=more.errors, hidden=book.hidden(name)))
    kind = "xlsm" if book.name.lower().endswith(".xlsm") else "xlsx"
    return Workbook(str(book.path or book.name), kind, sheets)


# --- our marks ------------------------------------------------------------------------------
MARK_HEADERS = ("标记工作表", "标记单元格", "原底色", "原批注", "本次底色", "本次批注")
MARK_GAP = 1            # an empty column between the results and the records


@dataclass(frozen=True)
class Mark:
    """One cell we marked: the look it had before and a digest of the one we gave it."""
    sheet: str
    cell: str
    before: Look
    fill: str | None
    note_digest: str

    def row(self) -> list[str]:
        """The mark as a row of the hidden record columns (MARK_HEADERS)."""
        return [self.sheet, self.cell, self.before.fill or "", self.before.note or "", self.fill or "",
                self.note_digest]


def digest(note: str | None) -> str:
    """A short fingerprint of a note (the record need not hold our long text twice)."""
    return hashlib.sha256((note or "").encode()).hexdigest()[:16] if note else ""


def read_marks(rows: list[list[Any]], start: int) -> list[Mark]:
    """The marks recorded in a 校验结果 sheet's values from column start on (its header
    row names them); an old or foreign sheet without the record gives none."""
    if not rows or len(rows[0]) < start + len(MARK_HEADERS) or \
            tuple(rows[0][start:start + len(MARK_HEADERS)]) != MARK_HEADERS:
        return []
    out = []
    for values in rows[1:]:
        sheet, cell, fill, note, ours, ours_note = (str(v or "") for v in values[start:start + len(MARK_HEADERS)])
        if sheet and cell:
            out.append(Mark(sheet, cell, Look(fill or None, note or None), ours or None, ours_note))
    return out


def clear_marks(book: Book, marks: list[Mark]) -> int:
    """Put back what each of our marks covered, where the cell still shows our mark; a
    fill or note the user changed since stays. Returns the cells put back."""
    names = set(book.sheet_names())
    done = 0
    for m in reversed(marks):       # a cell marked twice ends as it was first
        if m.sheet not in names:
            continue
        col, row = parse_a1(m.cell)
        now = book.look(m.sheet, row - 1, col)
        fill = m.before.fill if _same_fill(now.fill, m.fill) else now.fill
        note = m.before.note if digest(now.note) == m.note_digest and m.note_digest else now.note
        if (fill, note) != (now.fill, now.note):
            book.mark(m.sheet, row - 1, col, Look(fill, note))
            done += 1
    return done


def put_marks(book: Book, notes: dict[tuple[str, str], tuple[str, str]], fills: dict[str, str],
              progress: Callable[[int, int], None] | None = None) -> list[Mark]:
    """Fill and note every problem cell ((sheet, A1) -> (severity, note text)); a note the
    user had stays above ours. Returns the marks to record."""
    from ..annotate import with_users_note

    marks = []
    for n, ((sheet, ref), (severity, text)) in enumerate(notes.items()):
        if progress and n % 200 == 0:
            progress(n, len(notes))
        col, row = parse_a1(ref)
        before = book.look(sheet, row - 1, col)
        note = with_users_note(before.note, text) if before.note else text
        fill = fills[severity]
        book.mark(sheet, row - 1, col, Look(fill, note))
        marks.append(Mark(sheet, a1(col, row), before, fill, digest(note)))
    return marks


def _same_fill(a: str | None, b: str | None) -> bool:
    return (a or "").upper() == (b or "").upper()
