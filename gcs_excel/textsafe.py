"""Text stays text: whatever a user typed reaches every file we write as the text it was.

Each place a text can go has its own way of turning text into something else: a cell
(a formula, when a writer is careless), a chart or axis title (XlsxWriter reads
``Sheet!A1`` as a reference), a page header or footer (``&`` starts a code), a sheet
name (some characters are refused, 31 at most), a CSV cell (a spreadsheet opening it
runs ``=...``, OWASP's CSV injection). Every writer sends user text through the
function of this module for its place; ``looks_like_formula`` is the one test of what
a spreadsheet would take for a formula.
"""

from __future__ import annotations

import re
from typing import Any

# What spreadsheets treat as the start of a formula when a cell is typed or a CSV opened
# (OWASP, "CSV Injection"): = + - @, and TAB / CR that some clients skip before them.
FORMULA_STARTS = ("=", "+", "-", "@")
_CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(?:\d[\d,]*)?(?:\.\d+)?(?:[eE][+-]?\d+)?$")


def looks_like_formula(text: Any) -> bool:
    """Whether a spreadsheet would take this text (leading spaces and tabs aside) for a
    formula. Plain signed numbers such as -5 or +86 are not."""
    if not isinstance(text, str):
        return False
    s = text.lstrip(" \t\r\n\u3000")
    return s.startswith(FORMULA_STARTS) and len(s) > 1 and not _NUMBER.match(s)


def csv_cell(value: Any) -> Any:
    """A value for a CSV file a person will open in Excel or WPS: text that would run as
    a formula gets a leading apostrophe (shown by no client, kept by all)."""
    if isinstance(value, str) and value.startswith(_CSV_TRIGGERS) and not _NUMBER.match(value):
        return "'" + value
    return value


def header_footer(text: str) -> str:
    """User text inside a page header or footer: & doubled, so that it is no code."""
    return text.replace("&", "&&")


_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def sheet_name(name: str) -> str:
    """A name Excel accepts for a sheet: none of [ ] : * ? / \\, no apostrophe at either
    end, at most 31 characters."""
    return _BAD_TITLE.sub("_", name)[:31].strip("'") or "Sheet1"


def literal_title(title, text: str, chart=None) -> None:
    """Make an XlsxWriter chart or axis title (a ChartTitle, after set_title or
    set_x_axis) show text exactly: XlsxWriter reads anything like ``Sheet!A1`` as a cell
    reference, which Excel would then follow. With the chart, the reference it noted for
    that title is forgotten too (else the workbook looks it up, and warns, when it closes)."""
    if title is not None and title.formula:
        if chart is not None:
            chart.formula_ids.pop(title.formula.lstrip("="), None)
        title.name, title.formula, title.data_id = text, None, None


def set_chart_title(chart, text: str, **options) -> None:
    """chart.set_title with a literal text."""
    chart.set_title({"name": text, **options})
    literal_title(chart.title, text, chart)


def set_axis(chart, which: str, options: dict) -> None:
    """chart.set_x_axis / set_y_axis with a literal axis title (options["name"])."""
    getattr(chart, f"set_{which}_axis")(options)
    if options.get("name"):
        literal_title(getattr(chart, f"{which}_axis").get("title"), options["name"], chart)
