"""Styling shared by every workbook the package writes with XlsxWriter: a cache of
formats, the header style, the print setup and a header row with column widths."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

HEADER_FILL = "#1F4E78"
PAGE_FOOTER = "&C第 &P 页，共 &N 页"
A4 = 9
DATE_FORMAT = "yyyy-mm-dd"


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
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self.wb.add_format(props)
        return self._cache[key]

    def header(self, fill: str = HEADER_FILL) -> Any:
        return self.get(**header_style(fill))


def print_setup(ws, *, landscape: bool = True, repeat: int | tuple[int, int] | None = None,
                header: str | None = None, margins: Mapping[str, float] | None = None,
                footer: str | None = PAGE_FOOTER) -> None:
    """A4, one page wide and as many tall as needed; repeat is the row (or first and last
    row, 0-based) printed atop every page; header and footer are Excel's &-codes."""
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(A4)
    ws.fit_to_pages(1, 0)
    if repeat is not None:
        ws.repeat_rows(*(repeat if isinstance(repeat, tuple) else (repeat,)))
    if margins:
        ws.set_margins(**margins)
    if header:
        ws.set_header(header)
    if footer:
        ws.set_footer(footer)


def header_row(ws, row: int, columns: Iterable[tuple[str, float]], fmt) -> None:
    """Column titles on one row, setting each column's width."""
    for c, (title, width) in enumerate(columns):
        ws.set_column(c, c, width)
        ws.write_string(row, c, title, fmt)
