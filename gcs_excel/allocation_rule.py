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
    w = {k: as_fraction(v) for k, v in weights.items()}
    if any(v < 0 for v in w.values()):
        raise ValueError("权重不能是负数")
    whole = sum(w.values())
    norm = {k: v / whole for k, v in w.items()} if whole else {k: Fraction(1, len(w)) for k in w}
    shares = _fill(norm, total, floor, cap)
    quantities = {k: math.floor(s) for k, s in shares.items()}
    left = total - sum(quantities.values())
    order = sorted(shares, key=lambda k: (-(shares[k] - quantities[k]), -norm[k], k))
    for k in order[:left]:
        quantities[k] += 1
    return {k: Split(norm[k], shares[k], quantities[k]) for k in sorted(w)}


def _fill(norm: dict[str, Fraction], total: int, floor: int, cap: int | None) -> dict[str, Fraction]:
    """Exact shares: floor plus the proportional part, stores over cap held at cap and the
    rest shared again among the others. Capping every store over the cap at once is
    right: the ones left only gain from it, so a store over the cap stays over."""
    capped: dict[str, Fraction] = {}
    free = sorted(norm)
    while True:
        rest = total - sum(capped.values()) - floor * len(free)
        weight = sum(norm[k] for k in free)
        shares = {k: floor + (rest * norm[k] / weight if weight else Fraction(rest, len(free))) for k in free}
        over = {k for k, s in shares.items() if cap is not None and s > cap}
        if not over:
            return {**capped, **shares}
        capped.update((k, Fraction(cap)) for k in over)
        free = [k for k in free if k not in over]
