"""Writing report sheets with XlsxWriter: titled blocks of tables with number formats,
"—" for missing ratios, native charts over those tables, and print setup."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from ..textwidth import display_width
from ..xlsx_style import FONT, HEADER_FILL, print_setup
from ..xlsx_style import Formats as _Formats

NUMBER_FORMATS = {
    "int": "#,##0", "box": "#,##0.0", "yuan": "#,##0.00", "price": "#,##0.00", "pct": "0.0%",
    "signed": "[>=0.0005]+0.0%;[<=-0.0005]-0.0%;0.0%",   # tiny changes read 0.0%, never -0.0%
    "index": "0.0", "days": "0.0", "text": "@", "pp": "+0.0;-0.0;0.0",
}


@dataclass
class Column:
    title: str
    value: Callable[[Any], Any] | str     # a key of the row dict, or a function of the row
    kind: str = "text"
    width: float = 12


class Formats(_Formats):
    def cell(self, kind: str):
        return self.get(num_format=NUMBER_FORMATS[kind], border=1, border_color="#BFBFBF",
                        align="left" if kind == "text" else "right", valign="top", text_wrap=kind == "text")

    @property
    def head(self):
        return self.header()

    @property
    def missing(self):
        return self.get(align="center", border=1, border_color="#BFBFBF", font_color="#7F7F7F")


class ReportSheet:
    """A sheet filled top to bottom: a title, then titled tables and charts."""

    def __init__(self, wb, fmt: Formats, name: str, title: str, header: str, widths: Sequence[float] = ()):
        self.wb, self.fmt, self.name = wb, fmt, name
        self.ws = wb.add_worksheet(name)
        self.row = 0
        for c, w in enumerate(widths):
            self.ws.set_column(c, c, w)
        self.ws.write_string(0, 0, title, fmt.get(bold=True, font_size=16))
        self.row = 2
        print_setup(self.ws, landscape=False, margins={"left": 0.5, "right": 0.5, "top": 0.8, "bottom": 0.7},
                    header=f'&L&"{FONT}"{header}&R&"{FONT}"{name}')

    def heading(self, text: str, note: str | None = None) -> None:
        self.ws.write_string(self.row, 0, text, self.fmt.get(bold=True, font_size=12, font_color=HEADER_FILL))
        self.row += 1
        if note:
            self.ws.write_string(self.row, 0, note, self.fmt.get(font_color="#595959", italic=True))
            self.row += 1

    def facts(self, facts: Sequence[tuple[str, Any, str]]) -> None:
        """Label / value pairs, one per row (value None shows as "—")."""
        for k, (label, v, kind) in enumerate(facts):
            self.ws.write_string(self.row + k, 0, label, self.fmt.cell("text"))
            if v is None:
                self.ws.write_string(self.row + k, 1, "—", self.fmt.missing)
            else:
                self.ws.write_number(self.row + k, 1, v, self.fmt.cell(kind))
        self.row += len(facts) + 1

    def table(self, columns: Sequence[Column], rows: Sequence[Any]) -> tuple[int, int]:
        """Write a table; returns (first data row, last data row), 0-based."""
        ws, fmt = self.ws, self.fmt
        for c, col in enumerate(columns):
            ws.write_string(self.row, c, col.title, fmt.head)
        first = self.row + 1
        for r, row in enumerate(rows, start=first):
            for c, col in enumerate(columns):
                v = col.value(row) if callable(col.value) else row.get(col.value)
                if v is None:
                    ws.write_string(r, c, "—", fmt.missing)
                elif isinstance(v, str):
                    ws.write_string(r, c, v, fmt.cell("text"))
                else:
                    ws.write_number(r, c, v, fmt.cell(col.kind))
        last = first + len(rows) - 1
        self.row = max(last, first - 1) + 2
        return first, last

    def paragraphs(self, texts: Sequence[str], width_cols: int = 8, chars_per_line: int = 60) -> None:
        fmt = self.fmt.get(text_wrap=True, valign="top")
        for text in texts:
            self.ws.merge_range(self.row, 0, self.row, width_cols - 1, text, fmt)
            lines = max(1, -(-display_width(text) // (chars_per_line * 2)))
            self.ws.set_row(self.row, 18 * lines)
            self.row += 1
        self.row += 1

    def chart(self, kind: str, title: str, series: list[dict], *, subtype: str | None = None,
              height_rows: int = 16, y_format: str | None = None) -> None:
        chart = self.wb.add_chart({"type": kind, **({"subtype": subtype} if subtype else {})})
        font = {"name": FONT}
        for s in series:
            chart.add_series(s)
        chart.set_title({"name": title, "name_font": {**font, "size": 11, "bold": True}})
        if kind != "pie":
            chart.set_x_axis({"num_font": font})
            chart.set_y_axis({"num_font": font, **({"num_format": y_format} if y_format else {}),
                              "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
        chart.set_legend({"font": font, "position": "bottom" if len(series) > 1 or kind == "pie" else "none"})
        chart.set_chartarea({"border": {"none": True}})
        self.ws.insert_chart(self.row, 0, chart, {"x_scale": 1.45, "y_scale": 1.0})
        self.row += height_rows

    def ref(self, first_row: int, last_row: int, col: int) -> list:
        return [self.name, first_row, col, last_row, col]
