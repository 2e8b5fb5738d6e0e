"""The demo's scarce supply: each scarce SKU of the month split among the stores by the
allocation rule, a numbered written notice per store, and those numbers written into the
visit log where the customer manager handed the notice over (what `gcs quotas` then checks
against the register)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..allocation import AllocationResult, allocate
from ..notice_issue import NoticesResult, issue_notices
from ..spec import Specs
from ..values import shift_month
from .department import Department

SCARCE_DIR = "紧俏货源"
SUPPLY = 0.9        # 稍紧平衡: a little less than last month's sales of the SKU
CAP_TIMES = 3       # a store gets at most three times the average share


@dataclass
class ScarceSupply:
    """What the demo allocated and issued."""
    allocations: list[AllocationResult]
    notices: NoticesResult

    @property
    def register(self) -> Path:
        """The month's notice workbook, whose 告知登记 gcs quotas reads."""
        return self.notices.months[0].workbook


def scarce_skus(dep: Department, specs: Specs) -> list[str]:
    """The catalogue's SKUs marked 是否紧俏 = 是, in catalogue order."""
    yes = specs.label("catalogue", "scarce", "yes")
    return [k["sku"] for k in dep.tables["catalogue"] if k.get("scarce") == yes]


def allocate_scarce(dep: Department, files: list[Path], folder: Path, month: str, *, today: dt.date,
                    specs: Specs, pdf: bool = True) -> ScarceSupply:
    """Allocate each scarce SKU for the month from the files (weights: the month before),
    issue the notices into folder, and put each store's notice number on its first visit
    of the month that handed a notice over (dep's visit rows are changed in place)."""
    before = shift_month(month, -1)
    active = specs.label("stores", "status", "active")
    stores = {s["licence"] for s in dep.tables["stores"] if s["status"] == active}
    allocations = []
    for sku in scarce_skus(dep, specs):
        sold = sum(r["volume"] for r in dep.tables["sales"]
                   if r["month"] == before and r["sku"] == sku and r["licence"] in stores)
        total = max(len(stores), int(sold * SUPPLY) // 10 * 10)
        cap = max(1, CAP_TIMES * total // len(stores))
        out = folder / f"紧俏货源分配_{sku}_{month}.xlsx"
        allocations.append(allocate(files, sku, total, month, cap=cap, out=out, today=today))
    notices = issue_notices([a.output for a in allocations], folder, pdf=pdf, today=today)
    _number_the_visits(dep, notices, month, specs)
    return ScarceSupply(allocations, notices)


def _number_the_visits(dep: Department, notices: NoticesResult, month: str, specs: Specs) -> None:
    """The notice number on the first store visit of the month marked 是 (the day the paper
    was handed over); later visits keep 是."""
    number = {n.licence: n.number for m in notices.months for n in m.notices}
    yes = specs.label("visits", "scarce_notice", "yes")
    store = specs.label("visits", "target_type", "store")
    for v in sorted(dep.tables["visits"], key=lambda v: v["date"]):
        if (v["target_type"] == store and v["scarce_notice"] == yes and v["date"].isoformat()[:7] == month
                and v["target_code"] in number):
            v["scarce_notice"] = number.pop(v["target_code"])
