"""The target breakdown itself, as exact arithmetic: an annual target (条) into 12 months
by last year's seasonality (the last 12 months of sales, by month of the year) aligned to the Spring Festival, then each month into stores
by their share of recent sales, with a floor for new stores.

Both levels round with allocation_rule.split (largest remainder, ties to the higher
weight, then to the smaller key), so every sum is exact and the result the same on every
machine. Nothing here reads files or prints.

Spring Festival alignment, simply: tobacco sells most in the month that holds the
festival (festivals.py), and the festival moves between January and February. When the festival of the
year whose January and February the shares come from fell in another month than this
year's, those two shares are swapped before they are used, so the peak lands in this year's festival month;
the two months together keep their share of the year.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Sequence

from .allocation_rule import as_fraction, split
from .festivals import spring_festivals

MONTHS = tuple(range(1, 13))
SOURCES = {"customer": "按本客户最近 12 个月的销量分月", "department": "按全部门最近 12 个月的销量分月（本客户历史不够）",
           "equal": "平均分到 12 个月（历史不够）"}


@dataclass(frozen=True)
class Seasonality:
    """Each month's share of the year (sums to 1), where it came from, and the festival move."""
    shares: tuple[Fraction, ...]        # 12 shares, January first
    source: str                         # "customer" / "department" / "equal" (SOURCES)
    festival_note: str = ""             # what the Spring Festival alignment did, in Chinese


def seasonality(year: int, own: Mapping[int, float], department: Mapping[int, float],
                min_months: int = 12, base_year: int | None = None) -> Seasonality:
    """The month shares for year from a past year's sales (month 1..12 -> 条; base_year,
    by default year − 1, is the year their January and February fell in): the customer's
    own when it sold in at least min_months of them, else the department's under the same
    test, else 12 equal months; then aligned to the Spring Festival (see the module)."""
    base = year - 1 if base_year is None else base_year
    found = [(source, shares) for source, sales in (("customer", own), ("department", department))
             if (shares := _shares(sales, min_months))]
    if not found:
        return Seasonality(tuple(Fraction(1, 12) for _ in MONTHS), "equal")
    source, shares = found[0]
    note = ""
    days = spring_festivals()
    if year in days and base in days and days[year].month != days[base].month:
        shares[0], shares[1] = shares[1], shares[0]
        note = (f"{base} 年春节在 {days[base].month} 月（{days[base]:%m-%d}），{year} 年在 {days[year].month} 月"
                f"（{days[year]:%m-%d}）：{base} 年 1 月和 2 月的占比对调，节前旺季落在 {year} 年春节所在的月份")
    elif year not in days or base not in days:
        note = f"春节日期表里没有 {base} 或 {year} 年，不按春节调整"
    return Seasonality(tuple(shares), source, note)


def _shares(sales: Mapping[int, float], min_months: int) -> list[Fraction] | None:
    """Each month's share of a year's sales, or None when fewer than min_months sold."""
    months = [as_fraction(sales.get(m, 0) or 0) for m in MONTHS]
    if sum(1 for x in months if x > 0) < max(min_months, 1):
        return None
    whole = sum(months)
    return [x / whole for x in months]


def by_month(total: int, season: Seasonality) -> tuple[int, ...]:
    """total split into 12 months by the shares, exactly (largest remainder)."""
    parts = split({f"{m:02d}": s for m, s in zip(MONTHS, season.shares)}, total)
    return tuple(parts[f"{m:02d}"].quantity for m in MONTHS)


def by_store(total: int, weights: Mapping[str, int | float | Fraction], new: Sequence[str],
             floor: int) -> dict[str, int]:
    """A month's total split among stores (licence -> quantity), exactly. New stores (no
    sales to weigh) get floor each, less when the total cannot give every one of them
    that much (then total ÷ new stores, rounded down); the rest goes to the other stores
    by weight (equal parts when every weight is zero), and to the new ones when there is
    no other store."""
    new = sorted(set(new))
    old = {k: v for k, v in weights.items() if k not in new}
    if not new and not old:
        raise ValueError("没有卖场可以分目标")
    each = min(floor, total // len(new)) if new and old else 0
    out = dict.fromkeys(new, each)
    rest = total - each * len(new)
    share = old if old else dict.fromkeys(new, 0)
    for k, p in split(share, rest).items():
        out[k] = out.get(k, 0) + p.quantity
    return dict(sorted(out.items()))
