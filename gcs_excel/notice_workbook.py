"""The month's notices workbook: the register 告知登记 (every number, void ones too, one row
per SKU of a notice, as specs/notices.toml says, so that it reads back) and one sheet per
valid notice, each an A4 portrait page to print, hand over and sign."""

from __future__ import annotations

from typing import Any

from .notice_issue import MonthNotices, Notice
from .spec import SheetSpec, load_specs
from .templates import DEFAULT_FORMATS, column_widths
from .textsafe import sheet_name
from .textwidth import excel_width, fit_width, row_height, wrapped_lines
from .writing import atomic_output
from .xlsx_style import Formats, header_style, new_workbook, page_header, print_setup

# the notice's columns: (register field id, width); the SKU's column grows to its longest name
COLUMNS = (("sku", 15), ("wholesale_price", 10), ("retail_guide", 11), ("quantity", 10), ("basis", 10),
           ("basis_volume", 10), ("rule_version", 11))
MARGINS = {"left": 0.6, "right": 0.6, "top": 0.8, "bottom": 0.7}
LABEL_FILL, TABLE_FILL = "#F2F2F2", "#D9E1F2"
SIGN_ROW = 40                   # points: room to sign by hand
FONT_POINTS = 12                # a notice is read on paper, by the counter: a size up from the sheets'
ROW = 26                        # points: a row of the form and of the table


def period_words(month: str) -> str:
    """2026-12 -> 2026年12月."""
    return f"{month[:4]}年{int(month[5:])}月"


def write_notices(m: MonthNotices, texts: dict[str, Any]) -> None:
    """Write the month's workbook (m.workbook) atomically: 告知登记 first, then a sheet per
    valid notice in number order."""
    specs = load_specs()
    register = specs.sheet("notice_register")
    with atomic_output(m.workbook) as tmp:
        wb = new_workbook(tmp)
        fmt = Formats(wb)
        _register_sheet(wb.add_worksheet(register.name), register, m.register, fmt)
        for n in m.notices:
            _notice_sheet(wb.add_worksheet(sheet_name(n.number)), n, m, texts, register, fmt)
        wb.worksheets()[0].activate()
        wb.close()


def register_rows(notices: list[Notice], sheet: SheetSpec) -> list[dict[str, Any]]:
    """The register's rows by field id: a row per SKU of each notice, labels for enums."""
    status = sheet.field("status")
    return [{"number": n.number, "month": n.month, "licence": n.licence, "name": n.name, "customer": n.customer,
             "customer_name": n.customer_name, "manager": n.manager, **line.__dict__,
             "status": status.label(n.status), "note": n.note}
            for n in notices for line in n.lines]


def _register_sheet(ws, sheet: SheetSpec, notices: list[Notice], fmt: Formats) -> None:
    rows = register_rows(notices, sheet)
    widths = column_widths(sheet, rows)
    head = fmt.get(**header_style())
    ws.set_row(0, row_height(max(wrapped_lines(f.header, w) for f, w in zip(sheet.fields, widths))))
    cells = []
    for c, (f, w) in enumerate(zip(sheet.fields, widths)):
        number_format = f.num_format or DEFAULT_FORMATS[f.type]
        cells.append((fmt.get(num_format=number_format, valign="top"),
                      fmt.get(num_format=number_format, valign="top", text_wrap=True)))
        ws.set_column(c, c, w, cells[c][0])
        ws.write_string(0, c, f.header, head)
    for r, row in enumerate(rows, start=1):
        lines = 1
        for c, f in enumerate(sheet.fields):
            value = row.get(f.id)
            if isinstance(value, (int, float)):
                ws.write_number(r, c, value, cells[c][0])
            elif value:             # a long name wraps in its column, its row as tall as its lines
                wrap = excel_width(value) > widths[c] - 1
                lines = max(lines, wrapped_lines(value, widths[c]) if wrap else 1)
                ws.write_string(r, c, value, cells[c][wrap])
        if lines > 1:
            ws.set_row(r, row_height(lines))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(rows), 1), len(sheet.fields) - 1)
    print_setup(ws, widths=widths, repeat=0, keep=1, margins=MARGINS,        # the number on every page
                header=page_header(center=sheet.name, bold_center=True))


def _notice_sheet(ws, n: Notice, m: MonthNotices, texts: dict[str, Any], register: SheetSpec, fmt: Formats) -> None:
    widths = [w for _, w in COLUMNS]
    widths[0] = max(widths[0], fit_width(line.sku for line in n.lines))
    total = sum(widths)
    last = len(widths) - 1
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)

    def style(**props):
        return fmt.get(**{"valign": "vcenter", "font_size": FONT_POINTS, **props})

    title = style(bold=True, font_size=20, align="center")
    label = style(bold=True, bg_color=LABEL_FILL, border=1, align="center", text_wrap=True)
    value = style(border=1, num_format="@", text_wrap=True, indent=1)
    strong = style(border=1, num_format="@", bold=True, font_size=14, indent=1)
    para = style(text_wrap=True, valign="top")
    bold_para = style(text_wrap=True, valign="top", bold=True)
    head = style(bold=True, bg_color=TABLE_FILL, border=1, align="center", text_wrap=True)
    row = 0

    def text(s: str, f=para, height: float | None = None) -> None:
        nonlocal row
        ws.merge_range(row, 0, row, last, s, f)
        lines = wrapped_lines(s, (total - 1) * 11 / FONT_POINTS)      # widths count 11-point digits
        ws.set_row(row, height or row_height(lines, FONT_POINTS) + 3)
        row += 1

    def gap(points: float = 8) -> None:
        nonlocal row
        ws.set_row(row, points)
        row += 1

    def pairs(*cells: tuple[str, str, int, Any]) -> None:
        """A row of (label, value, last column of the value, its format) cells."""
        nonlocal row
        c, lines = 0, 1
        for lab, val, end, f in cells:
            ws.write_string(row, c, lab, label)
            if end > c + 1:
                ws.merge_range(row, c + 1, row, end, val, f)
            else:
                ws.write_string(row, c + 1, val, f)
            lines = max(lines, wrapped_lines(val, (sum(widths[c + 1:end + 1]) - 2) * 11 / FONT_POINTS))
            c = end + 1
        ws.set_row(row, max(ROW, row_height(lines, FONT_POINTS) + 6))     # a long name wraps, whole
        row += 1

    period = period_words(n.month)
    text(texts["title"], title, 36)
    text(texts["issuer"], style(align="center", font_color="#404040"), 20)
    gap(12)
    words = texts["labels"]
    pairs((register.header("number"), n.number, 2, strong), (words["period"], period, last, strong))
    pairs((words["customer"], f"{n.customer_name}（{n.customer}）", last, value))
    pairs((register.header("name"), n.name, last, value))
    pairs((register.header("licence"), n.licence, 2, value), (register.header("manager"), n.manager, last, value))
    gap()
    text(texts["intro"].format(period=period))
    gap(4)
    headers = [register.header(fid) for fid, _ in COLUMNS]
    ws.set_row(row, row_height(max(wrapped_lines(h, w * 11 / FONT_POINTS) for h, w in zip(headers, widths)),
                               FONT_POINTS) + 4)
    for c, h in enumerate(headers):
        ws.write_string(row, c, h, head)
    row += 1
    money = style(border=1, num_format="#,##0.00")
    whole = style(border=1, num_format="#,##0")
    amount = style(border=1, num_format="#,##0", bold=True, font_size=14)
    cell = style(border=1, num_format="@", align="center")
    for line in n.lines:
        ws.write_string(row, 0, line.sku, style(border=1, num_format="@", bold=True, indent=1))
        ws.write_number(row, 1, line.wholesale_price, money)
        ws.write_number(row, 2, line.retail_guide, money)
        ws.write_number(row, 3, line.quantity, amount)
        ws.write_string(row, 4, line.basis, cell)
        ws.write_number(row, 5, line.basis_volume, whole)
        ws.write_string(row, 6, line.rule_version, cell)
        ws.set_row(row, ROW)
        row += 1
    if len(n.lines) > 1:
        ws.write_string(row, 0, "合计", style(border=1, bold=True, align="center"))
        ws.merge_range(row, 1, row, 2, "", value)
        ws.write_number(row, 3, n.quantity, amount)
        ws.merge_range(row, 4, row, last, "", value)
        ws.set_row(row, ROW)
        row += 1
    gap()
    start, end = m.window
    window = texts["order_window"]
    text(window["text"].format(start=f"{start.month}月{start.day}日", end=f"{end.month}月{end.day}日",
                               period=period, days=window["working_days"]), bold_para)
    versions = "、".join(sorted({line.rule_version for line in n.lines}))
    text(texts["rule"].format(versions=versions))
    gap(6)
    text(texts["obligations_title"], bold_para)
    for k, duty in enumerate(texts["obligations"], start=1):
        text(f"{k}. {duty}")
    gap(6)
    text(texts["complaint"].format(line=texts["complaint_line"]))
    gap(24)
    sign = texts["signatures"]
    half = 3                                      # the store's side A:C, the date D:G
    for who, when in (("store", "store_date"), ("manager", "manager_date")):
        ws.merge_range(row, 0, row, half - 1, sign[who] + "_" * 14, style(valign="bottom"))
        ws.merge_range(row, half, row, last, sign[when] + sign["blank_date"], style(valign="bottom"))
        ws.set_row(row, SIGN_ROW)
        row += 1
    gap(14)
    text(texts["copies"], style(font_size=10, font_color="#595959"))
    ws.print_area(0, 0, row - 1, last)
    print_setup(ws, widths=widths, landscape=False, margins=MARGINS, footer=None,
                header=page_header(left=texts["title"], right=n.number))
    ws.fit_to_pages(1, 1)                          # a notice is one page, whatever its SKUs
    ws.center_horizontally()
