"""What every reader hands on: sheets as grids of raw cell values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Sheet:
    """One sheet. ``rows`` holds (0-based row index, values from column A); rows that
    are entirely empty may be missing. Values are str, float, bool, date, datetime,
    time or "" / None for empty."""
    name: str
    rows: list[tuple[int, list[Any]]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based, inclusive
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden: bool = False


@dataclass
class Workbook:
    path: str
    kind: str                       # xlsx / xlsm / csv
    sheets: list[Sheet]
    notes: list[str] = field(default_factory=list)
    encoding: str | None = None     # CSV only
    delimiter: str | None = None    # CSV only
