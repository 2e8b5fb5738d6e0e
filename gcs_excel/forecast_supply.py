"""常销品牌断货风险: where the forecast meets supply ("稍紧平衡": regular brands never run out).

A customer × SKU (but a 紧俏 one, allocated on purpose) is at risk when its forecast exceeds the largest month of its last 3
months' supply (sales) by more than `over_recent`, or when the stock seen in the last
month's 品牌采集 covers fewer than `cover_days` days of forecast sales in the stores where it
was seen (their share of the customer's sales of the SKU last month × the forecast ÷ the
month's days). Both thresholds are in forecast.toml (a department's --config overrides).
"""

from __future__ import annotations

import calendar
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .reporting.data import MonthlyInputs
from .rules import bundled_settings

WHAT = "预测设置文件"


@dataclass(frozen=True)
class SupplySettings:
    """forecast.toml's [supply], with a department's overrides."""
    cover_days: float
    over_recent: float


def load_settings(config: str | Path | None = None) -> SupplySettings:
    """forecast.toml, overridden by a department's file."""
    data = bundled_settings("forecast.toml", config, WHAT)["supply"]
    return SupplySettings(float(data["cover_days"]), float(data["over_recent"]))


def stockout_risks(result, inputs: MonthlyInputs, settings: SupplySettings) -> list[dict[str, Any]]:
    """The customer × SKU series at risk of running out, each with the figures and why."""
    last = result.months[-1]
    year, month = map(int, result.month.split("-"))
    days = calendar.monthrange(year, month)[1]
    sales = inputs.sales
    last_sales = sales[sales["month"].astype(str) == last]
    by_store = defaultdict(float)
    for lic, sku, vol in zip(last_sales["licence"], last_sales["sku"].astype(str), last_sales["volume"]):
        by_store[(lic, sku)] += float(vol)
    stock: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)     # (customer, sku) -> licence -> stock
    for customer, seen in inputs.observations.items():
        for o in seen:
            if o.stock is not None:
                stock[(customer, o.sku)][o.licence] = float(o.stock)       # the last seen counts
    scarce = {k for k, sku in inputs.catalogue.items() if sku.scarce}      # allocated on purpose: not 常销
    out = []
    for s in result.series:
        f = s.forecast[0]
        if f <= 0 or s.sku in scarce:
            continue
        why = []
        recent = max(s.last3) if s.last3 else 0.0
        if recent and f > recent * (1 + settings.over_recent):
            why.append(f"预测 {f:,} 条超过近 3 个月供货最多的一月 {recent:,.0f} 条")
        cover = None
        seen = stock.get((s.customer, s.sku))
        if seen and s.last3 and s.last3[-1] > 0:
            share = sum(by_store.get((lic, s.sku), 0.0) for lic in seen) / s.last3[-1]
            daily = f * share / days
            if daily > 0:
                cover = math.floor(sum(seen.values()) / daily * 10) / 10     # 6.96 days is not 7.0
                if cover < settings.cover_days:
                    why.append(f"品牌采集库存 {sum(seen.values()):,.0f} 条只够 {cover:.1f} 天（少于 {settings.cover_days:g} 天）")
        if why:
            out.append({"customer": s.customer, "name": result.names.get(s.customer, ""),
                        "manager": result.managers.get(s.customer, ""), "sku": s.sku, "forecast": f,
                        "recent_max": recent, "cover_days": cover,
                        "why": "；".join(why)})
    return out
