"""The review workbook for one customer: 市场概况, 客户销售, 终端情况 (with visit data) and
分析与建议, with native charts, print-ready on A4. It holds what the customer should
read: the department's totals and this customer's own data. No other customer, no ID
numbers or bank accounts, and none of the department's internal notes (which stores were
not visited, who should visit): those go to the department report."""

from __future__ import annotations

from pathlib import Path

from ..writing import atomic_output
from ..xlsx_style import new_workbook
from .analysis import CARTONS_PER_CASE, Period, falling
from .config import MonthlyConfig
from .names import month_words
from .sheets import Column, Formats, ReportSheet

TOP = 10
TREND_SKUS = 5


def wan(yuan: float | None) -> float | None:
    """元 as 万元 (the tables' unit for money)."""
    return None if yuan is None else yuan / 10000


def _kpi(sheet: ReportSheet, data: dict, trend: list[dict], period: Period) -> None:
    """This month, last month and the same month last year, with MoM and YoY."""
    by_month = {t["month"]: t for t in trend}

    def at(month: str, key: str):
        """A month's value in the row's unit (None for a month without data)."""
        v = by_month.get(month, {}).get("volume" if key == "boxes" else key)
        return None if v is None else v / {"boxes": CARTONS_PER_CASE, "amount": 10000}.get(key, 1)
    rows = [{"label": label, "now": at(period.month, key), "prev": at(period.prev, key),
             "last": at(period.last_year, key), "mom": data["amount_mom" if key == "amount" else "mom"],
             "yoy": data["amount_yoy" if key == "amount" else "yoy"], "kind": kind}
            for label, key, kind in (("销量(条)", "volume", "int"), ("销量(箱)", "boxes", "box"),
                                     ("销售额(万元)", "amount", "wan"))]
    heads = ["指标", f"本月 {period.month}", f"上月 {period.prev}", f"去年同月 {period.last_year}", "环比", "同比"]
    kind = lambda r: r["kind"]        # noqa: E731  (cartons, cases and yuan in one column)
    sheet.table([Column(heads[0], "label"), *(Column(h, k, kind) for h, k in zip(heads[1:4], ("now", "prev", "last"))),
                 Column("环比", "mom", "signed"), Column("同比", "yoy", "signed")], rows)


def _trend(sheet: ReportSheet, trend: list[dict], title: str) -> None:
    first, last = sheet.table([Column("月份", "month"), Column("销量(条)", "volume", "int"),
                               Column("销售额(万元)", lambda r: wan(r["amount"]), "wan")], trend, blanks=True)
    sheet.chart("line", title, [{"name": "销量", "categories": sheet.ref(first, last, 0),
                                 "values": sheet.ref(first, last, 1), "marker": {"type": "circle"}}],
                value_title="销量（条）", value_format="#,##0", legend=False, slanted=True, with_table=True)


def market_sheet(wb, fmt: Formats, m: dict, period: Period, header: str) -> ReportSheet:
    """市场概况: the department's month (the same in every review)."""
    s = ReportSheet(wb, fmt, "市场概况", f"{month_words(period.month)} 市场概况", header)
    s.heading("全部门销售（全部集团客户合计）")
    _kpi(s, m, m["trend"], period)
    s.heading("价类结构")
    first, last = s.table([Column("价类", "price_class"), Column("销量(条)", "volume", "int"),
                           Column("销售额(万元)", lambda r: wan(r["amount"]), "wan"), Column("占比", "share", "pct"),
                           Column("上月占比", "share_prev", "pct"), Column("环比", "mom", "signed"),
                           Column("同比", "yoy", "signed")], m["classes"])
    if m["classes"]:
        s.chart("pie", "各价类销量占比", [{"name": "销量", "categories": s.ref(first, last, 0),
                                           "values": s.ref(first, last, 1),
                                           "data_labels": {"percentage": True, "category": True}}])
    s.heading("近 13 个月销量")
    _trend(s, m["trend"], "全部门月销量")
    top = m["top_skus"][:TOP]
    s.heading(f"销量前 {len(top)} 的规格")
    s.table([Column("规格", "sku"), Column("价类", "price_class"), Column("本月销量(条)", "volume", "int"),
             Column("占比", "share", "pct"), Column("环比", "mom", "signed"), Column("同比", "yoy", "signed")], top)
    lead = top[:TREND_SKUS]
    if lead:
        s.heading(f"前 {len(lead)} 个规格近 13 个月销量（条）", "空白：所给数据里这个月还没有这个规格的销量（尚未上市）或没有这个月的数据")
        rows = [{"month": mth, **{f"s{k}": sku["trend"][i] for k, sku in enumerate(lead)}}
                for i, mth in enumerate(period.window)]
        first, last = s.table([Column("月份", "month"), *(Column(sku["sku"], f"s{k}", "int") for k, sku in enumerate(lead))],
                              rows, blanks=True)
        series = [{"name": [s.name, first - 1, k + 1], "categories": s.ref(first, last, 0),
                   "values": s.ref(first, last, k + 1), "marker": {"type": "circle", "size": 4}}
                  for k in range(len(lead))]
        s.chart("line", f"前 {len(lead)} 个规格近 13 个月销量", series, value_title="销量（条）", value_format="#,##0",
                slanted=True, with_table=True)
    s.heading("新品", "是否新品 = 是 的规格：所给销售数据里第一次有销量的月份，以及本月销量")
    s.table([Column("规格", "sku"), Column("首次有销量", lambda r: r["first_month"] or "—"),
             Column("上市第几个月", lambda r: r["months_on_sale"] or None, "int"),
             Column("本月销量(条)", "volume", "int")], m["new_products"])
    return s


def customer_sheet(wb, fmt: Formats, c: dict, name: str, period: Period, header: str,
                   store_names: dict[str, str]) -> ReportSheet:
    """客户销售: the customer's month, its price classes, SKUs and stores."""
    s = ReportSheet(wb, fmt, "客户销售", f"{name} {month_words(period.month)} 销售情况", header)
    s.heading("本月销售")
    _kpi(s, c, c["trend"], period)
    s.facts([("条均价(元/条)", c["avg_price"], "price"), ("上月条均价(元/条)", c["avg_price_prev"], "price"),
             ("本月目标(条)", c["target"], "int"), ("目标达成率", c["attainment"], "pct"),
             (f"{period.month[:4]}年累计(条)", c["ytd"], "int"),
             ("有销量的门店(家)", c["stores_with_sales"], "int"), ("单店均量(条/店)", c["store_avg"], "int"),
             ("动销门店/正常门店", f"{c['selling_stores']}/{c['active_stores']}", "count"),
             ("门店动销率", c["sell_rate"], "pct")])
    s.heading("价类结构（与全部门比较）")
    first, last = s.table([Column("价类", "price_class"), Column("销量(条)", "volume", "int"),
                           Column("贵公司占比", "share", "pct"), Column("全部门占比", "market_share", "pct"),
                           Column("相差(百分点)", lambda r: None if r["share"] is None or r["market_share"] is None
                                  else (r["share"] - r["market_share"]) * 100, "pp")], c["classes"])
    if c["classes"]:
        s.chart("column", "价类占比：贵公司与全部门", [
            {"name": "贵公司", "categories": s.ref(first, last, 0), "values": s.ref(first, last, 2)},
            {"name": "全部门", "categories": s.ref(first, last, 0), "values": s.ref(first, last, 3)}],
            value_title="占比（%）", value_format="0%", value_max=1)
    top = c["top_skus"][:TOP]
    s.heading(f"销量前 {len(top)} 的规格", "动销率 = 本月有销量的门店 ÷ 正常营业的门店"
              + ("" if c["sell_rate"] is not None or not top else "（正常营业的门店不足计算所需的家数，不写动销率）"))
    s.table([Column("规格", "sku"), Column("本月销量(条)", "volume", "int"), Column("占比", "share", "pct"),
             Column("环比", "mom", "signed"), Column("同比", "yoy", "signed"),
             Column("有销量门店", lambda r: f"{r['selling']}/{r['active']}", "count"), Column("动销率", "sell_rate", "pct")], top)
    stores = c["stores"]
    named = [dict(r, name=store_names.get(r["licence"], r["licence"])) for r in stores]
    s.heading("门店排名", "按本月销量排名；“上月排名”按上月销量")
    first, last = s.table([Column("卖场名称", "name", wrap=26), Column("本月销量(条)", "volume", "int"),
                           Column("上月销量(条)", "volume_prev", "int"), Column("变化(条)", "change", "int"),
                           Column("环比", "mom", "signed"), Column("排名", "rank", "int"),
                           Column("上月排名", "rank_prev", "int")], named)
    if named:
        n = min(len(named), TOP)
        s.chart("bar", f"销量前 {n} 的门店", [{"name": "本月销量", "categories": s.ref(first, first + n - 1, 0),
                                              "values": s.ref(first, first + n - 1, 1)}],
                rows=max(12, round(n * 1.6) + 5), value_title="本月销量（条）", value_format="#,##0", legend=False)
    fell = [dict(r, name=store_names.get(r["licence"], r["licence"])) for r in falling(stores)]
    if fell:
        s.heading("销量下降最多的门店")
        s.table([Column("卖场名称", "name", wrap=26), Column("本月销量(条)", "volume", "int"),
                 Column("上月销量(条)", "volume_prev", "int"), Column("减少(条)", lambda r: -r["change"], "int"),
                 Column("环比", "mom", "signed")], fell)
    s.heading("近 13 个月销量")
    _trend(s, c["trend"], f"{name} 月销量")
    return s


def terminal_sheet(wb, fmt: Formats, t: dict, c: dict, name: str, period: Period, header: str,
                   store_names: dict[str, str], cfg: MonthlyConfig) -> ReportSheet:
    """终端情况: distribution, selling, stock and prices from the store observations."""
    s = ReportSheet(wb, fmt, "终端情况", f"{name} {month_words(period.month)} 终端情况", header)
    base = cfg.min_base
    s.heading("采集概况", f"价格执行率 = 售价与零售指导价相差不超过 {cfg.price_tolerance:.0%} 的采集次数 ÷ 有售价的采集次数；"
                       "零售价格指数 = Σ实际售价×销量 ÷ Σ指导价×销量 × 100。"
                       f"分母不足 {base}（家门店或次采集）的比率不写，显示“—”")
    s.facts([("采集门店(家)", t["stores_surveyed"], "int"), ("有售价的采集(次)", t["observations"], "int"),
             ("其中偏离指导价(次)", t["off"], "int"), ("价格执行率", t["compliance"], "pct"),
             ("零售价格指数", t["price_index"], "index"),
             ("指数计入的门店×规格(个)", t["index_base"], "int")])
    if not t["skus"]:
        s.text_row("本月没有采集到贵公司门店的品牌信息。")
        return s
    active = c["active_stores"]
    sold = {r["sku"]: r for r in c["top_skus"]}
    rows = [dict(r, selling_here=sold[r["sku"]]["selling"] if r["sku"] in sold else 0,
                 sell_rate=sold[r["sku"]]["sell_rate"] if r["sku"] in sold else c["sell_rate"] and 0.0)
            for r in sorted(t["skus"], key=lambda r: (r["distribution"] is None, r["distribution"] or 0, r["sku"]))]
    s.heading("铺货与动销", f"铺货率 = 采集时上柜的门店 ÷ 采集了这个规格的门店；动销率 = 本月有销量的门店 ÷ {active} 家正常营业的门店")
    first, _ = s.table([Column("规格", "sku"), Column("采集门店", "surveyed", "int"), Column("上柜门店", "on_shelf", "int"),
                        Column("铺货率", "distribution", "pct"),
                        Column("有销量门店", lambda r: f"{r['selling_here']}/{active}", "count"),
                        Column("动销率", "sell_rate", "pct")], rows)
    rated = sum(1 for r in rows if r["distribution"] is not None)
    if rated:
        series = [{"name": "铺货率", "categories": s.ref(first, first + rated - 1, 0),
                   "values": s.ref(first, first + rated - 1, 3)}]
        if c["sell_rate"] is not None:
            series.append({"name": "动销率", "categories": s.ref(first, first + rated - 1, 0),
                           "values": s.ref(first, first + rated - 1, 5)})
        s.chart("bar", "各规格铺货率与动销率", series, rows=max(10, round(rated * 1.2 * len(series)) + 6),
                value_title="比率（%）", value_format="0%", value_max=1)
    s.heading("库存", "只算库存（最近一次采集）和本月销量都知道的门店；存销比 = 库存 ÷ 本月销量；"
                    "可销天数 = 库存 ÷ 日均销量")
    s.table([Column("规格", "sku"), Column("计算门店", "cover_base", "int"), Column("库存(条)", "stock", "int"),
             Column("本月销量(条)", "sales", "int"), Column("存销比", "stock_to_sales", "days"),
             Column("可销天数", "days_of_cover", "days")], sorted(t["skus"], key=lambda r: r["sku"]))
    off = [dict(o, sku=r["sku"], guide=r["guide"], name=store_names.get(o["licence"], o["licence"]))
           for r in sorted(t["skus"], key=lambda r: r["sku"]) for o in r["off"]]
    s.heading("价格", f"每次采集的售价单独和零售指导价比较；偏离 = 相差超过 {cfg.price_tolerance:.0%}")
    s.table([Column("规格", "sku"), Column("零售指导价", "guide", "price"), Column("有售价的采集(次)", "observations", "int"),
             Column("偏离(次)", lambda r: len(r["off"]), "int"), Column("价格执行率", "compliance", "pct")],
            sorted(t["skus"], key=lambda r: r["sku"]))
    if off:
        s.heading("偏离指导价的采集")
        s.table([Column("卖场名称", "name", wrap=26), Column("规格", "sku"),
                 Column("采集日期", lambda o: str(o["date"])[:10]), Column("售价", "price", "price"),
                 Column("零售指导价", "guide", "price"), Column("偏离", "deviation", "signed")], off)
    return s


def advice_sheet(wb, fmt: Formats, parts: list[tuple[str, list[str]]], name: str, period: Period,
                 header: str) -> ReportSheet:
    """分析与建议: the prose."""
    s = ReportSheet(wb, fmt, "分析与建议", f"{name} {month_words(period.month)} 销售回顾：分析与建议", header)
    s.width.update({c: 11.0 for c in range(8)})       # prose across a portrait page at full size
    for title, texts in parts:
        s.heading(title)
        s.paragraphs(texts)
    return s


def write_review(path: Path, *, name: str, period: Period, market: dict, customer: dict,
                 terminal: dict | None, store_names: dict[str, str], parts: list[tuple[str, list[str]]],
                 cfg: MonthlyConfig, inputs=()) -> dict[str, tuple[int, int]]:
    """Write the review; returns each sheet's (print scale, pages)."""
    header = f"{name} · {month_words(period.month)}销售回顾"
    with atomic_output(path, inputs) as tmp:
        wb = new_workbook(tmp, in_memory=True)
        fmt = Formats(wb)
        sheets = [market_sheet(wb, fmt, market, period, header),
                  customer_sheet(wb, fmt, customer, name, period, header, store_names)]
        if terminal is not None:
            sheets.append(terminal_sheet(wb, fmt, terminal, customer, name, period, header, store_names, cfg))
        sheets.append(advice_sheet(wb, fmt, parts, name, period, header))
        layout = {}
        for s in sheets:
            layout[s.name] = (s.finish(), s.pages)
        wb.worksheets()[-1].activate()        # the prose is what a customer reads first
        wb.close()
    return layout
