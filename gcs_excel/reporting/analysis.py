"""The numbers of the monthly sales review (DOMAIN.md KPIs), aggregated once for the whole
department with pandas, then read per customer from plain dicts. Pure: records in, plain
dicts and lists out.

Rates are stated only from what was observed, on a base of at least ``min_base``
(monthly.toml): a ratio with a smaller, zero or missing base is None (shown as "—").
A month without any sales row in the data is unknown (None, a blank in charts), not 0;
so is a SKU's volume before its first sale."""

from __future__ import annotations

import calendar
import math
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Iterable

import numpy as np
import pandas as pd

from ..values import month_index, months_ending, shift_month

CARTONS_PER_CASE = 250          # 1 箱 (statistical case) = 250 条


def ratio(current: float | None, base: float | None) -> float | None:
    """(current − base) ÷ base; None when the base is zero or missing (never ±inf)."""
    if current is None or base is None or base == 0 or _nan(base) or _nan(current):
        return None
    return (current - base) / base


def divide(a: float | None, b: float | None) -> float | None:
    """a ÷ b; None when either is missing or b is zero."""
    if a is None or b is None or b == 0 or _nan(a) or _nan(b):
        return None
    return a / b


def rate(part: int, base: int, min_base: int) -> float | None:
    """part ÷ base, stated only on a base of at least min_base."""
    return part / base if base >= max(min_base, 1) else None


def _nan(x) -> bool:
    return isinstance(x, float) and math.isnan(x)


@dataclass(frozen=True)
class Period:
    """The month under review and the months it is compared with (each worked out once)."""
    month: str

    @cached_property
    def prev(self) -> str:
        """The previous month (环比)."""
        return shift_month(self.month, -1)

    @cached_property
    def last_year(self) -> str:
        """The same month last year (同比)."""
        return shift_month(self.month, -12)

    @cached_property
    def window(self) -> list[str]:
        """The 13 months ending with this one, oldest first."""
        return months_ending(self.month, 13)

    @cached_property
    def year_to_date(self) -> list[str]:
        """January to this month of this month's year."""
        return months_ending(self.month, int(self.month[5:]))

    @cached_property
    def year(self) -> list[str]:
        """The twelve months of this month's year."""
        return [f"{self.month[:4]}-{m:02d}" for m in range(1, 13)]

    @property
    def days(self) -> int:
        """Days in the month (for daily sales)."""
        y, m = map(int, self.month.split("-"))
        return calendar.monthrange(y, m)[1]


@dataclass(frozen=True)
class Sku:
    """A catalogue entry as the review uses it."""
    sku: str
    brand: str
    price_class: str          # label, e.g. 一类
    class_order: int          # position of the price class in the spec (for sorting)
    wholesale: float
    guide: float
    scarce: bool
    new: bool


def _keys(index: pd.Index) -> list:
    """The keys of a grouped result as plain Python: scalars, or tuples built from the
    levels' arrays (MultiIndex.tolist is many times slower)."""
    if index.nlevels == 1:
        return index.tolist()
    return list(zip(*(index.get_level_values(k).tolist() for k in range(index.nlevels))))


def _sums(frame: pd.DataFrame, keys: list[str]) -> dict:
    """{key tuple (or scalar): (volume, amount)} of a grouped sum, as plain Python."""
    g = frame.groupby(keys, sort=False, observed=True)[["volume", "amount"]].sum()
    return dict(zip(_keys(g.index), zip(g["volume"].tolist(), g["amount"].tolist())))


def _by_customer(frame: pd.DataFrame, keys: list[str], value: str = "volume") -> dict[str, dict]:
    """{customer: {key tuple (or scalar): value}} of a grouped sum: the index levels taken
    out as arrays once, each customer's slice made into a dict."""
    g = frame.groupby(["customer", *keys], sort=True, observed=True)[value].sum()
    out: dict[str, dict] = {}
    if not len(g):
        return out
    codes = g.index.get_level_values(0).to_numpy()
    levels = [g.index.get_level_values(k + 1).to_numpy() for k in range(len(keys))]
    values = g.to_numpy()
    bounds = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1], True])
    for a, b in zip(bounds[:-1], bounds[1:]):
        rows = zip(*(level[a:b].tolist() for level in levels)) if len(levels) > 1 else levels[0][a:b].tolist()
        out[codes[a]] = dict(zip(rows, values[a:b].tolist()))
    return out


def sales_table(months: list, customers: list, licences: list, skus: list, volumes: list, amounts: list) -> pd.DataFrame:
    """The sales rows as the cube reads them: month, customer and SKU as categories (each
    column factorized once), the licence as it is (the cube factorizes it only for the two
    months it needs it in), volume and amount as floats (a missing or wrong number is 0)."""
    def number(values: list) -> np.ndarray:
        """Floats from a column of numbers, NaN where a value is not one."""
        try:
            return np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            return pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=float)
    frame = pd.DataFrame({"month": pd.Categorical(months), "customer": pd.Categorical(customers),
                          "licence": np.asarray(licences, dtype=object), "sku": pd.Categorical(skus),
                          "volume": number(volumes), "amount": number(amounts)})
    frame[["volume", "amount"]] = frame[["volume", "amount"]].fillna(0.0)
    return frame


class Cube:
    """Sales aggregated once: by month, customer, SKU, store and price class. The rows are
    grouped once by customer, SKU and month (everything coarser comes from that), and the
    store-level tables only from the two months that need them."""

    def __init__(self, sales: pd.DataFrame, catalogue: dict[str, Sku], period: Period, min_base: int = 5):
        self.period = period
        self.catalogue = catalogue
        self.min_base = min_base
        if not isinstance(sales["month"].dtype, pd.CategoricalDtype):
            sales = sales_table(*(sales[c].tolist() for c in ("month", "customer", "licence", "sku", "volume", "amount")))
        sold = sales.loc[sales["volume"].to_numpy() > 0, ["sku", "month"]]      # months sort as text: 2025-12 < 2026-01
        firsts = sold.assign(code=sold["month"].cat.codes).groupby("sku", observed=True)["code"].min()
        months = list(sales["month"].cat.categories)
        self.first_sold = {sku: months[code] for sku, code in firsts.items()}
        s = sales[sales["month"].isin(period.window)]
        fine = s.groupby(["customer", "sku", "month"], sort=False, observed=True)[["volume", "amount"]].sum().reset_index()
        classes = {k: c.price_class for k, c in catalogue.items()}
        fine["price_class"] = pd.Categorical(fine["sku"].astype(str).map(classes).fillna(""))
        self.months_given = set(fine["month"].astype(str).unique().tolist())
        self.month_total = _sums(fine, ["month"])
        self.cust_month = _sums(fine, ["customer", "month"])
        self.sku_month = _sums(fine, ["sku", "month"])
        self.class_month = _sums(fine, ["price_class", "month"])
        self.cust_class_month = _sums(fine, ["customer", "price_class", "month"])
        self.cust_sku_month: dict[str, dict] = defaultdict(dict)
        for (c, sku, m), va in zip(_keys(pd.MultiIndex.from_frame(fine[["customer", "sku", "month"]])),
                                   zip(fine["volume"].tolist(), fine["amount"].tolist())):
            self.cust_sku_month[c][(sku, m)] = va
        two = s[s["month"].isin([period.month, period.prev])].assign(
            licence=lambda f: pd.Categorical(f["licence"]))
        now, prev = two[two["month"] == period.month], two[two["month"] == period.prev]
        self.store_month = _by_customer(two, ["licence", "month"])
        self.store_sku = _by_customer(now, ["licence", "sku"])            # customer -> (licence, sku) -> volume
        self.store_sku_prev = _by_customer(prev, ["licence", "sku"])
        self.customers = sorted({c for c, m in self.cust_month if m == period.month})

    def _classes(self) -> list[str]:
        order = {c.price_class: c.class_order for c in self.catalogue.values()}
        return sorted({c for c, _ in self.class_month if c}, key=lambda c: (order.get(c, 99), c))

    def _given(self, month: str, value: float) -> float | None:
        """A month's value, or None when the data hold no sales at all for that month."""
        return value if month in self.months_given else None

    def _trend(self, table: dict, key=None) -> list[dict[str, Any]]:
        rows = []
        for m in self.period.window:
            v, a = table.get(m if key is None else (key, m), (0.0, 0.0))
            rows.append({"month": m, "volume": self._given(m, v), "amount": self._given(m, a)})
        return rows

    def _ytd(self, table: dict, key=None) -> float:
        return sum(table.get(m if key is None else (key, m), (0.0, 0.0))[0] for m in self.period.year_to_date)

    # -- the department ("market") --------------------------------------------------------
    def market(self) -> dict[str, Any]:
        """The department's month: totals, changes, price classes, SKUs, new products, trend."""
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
        selling = sum(sum(1 for x in self.store_month.get(c, {}).items() if x[0][1] == p.month and x[1] > 0)
                      for c in self.store_month)
        return {
            "month": p.month, "volume": v, "boxes": v / CARTONS_PER_CASE, "amount": a,
            "avg_price": divide(a, v), "stores_with_sales": selling, "store_avg": divide(v, selling),
            "mom": ratio(v, vp), "yoy": ratio(v, vy), "amount_mom": ratio(a, ap), "amount_yoy": ratio(a, ay),
            "prev_given": p.prev in self.months_given, "last_year_given": p.last_year in self.months_given,
            "ytd": self._ytd(self.month_total),
            "trend": self._trend(self.month_total),
            "classes": classes,
            "top_skus": self._skus(self.sku_month),
            "new_products": self.new_products(),
        }

    def _skus(self, table: dict, selling: dict[str, int] | None = None, active: int = 0) -> list[dict[str, Any]]:
        """Every SKU of a (sku, month) -> (volume, amount) table, best sellers first; with
        selling (SKU -> active stores that sold it), its 动销率 over the active stores."""
        p = self.period
        vol = lambda sku, m: table.get((sku, m), (0.0, 0.0))[0]     # noqa: E731
        skus = {sku for sku, _ in table}
        total = sum(vol(s, p.month) for s in skus)
        rows = []
        for sku in skus:
            v = vol(sku, p.month)
            cat = self.catalogue.get(sku)
            first = self.first_sold.get(sku)
            row = {"sku": sku, "price_class": cat.price_class if cat else "",
                   "volume": v, "amount": table.get((sku, p.month), (0.0, 0.0))[1],
                   "share": divide(v, total), "mom": ratio(v, vol(sku, p.prev)),
                   "yoy": ratio(v, vol(sku, p.last_year)), "change": v - vol(sku, p.prev),
                   "volume_prev": vol(sku, p.prev),
                   "trend": [None if m not in self.months_given or first is None or m < first else vol(sku, m)
                             for m in p.window]}
            if selling is not None:
                n = selling.get(sku, 0)
                row.update(selling=n, active=active, sell_rate=rate(n, active, self.min_base))
            rows.append(row)
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
    def customer(self, code: str, target: float | None, active: Iterable[str] = ()) -> dict[str, Any]:
        """One customer's numbers; active: the licences of its active stores (the base
        of 动销率)."""
        p = self.period
        active = set(active)
        v, a = self.cust_month.get((code, p.month), (0.0, 0.0))
        vp, ap = self.cust_month.get((code, p.prev), (0.0, 0.0))
        vy, ay = self.cust_month.get((code, p.last_year), (0.0, 0.0))
        market_v = self.month_total.get(p.month, (0.0, 0.0))[0]
        classes = []
        for c in self._classes():
            cv, ca = self.cust_class_month.get((code, c, p.month), (0.0, 0.0))
            mv = self.class_month.get((c, p.month), (0.0, 0.0))[0]
            classes.append({"price_class": c, "volume": cv, "amount": ca, "share": divide(cv, v),
                            "market_share": divide(mv, market_v)})
        store_sku = self.store_sku.get(code, {})
        with_sales = {lic for (lic, _), q in store_sku.items() if q > 0}
        sku_selling: dict[str, int] = defaultdict(int)
        for (lic, sku), q in store_sku.items():
            if q > 0 and lic in active:
                sku_selling[sku] += 1
        selling = len(with_sales & active)
        return {
            "customer": code, "volume": v, "boxes": v / CARTONS_PER_CASE, "amount": a,
            "avg_price": divide(a, v), "avg_price_prev": divide(ap, vp),
            "mom": ratio(v, vp), "yoy": ratio(v, vy), "amount_mom": ratio(a, ap), "amount_yoy": ratio(a, ay),
            "volume_prev": vp, "volume_last_year": vy, "amount_prev": ap, "amount_last_year": ay,
            "prev_given": p.prev in self.months_given, "last_year_given": p.last_year in self.months_given,
            "target": target, "attainment": divide(v, target),
            "stores_with_sales": len(with_sales), "store_avg": divide(v, len(with_sales)),
            "selling_stores": selling, "active_stores": len(active),
            "sell_rate": rate(selling, len(active), self.min_base),
            "ytd": self._ytd(self.cust_month, code),
            "classes": classes,
            "top_skus": self._skus(self.cust_sku_month.get(code, {}), sku_selling, len(active)),
            "stores": self.stores(code),
            "trend": self._trend(self.cust_month, code),
        }

    def stores(self, code: str) -> list[dict[str, Any]]:
        """The customer's stores ranked by this month's volume, with last month's rank
        and the SKUs whose sales changed most in each store."""
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

    def store_changes(self, code: str, licence: str) -> list[tuple[str, float, float]]:
        """(sku, this month, last month) of one store, the largest falls first."""
        now, prev = self.store_sku.get(code, {}), self.store_sku_prev.get(code, {})
        skus = {k for lic, k in now if lic == licence} | {k for lic, k in prev if lic == licence}
        rows = [(k, now.get((licence, k), 0.0), prev.get((licence, k), 0.0)) for k in skus]
        return sorted(rows, key=lambda r: (r[1] - r[2], r[0]))


def falling(stores: list[dict[str, Any]], n: int = 5, min_drop: float = 0, min_share: float = 0) -> list[dict[str, Any]]:
    """The stores whose sales fell most (by volume lost): only those that lost at least
    min_drop cartons and min_share of last month's volume."""
    fell = (s for s in stores if s["change"] < 0 and -s["change"] >= min_drop
            and (s["volume_prev"] and -s["change"] / s["volume_prev"] >= min_share))
    return sorted(fell, key=lambda s: (s["change"], s["licence"]))[:n]


# --- the terminal: brand observations on store visits ------------------------------------
@dataclass(frozen=True)
class Observation:
    """One 品牌采集 row: a SKU seen (or not) on a store's shelf, with its price and stock."""
    date: Any
    licence: str
    sku: str
    on_shelf: bool
    price: float | None
    stock: float | None


def terminal(observations: Iterable[Observation], catalogue: dict[str, Sku], store_sku: dict,
             period: Period, *, min_base: int, tolerance: float) -> dict[str, Any]:
    """Per SKU observed in the customer's stores this month:

    - 铺货率 = stores seen with it on shelf ÷ stores where it was observed;
    - 价格执行率 = observations within tolerance of the guide price ÷ observations with a
      price, each observation judged on its own (the deviating ones are listed);
    - 存销比 and 可销天数 = stock ÷ sales (÷ days) over the stores whose stock was
      observed and whose sales are in this month's data (both known), each store's stock
      from its latest observation;
    - 零售价格指数 = Σ latest price × volume ÷ Σ guide × volume.

    store_sku: this customer's (licence, sku) -> this month's volume; a store that
    appears in it has known sales (0 for a SKU it did not buy)."""
    obs = sorted(observations, key=lambda o: (o.licence, o.sku, o.date))
    reporting = {lic for lic, _ in store_sku}
    by_sku: dict[str, list[Observation]] = defaultdict(list)
    for o in obs:
        by_sku[o.sku].append(o)
    rows = []
    num = den = 0.0
    index_base = 0
    for sku in sorted(by_sku):
        seen = by_sku[sku]
        cat = catalogue.get(sku)
        guide = cat.guide if cat and cat.guide > 0 else None
        surveyed = sorted({o.licence for o in seen})
        on = sorted({o.licence for o in seen if o.on_shelf})
        priced = [o for o in seen if o.price is not None]
        off = []
        if guide:
            off = [{"licence": o.licence, "price": o.price, "deviation": (o.price - guide) / guide, "date": o.date}
                   for o in priced if abs(o.price - guide) / guide > tolerance + 1e-12]
        stocked = {o.licence: o.stock for o in seen if o.stock is not None}    # sorted by date: latest wins
        covered = [lic for lic in stocked if lic in reporting]
        per_store = [{"licence": lic, "stock": stocked[lic], "sales": store_sku.get((lic, sku), 0.0),
                      "days": divide(stocked[lic], store_sku.get((lic, sku), 0.0) / period.days)} for lic in covered]
        stock = sum(stocked[lic] for lic in covered)
        sales = sum(store_sku.get((lic, sku), 0.0) for lic in covered)
        enough = len(covered) >= max(min_base, 1)
        latest_price = {o.licence: o.price for o in priced}
        if guide:
            for lic, price in latest_price.items():
                q = store_sku.get((lic, sku), 0.0)
                if q > 0:
                    num += price * q
                    den += guide * q
                    index_base += 1
        rows.append({
            "sku": sku, "on_shelf": len(on), "surveyed": len(surveyed),
            "distribution": rate(len(on), len(surveyed), min_base),
            "missing": [lic for lic in surveyed if lic not in set(on)],
            "observations": len(priced) if guide else 0, "off": off,
            "compliance": rate(len(priced) - len(off), len(priced), min_base) if guide else None,
            "guide": guide,
            "cover_base": len(covered), "stock": stock if covered else None, "sales": sales if covered else None,
            "stock_to_sales": divide(stock, sales) if enough else None,
            "days_of_cover": divide(stock, sales / period.days) if enough and sales else None,
            "per_store": per_store,
            "scarce": bool(cat and cat.scarce), "new": bool(cat and cat.new),
        })
    priced_total = sum(r["observations"] for r in rows)
    off_total = sum(len(r["off"]) for r in rows)
    return {
        "stores_surveyed": len({o.licence for o in obs}), "skus": rows,
        "observations": priced_total, "off": off_total,
        "compliance": rate(priced_total - off_total, priced_total, min_base),
        "price_index": num / den * 100 if den and index_base >= max(min_base, 1) else None,
        "index_base": index_base,
    }
