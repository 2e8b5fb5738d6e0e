"""Writing report sheets with XlsxWriter: titled blocks of tables, facts, prose and native
charts, laid out for A4 when the sheet is finished.

A sheet is filled top to bottom; nothing about its layout is fixed in advance:
- column widths come from the content (display width, CJK counting double; text wider
  than a column's limit wraps, and its row gets the height of its lines);
- prose and notes span the sheet's final width, their rows as tall as their lines;
- charts are as wide as the printed columns and inserted last, so they never widen the page;
- the orientation and scale come from xlsx_style.print_setup (the scale is kept, and the
  tests hold it at MIN_SCALE or more);
- manual page breaks keep a heading with its table, a chart whole, and split a long
  table between rows (every row's height is set, so the client paginates as computed)."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from ..textsafe import set_axis, set_chart_title
from ..textwidth import excel_width, row_height, wrapped_lines
from ..xlsx_style import A4_INCHES, FONT, HEADER_FILL, column_points, page_header, print_setup
from ..xlsx_style import Formats as _Formats

NUMBER_FORMATS = {
    "int": "#,##0", "box": "#,##0.0", "yuan": "#,##0.00", "price": "#,##0.00", "pct": "0.0%",
    "signed": "[>=0.0005]+0.0%;[<=-0.0005]-0.0%;0.0%",   # tiny changes read 0.0%, never -0.0%
    "index": "0.0", "days": "0.0", "text": "@", "pp": "+0.0;-0.0;0.0", "count": "@", "wan": "#,##0.00",
}
ROW = 14.25                      # points of a one-line row (等线 11; set on every row, so every client agrees)
CHART_ROWS = 16                  # a chart's height in rows
MARGINS = {"left": 0.5, "right": 0.5, "top": 0.8, "bottom": 0.7}
FIT = 0.97                       # of a page's height we fill (every row's height is set; a little slack)
MOVE = 0.4                       # a table that fits a page moves to the next one when less than this much is left
MAX_TEXT = 32                    # text wider than this wraps
MIN_WIDTH = 6


SHOWN = {"int": "{:,.0f}", "box": "{:,.1f}", "yuan": "{:,.2f}", "price": "{:,.2f}", "wan": "{:,.2f}",
         "pct": "{:.1%}", "signed": "{:+.1%}", "pp": "{:+.1f}"}


def shown(v: Any, kind: str) -> str:
    """A value as its number format shows it (to measure the column it needs)."""
    if isinstance(v, str):
        return v
    return SHOWN.get(kind, "{:.1f}").format(v)


def header_width(title: str) -> float:
    """The width a column title needs, broken at a space (本月 / 2026-10), before its unit
    (本月销量 / (条)) and in the middle of a long word (市场 / 经理), so that a title never
    makes a column of short values wide. Titles are bold: a tenth wider than plain text."""
    full = excel_width(title) * 1.1 + 1.5
    if full <= 7.5:
        return full
    if " " in title:
        return max(header_width(part) for part in title.split())
    head, paren, unit = title.partition("(")
    if paren and unit:
        return max(header_width(head), excel_width(paren + unit) * 1.1 + 1.5)
    half = title[: -(-len(title) // 2)]
    return max(excel_width(half) * 1.1 + 1.5, 6)


@functools.lru_cache(maxsize=1 << 16)
def lines(text: str, width: float) -> int:
    """Lines a text takes in a column of this Excel width (cached: the same names recur
    in every review)."""
    return wrapped_lines(text, width)


text_width = functools.lru_cache(maxsize=1 << 16)(excel_width)     # the same names recur in every review


@dataclass
class Column:
    """A table column: its title, where its value comes from, and how it is shown."""
    title: str
    value: Callable[[Any], Any] | str     # a key of the row dict, or a function of the row
    kind: str | Callable[[Any], str] = "text"     # a number format, or a function of the row giving one
    wrap: float = MAX_TEXT                # widest it may get before its text wraps


class Formats(_Formats):
    """The report formats, each built once per workbook (cell formats by kind are cached:
    writing a cell must not sort a property list)."""

    def __init__(self, wb):
        super().__init__(wb)
        self._cells: dict[tuple[str, str | None], Any] = {}

    def cell(self, kind: str, fill: str | None = None):
        """A table cell's format for a number format kind, on a fill (bold) or not."""
        key = (kind, fill)
        f = self._cells.get(key)
        if f is None:
            props = dict(num_format=NUMBER_FORMATS[kind], border=1, border_color="#BFBFBF",
                         align="left" if kind == "text" else "right", valign="top", text_wrap=kind == "text")
            # "count": text such as 17/21, aligned with the numbers
            if fill:
                props.update(bold=True, bg_color=fill)
            f = self._cells[key] = self.get(**props)
        return f

    @property
    def head(self):
        """A column title's format."""
        return self.header()

    @property
    def missing(self):
        """The format of "—" (no value: a ratio without a base)."""
        return self.get(align="center", valign="top", border=1, border_color="#BFBFBF", font_color="#7F7F7F")

    def missing_on(self, fill: str | None):
        """The format of "—" on a fill."""
        return self.missing if fill is None else self.get(align="center", valign="top", border=1,
                                                          border_color="#BFBFBF", bold=True, bg_color=fill)


class ReportSheet:
    """A sheet filled top to bottom with a title, then titled tables, facts, prose and
    charts; finish() lays it out for A4 and returns the print scale."""

    def __init__(self, wb, fmt: Formats, name: str, title: str, header: str = "", *,
                 min_width: float = 0, margins: dict[str, float] | None = None):
        self.wb, self.fmt, self.name, self.header = wb, fmt, name, header
        self.margins = {**MARGINS, **(margins or {})}
        self.ws = wb.add_worksheet(name)
        self.width: dict[int, float] = defaultdict(float)      # column -> width its content needs
        self.cells: dict[int, list[tuple[int, str, float]]] = defaultdict(list)   # row -> wrapping texts
        self.height: dict[int, float] = {}                      # row -> fixed points
        self.spans: list[tuple[int, str, Any]] = []             # rows of text across the sheet (title, notes, prose)
        self.charts: list[tuple[int, Any, int]] = []
        self.blocks: list[tuple[int, str]] = []                 # (first row, "table" / "prose" / "whole")
        self.min_width = min_width
        self.scale: int | None = None
        self.pages = 1
        self.spans.append((0, title, fmt.get(bold=True, font_size=16, text_wrap=True, valign="top")))
        self.row = 2
        self.end = 1                      # rows before this hold something; after it, blank
        self._heading: int | None = None

    # -- content ----------------------------------------------------------------------------
    def _block(self, first: int, kind: str) -> None:
        start = self._heading if self._heading is not None else first
        self.blocks.append((start, kind))
        self._heading = None

    def heading(self, text: str, note: str | None = None) -> None:
        """A section title (kept on the page of what follows), and an optional note."""
        self._heading = self.row
        self.ws.write_string(self.row, 0, text, self.fmt.get(bold=True, font_size=12, font_color=HEADER_FILL))
        self.height[self.row] = row_height(1, 12)
        self.min_width = max(self.min_width, excel_width(text) * 12 / 11)
        self.row += 1
        if note:
            self.spans.append((self.row, note, self.fmt.get(font_color="#595959", italic=True, text_wrap=True,
                                                            valign="top")))
            self.row += 1
        self.end = self.row

    def facts(self, facts: Sequence[tuple[str, Any, str]], *, col: int = 0) -> None:
        """Label / value pairs, one per row (value None shows as "—")."""
        self._block(self.row, "whole")
        for k, (label, v, kind) in enumerate(facts):
            self._text(self.row + k, col, label, MAX_TEXT)
            self.ws.write_string(self.row + k, col, label, self.fmt.cell("text"))
            self._value(self.row + k, col + 1, v, kind)
        self.row += len(facts) + 1
        self.end = self.row - 1

    def _text(self, row: int, col: int, text: str, limit: float) -> None:
        need = text_width(text) + 1.5
        self.width[col] = max(self.width[col], min(need, limit))
        if need > limit or "\n" in text:
            self.cells[row].append((col, text, 0))

    def _value(self, row: int, col: int, v: Any, kind: str, fill: str | None = None, limit: float = MAX_TEXT) -> None:
        ws, fmt = self.ws, self.fmt
        if v is None:
            ws.write_string(row, col, "—", fmt.missing_on(fill))
            self.width[col] = max(self.width[col], 4)
        elif isinstance(v, str):
            ws.write_string(row, col, v, fmt.cell("count" if kind == "count" else "text", fill))
            self._text(row, col, v, limit)
        else:
            ws.write_number(row, col, v, fmt.cell(kind, fill))
            self.width[col] = max(self.width[col], len(shown(v, kind)) + 1.5)

    def header_row(self, titles: Sequence[str], col: int = 0) -> None:
        """Column titles (they may wrap onto two lines)."""
        for c, title in enumerate(titles, start=col):
            self.ws.write_string(self.row, c, title, self.fmt.head)
            self.width[c] = max(self.width[c], header_width(title))
            self.cells[self.row].append((c, title, 0))

    def table(self, columns: Sequence[Column], rows: Sequence[Any], *, col: int = 0,
              fill: Callable[[Any], str | None] | None = None, blanks: bool = False) -> tuple[int, int]:
        """Write a table; returns (first data row, last data row), 0-based. A None value
        shows as "—", or as an empty cell with blanks (a gap in a chart over it). Written
        a column at a time: a column of numbers is measured once, by its extremes."""
        self._block(self.row, "table")
        self.header_row([c.title for c in columns], col)
        first = self.row + 1
        fills = [fill(row) for row in rows] if fill else [None] * len(rows)
        ws, cell = self.ws, self.fmt.cell
        for c, column in enumerate(columns, start=col):
            get = column.value if callable(column.value) else (lambda row, key=column.value: row.get(key))
            fixed = None if callable(column.kind) else column.kind
            numbers: list[float] = []
            for r, (row, f) in enumerate(zip(rows, fills), start=first):
                v = get(row)
                kind = fixed or column.kind(row)
                if v is None and blanks:
                    ws.write_blank(r, c, None, cell(kind, f))
                elif fixed is not None and isinstance(v, (int, float)) and not isinstance(v, bool):
                    ws.write_number(r, c, v, cell(kind, f))
                    numbers.append(v)
                else:
                    self._value(r, c, v, kind, f, column.wrap)
            if numbers:
                need = max(len(shown(max(numbers), fixed)), len(shown(min(numbers), fixed))) + 1.5
                self.width[c] = max(self.width[c], need)
        last = first + len(rows) - 1
        self.row = max(last, first - 1) + 2
        self.end = self.row - 1
        return first, last

    def paragraphs(self, texts: Sequence[str]) -> None:
        """Prose, one paragraph per row across the sheet's width."""
        fmt = self.fmt.get(text_wrap=True, valign="top")
        self._block(self.row, "prose")
        for text in texts:
            self.spans.append((self.row, text, fmt))
            self.row += 1
        self.end = self.row
        self.row += 1

    def text_row(self, text: str, *, bold: bool = False) -> None:
        """A line of text across the sheet (wrapping when longer)."""
        self.spans.append((self.row, text, self.fmt.get(text_wrap=True, valign="top", bold=bold)))
        self.row += 1
        self.end = self.row

    def chart(self, kind: str, title: str, series: list[dict], *, subtype: str | None = None,
              rows: int = CHART_ROWS, value_title: str | None = None, category_title: str | None = None,
              value_format: str | None = None, legend: bool | None = None, slanted: bool = False,
              value_max: float | None = None, with_table: bool = False) -> None:
        """A native chart below what is written: titles literal (textsafe), the value axis
        titled with its unit and formatted, bars in the order of the table above; slanted
        category labels (months) so that they never wrap. with_table: the chart and the
        table above it are printed on one page together."""
        chart = self.wb.add_chart({"type": kind, **({"subtype": subtype} if subtype else {})})
        font = {"name": FONT}
        for s in series:
            chart.add_series(s)
        set_chart_title(chart, title, name_font={**font, "size": 11, "bold": True})
        if kind != "pie":
            value = {"num_font": font, "name_font": {**font, "size": 9, "bold": False},
                     "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}}
            if value_format:
                value["num_format"] = value_format
            if value_title:
                value["name"] = value_title
            if value_max is not None:
                value.update(min=0, max=value_max)
            category = {"num_font": {**font, "rotation": -45} if slanted else font,
                        "name_font": {**font, "size": 9, "bold": False}}
            if category_title:
                category["name"] = category_title
            if kind == "bar":     # horizontal: the value axis is x; the first row of the table on top
                category.update(reverse=True, crossing="max")
                set_axis(chart, "x", value)
                set_axis(chart, "y", category)
            else:
                set_axis(chart, "y", value)
                set_axis(chart, "x", category)
        chart.show_blanks_as("gap")
        show = legend if legend is not None else (len(series) > 1 or kind == "pie")
        chart.set_legend({"font": font, "position": "bottom"} if show else {"none": True})
        chart.set_chartarea({"border": {"none": True}})
        if with_table and self.blocks and self.blocks[-1][1] == "table":
            self.blocks[-1] = (self.blocks[-1][0], "whole")
        else:
            self._block(self.row, "whole")
        self.charts.append((self.row, chart, rows))
        self.row += rows + 1
        self.end = self.row - 1

    def ref(self, first_row: int, last_row: int, col: int) -> list:
        """A column range of this sheet, for a chart series."""
        return [self.name, first_row, col, last_row, col]

    # -- layout -------------------------------------------------------------------------------
    def columns(self) -> list[float]:
        """The final column widths: what the content needs, the last column widened so
        that the headings fit across (the title and notes wrap instead)."""
        n = max(self.width) + 1 if self.width else 1
        widths = [max(round(self.width.get(c, 0), 1), MIN_WIDTH) for c in range(n)]
        if sum(widths) < self.min_width:
            widths[-1] += self.min_width - sum(widths)
        return widths

    def finish(self, *, repeat: int | None = None) -> int:
        """Column widths, row heights, prose, charts, print setup and page breaks; returns
        the scale the client prints at."""
        ws = self.ws
        widths = self.columns()
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        total = sum(widths)
        for row, text, fmt in self.spans:
            if len(widths) > 1:
                ws.merge_range(row, 0, row, len(widths) - 1, text, fmt)
            else:
                ws.write_string(row, 0, text, fmt)
            size = fmt.font_size or 11
            self.height[row] = row_height(lines(text, (total - 1) * 11 / size), size)
        for row, texts in self.cells.items():
            need = max(lines(text, widths[c] - 1) for c, text, _ in texts)
            self.height[row] = max(self.height.get(row, ROW), row_height(need))
        pixels = sum(int(column_points(w) / 0.75) for w in widths)
        for row, chart, rows in self.charts:
            chart.set_size({"width": pixels, "height": int(rows * ROW * 4 / 3)})
            ws.insert_chart(row, 0, chart, {"object_position": 3})
        last = self.end
        ws.set_default_row(ROW)         # every other row: this height, marked as set (clients keep it)
        for r, height in self.height.items():
            if height != ROW:
                ws.set_row(r, height)
        self.scale = print_setup(ws, widths=widths, margins=self.margins, repeat=repeat,
                                 header=page_header(self.header, "", self.name) if self.header else None)
        breaks = self._breaks(last, A4_INCHES[1] if ws.orientation else A4_INCHES[0])   # 1: portrait
        if breaks:
            ws.set_h_pagebreaks(breaks)
        self.pages = len(breaks) + 1
        return self.scale

    def _breaks(self, last: int, page_inches: float) -> list[int]:
        """Rows to break the page before. A block (a heading with what follows it) that does
        not fit the rest of the page: a chart or facts move whole to the next page; a
        table moves whole when it fits a page and little room is left, else it splits
        between rows after its header and three rows; prose splits between paragraphs."""
        room = (page_inches - self.margins["top"] - self.margins["bottom"]) * 72 * 100 / self.scale * FIT
        h = [self.height.get(r, ROW) for r in range(last)]
        starts = [b for b, _ in self.blocks] + [last]
        breaks: list[int] = []
        used = sum(h[:starts[0]]) if self.blocks else 0.0
        for (first, kind), end in zip(self.blocks, starts[1:]):
            size = sum(h[first:end])
            if used + size <= room:
                used += size
                continue
            head = sum(h[first:min(first + (5 if kind == "table" else 3), end)])
            whole = kind == "whole" or used + head > room or (kind == "table" and size <= room
                                                                and room - used < MOVE * room)
            if whole:
                if used > 0:
                    breaks.append(first)
                used = 0.0
                if size <= room or kind == "whole":
                    used = size
                    continue
            for r in range(first, end):
                if used + h[r] > room and used > 0:
                    breaks.append(r)
                    used = 0.0
                used += h[r]
        return breaks
