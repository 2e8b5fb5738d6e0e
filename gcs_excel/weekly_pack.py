"""`gcs weekly --week YYYY-Www`: the pack for the weekly area meeting (片区周会, 办法三(三)).

It reviews the ISO week given ("last week") and settles the next one: each customer's
sales against the pace its month's target needs, the problems the visits found (grouped
by customer), each person's visit quotas for the month so far (quota_check.compute, the
code of `gcs quotas`) with what is left to do, next week's planned visits, and the
compliance problems for the 专卖 staff the meeting invites (a keyword list in
weekly.toml). Inputs are validated first; rows with errors are left out and listed.

The week's month is the month of its Thursday (the ISO rule for a week's year): a week
from 26 October to 1 November reviews October. The sales template holds months only
(销售数据: 月份, no dates), so a week's sales cannot be told apart: the pack says so and
shows the month as exported so far against the target's pace at the week's end.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Sequence

from .dept import Department, Excluded, Person, load_department
from .errors import ConfigError
from .problems import Report
from .quota_check import QuotaReport, compute, role_labels
from .rules import Rules, bundled_settings, load_rules
from .targets import sales_history
from .validation import Validation, validate
from .values import shift_month, to_halfwidth
from .workdays import Week, month_days, week_of, working_days
from .writing import check_writable

WHAT = "周会设置文件"
WEEK_RE = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
WEEKDAYS = "一二三四五六日"


def meeting_week(month: str) -> str:
    """The week (YYYY-Www) that the meeting on a month's last Monday reviews: the week
    before it, so that the pack has that week's visits and the month's plans for the
    next (what `gcs demo` shows for its month)."""
    end = month_days(month)[-1]
    return week_of(end - dt.timedelta(days=end.weekday() + 7)).label


def parse_week(text: str) -> Week:
    """An ISO week written YYYY-Www (2026-W43; 2026W43 and a lower-case w are read too);
    a ConfigError that says how to write it otherwise."""
    m = WEEK_RE.match(to_halfwidth(text or "").strip())
    try:
        if m is None:
            raise ValueError
        return Week(int(m.group(1)), int(m.group(2)), dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1))
    except ValueError:
        raise ConfigError(f"周「{text}」请写成 YYYY-Www（ISO 周，周一到周日），如 2026-W43；"
                          f"一年有 52 或 53 周") from None


def weekday_name(day: dt.date) -> str:
    """星期一 … 星期日."""
    return "星期" + WEEKDAYS[day.weekday()]


@dataclass(frozen=True)
class WeeklySettings:
    """weekly.toml with a department's overrides (--config)."""
    keywords: tuple[str, ...]
    decision_rows: int
    action_rows: int
    source: str = "默认设置"


def load_settings(config: str | Path | None = None) -> WeeklySettings:
    """weekly.toml, overridden by a department's file (config)."""
    d = bundled_settings("weekly.toml", config, WHAT)
    words = tuple(w.strip() for w in d["compliance"]["keywords"] if isinstance(w, str) and w.strip())
    if not words or len(words) != len(d["compliance"]["keywords"]):
        raise ConfigError(f"{WHAT}里的 compliance.keywords 应是一列不为空的词")
    minutes = d["minutes"]
    if not (1 <= minutes["decision_rows"] <= 30 and 1 <= minutes["action_rows"] <= 30):
        raise ConfigError(f"{WHAT}里 minutes 的行数应在 1–30 之间")
    return WeeklySettings(words, minutes["decision_rows"], minutes["action_rows"],
                          str(config) if config is not None else "默认设置")


@dataclass(frozen=True)
class CustomerWeek:
    """One customer's month so far against its target's pace at the week's end (条)."""
    code: str
    name: str
    manager: str
    target: float | None             # the month's target; None when 销售目标 has none
    month_to_date: float | None      # the month's sales as exported; None without data for it
    last_month: float | None         # the month before, whole
    pace: float | None               # target × working days up to the week's end ÷ the month's
    per_day: float | None            # what is left of the target ÷ working days left after the week

    @property
    def attainment(self) -> float | None:
        """Month to date ÷ the month's target."""
        return self.month_to_date / self.target if self.target and self.month_to_date is not None else None

    @property
    def gap(self) -> float | None:
        """Month to date − the pace (negative: behind)."""
        return None if self.pace is None or self.month_to_date is None else self.month_to_date - self.pace

    @property
    def status(self) -> str:
        """no_target / no_data / behind / on_pace."""
        if self.target is None:
            return "no_target"
        if self.month_to_date is None:
            return "no_data"
        return "behind" if self.gap < 0 else "on_pace"


STATUS_WORDS = {"no_target": "无目标", "no_data": "无数据", "behind": "落后", "on_pace": "达到进度"}


@dataclass(frozen=True)
class Finding:
    """A problem a visit found (发现问题), with the customer it belongs to."""
    date: dt.date
    person: str
    kind: str                        # "hq" / "store"
    code: str                        # the store's licence number or the HQ's code
    name: str
    customer: str
    customer_name: str
    area: str
    text: str
    keywords: tuple[str, ...] = ()   # the compliance keywords it holds
    file: str = ""
    row: int = 0

    @property
    def licence(self) -> str:
        """The store's licence number (专卖证号); empty for an HQ visit."""
        return self.code if self.kind == "store" else ""

    def as_dict(self) -> dict:
        """As --json prints it."""
        return {"date": self.date.isoformat(), "person": self.person, "kind": self.kind, "code": self.code,
                "name": self.name, "customer": self.customer, "customer_name": self.customer_name,
                "area": self.area, "problem": self.text, "keywords": list(self.keywords),
                "file": self.file, "row": self.row}


@dataclass(frozen=True)
class PlannedVisit:
    """A visit planned for next week."""
    date: dt.date
    person: str
    kind: str
    code: str
    name: str
    appointment: bool
    purpose: str

    def as_dict(self) -> dict:
        """As --json prints it."""
        return {"date": self.date.isoformat(), "person": self.person, "kind": self.kind, "code": self.code,
                "name": self.name, "appointment": self.appointment, "purpose": self.purpose}


@dataclass
class WeeklyResult:
    """The weekly meeting's pack: every section, and what was left out and why."""
    week: Week
    settings: WeeklySettings
    area: str | None = None
    workdays: tuple[int, int] = (0, 0)   # working days of the month up to the week's end, in the month
    customers: list[CustomerWeek] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    quotas: QuotaReport | None = None
    next_week: list[PlannedVisit] = field(default_factory=list)
    attendees: list[Person] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)
    validation: Report | None = None
    output: Path | None = None
    sales_note: str = ""                 # what the sales figures are (month to date from monthly data)
    given: set[str] = field(default_factory=set)   # the sheet ids given (visits, plan, sales, targets ...)

    def not_given(self, sheet: str) -> str:
        """"没有给出「拜访记录」" when that file was not given, else "" (the printed pack says
        why a section is empty instead of implying the week had nothing)."""
        return "" if sheet in self.given else f"没有给出「{_sheet_name(sheet)}」"

    @property
    def month(self) -> str:
        """The month the week reviews (its Thursday's)."""
        return self.week.month

    @property
    def meeting_date(self) -> dt.date:
        """The meeting: the Monday after the week."""
        return self.week.next.monday

    @property
    def until(self) -> dt.date:
        """The last day the month so far counts: the week's end, or the month's when sooner."""
        return min(self.week.sunday, month_days(self.month)[-1])

    @property
    def unmet_word(self) -> str:
        """A quota not met by the week's end: 未达标 once the month is over, 未完成 while
        days are left (it may still be met)."""
        return "未达标" if self.until >= month_days(self.month)[-1] else "未完成"

    @property
    def pace_share(self) -> float:
        """The share of the month's working days gone by the week's end."""
        done, total = self.workdays
        return done / total if total else 1.0

    @property
    def compliance(self) -> list[Finding]:
        """The findings for the 专卖 staff (a compliance keyword in the text)."""
        return [f for f in self.findings if f.keywords]

    @property
    def exit_code(self) -> int:
        """1 when rows with errors were left out, else 0."""
        return 1 if self.excluded else 0

    def as_dict(self) -> dict[str, Any]:
        """What --json prints."""
        def r(x, k=2):
            return None if x is None else round(x, k)
        labels = role_labels()
        quotas = self.quotas.as_dict() if self.quotas else {}
        return {
            "week": self.week.label, "from": self.week.monday.isoformat(), "to": self.week.sunday.isoformat(),
            "month": self.month, "area": self.area, "meeting_date": self.meeting_date.isoformat(),
            "sales_basis": "month_to_date",
            "workdays": {"done": self.workdays[0], "month": self.workdays[1]},
            "customers": [{"customer": c.code, "name": c.name, "manager": c.manager, "target": c.target,
                           "month_to_date": c.month_to_date, "last_month": c.last_month, "pace": r(c.pace),
                           "gap": r(c.gap), "attainment": r(c.attainment, 4), "per_day_needed": r(c.per_day),
                           "status": c.status} for c in self.customers],
            "problems": [f.as_dict() for f in self.findings],
            "compliance": [f.as_dict() for f in self.compliance],
            "quotas": quotas.get("results", []),
            "plan_execution": quotas.get("plan_execution", []),
            "next_week": {"week": self.week.next.label, "visits": [p.as_dict() for p in self.next_week]},
            "attendees": [{"name": p.name, "role": labels[p.role], "area": p.area} for p in self.attendees],
            "keywords": list(self.settings.keywords),
            "notes": self.notes, "warnings": self.warnings,
            "excluded": [x.as_dict() for x in self.excluded],
            "output": str(self.output) if self.output else None,
        }


def weekly(paths: Sequence[str | Path], week: str, *, area: str | None = None, out: str | Path | None = None,
           config: str | Path | None = None, rules: Rules | str | Path | None = None,
           today: dt.date | None = None) -> WeeklyResult:
    """The `gcs weekly` command: validate the department's files (人员名单, 总部档案,
    卖场明细表; 拜访记录, 拜访计划, 销售数据, 销售目标 when given), build the pack for the
    weekly meeting of week (YYYY-Www), for one area (所属片区) when given, and with out
    write the workbook (weekly_workbook; into an existing folder as 周会材料_<week>.xlsx).
    Writes nothing else."""
    wk = parse_week(week)
    settings = load_settings(config)
    rules = rules if isinstance(rules, Rules) else load_rules(rules)
    if out is not None and Path(out).is_dir():
        from .weekly_workbook import file_name
        out = Path(out) / file_name(wk.label, area)
    if out is not None:
        check_writable(Path(out), paths)
    today = today or dt.date.today()
    v = validate(paths, today=today)
    if v.report.unreadable:
        bad = v.report.unreadable[0]
        raise ConfigError(f"{bad.file}：无法读取 —— {bad.read_error}")
    dept = load_department(v)
    dept.require(("staff", "hq", "stores"), "做周会材料", "：请和拜访记录、拜访计划、销售数据、销售目标一起给出")
    result = build(dept, v, wk, settings, rules, area=area)
    if wk.monday > today:
        result.warnings.append(f"{wk.label} 还没有到（今天是 {today}）：这一周还没有拜访可以回顾，请确认周次写对了")
    elif wk.sunday >= today:
        result.warnings.append(f"{wk.label} 还没有过完（今天是 {today}）：只回顾到今天为止记下的拜访")
    result.validation = v.report
    if out is not None:
        from .weekly_workbook import write_weekly_workbook
        result.output = write_weekly_workbook(result, out, inputs=paths)
    return result


def build(dept: Department, v: Validation | None, week: Week, settings: WeeklySettings, rules: Rules, *,
          area: str | None = None) -> WeeklyResult:
    """The pack from a Department (and the validated sales and targets in v): pure, no files."""
    result = WeeklyResult(week, settings, area=area or None, excluded=list(dept.excluded), given=set(dept.present))
    scope = _Scope(dept, result.area)
    month = week.month
    end = result.until
    days = working_days(month, rules)
    result.workdays = (sum(1 for d in days if d <= end), len(days))
    if week.monday.month != week.sunday.month:
        result.notes.append(f"{week.label}（{week.monday} 至 {week.sunday}）跨两个月：按周四所在的 {month} 算"
                            f"本月至今，指标看到 {end}")
    for sheet, words in (("visits", "没有上周拜访发现的问题和专卖事项"), ("plan", "没有下周拜访安排"),
                         ("sales", "没有客户销售"), ("targets", "没有目标进度")):
        if sheet not in dept.present:
            result.notes.append(f"没有提供「{_sheet_name(sheet)}」：{words}")
    if result.area:
        result.notes.append(f"客户按整个客户计（销售和目标不分片区）：列出在 {result.area} 有卖场的客户")
    result.attendees = [p for p in dept.roster() if scope.person(p)]
    result.customers = _customers(dept, v, result, scope, days, end)
    result.findings = _findings(dept, week, settings.keywords, scope)
    result.quotas = _quotas(dept, month, rules, end, scope)
    result.next_week = _planned(dept, week.next, scope)
    return result


class _Scope:
    """What belongs to the area (all when none): staff by their 所属片区, stores by theirs,
    an HQ when one of its stores is in the area."""

    def __init__(self, dept: Department, area: str | None):
        self.dept, self.area = dept, area
        self.hqs = {s.customer for s in dept.stores.values() if s.area == area}
        if area is not None:
            known = sorted({s.area for s in dept.stores.values() if s.area}
                           | {p.area for p in dept.staff.values() if p.area})
            if area not in known:
                raise ConfigError(f"片区「{area}」不在卖场明细表和人员名单的所属片区里（有：{'、'.join(known) or '无'}）")

    def person(self, p: Person) -> bool:
        return self.area is None or p.area == self.area

    def target(self, kind: str, code: str) -> bool:
        if self.area is None:
            return True
        if kind == "hq":
            return code in self.hqs
        store = self.dept.stores.get(code)
        return store is not None and store.area == self.area


def _sheet_name(sheet: str) -> str:
    from .spec import load_specs
    return load_specs().sheet(sheet).name


def _customers(dept: Department, v: Validation | None, result: WeeklyResult, scope: _Scope,
               days: list[dt.date], end: dt.date) -> list[CustomerWeek]:
    month = result.month
    history = sales_history(v) if v is not None else None
    has_sales = history is not None and "sales" in dept.present
    if has_sales:
        result.sales_note = (f"销售数据只有月份（没有日期），分不出周，也分不出月内的日子：上周销售用 {month} "
                             f"本月至今代替，即销售数据里这个月的合计（导出时这个月过了几天就含几天，月底之后导出"
                             f"就是全月）；和上周之前的比较用上月全月代替")
        result.notes.append(result.sales_note)
        if month not in history.months:
            result.warnings.append(f"销售数据里没有 {month} 的数据：本月至今不详")
    targets: dict[str, float] = {}
    for t in v.tables_of("targets") if v is not None else ():
        for r in t.records():
            if r.get("month") == month and r.get("customer") and r.get("target_volume") is not None:
                targets[r["customer"]] = targets.get(r["customer"], 0.0) + float(r["target_volume"])
    done, total = result.workdays
    left = sum(1 for d in days if d > end)
    out = []
    for h in sorted(dept.hqs.values(), key=lambda h: h.code):
        if not h.active or not scope.target("hq", h.code):
            continue
        sold = history.by_customer.get(h.code, {}) if has_sales else {}
        mtd = sold.get(month, 0.0) if has_sales and month in history.months else None
        before = shift_month(month, -1)
        last = sold.get(before, 0.0) if has_sales and before in history.months else None
        target = targets.get(h.code)
        pace = target * done / total if target is not None and total else None
        per_day = max(target - mtd, 0.0) / left if target is not None and mtd is not None and left else None
        out.append(CustomerWeek(h.code, h.name, h.cm, target, mtd, last, pace, per_day))
    if "targets" in dept.present and not targets:
        result.warnings.append(f"销售目标里没有 {month} 的目标")
    return out


def _findings(dept: Department, week: Week, keywords: tuple[str, ...], scope: _Scope) -> list[Finding]:
    folded = [(k, to_halfwidth(k).casefold()) for k in keywords]
    out = []
    for x in dept.visits:
        text = x.issues.strip()
        if not text or x.date not in week or not scope.target(x.kind, x.code):
            continue
        if x.kind == "store":
            store = dept.stores.get(x.code)
            name, customer, area = (store.name, store.customer, store.area) if store else ("", "", "")
        else:
            hq = dept.hqs.get(x.code)
            name, customer, area = (hq.name if hq else ""), x.code, ""
        hq = dept.hqs.get(customer)
        plain = to_halfwidth(text).casefold()
        found = tuple(k for k, f in folded if f in plain)
        out.append(Finding(x.date, x.person, x.kind, x.code, name, customer, hq.name if hq else "", area, text,
                           found, x.file, x.row))
    out.sort(key=lambda f: (f.customer, f.date, f.person, f.code, f.row))
    return out


def _quotas(dept: Department, month: str, rules: Rules, end: dt.date, scope: _Scope) -> QuotaReport:
    """gcs quotas' computation on the visits up to the week's end: the month so far; a plan
    row after the week's end is not due yet."""
    so_far = replace(dept, visits=[x for x in dept.visits if x.date <= end])
    report = compute(so_far, month, rules, end + dt.timedelta(days=1), QuotaReport(month, rules))
    report.people = [p for p in report.people if scope.person(p)]
    names = {p.name for p in report.people}
    report.results = [r for r in report.results if r.person in names]
    report.execution = [e for e in report.execution if e.person in names]
    report.warnings = [w for w in report.warnings if w.person in names]
    return report


def _planned(dept: Department, week: Week, scope: _Scope) -> list[PlannedVisit]:
    out = []
    for p in dept.plans:
        if p.date not in week or not scope.target(p.kind, p.code):
            continue
        target = dept.hqs.get(p.code) if p.kind == "hq" else dept.stores.get(p.code)
        out.append(PlannedVisit(p.date, p.person, p.kind, p.code, target.name if target else "", p.appointment,
                                p.purpose))
    out.sort(key=lambda p: (p.person, p.date, p.kind, p.code))
    return out
