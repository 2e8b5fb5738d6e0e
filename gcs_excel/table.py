"""A recognised sheet: which spec it implements, where its columns are, its rows.

Validation fills ``values`` (what the tools should use: trimmed, typed) and
``field_errors`` (per field, the rows with an error-level problem there, which later
steps leave out and report).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from .a1 import a1
from .spec import SheetSpec


@dataclass
class Table:
    """A recognised sheet: which spec it implements, where its columns are, its rows and checked values."""
    file: str
    sheet: str
    spec: SheetSpec
    header_row: int                          # Excel row number of the header
    columns: dict[str, int]                  # field id -> 0-based column
    rows: list[int]                          # Excel row numbers of the data rows
    raw: dict[str, list[Any]]                # field id -> raw cell values
    csv: bool = False
    values: dict[str, list[Any]] = field(default_factory=dict)
    field_errors: dict[str, set[int]] = field(default_factory=dict)   # field id -> rows with an error there

    def bad_rows(self, needed: Iterable[str] | None = None) -> set[int]:
        """Rows with an error in any of the needed fields (all fields when not given)."""
        fields = self.field_errors if needed is None else needed
        return set().union(*(self.field_errors.get(f, ()) for f in fields))

    def __len__(self) -> int:
        return len(self.rows)

    def cell(self, field_id: str, i: int) -> str | None:
        """The A1 reference of a field's cell in data row i (None when the column is absent)."""
        col = self.columns.get(field_id)
        return None if col is None else a1(col, self.rows[i])

    def records(self, needed: Iterable[str] | None = None) -> Iterator[dict[str, Any]]:
        """Rows as dicts of normalised values by field id (plus "row", the Excel row
        number). Rows with errors are left out; with needed, only rows with an error in a
        needed field are, and other wrong values read as None."""
        ids = list(self.values)
        cols = [self.values[f] for f in ids]
        bad = self.bad_rows(needed)
        blank = {f: rows for f, rows in self.field_errors.items() if rows} if needed is not None else {}
        for i, row in enumerate(self.rows):
            if i not in bad:
                rec = {f: c[i] for f, c in zip(ids, cols)}
                for f, rows in blank.items():
                    if i in rows:
                        rec[f] = None
                rec["row"] = row
                yield rec

    def frame(self, include_errors: bool = False):
        """A DataFrame with a column per field id (None where the column is absent),
        plus "row" and, when error rows are included, "has_error"."""
        import pandas as pd

        n = len(self.rows)
        columns = {f: self.values.get(f, [None] * n) for f in self.spec.ids}
        bad = self.bad_rows()
        df = pd.DataFrame({**columns, "row": self.rows, "has_error": [i in bad for i in range(n)]}, dtype=object)
        df["row"] = df["row"].astype(int)
        if not include_errors:
            df = df[~df["has_error"].astype(bool)].drop(columns="has_error")
        return df.reset_index(drop=True)
