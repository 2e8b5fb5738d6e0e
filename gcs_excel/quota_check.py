"""`gcs quotas`: each person's visit quotas for a month, from the department's files.

One result per person and rule (rules.toml): required, actual, ok, and the details a
person needs to act (the stores and HQs short with address and phone, the trip days with
their store counts, the missing plan period). Plan execution per person and warnings
(HQ visits without appointment, visits outside the plan, planned visits not made) come
with it. Rows with validation errors are left out of the counts and listed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Sequence

from .checks.identifiers import HALVES, period_of
from .dept import Department, Excluded, HQ, Person, Store, load_department
from .errors import ConfigError
from .problems import Report, problem_types
from .rules import RULES_OF_ROLE, Rules, load_rules
from .spec import load_specs
from .gcpause import gc_paused
from .meeting_check import MeetingReport, check_meetings, read_register
from .validation import validate
from .values import MONTH_RE, month_of


@dataclass
class RuleResult:
    """One person against one quota rule: required, actual, met, and the details to act on."""
    person: str
    role: str                 # "mm" / "cm"
    rule: str
    required: int
    actual: int
    ok: bool
    details: dict[str, Any]

    def as_dict(self, role_label: str) -> dict:
        """The result as JSON-ready data, the role by its label."""
        return {"person": self.person, "role": role_label, "rule": self.rule, "required": self.required,
                "actual": self.actual, "ok": self.ok, "details": self.details}


# a notice number in the visit log that the register (告知登记) does not give to that store and month
NOTICE_WARNINGS = ("notice_number_unknown", "notice_number_other_store", "notice_number_other_month",
                   "notice_number_void")
WARNING_TITLES = {
    "hq_visit_without_appointment": "总部拜访未预约",
    "visit_not_in_plan": "计划外拜访",
    "planned_not_visited": "计划未拜访",
    **{code: problem_types()[code].title for code in NOTICE_WARNINGS},
}


@dataclass
class QuotaWarning:
    """Something to look at that does not fail a rule (an HQ visit without appointment ...)."""
    code: str                 # hq_visit_without_appointment / visit_not_in_plan / planned_not_visited
    person: str
    date: dt.date
    kind: str                 # "hq" / "store"
    target: str
    name: str
    file: str
    row: int
    message: str
    why: str = ""             # the message without the date and target its row shows already

    def as_dict(self) -> dict:
        """The warning as JSON-ready data."""
        return {"code": self.code, "person": self.person, "date": self.date.isoformat(), "kind": self.kind,
                "target": self.target, "name": self.name, "file": self.file, "row": self.row,
                "message": self.message}


@dataclass
class Execution:
    """Plan against actual for one person (计划执行)."""
    person: str
    role: str
    planned: int
    visits: int
    in_plan: int
    outside_plan: int
    not_visited: int
    not_due: int

    @property
    def rate(self) -> float | None:
        """拜访达成率 = visits made as planned ÷ planned visits (None when nothing planned)."""
        return self.in_plan / self.planned if self.planned else None


@dataclass
class QuotaReport:
    """The month's quota check: every result, warning and plan execution, and rows left out."""
    month: str
    rules: Rules
    results: list[RuleResult] = field(default_factory=list)
    warnings: list[QuotaWarning] = field(default_factory=list)
    execution: list[Execution] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    validation: Report | None = None
    people: list[Person] = field(default_factory=list)
    meetings: MeetingReport | None = None      # None: no 会议记录 given, meetings not checked

    @property
    def all_ok(self) -> bool:
        """Whether every rule is met by everyone (and every meeting rule, when checked)."""
        return all(r.ok for r in self.results) and not (self.meetings and self.meetings.failures)

    @property
    def exit_code(self) -> int:
        """2 when an input could not be read, 1 when a rule is not met, else 0."""
        if self.validation is not None and self.validation.unreadable:
            return 2
        return 0 if self.all_ok else 1

    def of(self, person: str) -> list[RuleResult]:
        """One person's results."""
        return [r for r in self.results if r.person == person]

    def as_dict(self) -> dict:
        """The report as JSON-ready data (gcs quotas --json)."""
        labels = role_labels()
        return {
            "month": self.month,
            "results": [r.as_dict(labels[r.role]) for r in self.results],
            "warnings": [w.as_dict() for w in self.warnings],
            "plan_execution": [{**e.__dict__, "role": labels[e.role], "rate": e.rate} for e in self.execution],
            "excluded": [x.as_dict() for x in self.excluded],
            "notes": self.notes,
            "meetings": self.meetings.as_dict() if self.meetings else None,
        }


def role_labels() -> dict[str, str]:
    """Role id -> label (mm -> 市场经理), from the staff spec."""
    return dict(load_specs().sheet("staff").field("role").options)


def check_month(month: str) -> str:
    """The month as given, when it is YYYY-MM; else a ConfigError."""
    if not MONTH_RE.match(month or ""):
        raise ConfigError(f"月份「{month}」请写成 YYYY-MM，如 2026-10")
    return month


@gc_paused()
def quotas(paths: Sequence[str | Path], month: str, *, rules: Rules | str | Path | None = None,
           today: dt.date | None = None) -> QuotaReport:
    """The `gcs quotas` check: validate the files and check every person's quotas for the
    month. Writes nothing: quota_workbook.write_quota_workbook writes the report workbook."""
    return _quotas(paths, month, rules, today)


def _quotas(paths, month, rules, today) -> QuotaReport:
    check_month(month)
    rules = rules if isinstance(rules, Rules) else load_rules(rules)
    today = today or dt.date.today()
    v = validate(paths, today=today)
    report = QuotaReport(month, rules, validation=v.report)
    if v.report.unreadable:
        return report
    dept = load_department(v)
    dept.require(("staff", "hq", "stores"), "算拜访指标", "：请和拜访记录、拜访计划一起给出")
    for sheet in ("visits", "plan"):
        if sheet not in dept.present:
            report.notes.append(f"没有提供「{load_specs().sheet(sheet).name}」，按没有{load_specs().sheet(sheet).name}计算")
    register = notice_register(v) if v.tables_of("notice_register") else None
    compute(dept, month, rules, today, report, register)
    if "meetings" in dept.present or "meeting_items" in dept.present:
        report.meetings = check_meetings(read_register(v), month, rules, today, dept.roster(), dept.hqs)
    else:
        report.notes.append(meetings_not_checked())
    return report


def meetings_not_checked() -> str:
    """The note saying plainly that meetings were not checked (no register given)."""
    sheet = load_specs().sheet("meetings")
    return f"没有提供「{sheet.name}」，没有检查会议（{'、'.join(sheet.field('type').values)}）和会议事项"


@dataclass(frozen=True)
class Registered:
    """A notice number as the register (告知登记) records it."""
    licence: str
    name: str
    month: str
    void: bool
    note: str


def notice_register(v) -> dict[str, Registered]:
    """Notice number -> its store, month and status, from the 告知登记 sheets given."""
    void = load_specs().sheet("notice_register").field("status").label("void")
    return {r["number"]: Registered(r["licence"], r.get("name") or "", r["month"], r["status"] == void,
                                    r.get("note") or "")
            for t in v.tables_of("notice_register") for r in t.records(needed=("number", "licence", "month", "status"))}


def _check_numbers(visits, register: dict[str, Registered] | None, month: str, dept: Department, report: QuotaReport):
    """Visits whose notice number the register does not give to that store and month count
    as no notice, each with a warning. Without a register a number counts as a notice given."""
    numbered = [x for x in visits if x.notice_number]
    if register is None:
        if numbered:
            report.notes.append(f"拜访记录里有 {len(numbered)} 个告知编号，没有给出告知登记（紧俏货源告知工作簿），"
                                f"编号没有核对，按已告知计")
        return visits, []
    kept, warnings = [], []
    for x in visits:
        found = register.get(x.notice_number) if x.notice_number else None
        code, params = None, {"number": x.notice_number, "month": month}
        if not x.notice_number or x.kind != "store":
            pass
        elif found is None:
            code = "notice_number_unknown"
        elif found.licence != x.code:
            code, params["owner"], params["owner_name"] = "notice_number_other_store", found.licence, found.name
        elif found.month != month:
            code, params["notice_month"] = "notice_number_other_month", found.month
        elif found.void:
            code, params["note"] = "notice_number_void", found.note
        if code is None:
            kept.append(x)
            continue
        kept.append(replace(x, notice=False))
        why = problem_types()[code].message.format(**params)
        name = _target_name(dept, x.kind, x.code)
        warnings.append(QuotaWarning(code, x.person, x.date, x.kind, x.code, name, x.file, x.row,
                                     f"{x.date} 拜访卖场 {x.code} {name}：{why}", why))
    return kept, warnings


@dataclass
class _Month:
    """The month's data indexed once, for all people and rules."""
    dept: Department
    month: str
    stores_of: dict[str, list[Store]]       # customer manager -> active stores
    hqs_of: dict[tuple[str, str], list[HQ]]  # ("mm"/"cm", name) -> active HQs
    periods_of: dict[str, set[str]]          # person -> plan periods present


def compute(dept: Department, month: str, rules: Rules, today: dt.date, report: QuotaReport,
            register: dict[str, Registered] | None = None) -> QuotaReport:
    """Pure computation on a Department (no files): fills report. With the notice
    register, a notice number in the visit log counts only where it is that store's."""
    report.excluded = dept.excluded
    report.people = dept.roster()
    visits, number_warnings = _check_numbers([x for x in dept.visits if month_of(x.date) == month], register,
                                             month, dept, report)
    plans = [p for p in dept.plans if p.period[:7] == month]
    stores_of, hqs_of, periods_of = defaultdict(list), defaultdict(list), defaultdict(set)
    for s in sorted(dept.stores.values(), key=lambda s: (s.area, s.address, s.licence)):
        if s.active:
            stores_of[s.cm].append(s)
    for h in sorted(dept.hqs.values(), key=lambda h: h.code):
        if h.active:
            hqs_of[("mm", h.mm)].append(h)
            hqs_of[("cm", h.cm)].append(h)
    for p in plans:
        periods_of[p.person].add(p.period)
    ctx = _Month(dept, month, stores_of, hqs_of, periods_of)
    by_person = defaultdict(list)
    for x in visits:
        by_person[x.person].append(x)
    for person in report.people:
        mine = by_person.get(person.name, [])
        for rule in RULES_OF_ROLE[person.role]:
            report.results.append(_RULES[rule](person, mine, ctx, rules[rule]))
    outside, not_visited = _match(visits, plans)
    report.warnings = sorted(_warnings(visits, outside, not_visited, dept, today) + number_warnings,
                             key=lambda w: (w.person, w.date, w.code))
    report.execution = _execution(report.people, visits, plans, outside, not_visited, today)
    return report


# --- the six rules -------------------------------------------------------------------
def _store_info(s: Store) -> dict:
    return {"licence": s.licence, "name": s.name, "address": s.address, "phone": s.phone}


def _hq_info(h: HQ) -> dict:
    return {"code": h.code, "name": h.name, "address": h.address, "phone": h.buyer_phone}


def mm_store_trips(person: Person, mine, ctx: _Month, rule) -> RuleResult:
    """A market manager's trip days: a day with enough distinct active stores is one trip."""
    per_day: dict[dt.date, set[str]] = defaultdict(set)
    for x in mine:
        store = ctx.dept.stores.get(x.code)
        if x.kind == "store" and store is not None and store.active:
            per_day[x.date].add(x.code)
    days = [{"date": d.isoformat(), "stores": len(codes), "trip": len(codes) >= rule["stores_per_trip"]}
            for d, codes in sorted(per_day.items())]
    trips = sum(1 for d in days if d["trip"])
    return RuleResult(person.name, person.role, "mm_store_trips", rule["trips"], trips, trips >= rule["trips"],
                      {"stores_per_trip": rule["stores_per_trip"], "days": days})


def _hq_rule(rule_id: str, owner: str):
    def check(person: Person, mine, ctx: _Month, rule) -> RuleResult:
        hqs = ctx.hqs_of.get((owner, person.name), [])
        # visits on different days: the same visit entered twice is still one visit
        counts = Counter(code for code, _ in {(x.code, x.date) for x in mine if x.kind == "hq" and x.appointment})
        short = [{**_hq_info(h), "visits": counts[h.code], "needed": rule["visits"] - counts[h.code]}
                 for h in hqs if counts[h.code] < rule["visits"]]
        return RuleResult(person.name, person.role, rule_id, len(hqs), len(hqs) - len(short), not short,
                          {"visits_each": rule["visits"], "short": short})
    return check


def cm_plan_cadence(person: Person, mine, ctx: _Month, rule) -> RuleResult:
    """A customer manager's plans: one for each half of the month."""
    periods = [f"{ctx.month}{h}" for h in HALVES][: rule["plans_per_month"]]
    have = ctx.periods_of.get(person.name, set())
    missing = [p for p in periods if p not in have]
    return RuleResult(person.name, person.role, "cm_plan_cadence", len(periods), len(periods) - len(missing),
                      not missing, {"missing": missing, "present": [p for p in periods if p in have]})


def _store_rule(rule_id: str, key: str, counted):
    def check(person: Person, mine, ctx: _Month, rule) -> RuleResult:
        stores = ctx.stores_of.get(person.name, [])
        counts = Counter(x.code for x in mine if x.kind == "store" and counted(x))
        need = rule[key]
        short = [{**_store_info(s), key: counts[s.licence]} for s in stores if counts[s.licence] < need]
        return RuleResult(person.name, person.role, rule_id, len(stores), len(stores) - len(short), not short,
                          {key + "_each": need, "short": short})
    return check


_RULES = {
    "mm_store_trips": mm_store_trips,
    "mm_hq_visits": _hq_rule("mm_hq_visits", "mm"),
    "cm_plan_cadence": cm_plan_cadence,
    "cm_store_coverage": _store_rule("cm_store_coverage", "visits", lambda x: True),
    "cm_scarce_notice": _store_rule("cm_scarce_notice", "notices", lambda x: x.notice),
    "cm_hq_visits": _hq_rule("cm_hq_visits", "cm"),
}


# --- plan against actual ------------------------------------------------------------------
def _target_name(dept: Department, kind: str, code: str) -> str:
    obj = dept.hqs.get(code) if kind == "hq" else dept.stores.get(code)
    return obj.name if obj else ""


def _match(visits, plans):
    """Pair visits with plan rows of the same person, target and plan period, in date
    order. Returns (visits outside the plan, plan rows not visited)."""
    pending = defaultdict(list)
    for p in sorted(plans, key=lambda p: (p.date, p.row)):
        pending[(p.person, p.kind, p.code, p.period)].append(p)
    outside = []
    for x in sorted(visits, key=lambda x: (x.date, x.row)):
        queue = pending.get((x.person, x.kind, x.code, period_of(x.date)))
        if queue:
            queue.pop(0)
        else:
            outside.append(x)
    return outside, [p for q in pending.values() for p in q]


def _warnings(visits, outside, not_visited, dept: Department, today: dt.date) -> list[QuotaWarning]:
    out = []
    kind_words = {"hq": "总部", "store": "卖场"}
    for x in visits:
        if x.kind == "hq" and not x.appointment:
            name = _target_name(dept, x.kind, x.code)
            out.append(QuotaWarning("hq_visit_without_appointment", x.person, x.date, x.kind, x.code, name,
                                    x.file, x.row, f"{x.date} 拜访总部 {x.code} {name} 没有预约，不计入总部拜访指标"))
    for x in outside:
        name = _target_name(dept, x.kind, x.code)
        out.append(QuotaWarning("visit_not_in_plan", x.person, x.date, x.kind, x.code, name, x.file, x.row,
                                f"{x.date} 拜访{kind_words[x.kind]} {x.code} {name} 不在 {period_of(x.date)} 的计划里"))
    for p in not_visited:
        if p.date >= today:
            continue        # not due yet
        name = _target_name(dept, p.kind, p.code)
        out.append(QuotaWarning("planned_not_visited", p.person, p.date, p.kind, p.code, name, p.file, p.row,
                                f"计划 {p.date} 拜访{kind_words[p.kind]} {p.code} {name}，{p.period}内没有拜访记录"))
    out.sort(key=lambda w: (w.person, w.date, w.code))
    return out


def _execution(people, visits, plans, outside, not_visited, today) -> list[Execution]:
    planned = Counter(p.person for p in plans)
    made = Counter(x.person for x in visits)
    off = Counter(x.person for x in outside)
    due = Counter(p.person for p in not_visited if p.date < today)
    later = Counter(p.person for p in not_visited if p.date >= today)
    return [Execution(p.name, p.role, planned[p.name], made[p.name], made[p.name] - off[p.name], off[p.name],
                      due[p.name], later[p.name]) for p in people]
