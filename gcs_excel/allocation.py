"""`gcs allocate`: split a scarce SKU's monthly supply among the group customers' stores.

The files are validated first, like `gcs quotas`: rows with errors are left out and
listed with the reasons. The stores taking part are those 正常 whose HQ (when the HQ file
is given) is 正常 too; their weights are last month's sales of the SKU (or 月销量), and
allocation_rule.split does the sharing. The result carries everything the workbook
(allocation_workbook) and the written notices need: per store the basis, weight, exact
share and quantity, the SKU's prices and the rule version.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Sequence

from .allocation_workbook import write_allocation_workbook
from .allocation_rule import as_fraction, feasibility, split
from .checks.references import loose
from .dept import NEEDED, Department, Excluded, Store, load_department
from .errors import ConfigError
from .gcpause import gc_paused
from .mapping import did_you_mean
from .problems import Report
from .quota_check import check_month
from .rules import bundled_settings
from .spec import load_specs
from .validation import Validation, validate
from .values import shift_month
from .writing import check_writable

Progress = Callable[[int, int, str], None]
BASES = ("sales", "monthly_volume")
NO_HQ = "（总部档案里没有）"          # the customer name of a store whose HQ is not on file
WHAT = "分配规则文件"


@dataclass(frozen=True)
class AllocationRule:
    """The rule in force: allocation.toml, a department's overrides, the command line."""
    version: str
    floor: int
    cap: int | None             # None: no cap
    basis: str                  # "sales" / "monthly_volume"
    source: str = "默认规则"


def load_rule(config: str | Path | None = None, *, floor: int | None = None, cap: int | None = None,
              basis: str | None = None) -> AllocationRule:
    """allocation.toml, overridden by a department's file (config), then by the given values."""
    data = bundled_settings("allocation.toml", config, WHAT)
    for key, value in (("floor", floor), ("cap", cap), ("basis", basis)):
        if value is not None:
            data[key] = value
    if data["basis"] not in BASES:
        raise ConfigError(f"分配依据「{data['basis']}」不对，可用：{'、'.join(BASES)}")
    if data["floor"] < 0 or data["cap"] < 0:
        raise ConfigError("保底和上限不能是负数")
    return AllocationRule(data["version"], data["floor"], data["cap"] or None, data["basis"],
                          str(config) if config is not None else "默认规则")


@dataclass(frozen=True)
class StoreAllocation:
    """One store's line of the allocation (a row of 分配明细)."""
    licence: str
    name: str
    customer: str
    customer_name: str
    manager: str
    basis: str                  # the basis its weight came from: "sales" / "monthly_volume"
    basis_volume: int | float   # 条
    weight: Fraction            # basis_volume ÷ all stores' (equal parts when all are zero)
    share: Fraction             # exact share before rounding
    quantity: int


@dataclass(frozen=True)
class NotEligible:
    """A store on file that takes no part, and why (its own 状态, or its HQ's)."""
    licence: str
    name: str
    customer: str
    customer_name: str
    manager: str
    why: str


@dataclass
class AllocationResult:
    """A scarce SKU's month split among the stores, with what was left out and why."""
    sku: str
    month: str
    total: int
    rule: AllocationRule
    source_month: str                       # the month whose sales are the weights
    wholesale_price: float = 0.0
    retail_guide: float = 0.0
    basis_used: str = "sales"               # the basis in force (the fallback may change it)
    stores: list[StoreAllocation] = field(default_factory=list)
    not_eligible: list[NotEligible] = field(default_factory=list)   # the store or its HQ not 正常
    capped: int = 0                         # stores held at the cap
    excluded: list[Excluded] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    validation: Report | None = None
    inputs: list[str] = field(default_factory=list)            # the files' names
    output: Path | None = None
    sheets: list[str] = field(default_factory=list)             # of the workbook written, in order

    @property
    def exit_code(self) -> int:
        """1 when rows with errors were left out (a store may be missing), else 0."""
        return 1 if self.excluded else 0

    def as_dict(self) -> dict:
        """What --json prints: weight rounded to 6 places, share to 4 (exact values in the workbook)."""
        return {"sku": self.sku, "month": self.month, "total": self.total,
                "allocations": [{"licence": s.licence, "customer": s.customer, "weight": rounded(s.weight, 6),
                                 "share": rounded(s.share, 4), "quantity": s.quantity} for s in self.stores]}

    def summary(self, key: str) -> list[dict[str, Any]]:
        """Per customer ("customer") or per customer manager ("manager"): stores, quantity
        and share of the total, in order of the key."""
        groups: dict[str, list[StoreAllocation]] = defaultdict(list)
        for s in self.stores:
            groups[getattr(s, key)].append(s)
        out = []
        for k in sorted(groups):
            rows = groups[k]
            quantity = sum(s.quantity for s in rows)
            out.append({"key": k, "name": rows[0].customer_name, "customers": len({s.customer for s in rows}),
                        "stores": len(rows), "quantity": quantity,
                        "share": quantity / self.total if self.total else None})
        return out


def rounded(x: Fraction, places: int) -> float:
    """An exact value rounded half to even at a decimal place, as a float (the same everywhere)."""
    return float(round(x, places))


@gc_paused()
def allocate(paths: Sequence[str | Path], sku: str, total: int, month: str, *, floor: int | None = None,
             cap: int | None = None, basis: str | None = None, config: str | Path | None = None,
             out: str | Path | None = None, today: dt.date | None = None,
             progress: Progress | None = None) -> AllocationResult:
    """The `gcs allocate` command: validate the files (卖场明细表, 卷烟规格, 销售数据 of the
    month before, 总部档案 optional), split total cartons of sku among the eligible stores,
    and, with out, write the allocation workbook. floor, cap and basis override the rule
    file (allocation.toml or config). A ConfigError says in one line why it cannot be done."""
    check_month(month)
    rule = load_rule(config, floor=floor, cap=cap, basis=basis)
    if out is not None:
        check_writable(Path(out), paths)        # before the work: a file open in Excel stops it now
    v = validate(paths, today=today, progress=progress)
    if v.report.unreadable:
        bad = v.report.unreadable[0]
        raise ConfigError(f"{bad.file}：无法读取 —— {bad.read_error}")
    result = compute(v, sku, total, month, rule)
    result.inputs = [Path(p).name for p in paths]
    if out is not None:
        result.output = write_allocation_workbook(result, out, inputs=paths, progress=progress)
    return result


def compute(v: Validation, sku: str, total: int, month: str, rule: AllocationRule) -> AllocationResult:
    """The allocation from validated files (writes nothing)."""
    dept = load_department(v)
    needed = ("stores", "catalogue") + (("sales",) if rule.basis == "sales" else ())
    dept.require(needed, "分配紧俏货源", "：请和其他文件一起给出" + (
        "（没有销售数据时可用 --basis monthly_volume 按月销量分配）" if rule.basis == "sales" else ""))
    result = AllocationResult(sku, month, total, rule, shift_month(month, -1), validation=v.report,
                              excluded=list(dept.excluded))
    entry = _catalogue_entry(v, sku)
    result.sku = sku = entry["sku"]
    if sku != entry["asked"]:
        result.notes.append(f"卷烟规格按目录写作「{sku}」")
    result.wholesale_price, result.retail_guide = float(entry["wholesale_price"]), float(entry["retail_guide"])
    scarce = load_specs().sheet("catalogue").field("scarce").label("yes")
    if entry.get("scarce") != scarce:
        result.warnings.append(f"卷烟规格里「{sku}」没有标为紧俏（是否紧俏 = {scarce}），请确认它确实需要分配")
    if "hq" not in dept.present:
        result.notes.append(f"没有提供总部档案：不核对总部状态，客户名称写作“{NO_HQ}”")
    unusable = _unusable_stores(v, rule.basis == "monthly_volume", result.excluded)
    eligible = [s for s in dept.stores.values() if s.active and s.licence not in unusable]
    result.not_eligible = _not_eligible(v, dept)
    why = feasibility(len(eligible), total, rule.floor, rule.cap)
    if why:
        raise ConfigError(f"无法分配「{sku}」{total} 条：{why}")
    weights, used = _weights(v, eligible, sku, result, unusable)
    result.basis_used = used
    parts = split(weights, total, rule.floor, rule.cap)
    result.capped = sum(1 for p in parts.values() if rule.cap is not None and p.share == rule.cap)
    for s in sorted(eligible, key=lambda s: (s.customer, s.licence)):
        hq = dept.hqs.get(s.customer)
        p = parts[s.licence]
        result.stores.append(StoreAllocation(
            s.licence, s.name, s.customer, hq.name if hq else NO_HQ, s.cm, used, _plain(weights[s.licence]),
            p.weight, p.share, p.quantity))
    return result


def _not_eligible(v: Validation, dept: Department) -> list[NotEligible]:
    """The stores on file that take no part, by customer and licence, with the status that keeps them out."""
    status = {r["licence"]: r["status"] for t in v.tables_of("stores") for r in t.records(needed=NEEDED["stores"])}
    hq_status = {r["code"]: r["status"] for t in v.tables_of("hq") for r in t.records(needed=NEEDED["hq"])}
    active = load_specs().sheet("stores").field("status").label("active")
    out = []
    for s in sorted((s for s in dept.stores.values() if not s.active), key=lambda s: (s.customer, s.licence)):
        hq = dept.hqs.get(s.customer)
        why = (f"卖场状态为{status.get(s.licence)}" if status.get(s.licence) != active
               else f"所属总部状态为{hq_status.get(s.customer)}")
        out.append(NotEligible(s.licence, s.name, s.customer, hq.name if hq else NO_HQ, s.cm, why))
    return out


def _catalogue_entry(v: Validation, sku: str) -> dict[str, Any]:
    """The catalogue row of sku (written as in the catalogue, or differing only in width,
    case or spaces); a ConfigError with the near names when there is none."""
    rows = {}
    for t in v.tables_of("catalogue"):
        for r in t.records(needed=NEEDED["catalogue"]):
            if r.get("sku"):
                rows.setdefault(r["sku"], r)
    if sku in rows:
        return {**rows[sku], "asked": sku}
    same = [name for name in rows if loose(name) == loose(sku)]
    if len(same) == 1:
        return {**rows[same[0]], "asked": sku}
    scarce = load_specs().sheet("catalogue").field("scarce").label("yes")
    listed = [name for name, r in rows.items() if r.get("scarce") == scarce]
    hint = did_you_mean(sku, rows) or (f"（标为紧俏的有：{'、'.join(listed[:10])}）" if listed else "（或它那一行有错误）")
    raise ConfigError(f"卷烟规格里没有「{sku}」{hint}")


def _unusable_stores(v: Validation, need_volume: bool, excluded: list[Excluded]) -> set[str]:
    """Stores that passed the department's checks but lack what an allocation line needs:
    a name, and the 月销量 when it is the weight. They are left out and listed too."""
    fields = ("name", "monthly_volume") if need_volume else ("name",)
    listed = {(x.file, x.sheet, x.row) for x in excluded}
    reasons = defaultdict(list)
    for p in v.report.problems:
        if p.severity == "error" and p.row:
            reasons[(p.file, p.sheet, p.row)].append(p.message)
    out = set()
    for t in v.tables_of("stores"):
        licences = t.values.get("licence") or []
        for i in sorted(t.bad_rows(fields) - t.bad_rows(NEEDED["stores"])):
            key = (t.file, t.sheet, t.rows[i])
            if key not in listed and i < len(licences) and licences[i]:
                out.add(licences[i])
                excluded.append(Excluded(*key, tuple(reasons[key])))
    return out


def _weights(v: Validation, eligible: list[Store], sku: str, result: AllocationResult,
             unusable: set[str]) -> tuple[dict[str, Fraction], str]:
    """Each eligible store's basis volume, and the basis it comes from: last month's sales
    of the SKU, or 月销量 (asked for, or when no eligible store sold the SKU last month)."""
    if result.rule.basis == "sales":
        sold: dict[str, Fraction] = dict.fromkeys((s.licence for s in eligible), Fraction(0))
        months = set()
        for t in v.tables_of("sales"):
            bad = t.bad_rows()
            cols = [t.values.get(f) or [None] * len(t.rows) for f in ("month", "licence", "sku", "volume")]
            months.update(cols[0])
            for i, (m, licence, name, volume) in enumerate(zip(*cols)):
                if m == result.source_month and name == sku and licence in sold and volume and i not in bad:
                    sold[licence] += as_fraction(volume)
        if any(sold.values()):
            return sold, "sales"
        given = sorted(m for m in months if m)
        why = (f"参与分配的卖场都没有「{sku}」的销量" if result.source_month in months else
               f"销售数据里没有这个月的数据（给出的是 {'、'.join(given[-6:]) or '空表'}）")
        result.notes.append(f"上月（{result.source_month}）{why}，改按卖场明细表的月销量分配")
        bad_volume = _bad_volume(v, unusable, result.excluded)
        if bad_volume:
            eligible[:] = [s for s in eligible if s.licence not in bad_volume]
            why = feasibility(len(eligible), result.total, result.rule.floor, result.rule.cap)
            if why:
                raise ConfigError(f"无法分配「{sku}」{result.total} 条：{why}")
    return {s.licence: as_fraction(s.volume) for s in eligible}, "monthly_volume"


def _bad_volume(v: Validation, unusable: set[str], excluded: list[Excluded]) -> set[str]:
    """Stores whose 月销量 has an error, found once the fallback makes it the weight."""
    before = len(excluded)
    more = _unusable_stores(v, True, excluded)
    return more - unusable if len(excluded) > before else set()


def _plain(x: Fraction) -> int | float:
    """A basis volume as the workbook shows it: an int when whole."""
    return int(x) if x.denominator == 1 else float(x)
