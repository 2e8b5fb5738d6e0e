"""The numbers of the monthly sales review (DOMAIN.md KPIs), aggregated once for the whole
department with pandas, then read per customer from plain dicts. Pure: records in, plain
dicts and lists out. A ratio with a zero or missing base is None (shown as "—")."""

from __future__ import annotations

import calendar
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable

import pandas as pd

from ..values import month_index, months_ending, shift_month

CARTONS_PER_CASE = 250          # 1 箱 (statistical case) = 250 条
PRICE_TOLERANCE = 0.05          # 价格执行率: |price − guide| ÷ guide ≤ 5%


def ratio(current: float | None, base: float | None) -> float | None:
    """(current − base) ÷ base; None when the base is zero or missing (never ±inf)."""
    if current is None or base is None or base == 0 or _nan(base) or _nan(current):
        return None
    return (current - base) / base


def divide(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0 or _nan(a) or _nan(b):
        return None
    return a / b


def _nan(x) -> bool:
    return isinstance(x, float) and math.isnan(x)


@dataclass(frozen=True)
class Period:
    month: str

    @property
    def prev(self) -> str:
        return shift_month(self.month, -1)

    @property
    def last_year(self) -> str:
        return shift_month(self.month, -12)

    @property
    def window(self) -> list[str]:
        """The 13 months ending with this one, oldest first."""
        return months_ending(self.month, 13)

    @property
    def days(self) -> int:
        y, m = map(int, self.month.split("-"))
        return calendar.monthrange(y, m)[1]


@dataclass(frozen=True)
class Sku:
    sku: str
    brand: str
    price_class: str          # label, e.g. 一类
    class_order: int          # position of the price class in the spec (for sorting)
    wholesale: float
    guide: float
    scarce: bool
    new: bool


def _sums(frame: pd.DataFrame, keys: list[str]) -> dict:
    """{key tuple (or scalar): (volume, amount)} of a grouped sum, as plain Python."""
    g = frame.groupby(keys, sort=False, observed=True)[["volume", "amount"]].sum()
    return dict(zip(g.index.tolist(), zip(g["volume"].tolist(), g["amount"].tolist())))


class Cube:
    """Sales aggregated once: by month, customer, SKU, store and price class."""

    def __init__(self, sales: pd.DataFrame, catalogue: dict[str, Sku], period: Period):
        self.period = period
        self.catalogue = catalogue
        s = sales.loc[sales["month"].isin(set(period.window)), ["month", "customer", "licence", "sku"]].copy()
        s["volume"] = pd.to_numeric(sales.loc[s.index, "volume"], errors="coerce").fillna(0.0)
        s["amount"] = pd.to_numeric(sales.loc[s.index, "amount"], errors="coerce").fillna(0.0)
        s["price_class"] = s["sku"].map({k: c.price_class for k, c in catalogue.items()}).fillna("")
        for col in ("month", "customer", "licence", "sku", "price_class"):
            s[col] = s[col].astype("category")       # grouping on categories is several times faster
        self.month_total = _sums(s, ["month"])
        self.cust_month = _sums(s, ["customer", "month"])
        self.sku_month = _sums(s, ["sku", "month"])
        self.class_month = _sums(s, ["price_class", "month"])
        self.cust_class_month = _sums(s, ["customer", "price_class", "month"])
        self.cust_sku_month: dict[str, dict] = defaultdict(dict)
        for (c, sku, m), va in _sums(s, ["customer", "sku", "month"]).items():
            self.cust_sku_month[c][(sku, m)] = va
        self.store_month: dict[str, dict] = defaultdict(dict)
        for (c, lic, m), va in _sums(s, ["customer", "licence", "month"]).items():
            self.store_month[c][(lic, m)] = va[0]
        now = s[s["month"] == period.month]
        self.store_sku = {k: va[0] for k, va in _sums(now, ["licence", "sku"]).items()}
        self.customers = sorted({c for c, _ in self.cust_month})
        new = [k for k, c in catalogue.items() if c.new]
        sold = sales.loc[sales["sku"].isin(new) & (pd.to_numeric(sales["volume"], errors="coerce") > 0)]
        self.first_sold = sold.groupby("sku")["month"].min().to_dict() if len(sold) else {}

    def _classes(self) -> list[str]:
        order = {c.price_class: c.class_order for c in self.catalogue.values()}
        return sorted({c for c, _ in self.class_month if c}, key=lambda c: (order.get(c, 99), c))

    # -- the department ("market") --------------------------------------------------------
    def market(self) -> dict[str, Any]:
        p = self.period
        v, a = self.month_total.get(p.month, (0.0, 0.0))
        vp, ap = self.month_total.get(p.prev, (0.0, 0.0))
        vy, ay = self.month_total.get(p.last_year, (0.0, 0.0))
        classes = []
        for c in self._classes():
            cv, ca = self.class_month.get((c, p.month), (0.0, 0.0))
            cvp = self.class_month.get((c, p.prev), (0.0, 0.0))[0]
            cvy = self.class_month.get((c, p.last_year), (0.0, 0.0))[0]
            classes.append({"price_class": c, "volume": cv, "amount": ca, "share": divide(cv, v),
                            "share_prev": divide(cvp, vp), "mom": ratio(cv, cvp), "yoy": ratio(cv, cvy)})
        return {
            "month": p.month, "volume": v, "boxes": v / CARTONS_PER_CASE, "amount": a,
            "mom": ratio(v, vp), "yoy": ratio(v, vy), "amount_mom": ratio(a, ap), "amount_yoy": ratio(a, ay),
            "trend": [{"month": m, "volume": self.month_total.get(m, (0.0, 0.0))[0],
                       "amount": self.month_total.get(m, (0.0, 0.0))[1]} for m in p.window],
            "classes": classes,
            "top_skus": self._skus(self.sku_month),
            "new_products": self.new_products(),
        }

    def _skus(self, table: dict) -> list[dict[str, Any]]:
        """Every SKU of a (sku, month) -> (volume, amount) table, best sellers first."""
        p = self.period
        vol = lambda sku, m: table.get((sku, m), (0.0, 0.0))[0]     # noqa: E731
        skus = {sku for sku, _ in table}
        total = sum(vol(s, p.month) for s in skus)
        rows = []
        for sku in skus:
            v = vol(sku, p.month)
            cat = self.catalogue.get(sku)
            rows.append({"sku": sku, "price_class": cat.price_class if cat else "",
                         "volume": v, "amount": table.get((sku, p.month), (0.0, 0.0))[1],
                         "share": divide(v, total), "mom": ratio(v, vol(sku, p.prev)),
                         "yoy": ratio(v, vol(sku, p.last_year)), "change": v - vol(sku, p.prev),
                         "trend": [vol(sku, m) for m in p.window]})
        rows.sort(key=lambda r: (-r["volume"], r["sku"]))
        return rows

    def new_products(self) -> list[dict[str, Any]]:
        """SKUs marked 新品: their first month with sales in all the data given, and their
    volumes since within the 13-month window."""
        p = self.period
        out = []
        for sku in sorted(k for k, c in self.catalogue.items() if c.new):
            first = self.first_sold.get(sku)
            if first is not None and first > p.month:
                first = None            # only sold after the month under review
            out.append({
                "sku": sku, "first_month": first,
                "months_on_sale": month_index(p.month) - month_index(first) + 1 if first else 0,
                "volume": self.sku_month.get((sku, p.month), (0.0, 0.0))[0],
                "trend": [{"month": m, "volume": self.sku_month.get((sku, m), (0.0, 0.0))[0]}
                          for m in p.window if first and m >= first],
            })
        return out

    # -- one customer ------------------------------------------------------------------------
    def customer(self, code: str, target: float | None) -> dict[str, Any]:
        p = self.period
        v, a = self.cust_month.get((code, p.month), (0.0, 0.0))
        vp, ap = self.cust_month.get((code, p.prev), (0.0, 0.0))
        vy, ay = self.cust_month.get((code, p.last_year), (0.0, 0.0))
        market_v = self.month_total.get(p.month, (0.0, 0.0))[0]
        classes = []
        for c in self._classes():
            cv = self.cust_class_month.get((code, c, p.month), (0.0, 0.0))[0]
            mv = self.class_month.get((c, p.month), (0.0, 0.0))[0]
            classes.append({"price_class": c, "volume": cv, "share": divide(cv, v),
                            "market_share": divide(mv, market_v)})
        return {
            "customer": code, "volume": v, "boxes": v / CARTONS_PER_CASE, "amount": a,
            "avg_price": divide(a, v), "avg_price_prev": divide(ap, vp),
            "mom": ratio(v, vp), "yoy": ratio(v, vy), "amount_mom": ratio(a, ap), "amount_yoy": ratio(a, ay),
            "volume_prev": vp, "volume_last_year": vy,
            "target": target, "attainment": divide(v, target),
            "classes": classes,
            "top_skus": self._skus(self.cust_sku_month.get(code, {})),
            "stores": self.stores(code),
            "trend": [{"month": m, "volume": self.cust_month.get((code, m), (0.0, 0.0))[0],
                       "amount": self.cust_month.get((code, m), (0.0, 0.0))[1]} for m in p.window],
        }

    def stores(self, code: str) -> list[dict[str, Any]]:
        """The customer's stores ranked by this month's volume, with last month's rank."""
        p = self.period
        mine = self.store_month.get(code, {})
        licences = sorted({lic for lic, _ in mine})
        cur = {s: mine.get((s, p.month), 0.0) for s in licences}
        prev = {s: mine.get((s, p.prev), 0.0) for s in licences}
        rank_now = {s: k for k, s in enumerate(sorted(licences, key=lambda s: (-cur[s], s)), start=1)}
        rank_prev = {s: k for k, s in enumerate(sorted(licences, key=lambda s: (-prev[s], s)), start=1)}
        rows = [{"licence": s, "volume": cur[s], "volume_prev": prev[s], "change": cur[s] - prev[s],
                 "mom": ratio(cur[s], prev[s]), "rank": rank_now[s], "rank_prev": rank_prev[s]}
                for s in licences]
        rows.sort(key=lambda r: r["rank"])
        return rows


def falling(stores: list[dict[str, Any]], n: int = 5) -> list[dict[str, Any]]:
    """The stores whose sales fell most (by volume lost); only those that fell."""
    return sorted((s for s in stores if s["change"] < 0), key=lambda s: (s["change"], s["licence"]))[:n]


# --- the terminal: brand observations on store visits ------------------------------------
@dataclass(frozen=True)
class Observation:
    date: Any
    licence: str
    sku: str
    on_shelf: bool
    price: float | None
    stock: float | None


def terminal(observations: Iterable[Observation], visited: set[str] | None, stores: list[dict[str, Any]],
             catalogue: dict[str, Sku], store_sku: dict, period: Period) -> dict[str, Any]:
    """Distribution (铺货率), price compliance (价格执行率) and index (零售价格指数),
    stock-to-sales (存销比) and days of cover (可销天数) for one customer's stores.

    observations: this customer's 品牌采集 of the month; visited: licences with a visit in
    the month (None without a visit log: then nothing is said about visits); stores: its
    active stores; store_sku: (licence, sku) -> this month's volume. Each store's latest
    observation of a SKU gives its stock and its price in the index."""
    obs = sorted(observations, key=lambda o: (o.licence, o.sku, o.date))
    surveyed = {o.licence for o in obs}
    by_sku: dict[str, list[Observation]] = defaultdict(list)
    for o in obs:
        by_sku[o.sku].append(o)
    rows = []
    num = den = 0.0
    for sku in sorted(by_sku):
        seen = by_sku[sku]
        cat = catalogue.get(sku)
        guide = cat.guide if cat else None
        priced = [o for o in seen if o.price is not None]
        within = [abs(o.price - guide) / guide <= PRICE_TOLERANCE + 1e-12 for o in priced] if guide else []
        stocked = {o.licence: o.stock for o in seen if o.stock is not None}    # sorted by date: latest wins
        latest_price = {o.licence: o.price for o in priced}
        stock = sum(stocked.values())
        sales = sum(store_sku.get((lic, sku), 0.0) for lic in stocked)
        for lic, price in latest_price.items():
            q = store_sku.get((lic, sku), 0.0)
            if guide and q > 0:
                num += price * q
                den += guide * q
        stocking = {o.licence for o in seen if o.on_shelf}
        rows.append({
            "sku": sku, "stores_stocking": len(stocking), "stores_surveyed": len(surveyed),
            "distribution": divide(len(stocking), len(surveyed)),
            "observations": len(within), "compliant": sum(within), "compliance": divide(sum(within), len(within)),
            "avg_price": sum(o.price for o in priced) / len(priced) if priced else None, "guide": guide,
            "deviation": ratio(sum(o.price for o in priced) / len(priced), guide) if priced and guide else None,
            "stock": stock, "sales": sales, "stock_to_sales": divide(stock, sales),
            "days_of_cover": divide(stock, sales / period.days) if sales else None,
            "scarce": bool(cat and cat.scarce), "new": bool(cat and cat.new),
        })
    observed = sum(r["observations"] for r in rows)
    return {
        "stores_surveyed": len(surveyed), "skus": rows,
        "compliance": divide(sum(r["compliant"] for r in rows), observed),
        "price_index": None if den == 0 else num / den * 100,
        "not_visited": None if visited is None else [s for s in stores if s["licence"] not in visited],
    }
