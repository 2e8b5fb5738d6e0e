"""How numbers read in the review's Chinese prose."""

from __future__ import annotations

import datetime as dt

from ..render import pct

__all__ = ["cartons", "days", "listing", "month_day", "pct", "signed", "yuan"]


def signed(x: float | None) -> str:
    """A change as +5.0% / −5.0% (a real minus sign), 持平 when it rounds to zero."""
    if x is None:
        return "—"
    if abs(x) < 0.0005:
        return "持平"
    return f"{'+' if x > 0 else '−'}{abs(x):.1%}"


def cartons(x: float) -> str:
    """Cartons with thousands separators, a decimal only where there is one."""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def yuan(x: float | None) -> str:
    """Money in 元, or 万元 from ten thousand up."""
    if x is None:
        return "—"
    return f"{x / 10000:,.2f} 万元" if abs(x) >= 10000 else f"{x:,.2f} 元"


def days(x: float) -> str:
    """Days of cover: one decimal (45.4 is not 45), whole days from a hundred."""
    return f"{x:.1f}" if x < 100 else f"{x:.0f}"


def listing(items: list[str], limit: int) -> str:
    """Names joined with 、, at most limit of them, then 等 N 家 (the whole count)."""
    if len(items) <= limit:
        return "、".join(items)
    return "、".join(items[:limit]) + f" 等 {len(items)} 家"


def month_day(day: dt.date) -> str:
    """2026-02-17 as 2月17日."""
    return f"{day.month}月{day.day}日"
