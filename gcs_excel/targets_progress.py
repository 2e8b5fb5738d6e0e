"""`gcs targets --progress --month YYYY-MM`: how far each customer and customer manager
is with the year's target, from the 销售目标 sheet and the sales data.

Pace is measured against the seasonal plan, not a straight line: by the month's end a
customer should have sold the sum of its monthly targets so far (they already carry the
season and the Spring Festival). A customer is behind pace when the year to date is
below behind_pace (targets.toml, 95 % by default) of that. What is left of the year is
spread over the remaining months in the plan's proportions, exactly (largest remainder).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from .allocation_rule import split
from .dept import Excluded, load_department
from .errors import ConfigError
from .problems import Report
from .quota_check import check_month
from .targets import TargetSettings, load_settings, sales_history
from .validation import validate
from .writing import check_writable

NO_HQ = "（总部档案里没有）"


@dataclass(frozen=True)
class CustomerProgress:
    """One customer's year so far against its plan."""
    code: str
    name: str
    manager: str
    annual: int                      # the year's target: the sum of its 12 months (条)
    plan_to_date: int                # targets of January .. the month
    actual_to_date: float            # sales of January .. the month
    remaining_months: tuple[str, ...]
    need: tuple[int, ...]            # what to sell in each remaining month to finish the year
    behind: bool                     # below behind_pace of the plan to date

    @property
    def attainment(self) -> float | None:
        """Year to date ÷ plan to date (None when the plan to date is 0)."""
        return self.actual_to_date / self.plan_to_date if self.plan_to_date else None

    @property
    def left(self) -> float:
        """What is left of the year's target (0 when it is reached)."""
        return max(self.annual - self.actual_to_date, 0.0)


@dataclass(frozen=True)
class ManagerProgress:
    """A customer manager's customers together."""
    manager: str
    customers: int
    behind: int
    annual: int
    plan_to_date: int
    actual_to_date: float
    left: float

    @property
    def attainment(self) -> float | None:
        """Year to date ÷ plan to date."""
        return self.actual_to_date / self.plan_to_date if self.plan_to_date else None


@dataclass
class ProgressResult:
    """The year's progress per customer and per customer manager at the end of month."""
    month: str
    settings: TargetSettings
    customers: list[CustomerProgress] = field(default_factory=list)
    managers: list[ManagerProgress] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)
    validation: Report | None = None
    output: Path | None = None

    @property
    def exit_code(self) -> int:
        """1 when rows with errors were left out, else 0."""
        return 1 if self.excluded else 0

    def as_dict(self) -> dict[str, Any]:
        """What --json prints: attainment as a fraction (null without a plan to date)."""
        def r(x):
            return None if x is None else round(x, 4)
        return {"month": self.month, "behind_pace": self.settings.behind_pace,
                "customers": [{"customer": c.code, "name": c.name, "manager": c.manager, "annual": c.annual,
                               "plan_to_date": c.plan_to_date, "actual_to_date": c.actual_to_date,
                               "attainment": r(c.attainment), "left": c.left, "behind": c.behind,
                               "need": dict(zip(c.remaining_months, c.need))} for c in self.customers],
                "managers": [{"manager": m.manager, "customers": m.customers, "behind": m.behind, "annual": m.annual,
                              "plan_to_date": m.plan_to_date, "actual_to_date": m.actual_to_date,
                              "attainment": r(m.attainment), "left": m.left} for m in self.managers],
                "notes": self.notes, "warnings": self.warnings}


def target_progress(paths: Sequence[str | Path], month: str, *, config: str | Path | None = None,
                    out: str | Path | None = None, today: dt.date | None = None) -> ProgressResult:
    """The `gcs targets --progress` command: validate the files (销售目标 — as `gcs targets`
    writes it, or typed —, 销售数据, 总部档案 for names and managers), measure the year up to
    and including month, and, with out, write the progress workbook."""
    check_month(month)
    settings = load_settings(config)
    if out is not None:
        check_writable(Path(out), paths)
    v = validate(paths, today=today)
    if v.report.unreadable:
        bad = v.report.unreadable[0]
        raise ConfigError(f"{bad.file}：无法读取 —— {bad.read_error}")
    dept = load_department(v)
    dept.require(("targets", "sales"), "看目标进度", "：请把销售目标工作簿和销售数据一起给出")
    result = ProgressResult(month, settings, validation=v.report, excluded=list(dept.excluded))
    year = month[:4]
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    done = months[:int(month[5:])]
    plan: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for t in v.tables_of("targets"):
        for r in t.records():
            if r.get("month") in months and r.get("customer") and r.get("target_volume") is not None:
                plan[r["customer"]][r["month"]] += float(r["target_volume"])
    if not plan:
        raise ConfigError(f"销售目标里没有 {year} 年的目标")
    history = sales_history(v)
    missing = [m for m in done if m not in history.months]
    if missing:
        result.warnings.append(f"销售数据里没有 {'、'.join(missing)} 的数据：这些月份的实际销量按 0 计")
    if "hq" not in dept.present:
        result.notes.append(f"没有提供总部档案：客户名称和客户经理写作“{NO_HQ}”")
    short = sorted(c for c, p in plan.items() if len(p) < 12)
    if short:
        result.notes.append(f"{'、'.join(short)} 的目标不满 12 个月：年度目标按给出的月份合计")
    rest = months[len(done):]
    for code in sorted(plan):
        p = plan[code]
        annual = round(sum(p.values()))
        to_date = round(sum(p.get(m, 0.0) for m in done))
        actual = round(sum(history.by_customer.get(code, {}).get(m, 0.0) for m in done), 2)
        left = max(annual - actual, 0)
        need = _spread(left, {m: p.get(m, 0.0) for m in rest})
        hq = dept.hqs.get(code)
        result.customers.append(CustomerProgress(
            code, hq.name if hq else NO_HQ, hq.cm if hq else NO_HQ, annual, to_date, actual, tuple(rest), need,
            to_date > 0 and actual < settings.behind_pace * to_date))
    by_manager: dict[str, list[CustomerProgress]] = defaultdict(list)
    for c in result.customers:
        by_manager[c.manager].append(c)
    result.managers = [ManagerProgress(m, len(cs), sum(c.behind for c in cs), sum(c.annual for c in cs),
                                       sum(c.plan_to_date for c in cs), round(sum(c.actual_to_date for c in cs), 2),
                                       round(sum(c.left for c in cs), 2))
                       for m, cs in sorted(by_manager.items())]
    if out is not None:
        from .targets_progress_workbook import write_progress_workbook
        result.output = write_progress_workbook(result, out, inputs=paths)
    return result


def _spread(left: float, plan: dict[str, float]) -> tuple[int, ...]:
    """What is left (rounded up to whole 条) over the remaining months in the plan's
    proportions (equal parts when the plan gives them nothing), exactly."""
    if not plan:
        return ()
    whole = int(-(-left // 1))
    parts = split(plan, whole)
    return tuple(parts[m].quantity for m in plan)
