"""The review workbook for one customer: 市场概况, 客户销售, 终端情况 (with visit data) and
分析与建议, with native charts, print-ready. It holds the department's totals and this
customer's own data only: no other customer, no ID numbers or bank accounts."""

from __future__ import annotations

from pathlib import Path

from ..xlsx_style import new_workbook
from ..writing import atomic_output
from .analysis import CARTONS_PER_CASE, Period, falling
from .names import month_words
from .narrative import customer_part, market_part, suggestions
from .sheets import Column, Formats, ReportSheet

TOP = 10


def _kpi(sheet: ReportSheet, data: dict, trend: list[dict], period: Period) -> None:
    by_month = {t["month"]: t for t in trend}

    def at(month):
        t = by_month.get(month, {"volume": 0.0, "amount": 0.0})
        return {"volume": t["volume"], "boxes": t["volume"] / CARTONS_PER_CASE, "amount": t["amount"]}
    now, prev, last = at(period.month), at(period.prev), at(period.last_year)
    moms = {"volume": data["mom"], "boxes": data["mom"], "amount": data["amount_mom"]}
    yoys = {"volume": data["yoy"], "boxes": data["yoy"], "amount": data["amount_yoy"]}
    ws, fmt = sheet.ws, sheet.fmt
    heads = ["指标", f"本月 {period.month}", f"上月 {period.prev}", f"去年同月 {period.last_year}", "环比", "同比"]
    for c, h in enumerate(heads):
        ws.write_string(sheet.row, c, h, fmt.head)
    for k, (label, key, kind) in enumerate((("销量(条)", "volume", "int"), ("销量(箱)", "boxes", "box"),
                                            ("销售额(元)", "amount", "yuan")), start=1):
        r = sheet.row + k
        ws.write_string(r, 0, label, fmt.cell("text"))
        for c, src in enumerate((now, prev, last), start=1):
            ws.write_number(r, c, src[key], fmt.cell(kind))
        for c, v in ((4, moms[key]), (5, yoys[key])):
            if v is None:
                ws.write_string(r, c, "—", fmt.missing)
            else:
                ws.write_number(r, c, v, fmt.cell("signed"))
    sheet.row += 5


def _trend(sheet: ReportSheet, trend: list[dict], title: str) -> None:
    first, last = sheet.table([Column("月份", "month", "text", 10), Column("销量(条)", "volume", "int"),
                               Column("销售额(元)", "amount", "yuan")], trend)
    sheet.chart("line", title, [{"name": "销量(条)", "categories": sheet.ref(first, last, 0),
                                 "values": sheet.ref(first, last, 1), "marker": {"type": "circle"}}],
                y_format="#,##0")


def market_sheet(wb, fmt: Formats, m: dict, period: Period, header: str) -> None:
    s = ReportSheet(wb, fmt, "市场概况", f"{month_words(period.month)} 市场概况", header,
                    (16, 14, 14, 14, 12, 12, 12, 12))
    s.heading("全部门销售（全部集团客户合计）")
    _kpi(s, m, m["trend"], period)
    s.heading("价类结构")
    first, last = s.table([Column("价类", "price_class", "text"), Column("销量(条)", "volume", "int"),
                           Column("销售额(元)", "amount", "yuan"), Column("占比", "share", "pct"),
                           Column("上月占比", "share_prev", "pct"), Column("环比", "mom", "signed"),
                           Column("同比", "yoy", "signed")], m["classes"])
    if m["classes"]:
        s.chart("pie", "各价类销量占比", [{"name": "销量", "categories": s.ref(first, last, 0),
                                           "values": s.ref(first, last, 1), "data_labels": {"percentage": True}}])
    s.heading("近 13 个月销量")
    _trend(s, m["trend"], "全部门月销量（条）")
    top = m["top_skus"][:TOP]
    s.heading(f"销量前 {len(top)} 的规格", "后面 13 列是各规格近 13 个月的销量（条）")
    months = period.window
    cols = [Column("规格", "sku", "text"), Column("价类", "price_class", "text"), Column("本月销量(条)", "volume", "int"),
            Column("占比", "share", "pct"), Column("环比", "mom", "signed"), Column("同比", "yoy", "signed")]
    cols += [Column(mth[2:], lambda r, k=k: r["trend"][k], "int", 9) for k, mth in enumerate(months)]
    first, last = s.table(cols, top)
    if top:
        head_row = first - 1
        series = [{"name": [s.name, r, 0], "categories": [s.name, head_row, 6, head_row, 6 + len(months) - 1],
                   "values": [s.name, r, 6, r, 6 + len(months) - 1], "marker": {"type": "circle", "size": 4}}
                  for r in range(first, min(first + 5, last + 1))]
        s.chart("line", "前 5 个规格近 13 个月销量（条）", series, y_format="#,##0")
    s.heading("新品", "是否新品 = 是 的规格：所给销售数据里第一次有销量的月份，以及本月销量")
    s.table([Column("规格", "sku", "text"), Column("首次有销量", lambda r: r["first_month"] or "—", "text"),
             Column("上市第几个月", lambda r: r["months_on_sale"] or None, "int"),
             Column("本月销量(条)", "volume", "int")], m["new_products"])


def customer_sheet(wb, fmt: Formats, c: dict, name: str, period: Period, header: str,
                   store_names: dict[str, str]) -> None:
    s = ReportSheet(wb, fmt, "客户销售", f"{name} {month_words(period.month)} 销售情况", header,
                    (16, 14, 14, 16, 12, 12, 12, 12))
    s.heading("本月销售")
    _kpi(s, c, c["trend"], period)
    s.facts([("条均价(元/条)", c["avg_price"], "price"), ("上月条均价(元/条)", c["avg_price_prev"], "price"),
             ("本月目标(条)", c["target"], "int"), ("目标达成率", c["attainment"], "pct")])
    s.heading("价类结构（与全部门比较）")
    first, last = s.table([Column("价类", "price_class", "text"), Column("销量(条)", "volume", "int"),
                           Column("贵公司占比", "share", "pct"), Column("全部门占比", "market_share", "pct"),
                           Column("相差(百分点)", lambda r: None if r["share"] is None or r["market_share"] is None
                                  else (r["share"] - r["market_share"]) * 100, "pp")], c["classes"])
    if c["classes"]:
        s.chart("column", "价类占比：贵公司与全部门", [
            {"name": "贵公司", "categories": s.ref(first, last, 0), "values": s.ref(first, last, 2)},
            {"name": "全部门", "categories": s.ref(first, last, 0), "values": s.ref(first, last, 3)}],
            y_format="0%")
    top = c["top_skus"][:TOP]
    s.heading(f"销量前 {len(top)} 的规格")
    s.table([Column("规格", "sku", "text"), Column("价类", "price_class", "text"),
             Column("本月销量(条)", "volume", "int"), Column("占比", "share", "pct"),
             Column("销售额(元)", "amount", "yuan"), Column("环比", "mom", "signed"),
             Column("同比", "yoy", "signed")], top)
    s.heading("门店排名", "按本月销量排名；“上月排名”按上月销量")
    stores = c["stores"]
    named = [dict(r, name=store_names.get(r["licence"], "")) for r in stores]
    first, last = s.table([Column("排名", "rank", "int", 8), Column("上月排名", "rank_prev", "int"),
                           Column("专卖证号", "licence", "text"), Column("卖场名称", "name", "text"),
                           Column("本月销量(条)", "volume", "int"), Column("上月销量(条)", "volume_prev", "int"),
                           Column("变化(条)", "change", "int"), Column("环比", "mom", "signed")], named)
    if named:
        n = min(len(named), TOP)
        s.chart("bar", f"销量前 {n} 的门店（条）", [{"name": "本月销量", "categories": s.ref(first, first + n - 1, 3),
                                                   "values": s.ref(first, first + n - 1, 4)}], height_rows=18)
    fell = [dict(r, name=store_names.get(r["licence"], "")) for r in falling(stores)]
    s.heading("销量下降最多的门店")
    s.table([Column("专卖证号", "licence", "text"), Column("卖场名称", "name", "text"),
             Column("本月销量(条)", "volume", "int"), Column("上月销量(条)", "volume_prev", "int"),
             Column("减少(条)", lambda r: -r["change"], "int"), Column("环比", "mom", "signed")], fell)
    s.heading("近 13 个月销量")
    _trend(s, c["trend"], f"{name} 月销量（条）")


def terminal_sheet(wb, fmt: Formats, t: dict, name: str, period: Period, header: str) -> None:
    s = ReportSheet(wb, fmt, "终端情况", f"{name} {month_words(period.month)} 终端情况", header,
                    (16, 10, 12, 12, 12, 12, 12, 12, 12, 10, 10))
    s.heading("走访采集概况", "价格执行率 = 售价与指导价相差不超过 5% 的采集次数 ÷ 采集次数；"
                        "零售价格指数 = Σ实际售价×销量 ÷ Σ指导价×销量 × 100")
    s.facts([("采集门店数", t["stores_surveyed"], "int"), ("价格执行率", t["compliance"], "pct"),
             ("零售价格指数", t["price_index"], "index")])
    s.heading("分规格", "铺货率 = 上柜门店 ÷ 采集门店；存销比 = 库存 ÷ 本月销量；可销天数 = 库存 ÷ 日均销量")
    first, last = s.table([
        Column("规格", "sku", "text"), Column("铺货率", "distribution", "pct"),
        Column("上柜/采集门店", lambda r: f"{r['stores_stocking']}/{r['stores_surveyed']}", "text"),
        Column("价格执行率", "compliance", "pct"), Column("平均零售价", "avg_price", "price"),
        Column("零售指导价", "guide", "price"), Column("偏离指导价", "deviation", "signed"),
        Column("库存(条)", "stock", "int"), Column("本月销量(条)", "sales", "int"),
        Column("存销比", "stock_to_sales", "days"), Column("可销天数", "days_of_cover", "days")], t["skus"])
    if t["skus"]:
        s.chart("bar", "各规格铺货率", [{"name": "铺货率", "categories": s.ref(first, last, 0),
                                         "values": s.ref(first, last, 1)}], y_format="0%",
                height_rows=max(16, len(t["skus"]) + 4))
    if t["not_visited"] is not None:        # only with a visit log
        s.heading(f"本月没有拜访记录的门店（{len(t['not_visited'])} 家）")
        s.table([Column("专卖证号", "licence", "text"), Column("卖场名称", "name", "text"),
                 Column("地址", "address", "text")], t["not_visited"])


def advice_sheet(wb, fmt: Formats, parts: list[tuple[str, list[str]]], name: str, period: Period,
                 header: str) -> None:
    s = ReportSheet(wb, fmt, "分析与建议", f"{name} {month_words(period.month)} 销售回顾：分析与建议", header,
                    (12,) * 8)
    for title, texts in parts:
        s.heading(title)
        s.paragraphs(texts)


def advice(market: dict, customer: dict, name: str, period: Period, store_names: dict[str, str],
           terminal: dict | None) -> list[tuple[str, list[str]]]:
    """The prose in the regulation's three parts, each with its title."""
    words = month_words(period.month)
    return [("一、卷烟市场与品牌动向", market_part(market, words)),
            ("二、贵公司上月销售情况", customer_part(customer, name, words, store_names, terminal)),
            ("三、建议", suggestions(customer, market, store_names, terminal))]


def write_review(path: Path, *, name: str, period: Period, market: dict, customer: dict,
                 terminal: dict | None, store_names: dict[str, str], parts: list[tuple[str, list[str]]],
                 inputs=()) -> Path:
    """parts: advice(...) for this customer."""
    header = f"{name} · {month_words(period.month)}销售回顾"
    with atomic_output(path, inputs) as tmp:
        wb = new_workbook(tmp)
        fmt = Formats(wb)
        market_sheet(wb, fmt, market, period, header)
        customer_sheet(wb, fmt, customer, name, period, header, store_names)
        if terminal is not None:
            terminal_sheet(wb, fmt, terminal, name, period, header)
        advice_sheet(wb, fmt, parts, name, period, header)
        wb.worksheets()[-1].activate()        # the prose is what a customer reads first
        wb.close()
    return path


