"""What every reader hands on: sheets of raw cell values.

A sheet is held by rows (workbooks, as calamine and openpyxl give them) or by columns
(large CSV files, as pandas parses them: 2 million records are never turned into 2 million
row lists). Both answer the same questions: the first rows (to find the header), every row
(to edit a copy), and the data below the header as columns (to validate).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import compress
from operator import itemgetter, not_
from typing import Any, Iterator

EMPTY = frozenset(("", None))    # the values of an empty cell


class Sheet:
    """One sheet. Values are str, float, bool, date, datetime, time or "" / None for
    empty. Row indexes are 0-based (Excel row = index + 1); empty rows may be missing."""

    def __init__(self, name: str, rows: list[tuple[int, list[Any]]] | None = None, *,
                 columns: list[list[Any]] | None = None, index: list[int] | None = None,
                 merged=None, formulas=None, errors=None, hidden: bool = False, hidden_rows=None):
        self.name = name
        self._rows = rows
        self._columns = columns
        self._index = index
        self.merged: list[tuple[int, int, int, int]] = list(merged or [])   # 0-based, inclusive
        self.formulas: dict[tuple[int, int], str] = dict(formulas or {})
        self.errors: dict[tuple[int, int], str] = dict(errors or {})
        self.hidden = hidden
        self.hidden_rows: set[int] = set(hidden_rows or ())    # 0-based rows hidden in the client

    def __len__(self) -> int:
        return len(self._rows) if self._rows is not None else len(self._index or ())

    @property
    def rows(self) -> list[tuple[int, list[Any]]]:
        """Every row; built from the columns on first use."""
        if self._rows is None:
            self._rows = list(zip(self._index, map(list, zip(*self._columns)))) if self._columns else []
        return self._rows

    def head(self, n: int) -> list[tuple[int, list[Any]]]:
        """The first n rows (to find the header)."""
        if self._rows is not None or not self._columns:
            return self.rows[:n]
        return list(zip(self._index[:n], map(list, zip(*(c[:n] for c in self._columns)))))

    def iter_rows(self) -> Iterator[tuple[int, list[Any]]]:
        """Every row as (index, values)."""
        if self._rows is not None or not self._columns:
            return iter(self.rows)
        return zip(self._index, map(list, zip(*self._columns)))

    def data(self, start: int, cols: list[int]) -> tuple[list[int], list[list[Any]]]:
        """Row indexes and the given columns, from position start (below the header)."""
        if self._rows is None:
            n = len(self._index) - start
            return (self._index[start:],
                    [self._columns[c][start:] if c < len(self._columns) else [""] * n for c in cols])
        data = self._rows[start:]
        index = list(map(itemgetter(0), data))
        if not cols:
            return index, []
        need = max(cols) + 1
        values = list(map(itemgetter(1), data))
        if values and min(map(len, values)) < need:
            values = [v if len(v) >= need else [*v, *([""] * (need - len(v)))] for v in values]
        return index, [[v[c] for v in values] for c in cols]     # faster than zip(*rows)


    def stray(self, start: int, named: set[int]) -> dict[int, list[int]]:
        """Content below position start in columns that are not named: column -> row
        indexes. Never pads rows, so one far-away cell costs one row, not a wide grid."""
        out: dict[int, list[int]] = {}
        if self._rows is None:
            for c, col in enumerate(self._columns or ()):
                if c not in named:
                    hits = [self._index[i] for i in range(start, len(col)) if col[i] not in ("", None)]
                    if hits:
                        out[c] = hits
            return out
        data = self._rows[start:]
        widths = set(map(len, map(itemgetter(1), data)))
        if len(widths) == 1:    # a rectangular grid (calamine's): column by column, at C speed
            index = list(map(itemgetter(0), data))
            values = list(map(itemgetter(1), data))
            for c in range(widths.pop()):
                if c not in named:
                    hits = list(compress(index, map(not_, map(EMPTY.__contains__, map(itemgetter(c), values)))))
                    if hits:
                        out[c] = hits
            return out
        last = max(named, default=-1)
        gaps = [c for c in range(last) if c not in named]
        for r, values in data:
            tail = values[last + 1:]
            if tail and tail.count("") + tail.count(None) < len(tail):
                for c, v in enumerate(tail, start=last + 1):
                    if v not in ("", None):
                        out.setdefault(c, []).append(r)
            for c in gaps:
                if c < len(values) and values[c] not in ("", None):
                    out.setdefault(c, []).append(r)
        return {c: out[c] for c in sorted(out)}


@dataclass
class Workbook:
    """A file as read: its sheets of raw values, notes, and for CSV its encoding and delimiter."""
    path: str
    kind: str                       # xlsx / xlsm / csv
    sheets: list[Sheet]
    notes: list[str] = field(default_factory=list)
    encoding: str | None = None     # CSV only
    delimiter: str | None = None    # CSV only

    def __fspath__(self) -> str:
        """A read workbook stands in for its file wherever a path is taken (validate,
        check_writable): the Excel buttons hand the open workbook's values over this way."""
        return self.path
