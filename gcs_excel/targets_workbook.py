"""`gcs targets --out FILE`: the targets as a workbook `gcs monthly` reads.

销售目标 is the targets template's sheet (per customer and month: what `gcs monthly`
measures attainment against); 卖场目标 beside it is the per-store breakdown (spec
specs/store_targets.toml), so one file holds both and validates with the department's
files. Written with templates.write_workbook: headers, widths, print setup and the 填表说明
sheet come from the specs, as in every template.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from .spec import load_specs
from .templates import write_workbook

if TYPE_CHECKING:                   # the result's type only: targets imports this module
    from .targets import TargetsResult


def target_rows(result: TargetsResult) -> list[dict[str, Any]]:
    """The 销售目标 rows by field id: month, then customer."""
    return [{"month": result.month(m), "customer": c.code, "target_volume": c.months[m - 1]}
            for m in range(1, 13) for c in result.customers]


def store_rows(result: TargetsResult) -> list[dict[str, Any]]:
    """The 卖场目标 rows by field id: month, customer, licence."""
    return [{"month": result.month(m), "customer": c.code, "licence": s.licence, "name": s.name,
             "recent_volume": round(s.recent, 2), "target_volume": s.months[m - 1],
             "note": "新卖场，保底" if s.new else None}
            for m in range(1, 13) for c in result.customers for s in c.stores]


def write_targets_workbook(result: TargetsResult, path: str | Path, inputs: Sequence[str | Path] = ()) -> Path:
    """Write 销售目标 (+ 卖场目标) atomically; inputs are never overwritten."""
    specs = load_specs()
    template = specs.template("targets")
    both = dataclasses.replace(template, sheets=(*template.sheets, specs.sheet("store_targets")),
                               description=f"{result.year} 年销售目标：销售目标表每月每个集团客户一行（gcs monthly 用它算达成率），"
                                           "卖场目标表是分到卖场的明细。")
    write_workbook(both, path, data={"targets": target_rows(result), "store_targets": store_rows(result)},
                   specs=specs, inputs=inputs)
    result.sheets = [s.name for s in both.sheets]
    return Path(path)
