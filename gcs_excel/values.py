"""Reading what people type: full-width characters, text dates, months, numbers as text,
Excel serial dates and the digits Excel keeps of long numbers. Pure functions."""

from __future__ import annotations

import datetime as dt
import re

# Full-width ASCII block (U+FF01–U+FF5E) maps onto U+0021–U+007E; U+3000 is the
# ideographic (full-width) space.
_FW_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_FW_RE = re.compile("[\uff01-\uff5e\u3000]")


def fullwidth_chars(s: str) -> str:
    """The distinct full-width characters in s, in order of appearance."""
    seen: dict[str, None] = {}
    for m in _FW_RE.finditer(s):
        seen.setdefault("全角空格" if m.group() == "\u3000" else m.group())
    return "、".join(seen)


def to_halfwidth(s: str) -> str:
    """Full-width ASCII and the ideographic space as their half-width forms."""
    return s.translate(_FW_TABLE)


_BREAK_RE = re.compile(r"\s*[\r\n]+\s*")


def join_lines(s: str) -> str:
    """Remove in-cell line breaks; keep a space only between two Latin words or digits."""
    def repl(m: re.Match) -> str:
        before = s[m.start() - 1] if m.start() else ""
        after = s[m.end()] if m.end() < len(s) else ""
        if before.isascii() and after.isascii() and before.isalnum() and after.isalnum():
            return " "
        return ""
    return _BREAK_RE.sub(repl, s)


# --- dates ----------------------------------------------------------------------
_DATE_RES = (
    re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_text_date(s: str) -> dt.date | None:
    """Dates as people type them: 2026-03-05, 2026/3/5, 2026.3.5, 2026年3月5日, 20260305."""
    for rx in _DATE_RES:
        m = rx.match(s)
        if m:
            try:
                day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
            return day if 1900 <= day.year <= 2199 else None
    return None


_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 with Excel's 1900 leap-year bug


def serial_to_date(x: float) -> dt.date | None:
    """An Excel serial day number (1900 system) as a date, when it is a plausible one."""
    if not 32874 <= x < 73051:  # 1990-01-01 .. 2099-12-31
        return None
    return _EXCEL_EPOCH + dt.timedelta(days=int(x))


def date_from_number(x: float) -> tuple[dt.date, str] | None:
    """A number typed where a date belongs: an Excel serial, or digits YYYYMMDD."""
    if float(x).is_integer() and 19000101 <= x <= 21991231:
        day = parse_text_date(str(int(x)))
        return (day, "按年月日读") if day else None
    day = serial_to_date(x)
    return (day, "按 Excel 日期序号") if day else None


# --- months -----------------------------------------------------------------------
MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_MONTH_LOOSE_RES = (
    re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
)


def parse_month(s: str) -> str | None:
    """A month in any usual form as text YYYY-MM, else None."""
    if MONTH_RE.match(s):
        return s
    for rx in _MONTH_LOOSE_RES:
        m = rx.match(s)
        if m and 1 <= int(m.group(2)) <= 12 and 1900 <= int(m.group(1)) <= 2199:
            return f"{m.group(1)}-{int(m.group(2)):02d}"
    return None


def month_of(day: dt.date) -> str:
    """The month (YYYY-MM) of a date."""
    return f"{day.year:04d}-{day.month:02d}"


def month_index(month: str) -> int:
    """YYYY-MM as a count of months (differences are month spans)."""
    y, m = map(int, month.split("-"))
    return y * 12 + m - 1


def month_at(n: int) -> str:
    """The YYYY-MM month of a count of months (month_index's inverse)."""
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def shift_month(month: str, k: int) -> str:
    """The month k months after (before, for k < 0) a YYYY-MM month."""
    return month_at(month_index(month) + k)


def months_ending(month: str, n: int) -> list[str]:
    """The n months ending with month, oldest first."""
    return [shift_month(month, k) for k in range(1 - n, 1)]


# --- numbers ----------------------------------------------------------------------
_NUMBER_RE = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^[+-]?\.\d+$")


def parse_number_text(s: str) -> float | int | None:
    """A number typed as text (thousands separators allowed), else None."""
    if not _NUMBER_RE.match(s):
        return None
    plain = s.replace(",", "")
    if "." in plain:
        value = float(plain)
        return int(value) if value.is_integer() else value
    return int(plain)


_SCI_RE = re.compile(r"^[+-]?\d(?:\.\d+)?[eE]\+?\d{1,3}$")


def is_scientific(s: str) -> bool:
    """Text like 1.10105E+17: a long number Excel displayed, then stored as text."""
    return bool(_SCI_RE.match(s))


def excel_digits(x: float) -> str:
    """A long number as Excel holds it: 15 significant digits, then zeros."""
    mantissa, exp = f"{abs(x):.14e}".split("e")
    digits = mantissa.replace(".", "")
    return (digits + "0" * (int(exp) + 1 - len(digits)))[: int(exp) + 1]


def plain_number(x: float | int) -> float | int:
    """1200.0 -> 1200, keeping real fractions."""
    if isinstance(x, float) and x.is_integer() and abs(x) < 2**53:
        return int(x)
    return x


# How clerks separate names or codes in one cell: 、，,；; or spaces (full-width too), line breaks.
_MANY_RE = re.compile(r"[、，,；;\s\u3000]+")


def split_many(text) -> list[str]:
    """The values of a cell that holds several (JT0001、JT0002 / 刘洋, 陈静 / 王建国 刘洋),
    in order, each once."""
    if text is None:
        return []
    return list(dict.fromkeys(p for p in _MANY_RE.split(str(text)) if p))
