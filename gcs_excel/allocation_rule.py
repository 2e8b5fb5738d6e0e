"""The scarce-supply rule itself, as exact arithmetic: a floor per store, the rest in
proportion to the weights, a cap per store with the surplus poured over the others
(water-filling), then largest-remainder rounding.

Every quantity is a ``fractions.Fraction``: no float ever decides who gets the last
carton, so the result is the same on every machine and in every order of the input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping


@dataclass(frozen=True)
class Split:
    """One store's part: its normalised weight, exact share before rounding, and quantity."""
    weight: Fraction            # the store's weight ÷ all weights (equal parts when all are zero)
    share: Fraction             # floor + proportional part, capped; sums to the total exactly
    quantity: int               # share rounded by largest remainder; sums to the total exactly


def as_fraction(value: int | float | Fraction) -> Fraction:
    """A weight as an exact fraction: a float by its shortest decimal (36.5 -> 73/2,
    0.1 -> 1/10, not the binary 0.1000000000000000055…), the same on every platform."""
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


def feasibility(stores: int, total: int, floor: int, cap: int | None) -> str | None:
    """Why total cannot be placed on stores with this floor and cap (a Chinese
    sentence), or None when it can: every store gets at least floor and at most cap,
    and the total is placed exactly."""
    if total < 0:
        return f"分配总量不能是负数（{total}）"
    if floor < 0:
        return f"保底不能是负数（{floor}）"
    if cap is not None and cap < floor:
        return f"上限 {cap} 条小于保底 {floor} 条"
    if stores == 0:
        return "没有参与分配的卖场"
    if total < floor * stores:
        return (f"分配总量 {total} 条不够保底：{stores} 个卖场 × 保底 {floor} 条 = {floor * stores} 条；"
                f"请减小保底（--floor）或增加总量")
    if cap is not None and total > cap * stores:
        return (f"分配总量 {total} 条超过上限：{stores} 个卖场 × 上限 {cap} 条 = {cap * stores} 条，"
                f"总量必须全部分出去；请提高上限（--cap）或减少总量")
    return None


def split(weights: Mapping[str, int | float | Fraction], total: int, floor: int = 0,
          cap: int | None = None) -> dict[str, Split]:
    """Share total among the stores (key -> weight ≥ 0, the key a licence number).

    Every store gets floor; the rest, total − floor × stores, in proportion to the
    weights (equal parts when every weight is zero). A store whose share would pass cap
    gets cap, and what it leaves goes to the others in proportion to their weights,
    until none passes it. Shares are then rounded by the largest remainder: the
    integer parts, then one more each for the largest fractional parts, ties to the
    higher weight, then to the smaller key. Raises ValueError when the total cannot be
    placed (see feasibility)."""
    why = feasibility(len(weights), total, floor, cap)
    if why:
        raise ValueError(why)
    exact = {k: as_fraction(v) for k, v in weights.items()}
    if any(v < 0 for v in exact.values()):
        raise ValueError("权重不能是负数")
    # Integers from here on (the weights over their common denominator): the same ratios,
    # and every comparison and sort an integer one, fast enough for 20,000 stores.
    scale = math.lcm(*(v.denominator for v in exact.values()))
    w = {k: v.numerator * (scale // v.denominator) for k, v in exact.items()}
    if not any(w.values()):
        w = dict.fromkeys(w, 1)                 # all zero: equal weights
    whole = sum(w.values())
    at_cap, free, parts, common = _fill(w, total, floor, cap)
    quantity = dict.fromkeys(at_cap, cap)
    remainder = dict.fromkeys(at_cap, 0)
    for k in free:                              # share = floor + parts[k] / common
        quantity[k] = floor + parts[k] // common
        remainder[k] = parts[k] % common       # all over one denominator: comparable as integers
    left = total - sum(quantity.values())
    for k in sorted(w, key=lambda k: (-remainder[k], -w[k], k))[:left]:
        quantity[k] += 1
    return {k: Split(Fraction(w[k], whole), Fraction(cap) if k in at_cap else floor + Fraction(parts[k], common),
                     quantity[k]) for k in sorted(w)}


def _fill(w: dict[str, int], total: int, floor: int, cap: int | None):
    """Water-filling: the stores at the cap, and for the others (free) their part above
    the floor as parts[k] / common. Each round shares what the capped stores leave among
    the free ones by weight (equally when their weights are all zero) and caps every store
    over the cap at once: that is right, as the ones left only gain from it, so a store
    over the cap stays over."""
    at_cap: set[str] = set()
    free = list(w)
    while True:
        rest = total - (cap or 0) * len(at_cap) - floor * len(free)
        weights = {k: w[k] for k in free}
        if not any(weights.values()):
            weights = dict.fromkeys(free, 1)
        common = sum(weights.values())
        parts = {k: rest * x for k, x in weights.items()}
        over = set() if cap is None else {k for k, x in parts.items() if x > (cap - floor) * common}
        if not over:
            return at_cap, free, parts, common
        at_cap |= over
        free = [k for k in free if k not in over]
