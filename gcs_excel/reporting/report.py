"""The department's sales report (销售报表_<YYYY-MM>.xlsx), for the department only:

- 概要: one page — the month, the year to date against the annual target, how the total
  is made up (reviews written, customers of another status), the 13-month trend;
- 客户汇总: every customer with sales in the month or in normal status, its status,
  volume, amount, 条均价, 单店均量, MoM, YoY, target, attainment, 年累计 and 完成进度, rank;
  the filter covers the customer rows only; below them subtotals where a manager has more
  than one customer, and the total (which equals the reviews plus the other customers);
- 价类结构: each customer's volume by price class;
- 月度走势: the department's 13 months, with a chart;
- 内部提示: the internal findings per customer (never mailed), then the sign-off block.
Ratios of subtotals and totals are computed from their sums."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..writing import atomic_output
from ..xlsx_style import new_workbook
from .analysis import CARTONS_PER_CASE, divide, ratio
from .internal import Note
from .names import month_words
from .sheets import Column, Formats, ReportSheet

SUBTOTAL_CM, SUBTOTAL_MM, TOTAL = "#DDEBF7", "#BDD7EE", "#9BC2E6"
SUMMED = ("volume", "amount", "volume_prev", "volume_last_year", "amount_prev", "amount_last_year", "ytd",
          "stores_with_sales")


@dataclass
class ReportData:
    """What the department report shows."""
    month: str
    customers: list[dict[str, Any]]       # one row per customer (see run._row)
    market: dict[str, Any]
    classes: list[str]
    notes: list[Note]
    today: dt.date
    year_months_with_targets: int = 12


def total(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The sums of customer rows, with their ratios computed from the sums (a target or
    annual target only when every row has one)."""
    out: dict[str, Any] = {k: sum(r[k] for r in rows) for k in SUMMED}
    for key in ("target", "year_target"):
        values = [r[key] for r in rows]
        out[key] = sum(values) if values and all(v is not None for v in values) else None
    v = out["volume"]
    out.update(boxes=v / CARTONS_PER_CASE, avg_price=divide(out["amount"], v),
               store_avg=divide(v, out["stores_with_sales"]), mom=ratio(v, out["volume_prev"]),
               yoy=ratio(v, out["volume_last_year"]), attainment=divide(v, out["target"]),
               progress=divide(out["ytd"], out["year_target"]))
    return out


def ranked(customers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rank by volume (1 = the largest); equal volumes share a rank."""
    order = sorted(customers, key=lambda r: -r["volume"])
    rank, last = 0, None
    for k, r in enumerate(order, start=1):
        if r["volume"] != last:
            rank, last = k, r["volume"]
        r["rank"] = rank
    return customers


def subtotals(customers: list[dict[str, Any]]) -> list[tuple[dict[str, str], str, dict[str, Any]]]:
    """(labels, fill, sums): per customer manager, then per market manager, where the
    manager has more than one customer (a market manager's only when there is more than one
    market manager, else it would repeat the total); then the total. The labels fill the
    customer table's columns (mm, cm, customer, name, status)."""
    out = []
    by_mm: dict[str, list[dict]] = {}
    for r in customers:
        by_mm.setdefault(r["mm"] or "", []).append(r)
    for mm, rows in by_mm.items():
        by_cm: dict[str, list[dict]] = {}
        for r in rows:
            by_cm.setdefault(r["cm"] or "", []).append(r)
        for cm, mine in by_cm.items():
            if len(mine) > 1:
                out.append((_labels(mm, cm, "客户经理小计", len(mine)), SUBTOTAL_CM, total(mine)))
        if len(rows) > 1 and len(by_mm) > 1:
            out.append((_labels(mm, "", "市场经理小计", len(rows)), SUBTOTAL_MM, total(rows)))
    out.append((_labels("", "", "合计", len(customers)), TOTAL, total(customers)))
    return out


def _labels(mm: str, cm: str, name: str, n: int) -> dict[str, str]:
    return {"mm": mm, "cm": cm, "customer": f"{n} 个", "name": name, "status": ""}


NUMBERS = [Column("销量(条)", "volume", "int"), Column("销售额(万元)", lambda r: r["amount"] / 10000, "wan"),
           Column("条均价(元)", "avg_price", "price"), Column("单店均量(条)", "store_avg", "int"),
           Column("环比", "mom", "signed"), Column("同比", "yoy", "signed"), Column("目标(条)", "target", "int"),
           Column("达成率", "attainment", "pct"), Column("年累计(条)", "ytd", "int"),
           Column("完成进度", "progress", "pct")]


def summary_sheet(wb, fmt: Formats, d: ReportData) -> ReportSheet:
    """概要: the month, the year so far, how the total is made up (the chart is added later)."""
    t = total(d.customers)
    words = month_words(d.month)
    s = ReportSheet(wb, fmt, "概要", f"{words} 集团客户销售报表", f"{words}集团客户销售报表（部门内部）")
    s.width[2] = 56.0        # the page's width, for the text and the chart below the facts
    month_no = int(d.month[5:])
    s.heading("本月")
    s.facts([("销量(条)", t["volume"], "int"), ("销量(箱)", t["boxes"], "box"), ("销售额(万元)", t["amount"] / 10000, "wan"),
             ("条均价(元/条)", t["avg_price"], "price"), ("单店均量(条/店)", t["store_avg"], "int"),
             ("环比", t["mom"], "signed"), ("同比", t["yoy"], "signed"),
             ("本月目标(条)", t["target"], "int"), ("目标达成率", t["attainment"], "pct")])
    s.heading(f"{d.month[:4]}年累计（1–{month_no} 月）")
    s.facts([("年累计销量(条)", t["ytd"], "int"), ("年度目标(条)", t["year_target"], "int"),
             ("完成进度", t["progress"], "pct"), ("时间进度", month_no / 12, "pct")])
    reviewed = [r for r in d.customers if r["review"]]
    others = [r for r in d.customers if not r["review"]]
    s.heading("合计的构成")
    s.text_row(f"{len(reviewed)} 个客户写了销售回顾，合计 {sum(r['volume'] for r in reviewed):,.0f} 条")
    for status in sorted({r["status"] for r in others}):
        mine = [r for r in others if r["status"] == status]
        s.text_row(f"{len(mine)} 个“{status}”客户没有写销售回顾，本月销量 {sum(r['volume'] for r in mine):,.0f} 条："
                   + "、".join(r["name"] or r["customer"] for r in mine))
    s.text_row(f"部门合计 {t['volume']:,.0f} 条（= 全部门销量，和每本销售回顾里的“全部门”一致）", bold=True)
    if d.year_months_with_targets < 12:
        s.text_row(f"销售目标只给了 {d.year_months_with_targets} 个月，年度目标和完成进度按给全 12 个月的客户计")
    s.row += 1
    return s


def trend_chart(s: ReportSheet, sheet: str, first: int, last: int) -> None:
    """The department's 13-month line chart over the 月度走势 table."""
    s.chart("line", "全部门近 13 个月销量", [{"name": "销量", "categories": [sheet, first, 0, last, 0],
                                             "values": [sheet, first, 1, last, 1], "marker": {"type": "circle"}}],
            value_title="销量（条）", value_format="#,##0", legend=False, slanted=True)


def customers_sheet(wb, fmt: Formats, d: ReportData) -> tuple[ReportSheet, int]:
    """The customer table (filtered) and the subtotals below it; returns the sheet and
    the table's header row (printed atop every page)."""
    words = month_words(d.month)
    s = ReportSheet(wb, fmt, "客户汇总", f"{words} 集团客户销售汇总", f"{words}集团客户销售报表（部门内部）")
    s.heading("各客户", "本月有销量或状态为正常的每个客户一行；单店均量 = 销量 ÷ 本月有销量的门店；"
                      "完成进度 = 年累计 ÷ 年度目标（全年 12 个月目标之和，部门合计见“概要”）。筛选只作用于这张客户表")
    label_cols = [Column("市场经理", "mm"), Column("客户经理", "cm"), Column("客户编码", "customer"),
                  Column("客户名称", "name", wrap=20), Column("状态", "status")]
    head = s.row
    first, last = s.table([*label_cols, *NUMBERS, Column("排名", "rank", "int")], d.customers)
    s.ws.autofilter(head, 0, last, len(label_cols) + len(NUMBERS))
    s.ws.freeze_panes(head + 1, 4)
    s.heading("小计与合计", "小计只给负责一个以上客户的经理；合计 = 上表全部客户")
    rows = [{**sums, **labels, "fill": fill} for labels, fill, sums in subtotals(d.customers)]
    s.table([*label_cols, *NUMBERS], rows, fill=lambda r: r["fill"])
    return s, head


def classes_sheet(wb, fmt: Formats, d: ReportData) -> ReportSheet:
    """价类结构: each customer's volume by price class, and the department's."""
    words = month_words(d.month)
    s = ReportSheet(wb, fmt, "价类结构", f"{words} 各客户价类结构", f"{words}集团客户销售报表（部门内部）")
    s.heading("各客户本月销量按价类", "每个价类：销量（条）和它占该客户销量的比例")
    cols = [Column("客户编码", "customer"), Column("客户名称", "name", wrap=16)]
    for c in d.classes:
        cols += [Column(f"{c}(条)", lambda r, c=c: r["class_volume"].get(c, 0.0), "int"),
                 Column(f"{c}占比", lambda r, c=c: divide(r["class_volume"].get(c, 0.0), r["volume"]), "pct")]
    rows = list(d.customers)
    market = {"customer": "", "name": "全部门", "volume": d.market["volume"],
              "class_volume": {c["price_class"]: c["volume"] for c in d.market["classes"]}}
    s.table([*cols, Column("合计(条)", "volume", "int")], [*rows, market],
            fill=lambda r: TOTAL if r is market else None)
    return s


def trend_sheet(wb, fmt: Formats, d: ReportData) -> tuple[ReportSheet, int, int]:
    """The 13 months as a table and a chart; returns the sheet and the table's data rows."""
    words = month_words(d.month)
    s = ReportSheet(wb, fmt, "月度走势", f"全部门近 13 个月销量（到{words}）", f"{words}集团客户销售报表（部门内部）")
    rows = []
    prev = None
    for t in d.market["trend"]:
        rows.append({**t, "boxes": None if t["volume"] is None else t["volume"] / CARTONS_PER_CASE,
                     "avg_price": divide(t["amount"], t["volume"]), "mom": ratio(t["volume"], prev)})
        prev = t["volume"]
    s.heading("近 13 个月", "空白：所给销售数据里没有这个月")
    first, last = s.table([Column("月份", "month"), Column("销量(条)", "volume", "int"),
                           Column("销量(箱)", "boxes", "box"),
                           Column("销售额(万元)", lambda r: None if r["amount"] is None else r["amount"] / 10000, "wan"),
                           Column("条均价(元)", "avg_price", "price"), Column("环比", "mom", "signed")],
                          rows, blanks=True)
    trend_chart(s, s.name, first, last)
    return s, first, last


def notes_sheet(wb, fmt: Formats, d: ReportData) -> ReportSheet:
    """内部提示: the internal findings, then the sign-off block that ends the report."""
    words = month_words(d.month)
    s = ReportSheet(wb, fmt, "内部提示", f"{words} 内部提示（不发给客户）", f"{words}集团客户销售报表（部门内部）")
    s.heading("各客户的内部提示", "没有拜访的门店、不足以写比率的采集、缺少的数据等：只在本报表里，"
                             "不写进发给客户的销售回顾")
    if d.notes:
        s.table([Column("客户编码", "customer"), Column("客户名称", "name", wrap=16), Column("客户经理", "cm"),
                 Column("类别", "kind"), Column("内容", "detail", wrap=36)], [n.__dict__ for n in d.notes])
    else:
        s.text_row("本月没有内部提示。")
    s.heading("签发")
    s.table([Column("编制", "made"), Column("日期", "made_on"), Column("审核", "checked"), Column("日期 ", "checked_on")],
            [{"made": "", "made_on": d.today.isoformat(), "checked": "", "checked_on": ""}])
    s.height[s.row - 2] = 36.0        # room to sign
    return s


def write_report(path: Path, data: ReportData, inputs=()) -> dict[str, tuple[int, int]]:
    """Write the report; returns each sheet's (print scale, pages)."""
    with atomic_output(path, inputs) as tmp:
        wb = new_workbook(tmp, in_memory=True)
        fmt = Formats(wb)
        summary = summary_sheet(wb, fmt, data)
        customers, head = customers_sheet(wb, fmt, data)
        classes = classes_sheet(wb, fmt, data)
        trend, first, last = trend_sheet(wb, fmt, data)
        trend_chart(summary, trend.name, first, last)
        notes = notes_sheet(wb, fmt, data)
        layout = {}
        for s in (summary, customers, classes, trend, notes):
            layout[s.name] = (s.finish(repeat=head if s is customers else None), s.pages)
        wb.close()
    return layout
