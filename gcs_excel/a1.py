"""A1 cell references: column letters to numbers and back."""

from __future__ import annotations


def col_index(letters: str | bytes) -> int:
    """A -> 1, Z -> 26, AA -> 27 ... XFD -> 16384 (1-based)."""
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode():
        n = n * 26 + ord(ch) - 64
    return n


def col_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (0-based)."""
    s = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        s = chr(65 + rem) + s
    return s


def a1(col: int, row: int) -> str:
    """0-based column, Excel row number -> "C5"."""
    return f"{col_letter(col)}{row}"


def parse_a1(ref: str) -> tuple[int, int]:
    """"C5" -> (0-based column 2, Excel row 5)."""
    letters = ref.rstrip("0123456789")
    return col_index(letters) - 1, int(ref[len(letters):])
