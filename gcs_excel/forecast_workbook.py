"""`gcs forecast --out`: 需求预测_<YYYY-MM>.xlsx.

需求预测 (one row per customer × SKU, a filter on every column, the manager's
调整后预测 and 调整原因 as yellow input cells), 按客户汇总 (with the department's total),
部门趋势 (a native line chart: the department's history and forecast with its 80% range),
说明 (what WAPE, the range and the festival alignment mean, with this run's figures).
`gcs forecast --check` reads 需求预测 back by its headers (DETAIL).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from .forecast_engine import BACKTEST, FALLBACK, STOPPED
from .quota_workbook import Col, Table
from .textsafe import set_axis, set_chart_title
from .textwidth import fit_width, row_height, wrapped_lines
from .writing import atomic_output
from .xlsx_style import Formats, new_workbook, page_header, print_setup

if TYPE_CHECKING:
    from .forecasting import ForecastResult

TITLE = "需求预测"
DETAIL, BY_CUSTOMER, RISKS, TREND, NOTES = "需求预测", "按客户汇总", "常销品牌断货风险", "部门趋势", "说明"
ADJUSTED, REASON = "调整后预测", "调整原因"
# The detail sheet's headers, read back by --check: (header, width at most, kind).
KEYS = ("客户编码", "客户名称", "客户经理", "卷烟规格", "价类")
INPUT_FILL = "#FFF2CC"
METHOD_WORDS = {"seasonal": "同期×趋势", "moving_average": "近3月平均", "ets": "指数平滑",
                "combination": "同期+平滑", FALLBACK: "简单平均", STOPPED: "近3月无销量"}
MARGINS = {"left": 0.3, "right": 0.3, "top": 0.6, "bottom": 0.6}


def filename(month: str) -> str:
    """需求预测_<YYYY-MM>.xlsx."""
    return f"{TITLE}_{month}.xlsx"


def write_forecast_workbook(result: ForecastResult, path: str | Path, inputs: Sequence[str | Path] = ()) -> Path:
    """Write the forecast workbook atomically (inputs are never overwritten)."""
    with atomic_output(path, inputs) as tmp:
        wb = new_workbook(tmp)
        fmts = Formats(wb)
        _detail(wb, fmts, result)
        _by_customer(result).write(wb, fmts, result.month, TITLE)
        _risks(result).write(wb, fmts, result.month, TITLE)
        _trend(wb, fmts, result)
        _notes(wb, fmts, result)
        wb.worksheets()[0].activate()
        wb.close()
    return Path(path)


def detail_headers(result: ForecastResult) -> list[str]:
    """需求预测's headers: the keys, the last 3 months, last year's month, the forecast ..."""
    last3 = [f"{m[2:4]}年{int(m[5:])}月" for m in result.months[-3:]]
    return [*KEYS, *last3, "去年同月", "预测(条)", "下限(80%)", "上限(80%)", "方法", "回测WAPE", "同期法WAPE",
            "标记", ADJUSTED, REASON]


def _detail(wb, fmts: Formats, result: ForecastResult) -> None:
    ws = wb.add_worksheet(DETAIL)
    headers = detail_headers(result)
    rows = [[s.customer, result.names.get(s.customer, ""), result.managers.get(s.customer, ""), s.sku,
             result.classes.get(s.sku, ""), *([None] * (3 - len(s.last3))), *s.last3, s.last_year, s.forecast[0],
             s.low[0], s.high[0], _method(s.method), s.wape, s.baseline_wape, s.mark] for s in result.series]
    rows.sort(key=lambda r: (r[2], r[0], r[3]))
    n_keys = len(KEYS)
    widths = [fit_width([h, *(str(r[c]) for r in rows if r[c] is not None)], maximum=most)
              for c, (h, most) in enumerate(zip(headers[:n_keys], (10, 16, 8, 13, 6)))]
    widths += [8] * 4 + [8, 8, 8, 10, 8, 8, 6, 9, 14]
    head = fmts.header()
    ws.set_row(0, row_height(max(wrapped_lines(h, w) for h, w in zip(headers, widths))))
    for c, (h, w) in enumerate(zip(headers, widths)):
        ws.set_column(c, c, w)
        ws.write_string(0, c, h, head)
    text = fmts.get(border=1, valign="top", text_wrap=True)
    whole = fmts.get(border=1, valign="top", num_format="#,##0")
    pct = fmts.get(border=1, valign="top", num_format="0.0%")
    bold = fmts.get(border=1, valign="top", num_format="#,##0", bold=True)
    entry = fmts.get(border=1, valign="top", num_format="#,##0", bg_color=INPUT_FILL, locked=False)
    entry_text = fmts.get(border=1, valign="top", bg_color=INPUT_FILL, locked=False)
    kinds = [text] * n_keys + [whole] * 4 + [bold, whole, whole, text, pct, pct, text]
    for r, values in enumerate(rows, start=1):
        lines = max(wrapped_lines(values[c], widths[c]) for c in (1, 3))
        if lines > 1:
            ws.set_row(r, row_height(lines))
        for c, v in enumerate(values):
            if v is None or v == "":
                ws.write_blank(r, c, None, kinds[c])
            elif isinstance(v, str):
                ws.write_string(r, c, v, kinds[c])
            else:
                ws.write_number(r, c, v, kinds[c])
        ws.write_blank(r, len(values), None, entry)
        ws.write_blank(r, len(values) + 1, None, entry_text)
    last = max(len(rows), 1)
    ws.data_validation(1, len(headers) - 2, last, len(headers) - 2, {
        "validate": "integer", "criteria": ">=", "value": 0, "input_title": ADJUSTED,
        "input_message": "您判断的下月需求（条）；空着表示采用预测", "error_title": ADJUSTED,
        "error_message": "请填 0 或正整数（条）"})
    ws.freeze_panes(1, 4)
    ws.autofilter(0, 0, last, len(headers) - 1)
    print_setup(ws, widths=widths, repeat=0, margins=MARGINS, keep=4, landscape=True,
                header=page_header(left=f"{TITLE} {result.month}", right=DETAIL))


def _method(method: str) -> str:
    return METHOD_WORDS.get(method, method)


def _by_customer(result: ForecastResult) -> Table:
    table = Table(BY_CUSTOMER, [Col("客户编码", 10), Col("客户名称", 24), Col("客户经理", 10), Col("规格数", 7, "int"),
                                Col("预测(条)", 10, "int"), Col("下限(80%)", 10, "int"), Col("上限(80%)", 10, "int"),
                                Col("回测WAPE", 9, "pct"), Col("同期法WAPE", 10, "pct")],
                  note="下限、上限是各规格区间的合计（各规格不会同时偏到一边，客户的实际区间比这窄）。"
                       f"WAPE 是各规格最近 {BACKTEST} 个月回测的合计误差 ÷ 合计销量。")
    count: dict[str, int] = {}
    for s in result.series:
        count[s.customer] = count.get(s.customer, 0) + 1
    for c in result.customers():
        code = c["customer"]
        table.add([code, result.names.get(code, ""), result.managers.get(code, ""), count[code], c["forecast"],
                   c["low"], c["high"], c["wape"], c["baseline_wape"]])
    d = result.department()
    table.add(["合计", "", "", len(result.series), d["forecast"], d["low"], d["high"], d["wape"], d["baseline_wape"]])
    return table


def _risks(result: ForecastResult) -> Table:
    table = Table(RISKS, [Col("客户编码", 10), Col("客户名称", 24), Col("客户经理", 10), Col("卷烟规格", 14),
                          Col("预测(条)", 10, "int"), Col("近3月最多(条)", 12, "int"), Col("库存够卖(天)", 11),
                          Col("原因", 40)], empty="没有断货风险。")
    for r in result.risks:
        table.add([r["customer"], r["name"], r["manager"], r["sku"], r["forecast"], r["recent_max"],
                   "" if r["cover_days"] is None else f"{r['cover_days']:g}", r["why"]])
    return table


def _trend(wb, fmts: Formats, result: ForecastResult) -> None:
    ws = wb.add_worksheet(TREND)
    head = fmts.header()
    for c, h in enumerate(("月份", "实际销量(条)", "预测(条)", "下限(80%)", "上限(80%)")):
        ws.write_string(0, c, h, head)
    ws.set_column(0, 0, 10)
    ws.set_column(1, 4, 12)
    whole = fmts.get(border=1, num_format="#,##0")
    text = fmts.get(border=1)
    r = 1
    for m, v in zip(result.months, result.history):
        ws.write_string(r, 0, m, text)
        ws.write_number(r, 1, v, whole)
        r += 1
    d_months = result.target_months
    for k, m in enumerate(d_months):
        ws.write_string(r, 0, m, text)
        ws.write_number(r, 2, sum(s.forecast[k] for s in result.series), whole)
        ws.write_number(r, 3, sum(s.low[k] for s in result.series), whole)
        ws.write_number(r, 4, sum(s.high[k] for s in result.series), whole)
        r += 1
    last = r - 1
    chart = wb.add_chart({"type": "line"})
    cats = [TREND, 1, 0, last, 0]
    for col, colour, dash, name in ((1, "#4472C4", "solid", "实际销量"), (2, "#C00000", "solid", "预测"),
                                    (3, "#F4B183", "dash", "下限(80%)"), (4, "#F4B183", "dash", "上限(80%)")):
        chart.add_series({"name": name, "categories": cats, "values": [TREND, 1, col, last, col],
                          "line": {"color": colour, "dash_type": dash, "width": 2},
                          "marker": {"type": "circle", "size": 4, "fill": {"color": colour}, "border": {"color": colour}}})
    set_chart_title(chart, f"部门合计：历史与 {result.month} 的预测（条）", name_font={"size": 11, "bold": True})
    set_axis(chart, "y", {"num_format": "#,##0", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    set_axis(chart, "x", {"num_font": {"rotation": -45}})
    chart.set_legend({"position": "bottom"})
    chart.show_blanks_as("gap")
    chart.set_size({"width": 640, "height": 340})
    ws.insert_chart(1, 6, chart)
    print_setup(ws, widths=[10, 12, 12, 12, 12, 2, *([8.43] * 10)], landscape=True, margins=MARGINS,
                header=page_header(left=f"{TITLE} {result.month}", right=TREND))


def notes(result: ForecastResult) -> list[str]:
    """说明's paragraphs: the definitions in plain words, with this run's figures."""
    d = result.department()
    fest = result.festival
    out = [
        f"预测月份：{result.month}；依据 {result.months[0]} 至 {result.months[-1]} 共 {len(result.months)} 个月的销售数据，"
        f"{len(result.series)} 个客户×规格。部门预测 {d['forecast']:,} 条（80% 区间 {d['low']:,}–{d['high']:,}）。",
        f"怎么选方法：每个客户×规格，用最近 {BACKTEST} 个月做“回测”——假装站在每个月的月初，只用那之前的数据去预测这个月，"
        "再和实际销量比；误差最小的方法用来预测下个月。候选方法：同期×趋势（去年同月乘近3个月的同比变化，春节对齐）、"
        "近3月平均、指数平滑（越近的月份权重越大）、同期与平滑的平均。",
        "WAPE（加权平均误差率）：回测各月 |实际 − 预测| 的合计 ÷ 实际销量的合计。10% 表示平均每 100 条差 10 条；"
        "越小越可信。空着表示没有回测（历史太短）。“同期法WAPE”是只看去年同月（乘趋势、不对齐春节）的误差，"
        "回测WAPE 比它小，说明选出的方法比简单照搬去年更准。",
        "80% 区间：按回测误差的大小算（预测 ± 1.48 × 回测 6 个月误差的标准差）；大约十个月里有八个月实际销量会落在区间内。"
        "历史短的规格按它几个月销量的波动估计，只作参考。",
        "春节对齐：春节有时在 1 月、有时在 2 月，节前是销售旺季。对 1、2 月，若今年春节所在的月份与去年不同，"
        "就拿去年春节所在的月去比今年春节所在的月（1、2 月对调），1、2 月两个月的合计仍跟去年一致。春节日期取自 2004–2030 年的日期表。",
    ]
    if fest.get("months"):
        out.append(f"春节对齐的检验：在 {'、'.join(fest['months'])} 上，同期法对齐春节的 WAPE 为 {fest['aligned']:.1%}，"
                   f"不对齐为 {fest['plain']:.1%}。")
    else:
        out.append("春节对齐的检验：历史里没有前面有 15 个月数据的 1、2 月，这次无法用回测检验春节对齐。")
    out.append(f"部门回测 WAPE：{_pct(d['wape'])}；同期法：{_pct(d['baseline_wape'])}。")
    out.append("标记：新品（上市不到 10 个月或规格表标为新品）、新客户（客户加入不久）、历史短——用最近几个月的平均；"
               "停售——最近 3 个月没有销量，预测为 0。")
    out.extend(result.notes)
    out.append(f"请在“{DETAIL}”表的“{ADJUSTED}”栏填写您的判断（空着表示采用预测），并在“{REASON}”栏写明原因；"
               "月底用 gcs forecast --check 比较预测、调整与实际。")
    return out


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.1%}"


def _notes(wb, fmts: Formats, result: ForecastResult) -> None:
    ws = wb.add_worksheet(NOTES)
    width = 80                  # A4 portrait across at 100 % (as allocation_workbook.NOTE_WIDTH)
    ws.set_column(0, 0, width)
    fmt = fmts.get(text_wrap=True, valign="top")
    for r, para in enumerate(notes(result)):
        ws.write_string(r, 0, para, fmt)
        ws.set_row(r, row_height(wrapped_lines(para, width)))
    print_setup(ws, widths=[width], landscape=False, margins=MARGINS,
                header=page_header(left=f"{TITLE} {result.month}", right=NOTES))
