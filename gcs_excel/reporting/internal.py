"""The department's internal findings per customer: stores not visited, data that is
missing or too thin to state a rate, customers and stores with sales outside the normal
status. They go to the department report only, never into a customer's review (which is
what gets mailed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .config import MonthlyConfig
from .words import cartons


@dataclass(frozen=True)
class Note:
    """One internal finding about one customer (a row of the report's 内部提示)."""
    customer: str
    name: str
    cm: str
    kind: str        # 类别
    detail: str


def customer_notes(code: str, name: str, cm: str, status: str, c: dict[str, Any], t: dict[str, Any] | None,
                   stores: list[dict[str, Any]], visited: set[str] | None, reporting: set[str],
                   cfg: MonthlyConfig) -> list[Note]:
    """stores: the customer's stores (licence, name, address, active, status); visited:
    licences visited this month (None without a visit log); reporting: licences in this
    month's sales data."""
    notes: list[Note] = []

    def note(kind: str, detail: str) -> None:
        """Add a note of this kind."""
        notes.append(Note(code, name, cm or "", kind, detail))

    if status and c["volume"] and not c.get("reviewed", True):
        note("客户状态", f"总部档案里状态为“{status}”，本月有销量 {cartons(c['volume'])} 条：计入部门合计，没有写销售回顾")
    active = [s for s in stores if s["active"]]
    for s in stores:
        volume = c["store_volume"].get(s["licence"], 0)
        if not s["active"] and volume > 0:
            note("门店状态", f"{s['name']}（{s['licence']}）状态为“{s['status']}”，本月有销量 {cartons(volume)} 条")
    if visited is not None:
        for s in active:
            if s["licence"] not in visited:
                note("未拜访门店", f"{s['name']}（{s['licence']}，{s['address']}）本月没有拜访记录：下月优先安排拜访")
    if c["volume"]:
        for s in active:
            if s["licence"] not in reporting:
                note("没有销售数据", f"{s['name']}（{s['licence']}）不在本月的销售数据里：它不计入动销率的分子，库存不计入可销天数")
    if 0 < len(active) < cfg.min_base:
        note("基数不足", f"正常营业的门店只有 {len(active)} 家，不足 {cfg.min_base} 家：不写动销率")
    if t:
        thin = [("铺货率", [f"{s['sku']} {s['surveyed']} 家" for s in t["skus"] if s["distribution"] is None]),
                ("可销天数", [f"{s['sku']} {s['cover_base']} 家" for s in t["skus"]
                          if s["days_of_cover"] is None and s["cover_base"] < cfg.min_base]),
                ("价格执行率", [f"{s['sku']} {s['observations']} 次" for s in t["skus"]
                           if s["guide"] and s["compliance"] is None])]
        said = [f"{what}：{'、'.join(items)}" for what, items in thin if items]
        if said:
            note("采集不足", f"采集不足 {cfg.min_base} 家门店（次），没有写这些比率——" + "；".join(said)
                 + "。下月请多采集这些规格")
    return notes
