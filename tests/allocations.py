"""Allocation workbooks (specs/allocation.toml, what `gcs allocate` writes), made in code
for `gcs notices`: DOMAIN.md's worked example and others."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from gcs_excel.spec import load_specs
from gcs_excel.templates import write_workbook

MONTH = "2026-12"
RULE = "GX-2026.1"
# DOMAIN.md: T = 50, last month's sales 120/80/40/10, cap 20, floor 1 -> 20/18/9/3
WORKED = ((120, 20), (80, 18), (40, 9), (10, 3))
STORES = {  # licence -> (name, customer, customer name, customer manager)
    "430102200041": ("步步高超市五一广场店", "JT0001", "步步高商业连锁", "李娜"),
    "430102200042": ("步步高超市八一路店", "JT0001", "步步高商业连锁", "李娜"),
    "430102200043": ("步步高便利店芙蓉中路店", "JT0001", "步步高商业连锁", "李娜"),
    "430102200044": ("步步高超市星沙店", "JT0001", "步步高商业连锁", "李娜"),
    "430103200051": ("家润多超市韶山路店", "JT0002", "家润多商业", "陈静"),
}
SKUS = {"中华(硬)": (381.6, 450.0), "黄鹤楼(软蓝)": (164.3, 190.0), "芙蓉王(硬)": (218.36, 250.0)}


def write_allocation(path: Path, sku: str = "中华(硬)", split: Sequence[tuple[int, int]] = WORKED, *,
                     month: str = MONTH, licences: Sequence[str] | None = None, **changes) -> Path:
    """An allocation workbook: split is (basis volume, quantity) per store, in the order of
    licences (default: the first stores of STORES); changes overrides fields of every row."""
    licences = list(licences or STORES)[: len(split)]
    total_basis = sum(b for b, _ in split) or 1
    wholesale, guide = SKUS[sku]
    rows = []
    for licence, (basis, quantity) in zip(licences, split):
        # a store of STORES, or one of test_quotas' (店1 of JT0001, 刘洋's)
        name, customer, customer_name, manager = STORES.get(licence, (f"店{int(licence[-5:])}", "JT0001", "总部1", "刘洋"))
        rows.append({"month": month, "sku": sku, "licence": licence, "name": name, "customer": customer,
                     "customer_name": customer_name, "manager": manager, "basis": "上月销量",
                     "basis_volume": basis, "weight": basis / total_basis, "share": float(quantity),
                     "quantity": quantity, "wholesale_price": wholesale, "retail_guide": guide,
                     "rule_version": RULE, **changes})
    params = [{"month": month, "sku": sku, "total": sum(q for _, q in split), "floor": 1, "cap": 20,
               "basis": "上月销量", "stores": len(split), "rule_version": RULE}]
    return write_workbook(load_specs().template("allocation"), path,
                          data={"allocation": rows, "allocation_params": params})
