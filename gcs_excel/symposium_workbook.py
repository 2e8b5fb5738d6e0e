"""The symposium pack on disk: 座谈会材料_<half>.xlsx — 邀请名单 and one A4 page per customer
(sheets named by customer code) — and a folder 满意度调查表_<half> with one form workbook per
customer.

Why one pack and separate forms: the market manager prints the pack once for the meeting
(the invitation list to phone round, every customer's page to hand over); a form travels
to one customer and comes back filled, so it is a file of its own that the tally
attributes by the code printed in it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

from .quota_workbook import Col, Table, left_out_table
from .render import pct
from .sheetnames import INVITATIONS, SURVEY
from .spec import load_specs
from .symposium_pack import CustomerSummary, SymposiumResult, month_span
from .textsafe import set_axis, set_chart_title, sheet_name
from .textwidth import row_height, wrapped_lines
from .writing import atomic_output
from .xlsx_style import Formats, new_workbook, page_header, print_setup

TITLE = "集团客户座谈会"
PAGE_WIDTHS = [16, 13, 13, 12, 13, 12]          # a customer's page: six columns, A4 portrait
FORM_WIDTHS = [10, 54, 16]                       # the form: 序号 / label, question, score
MARGINS = {"left": 0.5, "right": 0.5, "top": 0.7, "bottom": 0.6}
SECTION_FILL, LABEL_FILL = "#D9E1F2", "#F2F2F2"
CHART_ROWS = 12                                  # rows of 20 px the class chart stands on
_BAD_NAME = re.compile(r'[\\/:*?"<>|\s]+')


def pack_path(out: Path, half) -> Path:
    """The pack workbook of a half in folder out."""
    return out / f"座谈会材料_{half}.xlsx"


def forms_folder(out: Path, half) -> Path:
    """The folder of the half's satisfaction forms."""
    return out / f"{SURVEY}_{half}"


def form_path(out: Path, half, code: str, name: str) -> Path:
    """One customer's form: its code first (sorted like the lists), then its name."""
    return forms_folder(out, half) / f"{SURVEY}_{code}_{_BAD_NAME.sub('_', name)[:40]}.xlsx"


def write_pack(result: SymposiumResult, out: Path, inputs: Sequence[str | Path] = ()) -> None:
    """Write the pack and the forms (each atomically; inputs are never overwritten)."""
    path = pack_path(out, result.half)
    with atomic_output(path, inputs) as tmp:
        wb = new_workbook(tmp)
        fmts = Formats(wb)
        invitations(result).write(wb, fmts, str(result.half), TITLE)
        for c in result.customers:
            _customer_page(wb, fmts, result, c)
        if result.excluded:
            left_out_table(result.excluded).write(wb, fmts, str(result.half), TITLE)
        wb.close()
    result.output, result.files = out, [path]
    for i in result.invitees:             # the invited: HQs 正常 (a paused one with sales has a page, no form)
        result.files.append(write_form(result, i.code, i.name, i.cm, out, inputs))


def invitations(result: SymposiumResult) -> Table:
    """邀请名单: every active HQ, its heads and contacts, its managers, a column to tick."""
    hq = load_specs().sheet("hq")
    ids = ("code", "name", "legal_rep", "buyer", "buyer_phone", "buyer_email", "order_phone", "address", "mm", "cm")
    most = (10, 26, 8, 8, 13, 26, 14, 24, 8, 8)
    t = Table(INVITATIONS, [Col(hq.header(f), w) for f, w in zip(ids, most)] + [Col("确认参加", 8)],
              empty="没有状态正常的集团客户。",
              note=f"{result.half.words}集团客户座谈会：邀请状态为正常的集团客户总部 {len(result.invitees)} 家。"
                   "“确认参加”一栏电话确认后填写（参加人数）。")
    for i in result.invitees:
        t.add([getattr(i, f) for f in ids] + [""])
    return t


def _customer_page(wb, fmts: Formats, result: SymposiumResult, c: CustomerSummary) -> None:
    """One customer's half year on one A4 portrait page."""
    ws = wb.add_worksheet(sheet_name(c.code))
    widths = PAGE_WIDTHS
    last = len(widths) - 1
    for k, w in enumerate(widths):
        ws.set_column(k, k, w)
    total = sum(widths)

    def f(**props):
        return fmts.get(**{"valign": "vcenter", **props})

    para = f(text_wrap=True, valign="top")
    section = f(bold=True, bg_color=SECTION_FILL, border=1)
    head = f(bold=True, bg_color=LABEL_FILL, border=1, align="center", text_wrap=True)
    label = f(border=1, bold=True)
    whole = f(border=1, num_format="#,##0")
    share = f(border=1, num_format="0.0%")
    dash = f(border=1, align="right")
    row = 0

    def text(s: str, fmt=para, height: float | None = None) -> None:
        nonlocal row
        ws.merge_range(row, 0, row, last, s, fmt)
        ws.set_row(row, height or row_height(wrapped_lines(s, total - 1)))
        row += 1

    def number(r: int, col: int, value: float | None, fmt) -> None:
        if value is None:
            ws.write_string(r, col, "—", dash)
        else:
            ws.write_number(r, col, value, fmt)

    title = f"{c.name}　{result.half.words}经营小结"           # a long name wraps onto a second line
    text(title, f(bold=True, font_size=16, align="center", text_wrap=True),
         row_height(wrapped_lines(title, (total - 1) * 11 / 16), 16) + 6)
    text(f"客户编码 {c.code}　　市场经理 {c.mm}　　客户经理 {c.cm}" + ("" if c.active else "　　（总部状态不是正常）"),
         f(align="center"))
    text(period_words(result))
    row += 1
    text("一、销量和销售额", section, 20)
    for k, h in enumerate(("", "本期", "上期", "环比", "去年同期", "同比")):
        ws.write_string(row, k, h, head)
    row += 1
    for what, comp in (("销量(条)", c.volume), ("销售额(元)", c.amount)):
        ws.write_string(row, 0, what, label)
        number(row, 1, comp.this, whole)
        number(row, 2, comp.previous, whole)
        number(row, 3, comp.vs_previous, share)
        number(row, 4, comp.last_year, whole)
        number(row, 5, comp.vs_last_year, share)
        row += 1
    text(target_words(result, c), para)
    row += 1
    text("二、品牌结构（按价类）", section, 20)
    for k, h in enumerate(("价类", "销量(条)", "销售额(元)", "销量占比", "去年同期占比", "变化(百分点)")):
        ws.write_string(row, k, h, head)
    top = row + 1
    row += 1
    for s in c.classes:
        ws.write_string(row, 0, s.price_class, label)
        number(row, 1, s.volume, whole)
        number(row, 2, s.amount, whole)
        number(row, 3, s.share, share)
        number(row, 4, s.share_last_year, share)
        change = None if s.share_last_year is None else round((s.share - s.share_last_year) * 100, 1)
        number(row, 5, change, f(border=1, num_format="+0.0;-0.0;0.0"))
        row += 1
    if c.volume.this > 0:
        _class_chart(wb, ws, c, top, row - 1, result.last_year_months, row)
        for k in range(CHART_ROWS):
            ws.set_row(row + k, 15)
        row += CHART_ROWS
    row += 1
    text("三、货源变化", section, 20)
    n = result.settings.list_skus
    text("新供应的品规（上期没有、本期有）：" + sku_list(c.new_supplied, n))
    text("停止供应的品规（上期有、本期没有）：" + sku_list(c.stopped, n))
    text("新品（本期有销量）：" + (sku_list([f"{s.sku} {s.volume:,.0f} 条" for s in c.new_products], n)))
    if c.scarce:
        ws.merge_range(row, 0, row, 1, "紧俏品规", head)
        ws.write_string(row, 2, "本期(条)", head)
        ws.write_string(row, 3, "上期(条)", head)
        ws.merge_range(row, 4, row, 5, "去年同期(条)", head)
        row += 1
        for s in c.scarce[:n]:
            ws.merge_range(row, 0, row, 1, s.sku, label)
            number(row, 2, s.volume, whole)
            number(row, 3, s.previous, whole)
            ws.merge_range(row, 4, row, 5, "", whole)
            number(row, 4, s.last_year, whole)
            row += 1
        if len(c.scarce) > n:
            text(f"另有 {len(c.scarce) - n} 个紧俏品规没有列出（按本期销量从高到低列了前 {n} 个）。")
    else:
        text("紧俏品规：这三个时期都没有供应。")
    row += 1
    text("环比 = (本期 − 上期) ÷ 上期，同比 = (本期 − 去年同期) ÷ 去年同期，都按相同的月数比较；"
         "“—”表示无法比较（对比期没有销量，或销售数据不够早）。", f(text_wrap=True, valign="top", font_size=9,
                                                          font_color="#595959"))
    ws.print_area(0, 0, row - 1, last)
    print_setup(ws, widths=widths, landscape=False, margins=MARGINS,
                header=page_header(left=f"{TITLE} {result.half.words}", right=c.code))
    ws.fit_to_pages(1, 1)                           # one page, whatever the lists hold


def _class_chart(wb, ws, c: CustomerSummary, first: int, last: int, last_year: list[str], at: int) -> None:
    """Volume shares by price class, this half beside the same months last year."""
    chart = wb.add_chart({"type": "column"})
    name = ws.get_name()                             # XlsxWriter quotes it in the references
    chart.add_series({"name": "本期", "categories": [name, first, 0, last, 0], "values": [name, first, 3, last, 3],
                      "fill": {"color": "#2F5597"}, "data_labels": {"value": True, "num_format": "0%"}})
    if any(s.share_last_year is not None for s in c.classes):
        chart.add_series({"name": "去年同期", "categories": [name, first, 0, last, 0],
                          "values": [name, first, 4, last, 4], "fill": {"color": "#A6A6A6"}})
    set_chart_title(chart, "销量占比（按价类）", name_font={"size": 11, "bold": True})
    set_axis(chart, "y", {"num_format": "0%", "max": 1, "min": 0, "major_gridlines": {"visible": True,
                                                                                     "line": {"color": "#D9D9D9"}}})
    chart.set_legend({"position": "top"})
    chart.set_size({"width": 640, "height": CHART_ROWS * 20 - 4})
    ws.insert_chart(at, 0, chart, {"x_offset": 4, "y_offset": 2, "object_position": 1})


def period_words(result: SymposiumResult) -> str:
    """What the page compares, in one sentence (incomplete halves said so)."""
    n = len(result.months)
    head = f"本期 {month_span(result.months)}"
    if n < 6:
        head += f"（{result.half.words}的数据只有 {n} 个月，上期和去年同期也取前 {n} 个月比较）"
    return f"{head}；上期 {month_span(result.previous_months)}；去年同期 {month_span(result.last_year_months)}。"


def target_words(result: SymposiumResult, c: CustomerSummary) -> str:
    """The target attainment in one sentence, or why there is none."""
    if not result.has_targets:
        return "销售目标：没有给出销售目标文件，不算达成率。"
    if c.target is None:
        return f"销售目标：{month_span(result.months)} 没有这个客户的销售目标。"
    done = sum(c.month_volume.get(m, 0.0) for m in c.target_months)
    part = "" if len(c.target_months) == len(result.months) else f"（只有 {month_span(c.target_months)} 有目标）"
    rate = pct(c.attainment) if c.attainment is not None else "—"
    return f"销售目标{part}：目标 {c.target:,.0f} 条，完成 {done:,.0f} 条，达成率 {rate}。"


def sku_list(items: Sequence[str], n: int) -> str:
    """Up to n names joined, then how many more; 无 when empty."""
    if not items:
        return "无"
    more = f" 等 {len(items)} 个" if len(items) > n else ""
    return "、".join(items[:n]) + more


def write_form(result: SymposiumResult, code: str, name: str, manager: str, out: Path,
               inputs: Sequence[str | Path] = ()) -> Path:
    """One customer's satisfaction form, pre-filled with its code, name and customer manager
    (labels from the HQ spec, so that the tally finds them), a dropdown on every score cell,
    on one A4 page."""
    s = result.settings
    hq = load_specs().sheet("hq")
    path = form_path(out, result.half, code, name)
    with atomic_output(path, inputs) as tmp:
        wb = new_workbook(tmp)
        fmts = Formats(wb)
        ws = wb.add_worksheet(SURVEY)
        widths = FORM_WIDTHS
        last = len(widths) - 1
        for k, w in enumerate(widths):
            ws.set_column(k, k, w)

        def f(**props):
            return fmts.get(**{"valign": "vcenter", "font_size": 12, **props})

        label = f(bold=True, bg_color="#F2F2F2", border=1)
        value = f(border=1, num_format="@", bold=True)
        para = f(text_wrap=True, valign="top")
        row = 0

        def text(t: str, fmt=para, height: float | None = None) -> None:
            nonlocal row
            ws.merge_range(row, 0, row, last, t, fmt)
            ws.set_row(row, height or row_height(wrapped_lines(t, (sum(widths) - 1) * 11 / 12), 12) + 4)
            row += 1

        text(s.title, f(bold=True, font_size=18, align="center"), 34)
        text(f"{result.half.words}{TITLE}", f(align="center"), 22)
        row += 1
        for fid, v in (("code", code), ("name", name), ("cm", manager)):
            ws.write_string(row, 0, hq.header(fid), label)
            ws.merge_range(row, 1, row, last, v, value)
            ws.set_row(row, 24)
            row += 1
        row += 1
        text(s.intro.format(half=result.half.words))
        text(f"评分：{s.scale_words}", f(bold=True), 22)       # before the questions, where the scorer reads
        head = f(bold=True, bg_color="#D9E1F2", border=1, align="center", text_wrap=True)
        ws.write_string(row, 0, "序号", head)
        ws.write_string(row, 1, "问题", head)
        ws.write_string(row, 2, "评分", head)
        ws.set_row(row, 24)
        row += 1
        score = f(border=1, align="center", bold=True, font_size=14, bg_color="#FFF2CC", locked=False)
        question = f(border=1, text_wrap=True)
        for k, q in enumerate(s.questions, start=1):
            ws.write_number(row, 0, k, f(border=1, align="center"))
            if q.open:
                ws.merge_range(row, 1, row, last, q.text, question)
                ws.set_row(row, 24)
                ws.merge_range(row + 1, 0, row + 1, last, "", f(border=1, text_wrap=True, valign="top",
                                                                 bg_color="#FFF2CC", locked=False))
                ws.set_row(row + 1, 110)
                row += 2
                continue
            ws.write_string(row, 1, q.text, question)
            ws.write_blank(row, 2, None, score)
            ws.data_validation(row, 2, row, 2, {
                "validate": "list", "source": [str(x) for x in q.choices],
                "input_title": "评分", "input_message": f"选 {q.min} 到 {q.max} 分",
                "error_title": "评分", "error_message": f"请填 {q.min} 到 {q.max} 的整数"})
            ws.set_row(row, max(30, row_height(wrapped_lines(q.text, widths[1] * 11 / 12), 12) + 6))
            row += 1
        row += 1
        text(s.signature, f(valign="bottom"), 30)
        ws.print_area(0, 0, row - 1, last)
        print_setup(ws, widths=widths, landscape=False, margins=MARGINS, footer=None,
                    header=page_header(left=f"{TITLE} {result.half.words}", right=code))
        ws.fit_to_pages(1, 1)
        ws.center_horizontally()
        wb.close()
    return path
