"""`gcs targets`: break a customer's annual sales target into months and stores.

The files are validated first, like `gcs allocate`: rows with errors are left out and
listed. Months follow last year's seasonality aligned to the Spring Festival, stores
their share of the customer's recent sales, new stores a floor (target_rule does the
arithmetic; targets.toml holds the settings). The result carries what the workbook
(targets_workbook: 销售目标 for `gcs monthly`, 卖场目标 beside it) and --json need.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from .dept import Department, Excluded, load_department
from .errors import ConfigError
from .mapping import did_you_mean
from .problems import Report
from .rules import bundled_settings
from .target_rule import SOURCES, Seasonality, by_month, by_store, seasonality
from .validation import Validation, validate
from .values import shift_month
from .writing import check_writable

Progress = Callable[[int, int, str], None]
WHAT = "目标设置文件"


@dataclass(frozen=True)
class TargetSettings:
    """targets.toml with a department's overrides (--config)."""
    min_history_months: int
    store_window_months: int
    new_store_floor: int
    behind_pace: float
    source: str = "默认设置"


def load_settings(config: str | Path | None = None) -> TargetSettings:
    """targets.toml, overridden by a department's file (config)."""
    d = bundled_settings("targets.toml", config, WHAT)
    if not 1 <= d["store_window_months"] <= 24 or d["min_history_months"] > 12:
        raise ConfigError("store_window_months 应在 1–24 之间，min_history_months 不超过 12")
    return TargetSettings(d["min_history_months"], d["store_window_months"], d["new_store_floor"],
                          d["behind_pace"], str(config) if config is not None else "默认设置")


@dataclass(frozen=True)
class StoreTarget:
    """One store's monthly targets and what they rest on."""
    licence: str
    name: str
    recent: float                   # its sales in the store window (条)
    new: bool                       # no sales in the window: gets the floor
    months: tuple[int, ...]         # 12 targets, January first


@dataclass(frozen=True)
class CustomerTarget:
    """One customer's annual target in months and stores."""
    code: str
    name: str
    manager: str
    total: int
    season: Seasonality
    months: tuple[int, ...]                   # 12 targets, January first; they sum to total
    stores: tuple[StoreTarget, ...] = ()      # each month's store targets sum to that month's


@dataclass
class TargetsResult:
    """The year's targets per customer, with what was left out and why."""
    year: int
    settings: TargetSettings
    window: tuple[str, str] | None = None     # the store window (first, last month); None without sales
    customers: list[CustomerTarget] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)
    validation: Report | None = None
    inputs: list[str] = field(default_factory=list)
    output: Path | None = None
    sheets: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """1 when rows with errors were left out (a target may rest on less), else 0."""
        return 1 if self.excluded else 0

    def month(self, m: int) -> str:
        """Month m (1..12) of the year as YYYY-MM."""
        return f"{self.year:04d}-{m:02d}"

    def as_dict(self) -> dict[str, Any]:
        """What --json prints."""
        return {"year": self.year, "window": list(self.window) if self.window else None,
                "customers": [{"customer": c.code, "name": c.name, "manager": c.manager, "total": c.total,
                               "seasonality": c.season.source, "festival": c.season.festival_note or None,
                               "months": list(c.months),
                               "stores": [{"licence": s.licence, "new": s.new, "recent": s.recent,
                                           "months": list(s.months)} for s in c.stores]}
                              for c in self.customers],
                "notes": self.notes, "warnings": self.warnings,
                "excluded": [x.as_dict() for x in self.excluded]}


@dataclass
class SalesHistory:
    """Valid sales rows summed: per customer and month, per store and month (条)."""
    by_customer: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(float)))
    by_store: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(float)))
    months: set[str] = field(default_factory=set)


def sales_history(v: Validation) -> SalesHistory:
    """The valid sales rows of every sales table, summed (rows with errors left out)."""
    h = SalesHistory()
    for t in v.tables_of("sales"):
        bad = t.bad_rows()
        cols = [t.values.get(f) or [None] * len(t.rows) for f in ("month", "customer", "licence", "volume")]
        for i, (m, customer, licence, volume) in enumerate(zip(*cols)):
            if i in bad or not (m and customer and licence) or volume is None:
                continue
            h.by_customer[customer][m] += float(volume)
            h.by_store[licence][m] += float(volume)
            h.months.add(m)
    return h


def set_targets(paths: Sequence[str | Path], year: int, *, customer: str | None = None, total: int | None = None,
                from_file: str | Path | None = None, config: str | Path | None = None,
                out: str | Path | None = None, today: dt.date | None = None,
                progress: Progress | None = None) -> TargetsResult:
    """The `gcs targets` command: validate the department's files (总部档案, 卖场明细表,
    销售数据; with from_file, the 年度目标 file too), break each annual target into months
    and stores, and, with out, write the targets workbook. Either customer and total, or
    from_file (then total, when given, must equal the file's sum). A ConfigError says in
    one line why it cannot be done. This is the core `gcs demo` calls for a breakdown."""
    settings = load_settings(config)
    if (customer is None) == (from_file is None):
        raise ConfigError("请给出 --customer（一个客户）或 --from（年度目标文件）中的一个")
    if customer is not None and total is None:
        raise ConfigError("--customer 要和 --total（年度目标，条）一起给")
    files = list(paths) + ([from_file] if from_file is not None else [])
    if out is not None:
        check_writable(Path(out), files)
    v = validate(files, today=today, progress=progress)
    if v.report.unreadable:
        bad = v.report.unreadable[0]
        raise ConfigError(f"{bad.file}：无法读取 —— {bad.read_error}")
    result = compute(v, year, {customer: total} if customer is not None else None, settings, total)
    result.inputs = [Path(p).name for p in files]
    if out is not None:
        from .targets_workbook import write_targets_workbook
        result.output = write_targets_workbook(result, out, inputs=files)
    return result


def compute(v: Validation, year: int, totals: Mapping[str, int] | None, settings: TargetSettings,
            expected_total: int | None = None) -> TargetsResult:
    """The breakdown from validated files (writes nothing); totals None: from the 年度目标 sheet."""
    if not 2000 <= year <= 2100:
        raise ConfigError(f"年份 {year} 不对，请写四位年份，如 2027")
    dept = load_department(v)
    dept.require(("hq", "stores", "sales"), "分解销售目标", "：请和其他文件一起给出")
    result = TargetsResult(year, settings, validation=v.report, excluded=list(dept.excluded))
    totals = _totals(v, dept, totals, expected_total, result)
    history = sales_history(v)
    before = sorted(m for m in history.months if m < f"{year:04d}-01")
    if not before:
        result.warnings.append(f"销售数据里没有 {year} 年以前的月份：按 12 个月平均分，卖场平均分")
    last = before[-1] if before else None
    window = [m for k in range(settings.store_window_months - 1, -1, -1)
              if (m := shift_month(last, -k)) >= before[0]] if last else []     # only months the data holds
    result.window = (window[0], window[-1]) if window else None
    # Seasonality: the last 12 months before the year, by month of the year (a calendar
    # year when the data reaches December); base: the year their January fell in.
    last12 = [shift_month(last, -k) for k in range(11, -1, -1)] if last else []
    base = int(next((m for m in last12 if m.endswith("-01")), f"{year - 1}")[:4])
    dept_months = {int(m[5:]): sum(h.get(m, 0.0) for h in history.by_customer.values()) for m in last12}
    for code in sorted(totals):
        own = history.by_customer.get(code, {})
        season = seasonality(year, {int(m[5:]): own.get(m, 0.0) for m in last12}, dept_months,
                             settings.min_history_months, base)
        months = by_month(totals[code], season)
        hq = dept.hqs[code]
        result.customers.append(CustomerTarget(code, hq.name, hq.cm, totals[code], season, months,
                                               _stores(dept, code, months, history, window, settings, result)))
    return result


def _totals(v: Validation, dept: Department, given: Mapping[str, int] | None, expected: int | None,
            result: TargetsResult) -> dict[str, int]:
    """Customer -> annual target: the one asked for, or the 年度目标 rows (rows with errors left out)."""
    if given is not None:
        (code, total), = given.items()
        if code not in dept.hqs:
            raise ConfigError(f"总部档案里没有客户「{code}」{did_you_mean(code, dept.hqs) or ''}")
        if total < 0:
            raise ConfigError(f"年度目标不能是负数（{total}）")
        return {code: total}
    tables = v.tables_of("annual_targets")
    if not tables:
        raise ConfigError("--from 给的文件里没有年度目标表（列：客户编码、年度目标(条)）")
    totals: dict[str, int] = {}
    for t in tables:
        for r in t.records():
            code, total = r.get("customer"), r.get("annual_target")
            if not code or total is None or code not in dept.hqs:
                continue                # a row with errors: load_department lists it in excluded
            if code in totals:
                raise ConfigError(f"年度目标文件里客户「{code}」出现了不止一次")
            totals[code] = int(total)
    if not totals:
        raise ConfigError("年度目标文件里没有可用的行")
    if expected is not None and sum(totals.values()) != expected:
        raise ConfigError(f"年度目标文件合计 {sum(totals.values()):,} 条，与 --total {expected:,} 条不符")
    return totals


def _stores(dept: Department, code: str, months: tuple[int, ...], history: SalesHistory, window: list[str],
            settings: TargetSettings, result: TargetsResult) -> tuple[StoreTarget, ...]:
    """The customer's active stores with their 12 monthly targets (none when it has no active store)."""
    stores = sorted((s for s in dept.stores.values() if s.customer == code and s.active), key=lambda s: s.licence)
    if not stores:
        result.warnings.append(f"客户「{code}」没有状态正常的卖场：只分到月，不分到卖场")
        return ()
    recent = {s.licence: sum(history.by_store.get(s.licence, {}).get(m, 0.0) for m in window) for s in stores}
    new = [k for k, x in recent.items() if x <= 0]
    if new and len(new) < len(stores):
        result.notes.append(f"客户「{code}」有 {len(new)} 个卖场近 {len(window)} 个月没有销量，按新卖场每月保底 "
                            f"{settings.new_store_floor} 条")
    per_month = [by_store(total, recent, new, settings.new_store_floor) for total in months]
    return tuple(StoreTarget(s.licence, s.name, recent[s.licence], s.licence in new,
                             tuple(p[s.licence] for p in per_month)) for s in stores)


def seasonality_words(source: str) -> str:
    """Where a customer's month shares came from, in Chinese."""
    return SOURCES[source]
