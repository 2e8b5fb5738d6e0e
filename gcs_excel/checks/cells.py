"""One cell against its field: type, enum, range, named check, and the Excel traps.

``CellChecker(field)(raw)`` returns ``(value, findings)``: the value as the tools should
use it (trimmed, half-width, typed, a phone in its plain form; ``None`` when empty or
unusable) and what was wrong. Safe normalisations carry the normalised value as their
suggestion, which `gcs fix` applies. Raw values are what the readers give: str, float,
int, bool, date, datetime, time, or None.

What careful people type is not a mistake: line breaks in free text (the spec's
``free_text``), phones written in groups or with the area code in brackets.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any, Callable

from ..problems import Finding, finding, show
from ..readers.styles import CellFormat, general
from ..spec import Field, named_checks
from ..textsafe import looks_like_formula
from ..values import (
    date_from_number, excel_digits, fullwidth_chars, is_scientific, join_lines,
    month_of, parse_month, parse_number_text, parse_text_date, plain_number, to_halfwidth,
)
from .identifiers import CHECKS, CLEAN, WRITTEN, resident_id

Result = tuple[Any, tuple[Finding, ...]]
EMPTY: Result = (None, ())

TYPE_NAMES = {
    "text": "文本", "int": "整数", "number": "数字", "date": "日期",
    "month": "月份（文本 YYYY-MM）", "enum": "下拉列表中的值",
}
UNITS_RE = re.compile(r"[(（]([^)）]+)[)）]$")

# Anything that needs a closer look: whitespace at the edges or line breaks (all fields),
# plus any whitespace or full-width character inside codes, numbers, dates and enums.
_LOOSE_ATTENTION = re.compile(r"^\s|\s$|[\r\n\t]")
_FREE_ATTENTION = re.compile(r"^\s|\s$|\t")
_STRICT_ATTENTION = re.compile(r"\s|[\uff01-\uff5e]")
_INNER_SPACE = re.compile(r"\s+")
_EDGE_BREAK = re.compile(r"^\s*[\r\n]\s*|\s*[\r\n]\s*$")   # a line break at an edge of free text

# Fields whose values are codes or typed values, where full-width characters and inner
# spaces are mistakes rather than part of the text.
_STRICT_TYPES = ("int", "number", "date", "month", "enum")


# Clean text that needs no closer look: no edge whitespace or line breaks (text); line
# breaks allowed inside (free text); no formula look (names, addresses); no whitespace or
# full-width characters and not scientific notation (codes).
_CLEAN_TEXT = r"\S(?:[^\r\n\t]*\S)?"
_CLEAN_FREE = r"\S(?:[^\t]*\S)?"
_CLEAN_PLAIN = r"(?![=+\-@])" + _CLEAN_TEXT
_CLEAN_CODE = r"(?![+-]?[0-9](?:\.[0-9]+)?[eE]\+?[0-9]{1,3}\Z)[^\s\uff01-\uff5e]+"
_CLEAN_MONTH = r"[0-9]{4}-(?:0[1-9]|1[0-2])"


def enum_words(field: Field) -> str:
    """What an enum field takes, in words: 是、否 (, or a value of its or_check)."""
    words = "、".join(field.values)
    return f"{words}，或{named_checks()[field.or_check].rule}" if field.or_check else words


def clean_pattern(field: Field) -> re.Pattern | None:
    """A regex whose full match means: the text is already clean and valid as it is.
    None where every value needs the full check (numbers, dates, checksummed codes)."""
    if field.type == "enum":
        also = [CLEAN[field.or_check].pattern] if field.or_check else []
        return re.compile("|".join([*map(re.escape, field.values), *also]))
    if field.type == "month":
        return re.compile(_CLEAN_MONTH)
    if field.type != "text":
        return None
    if field.check and field.pattern:
        return None
    if field.check:
        return CLEAN.get(field.check)
    if field.pattern:
        return re.compile(field.pattern.strip("^$"), re.ASCII)
    if field.code:
        return re.compile(_CLEAN_CODE)
    if field.free_text:
        return re.compile(_CLEAN_FREE)
    return re.compile(_CLEAN_PLAIN if field.plain_text else _CLEAN_TEXT)


def _seen(digits: str, shown: str | None, fmt: CellFormat | None) -> str:
    """How a code stored as a number looks, when that is known and not simply its digits."""
    if fmt is None or shown == digits:
        return ""
    if shown is None:
        return f"（单元格按数字格式「{fmt.code}」显示）"
    if set(shown) == {"#"}:
        return f"（列宽不够，单元格显示为 {shown}）"
    how = f"按数字格式「{fmt.code}」" if fmt.code not in ("General", "@") else ""
    return f"（单元格{how}显示为 {shown}）"


def _seen_lost(held: str, shown: str | None, fmt: CellFormat | None) -> str:
    """What a long number that lost its last digits looks like: on screen and in the
    formula bar (which shows the 15 digits kept, then zeros)."""
    if fmt is None:             # not looked up (no file): say what General would show
        return f"单元格里是 {held}（常规格式下显示为 {shown}）"
    if shown is None:
        return f"单元格按数字格式「{fmt.code}」显示，编辑栏里是 {held}"
    if set(shown) == {"#"}:
        return f"列宽不够，单元格显示为 {shown}，编辑栏里是 {held}"
    if shown == held:
        return f"单元格按数字格式「{fmt.code}」显示为 {held}，看上去位数齐全"
    return f"单元格显示为 {shown}，编辑栏里是 {held}"


def _unit(field: Field) -> str:
    m = UNITS_RE.search(field.header)
    return f"（单位：{m.group(1)}）" if m else ""


def _where(raw: str, inner: bool) -> str:
    lead, trail = raw[:1].isspace(), raw[-1:].isspace()
    parts = [p for p, on in (("开头", lead), ("结尾", trail)) if on]
    if inner:
        parts.append("中间")
    return "和".join(parts)


class CellChecker:
    """Checks the cells of one field. Build once per column; call once per cell."""

    def __init__(self, field: Field, *, csv: bool = False, today: dt.date | None = None):
        self.field = field
        self.csv = csv
        self.today = today or dt.date.today()
        # Full-width characters are mistakes in codes and typed values, but ordinary
        # punctuation in names and addresses; inner spaces are mistakes only in codes,
        # numbers and list values ("2026-03-05 10:30" keeps its space).
        self.fold = field.code or field.type in _STRICT_TYPES or bool(field.check)
        # Phones are written in groups (139 0731 1234) and, typed on a Chinese keyboard,
        # with full-width brackets: neither is a mistake.
        self.written = WRITTEN.get(field.check or "")
        self.squeeze = (field.code or field.type in ("int", "number", "enum")) and self.written is None
        self._wide_ok = {ord(c): None for c in self.written.fullwidth} if self.written else {}
        self._attention = (_STRICT_ATTENTION if self.fold
                           else _FREE_ATTENTION if field.free_text else _LOOSE_ATTENTION)
        self._check: Callable[[str], Finding | None] | None = CHECKS.get(field.check or "")
        if self._check is resident_id:     # born after the day the data is checked for: wrong
            self._check = functools.partial(resident_id, today=self.today)
        self._pattern = re.compile(field.pattern, re.ASCII) if field.pattern else None
        self._values = frozenset(field.values)
        self.clean = clean_pattern(field)
        self._typed = {
            "text": self._as_text, "enum": self._as_enum, "int": self._as_number,
            "number": self._as_number, "date": self._as_date, "month": self._as_month,
        }[field.type]

    # -- entry point ---------------------------------------------------------------
    def __call__(self, raw: Any) -> Result:
        t = type(raw)
        if t is str:
            return self._text(raw) if raw else EMPTY
        if raw is None:
            return EMPTY
        if t is float or t is int:
            return self._number(raw)
        if t is dt.datetime or t is dt.date:
            return self._datetime(raw)
        actual = "逻辑值" if t is bool else "时间"
        return None, (self._wrong_type(actual, raw),)

    def _wrong_type(self, actual: str, raw: Any) -> Finding:
        return finding("wrong_type", actual=actual, value=show(raw),
                       expected=TYPE_NAMES[self.field.type])

    # -- text as typed -----------------------------------------------------------------
    def _text(self, raw: str) -> Result:
        s = raw
        notes: list[tuple[str, dict]] = []
        if self._attention.search(s):
            if self.field.free_text:
                s = _EDGE_BREAK.sub("", s)      # line breaks are part of free text, even at its ends
            elif "\r" in s or "\n" in s:
                s = join_lines(s)
                notes.append(("line_break", {}))
            if self.fold:
                chars = fullwidth_chars(s.translate(self._wide_ok))
                if chars:
                    s = to_halfwidth(s)
                    notes.append(("fullwidth_chars", {"value": raw, "chars": chars}))
            inner = bool(_INNER_SPACE.search(s.strip())) if self.squeeze else "\t" in s.strip()
            if s != s.strip() or inner:
                where = _where(s, inner)
                s = _INNER_SPACE.sub("", s) if self.squeeze else s.strip().replace("\t", " ")
                notes.append(("stray_whitespace", {"value": raw, "where": where}))
            if not s:
                if self.field.required:
                    return None, (finding("required_missing", detail="（只有空格）"),)
                return None, (finding("stray_whitespace", "", value=raw, where="全是空格"),)
        value, found = self._typed(s)
        fixed = s if value is None else value
        return value, (*(finding(c, fixed, **p) for c, p in notes), *found)

    def _content(self, s: str) -> list[Finding]:
        out = []
        if self._check:
            f = self._check(s)
            if f:
                out.append(f)
        if self._pattern and not self._pattern.match(s):
            up = s.upper()
            out.append(finding("pattern_mismatch", up if self._pattern.match(up) else None,
                               value=s, pattern_text=self.field.pattern_text))
        return out

    def _as_text(self, s: str) -> tuple[Any, list[Finding]]:
        if self.field.code and is_scientific(s):
            return None, [finding("scientific_notation_text", value=s)]
        found = self._content(s)
        if self.written and not found:
            s = self.written.normalise(s) or s      # the plain form: 0731-85123456
        if self.field.plain_text and looks_like_formula(s):
            found.append(finding("formula_like_text", value=s, first=s.lstrip()[0]))
        return s, found

    def _as_enum(self, s: str) -> tuple[Any, list[Finding]]:
        if s in self._values:
            return s, []
        also = self.field.or_check
        if also:
            found = CHECKS[also](s)
            if found is None:
                return s, []
            if found.suggestion is not None or s[:1].isascii():    # a number mistyped, not a wrong label
                return None, [found]
        return None, [finding("enum_invalid", value=s, values=enum_words(self.field))]

    def _as_number(self, s: str) -> tuple[Any, list[Finding]]:
        n = parse_number_text(s)
        if n is None:
            return None, [finding("not_a_number", value=s, unit=_unit(self.field))]
        found = [] if self.csv else [finding("number_as_text", n, value=s)]
        value, more = self._numeric(n)
        if value is None:
            return None, more
        return value, found + more

    def _as_date(self, s: str) -> tuple[Any, list[Finding]]:
        day = parse_text_date(s)
        if day is None:
            return None, [finding("not_a_date", value=s)]
        found = [] if self.csv else [finding("date_as_text", day, value=s)]
        return day, found + self._date_rules(day)

    def _as_month(self, s: str) -> tuple[Any, list[Finding]]:
        month = parse_month(s)
        if month is None:
            return None, [finding("not_a_month", value=s)]
        if month != s and not self.csv:
            return month, [finding("month_format", month, value=s)]
        return month, []

    # -- numbers as stored -------------------------------------------------------------
    def _numeric(self, v: float | int) -> tuple[Any, list[Finding]]:
        f = self.field
        v = plain_number(v)
        if f.type == "int" and not float(v).is_integer():
            return None, [finding("not_an_integer", value=show(v), unit=_unit(f))]
        found = []
        if f.min is not None and v < f.min:
            found.append(finding("out_of_range", value=show(v), rule=f"不小于 {show(plain_number(f.min))}"))
        if f.gt is not None and v <= f.gt:
            found.append(finding("out_of_range", value=show(v), rule=f"大于 {show(plain_number(f.gt))}"))
        return v, found

    def _number(self, raw: float | int) -> Result:
        f = self.field
        if f.type in ("int", "number"):
            value, found = self._numeric(raw)
            return value, tuple(found)
        if f.type == "date":
            got = date_from_number(raw)
            if got is None:
                return None, (finding("not_a_date", value=show(raw)),)
            day, how = got
            return day, (finding("date_as_number", day, value=show(raw), how=how),
                         *self._date_rules(day))
        if f.type == "month":
            return self._month_number(raw)
        if f.type == "enum":
            return None, (finding("enum_invalid", value=show(raw), values=enum_words(f)),)
        if not f.code:
            return show(raw), ()
        return self._code_number(raw)

    def _month_number(self, raw: float | int) -> Result:
        text = show(raw)
        if isinstance(raw, float) and not raw.is_integer() and text.endswith(".1"):
            return None, (finding("not_a_month", value=text,
                                  detail=f"；{text} 可能是 1 月，也可能是 10 月被 Excel 去掉了末尾的 0"),)
        month = parse_month(text)
        if month is None:
            return None, (finding("not_a_month", value=text),)
        return month, (finding("month_format", month, value=text),)

    def needs_format(self, raw: Any, found: tuple[Finding, ...]) -> bool:
        """Whether the message about a number in a code column depends on what its cell
        shows (number format, column width): when digits are lost (format 0 shows all
        18, General 4.30104E+17) or leading zeros may be (a format 0000 still shows
        them). Whole codes of a fixed format need no look: the digits are all there.
        Rare cells, so the file is read again for these only."""
        if not self.field.code or raw.__class__ not in (int, float):
            return False
        fixed = bool(self._check or self._pattern)
        return any(f.code in ("digits_lost", "leading_zeros_lost") or (f.code == "stored_as_number" and not fixed)
                   for f in found)

    def with_format(self, raw: float | int, fmt: CellFormat) -> Result:
        """The result for a number in a code column, told by what its cell shows."""
        return self._code_number(raw, fmt)

    def _code_number(self, raw: float | int, fmt: CellFormat | None = None) -> Result:
        """An identifier Excel stored as a number: say what survived, what did not, and
        what the cell shows (fmt unknown: General in a column wide enough)."""
        if isinstance(raw, float) and not raw.is_integer():
            return None, (self._wrong_type("带小数的数字", raw),)
        digits = str(abs(int(raw)))
        shown = general(raw) if fmt is None else fmt.show(raw)
        if len(digits) >= 16:
            held = excel_digits(raw)
            return None, (finding("digits_lost", shown=held, lost=len(held) - 15,
                                  seen=_seen_lost(held, shown, fmt)),)
        if shown and shown.isdigit() and len(shown) > len(digits) and shown.lstrip("0") == digits:
            # a format such as 00000000000 shows the zeros: they are on screen, not lost
            detail = "（开头的 0 还显示在屏幕上，按显示的样子改成文本）"
            return shown, (finding("stored_as_number", shown, shown=digits, detail=detail,
                                   seen=_seen(digits, shown, fmt)), *self._content(shown))
        seen = _seen(digits, shown, fmt)
        content = self._content(digits)
        fixed_format = bool(self._check or self._pattern)
        if not content:
            detail = "（位数都还在）" if fixed_format else "（如果原编号以 0 开头，开头的 0 已经丢了，请核对）"
            return digits, (finding("stored_as_number", digits, shown=digits, seen=seen, detail=detail),)
        for zeros in (1, 2, 3):
            if not self._content("0" * zeros + digits):
                return None, (finding("leading_zeros_lost", shown=digits, seen=seen,
                                      detail=f"（原号码应以 {'0' * zeros} 开头）"),)
        return digits, (finding("stored_as_number", digits, shown=digits, seen=seen, detail=""), *content)

    # -- dates as stored -----------------------------------------------------------------
    def _date_rules(self, day: dt.date) -> list[Finding]:
        if self.field.not_future and day > self.today:
            return [finding("date_in_future", value=day.isoformat(), today=self.today.isoformat())]
        return []

    def _datetime(self, raw: dt.date) -> Result:
        day = raw.date() if isinstance(raw, dt.datetime) else raw
        f = self.field
        if f.type == "date":
            return day, tuple(self._date_rules(day))
        if f.type == "month":
            month = month_of(day)
            return month, (finding("month_as_date", month, shown=show(raw)),)
        if f.type == "text":
            return None, (finding("text_became_date", shown=show(raw)),)
        return None, (self._wrong_type("日期", raw),)
