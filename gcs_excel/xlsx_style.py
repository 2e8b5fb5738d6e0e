"""What every workbook the package writes with XlsxWriter shares: the workbook factory,
a cache of formats, the header style, and the print setup (A4, the orientation and
scale that keep a sheet readable, worked out from its column widths)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import xlsxwriter

from .textsafe import header_footer

HEADER_FILL = "#1F4E78"
PAGE_FOOTER = "&C第 &P 页，共 &N 页"
A4 = 9
DATE_FORMAT = "yyyy-mm-dd"
FONT = "等线"                        # Excel's default Chinese UI font (DengXian)
CREATED = dt.datetime(2026, 1, 1)   # fixed, so that builds are byte-for-byte repeatable

# A4 in inches, and the smallest print scale (percent) at which 11-point text still reads.
A4_INCHES = (8.27, 11.69)
MIN_SCALE = 70
SPARE = 0.97      # clients draw a column a few percent wider or narrower: a split page keeps room
DIGIT_PIXELS = 8                    # the widest digit of 11-point 等线 at 96 dpi
CLIENT_MARGINS = {"left": 0.7, "right": 0.7, "top": 0.75, "bottom": 0.75}   # what a sheet without margins gets


def new_workbook(path: str | Path, **options: Any) -> xlsxwriter.Workbook:
    """An XlsxWriter workbook as every output of ours starts: Chinese default font, text
    never turned into formulas, numbers or links, repeatable metadata. options: more
    XlsxWriter options (in_memory=True for many small workbooks: no temporary files)."""
    wb = xlsxwriter.Workbook(str(path), {
        "default_format_properties": {"font_name": FONT, "font_size": 11},
        "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False, **options,
    })
    wb.set_properties({"created": CREATED, "author": "gcs_excel", "company": ""})
    return wb


def header_style(fill: str = HEADER_FILL) -> dict[str, Any]:
    """Format properties of a header cell: bold white text on a fill, bordered, centred, wrapped."""
    return {"bold": True, "font_color": "#FFFFFF", "bg_color": fill, "border": 1,
            "align": "center", "valign": "vcenter", "text_wrap": True}


class Formats:
    """XlsxWriter formats by their properties, each added to the workbook once."""

    def __init__(self, wb):
        self.wb = wb
        self._cache: dict[tuple, Any] = {}

    def get(self, **props) -> Any:
        """The format with these properties, added to the workbook on first use."""
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self.wb.add_format(props)
        return self._cache[key]

    def header(self, fill: str = HEADER_FILL) -> Any:
        """The header cell format on a fill."""
        return self.get(**header_style(fill))


def column_points(width: float) -> float:
    """The printed width of a column of the given Excel width, in points. A column width
    counts digits of the default font plus 5 pixels of padding, at 96 pixels per inch;
    a digit of 11-point 等线 is DIGIT_PIXELS wide (Chinese Excel shows the default
    width 8.38 as 72 pixels; Calibri's 7 would promise scales that 等线 does not keep)."""
    pixels = int((width + 5 / 7) * DIGIT_PIXELS) if width >= 1 else int(width * (DIGIT_PIXELS + 5))
    return pixels * 0.75


def _room(landscape: bool, margins: Mapping[str, float] | None) -> float:
    """Points across the printable width of A4."""
    m = {**CLIENT_MARGINS, **(margins or {})}
    return (A4_INCHES[landscape] - m["left"] - m["right"]) * 72


def layout(widths: Sequence[float], margins: Mapping[str, float] | None = None) -> tuple[bool, int]:
    """(landscape, scale) for a sheet whose printed content is these column widths, on
    A4 one page wide: portrait when it fits, else landscape, and the scale (percent) the
    client will use to fit the width. A scale under MIN_SCALE means the sheet is too
    wide to read on paper: the writer must split its table instead (see column_pages)."""
    content = sum(column_points(w) for w in widths)
    for landscape in (False, True):
        if content <= _room(landscape, margins):
            return landscape, 100
    return True, int(_room(True, margins) / content * 100)


def column_pages(widths: Sequence[float], keep: int,
                 margins: Mapping[str, float] | None = None) -> tuple[int, list[int]] | None:
    """How a table too wide for one landscape page at MIN_SCALE prints on pages side by
    side, its first keep columns (the key and name) repeated on each: (scale, columns
    before which a page starts), the fewest pages at the largest scale of at least
    MIN_SCALE. None when even that cannot hold the repeated columns and one more."""
    points = [column_points(w) for w in widths]
    fixed, rest = sum(points[:keep]), points[keep:]
    best = None
    for scale in range(100, MIN_SCALE - 1, -1):
        room = _room(True, margins) * SPARE * 100 / scale - fixed
        if not rest or max(rest) > room:
            continue
        breaks, used = [], 0.0
        for c, p in enumerate(rest, start=keep):
            if used + p > room:
                breaks.append(c)
                used = 0.0
            used += p
        if best is None or len(breaks) < len(best[1]):
            best = (scale, breaks)
    return best


def print_setup(ws, *, widths: Sequence[float] | None = None, landscape: bool | None = None,
                repeat: int | tuple[int, int] | None = None, header: str | None = None,
                margins: Mapping[str, float] | None = None, footer: str | None = PAGE_FOOTER,
                keep: int | None = None) -> int:
    """A4, one page wide and as many tall as needed. The orientation comes from widths
    (the printed columns' Excel widths) unless landscape is given; returns the scale the
    client will print at. repeat is the row (or first and last row, 0-based) printed
    atop every page; header and footer are Excel's &-codes (user text inside them goes
    through textsafe.header_footer, see page_header). With keep, a table that one page
    wide would print below MIN_SCALE goes on pages side by side instead (column_pages),
    its first keep columns repeated on each, at a fixed scale."""
    scale = 100
    split = None
    if widths is not None:
        auto, scale = layout(widths, margins)
        landscape = auto if landscape is None else landscape
        if scale < MIN_SCALE and keep is not None:
            split = column_pages(widths, keep, margins)
    if landscape is None:
        landscape = True
    if landscape or split:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(A4)
    if split:
        scale, breaks = split
        ws.set_print_scale(scale)
        ws.set_v_pagebreaks(breaks)
        ws.print_across()
        if keep:
            ws.repeat_columns(0, keep - 1)
    else:
        ws.fit_to_pages(1, 0)
    if repeat is not None:
        ws.repeat_rows(*(repeat if isinstance(repeat, tuple) else (repeat,)))
    if margins:
        ws.set_margins(**margins)
    if header:
        ws.set_header(header)
    if footer:
        ws.set_footer(footer)
    return scale


def page_header(left: str = "", center: str = "", right: str = "", *, bold_center: bool = False) -> str:
    """A page header from plain texts (any & in them is kept as text), in the default font."""
    parts = []
    for code, text, bold in (("&L", left, False), ("&C", center, bold_center), ("&R", right, False)):
        if text:
            parts.append(f'{code}&"{FONT}{",Bold" if bold else ""}"{header_footer(text)}')
    return "".join(parts)


def header_row(ws, row: int, columns: Iterable[tuple[str, float]], fmt) -> None:
    """Column titles on one row, setting each column's width."""
    for c, (title, width) in enumerate(columns):
        ws.set_column(c, c, width)
        ws.write_string(row, c, title, fmt)
