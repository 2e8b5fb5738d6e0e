"""How much room text takes: in a terminal, in an Excel column and on a printed page.

Chinese, Japanese and Korean characters (East Asian Wide and Fullwidth) take two columns
of a terminal, everything else one. Excel measures a column in widths of the digit 0 of
the default font (等线 11 pt: 8 pixels, 6.1 points); a CJK character of that font is one
em, 11 points: 1.8 digits (measured on LibreOffice's print, see tests/test_text.py).
Clients do not recompute row heights of wrapped text on open, so writers set them from
``wrapped_lines``.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Iterable

LINE_POINTS = 15.0          # the height of one line of 11-point 等线 / Calibri text
CJK_UNITS = 1.8             # a CJK character, in digit widths (11 points against 6.1)
MAX_ROW_POINTS = 409.0      # Excel refuses a taller row
PADDING = 2.0               # room beside a column's widest text
MIN_WIDTH = 6.0             # the narrowest column fit_width gives


def char_width(ch: str) -> int:
    """Columns one character takes: 2 for wide (CJK, full-width), 0 for combining marks."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Columns a text takes in a terminal: CJK characters take two. Of a text with line
    breaks, the widest line."""
    if text.isascii():
        return max(map(len, text.split("\n"))) if "\n" in text else len(text)
    return max(sum(map(char_width, line)) for line in text.split("\n"))


def pad(text: str, cols: int, right: bool = False) -> str:
    """A text in a terminal field of cols columns: shortened with … when too long."""
    while display_width(text) > cols - 1 and len(text) > 1:
        text = text[:-2] + "…"
    space = " " * max(cols - display_width(text), 1)
    return space + text if right else text + space


@functools.cache
def char_units(ch: str) -> float:
    """The width of one character in an Excel column, in digit widths."""
    if unicodedata.combining(ch):
        return 0.0
    return CJK_UNITS if unicodedata.east_asian_width(ch) in ("W", "F") else 1.0


def excel_width(text: str) -> float:
    """The Excel column width (in digit widths) that shows text on one line (of a text with
    line breaks, its widest line)."""
    if text.isascii():
        return float(max(map(len, text.split("\n"))) if "\n" in text else len(text))
    return max(map(_units, text.split("\n")))


def _units(line: str) -> float:
    """A line's width at C speed: every character of three or more UTF-8 bytes (CJK,
    full-width forms, and a few symbols such as — and …) counts as wide. That is never
    narrower than char_units says, so a line measured to fit does fit."""
    n, ascii_ = len(line), len(line.encode("ascii", "ignore"))
    wide = len(line.encode("utf-8", "surrogatepass")) - 2 * n + ascii_
    return n + (CJK_UNITS - 1) * wide


def fit_width(texts: Iterable[str], *, minimum: float = MIN_WIDTH, maximum: float = 50,
              padding: float = PADDING) -> float:
    """A column width from its content: the widest text plus padding, within bounds.
    Text wider than maximum wraps (give its cells a wrapping format and wrapped_lines)."""
    widest = max((excel_width(t) for t in texts if t), default=0)
    return round(min(max(widest + padding, minimum), maximum), 1)


def wrapped_lines(text: str, width: float) -> int:
    """Lines a text takes when wrapped in a column of the given Excel width (line breaks
    kept; a character that does not fit moves to the next line, as the clients wrap)."""
    room = max(width, CJK_UNITS)
    if excel_width(text) <= room:
        return text.count("\n") + 1            # every line fits: most cells
    lines = 0
    for line in text.split("\n") or [""]:
        if excel_width(line) <= room:
            lines += 1
            continue
        used, n = 0.0, 1
        for ch in line:
            w = char_units(ch)
            if used + w > room:
                n, used = n + 1, 0
            used += w
        lines += n
    return max(lines, 1)


def row_height(lines: int, font_points: float = 11) -> float:
    """Points for a row of that many lines of text at that font size (at most the 409
    points Excel allows a row)."""
    return min(round(LINE_POINTS * font_points / 11 * max(lines, 1) + 1.5, 1), MAX_ROW_POINTS)
