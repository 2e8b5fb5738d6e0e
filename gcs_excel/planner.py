"""`gcs plan`: the month's visit plan from staff, HQ file and store list, so that a plan
followed passes `gcs quotas`.

Customer managers: every active store they own (busy stores more often, split over both
halves), each HQ twice by appointment (once per half). Market managers: trip days of
enough stores among their HQs' stores, rotating month by month so every store is seen
over time, and each HQ once by appointment. Only working days (holidays and 调休);
days balanced up to a maximum; stores of the same 片区 and road on the same day. Rows
already in an existing plan (--into) are kept exactly and counted.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from .checks.identifiers import HALVES, half_of, period_of
from .dept import HQ, Department, Person, Store, load_department
from .errors import ConfigError
from .quota_check import check_month
from .rules import Rules, load_rules
from .spec import load_specs
from .templates import write_workbook
from .gcpause import gc_paused
from .validation import validate_readable
from .visit_purpose import VisitPurposes
from .workdays import working_days
from .writing import atomic_output

_ROAD_RE = re.compile(r"(?:区|县|市)([^区县市\d]{2,12}?(?:路|街|道|巷|大道|大街))")
_NUMBER_RE = re.compile(r"(\d+)\s*号")


@dataclass
class PlanResult:
    """What `gcs plan` made: the new rows, the rows kept, the file written and notes."""
    month: str
    rows: list[dict[str, Any]]                 # new rows, by field id
    kept: int = 0                              # rows of --into kept as they were
    output: Path | None = None
    notes: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)

    def count(self, person: str) -> int:
        """The new rows of one person."""
        return self._counts[person]

    @functools.cached_property
    def _counts(self) -> Counter:
        """Rows per person, counted once: --all asks for every one of hundreds of people."""
        return Counter(r["person"] for r in self.rows)


def road_of(address: str) -> str:
    """The road (路, 街, 大道 ...) of an address, or "" when none is found."""
    m = _ROAD_RE.search(address or "")
    return m.group(1) if m else ""


def _store_order(s: Store):
    m = _NUMBER_RE.search(s.address or "")
    return (s.area or "", road_of(s.address), int(m.group(1)) if m else 0, s.licence)


class _Calendar:
    """Working days of the month, split into the two plan halves, with each day's load."""

    def __init__(self, days: list[dt.date]):
        self.days = days
        self.halves = ([d for d in days if half_of(d) == 0], [d for d in days if half_of(d) == 1])
        self.load: Counter = Counter()

    def lightest(self, half: int, avoid=()) -> dt.date:
        pool = [d for d in self.halves[half] if d not in avoid] or self.halves[half] or self.days
        return min(pool, key=lambda d: (self.load[d], d))


class Planner:
    """Plans the month of one person at a time; catalogue rows (by field id) name the
    scarce and new SKUs in the visits' purposes."""

    def __init__(self, dept: Department, month: str, rules: Rules, catalogue: Sequence[Mapping] = ()):
        self.dept, self.month, self.rules = dept, month, rules
        self.days = working_days(month, rules)
        if not self.days:
            raise ConfigError(f"{month} 没有工作日")
        self.label = functools.partial(load_specs().label, "plan")     # (field, value id) -> label
        self.notes: list[str] = []
        # Grouped once for everyone: filtering all stores for each of hundreds of people
        # made --all quadratic.
        self.stores_of: dict[tuple[str, str], list[Store]] = defaultdict(list)   # ("cm", name) / ("hq", code)
        for s in sorted((s for s in dept.stores.values() if s.active), key=_store_order):
            self.stores_of[("cm", s.cm)].append(s)
            self.stores_of[("hq", s.customer)].append(s)
        self.hqs_of: dict[tuple[str, str], list[HQ]] = defaultdict(list)         # ("cm"/"mm", name)
        for h in sorted((h for h in dept.hqs.values() if h.active), key=lambda h: h.code):
            self.hqs_of[("cm", h.cm)].append(h)
            self.hqs_of[("mm", h.mm)].append(h)
        self.plans_of: dict[str, list] = defaultdict(list)
        for p in dept.plans:
            if p.period[:7] == month:
                self.plans_of[p.person].append(p)
        self.purpose = VisitPurposes(dept, month, catalogue, yes=load_specs().label("catalogue", "scarce", "yes"))

    def _row(self, day: dt.date, person: Person, kind: str, code: str, name: str) -> dict[str, Any]:
        return {"date": day, "person": person.name, "role": self.label("role", person.role),
                "target_type": self.label("target_type", kind), "target_code": code, "target_name": name,
                "appointment": self.label("appointment", "yes") if kind == "hq" else None,
                "purpose": self.purpose(day, person.name, person.role, kind, code), "period": period_of(day)}

    def _existing(self, person: Person):
        """The person's rows already in the plan that count towards the quotas: visits to
        stores in scope, and HQ visits by appointment. Each day's load includes them."""
        rows = self.plans_of.get(person.name, [])
        cal = _Calendar(self.days)
        for p in rows:
            if p.kind == "store":
                cal.load[p.date] += 1
        counted = [p for p in rows if (p.kind == "hq" and p.appointment)
                   or (p.kind == "store" and p.code in self.dept.stores and self.dept.stores[p.code].active)]
        return counted, cal

    # -- customer managers ------------------------------------------------------------------
    def customer_manager(self, person: Person) -> list[dict]:
        """A customer manager's month: every active store (busy ones twice), each HQ twice by appointment."""
        cfg = self.rules["plan"]
        existing, cal = self._existing(person)
        have = Counter((p.kind, p.code, p.period[-1]) for p in existing)
        have_any = Counter((p.kind, p.code) for p in existing)
        stores = self.stores_of.get(("cm", person.name), [])
        fixed: list[list[Store]] = [[], []]       # per half
        free: list[Store] = []
        cover = self.rules["cm_store_coverage"]["visits"]
        for s in stores:
            want = max(cover, cfg["high_volume_visits"]) if s.volume >= cfg["high_volume"] else cover
            left = want - have_any[("store", s.licence)]
            if left <= 0:
                continue
            if want >= 2:
                for half, mark in enumerate(HALVES):
                    if left > 0 and not have[("store", s.licence, mark)]:
                        fixed[half].append(s)
                        left -= 1
                free.extend([s] * max(left, 0))
            else:
                free.append(s)
        d1, d2 = map(len, cal.halves)
        split = round(len(free) * d1 / (d1 + d2)) if d1 + d2 else len(free)
        if len(free) >= 2 and d1 and d2:
            split = min(max(split, 1), len(free) - 1)   # a plan in each half (the cadence rule)
        rows = []
        for half, units in ((0, fixed[0] + free[:split]), (1, fixed[1] + free[split:])):
            units.sort(key=_store_order)
            rows += self._spread(person, units, cal, half, cfg["max_stores_per_day"])
        need = self.rules["cm_hq_visits"]["visits"]
        days_of = defaultdict(set)            # target code -> days it is planned on
        for r in rows:
            days_of[r["target_code"]].add(r["date"])
        for h in self.hqs_of.get(("cm", person.name), []):
            left = need - have_any[("hq", h.code)]
            for k in range(max(left, 0)):
                half = (k + have_any[("hq", h.code)]) % 2
                day = cal.lightest(half, avoid=days_of[h.code])
                cal.load[day] += 0.5          # an HQ visit is lighter than a store round
                days_of[h.code].add(day)
                rows.append(self._row(day, person, "hq", h.code, h.name))
        return self._both_halves(person, rows, existing, stores, cal)

    def _both_halves(self, person: Person, rows: list[dict], existing, stores: list[Store],
                     cal: _Calendar) -> list[dict]:
        """A customer manager plans every two weeks: when a half would have no visit at all
        (one store, say), his busiest store gets a follow-up visit there."""
        halves = {r["period"][-1] for r in rows} | {p.period[-1] for p in existing}
        if not stores and not rows and not existing:
            self.notes.append(f"{person.name}：名下没有正常的卖场和总部，没有排计划（“半月拜访计划”一项不会达标）")
            return rows
        for half, mark in enumerate(HALVES):
            if mark not in halves and cal.halves[half] and stores:
                s = max(stores, key=lambda s: (s.volume, s.licence))
                day = cal.lightest(half)
                cal.load[day] += 1
                rows.append(self._row(day, person, "store", s.licence, s.name))
        return rows

    def _spread(self, person: Person, units: list[Store], cal: _Calendar, half: int, cap: int) -> list[dict]:
        """Fill the half's days in order, evenly, keeping runs of one road together."""
        days = cal.halves[half] or cal.days
        if not units:
            return []
        room = sum(max(cap - cal.load[d], 0) for d in days)
        if len(units) > room:
            self.notes.append(f"{person.name}：{HALVES[half]}半月要排 {len(units)} 个卖场，"
                              f"超过每天 {cap} 个的上限，部分日子超出上限")
        per_day = max(1, min(cap, math.ceil((len(units) + sum(cal.load[d] for d in days)) / len(days))))
        rows, i = [], 0
        for n, day in enumerate(days):
            take = max(per_day - int(cal.load[day]), 0)
            if n == len(days) - 1:
                take = len(units) - i           # whatever is left goes on the last day
            chosen = units[i:i + take]
            i += len(chosen)
            for s in chosen:
                rows.append(self._row(day, person, "store", s.licence, s.name))
            cal.load[day] += len(chosen)
            if i >= len(units):
                break
        return rows

    # -- market managers ----------------------------------------------------------------------
    def market_manager(self, person: Person) -> list[dict]:
        """A market manager's month: trip days of enough stores, rotating, and each HQ once by appointment."""
        trips_rule = self.rules["mm_store_trips"]
        existing, cal = self._existing(person)
        own = {h.code for h in self.hqs_of.get(("mm", person.name), [])}
        pool = sorted((s for code in own for s in self.stores_of.get(("hq", code), [])), key=_store_order)
        per_day = Counter(p.date for p in existing if p.kind == "store")   # visits to stores in scope
        done = sum(1 for n in per_day.values() if n >= trips_rule["stores_per_trip"])
        trips = max(trips_rule["trips"] - done, 0)
        n = min(self.rules["plan"]["mm_stores_per_trip"], len(pool))
        rows = []
        if trips and len(pool) < trips_rule["stores_per_trip"]:
            self.notes.append(f"{person.name}：名下总部的正常卖场只有 {len(pool)} 个，"
                              f"不够每趟 {trips_rule['stores_per_trip']} 个，这几趟无法达标")
        if trips and pool:
            y, m = map(int, self.month.split("-"))
            start = ((y * 12 + m) * trips * n) % len(pool)     # rotate month by month
            ring = pool[start:] + pool[:start]
            free_days = [d for d in cal.days if d not in per_day]
            candidates = free_days if len(free_days) >= trips else cal.days
            picks = [candidates[int((k + 0.5) * len(candidates) / trips)] for k in range(trips)]
            for k, day in enumerate(picks):
                block = [ring[(k * n + j) % len(ring)] for j in range(n)]
                for s in dict.fromkeys(block):
                    rows.append(self._row(day, person, "store", s.licence, s.name))
                cal.load[day] += len(block)
        trip_days = {r["date"] for r in rows}
        have = Counter(p.code for p in existing if p.kind == "hq")
        need = self.rules["mm_hq_visits"]["visits"]
        for k, code in enumerate(sorted(own)):
            h = self.dept.hqs[code]
            for j in range(max(need - have[code], 0)):
                day = cal.lightest((k + j) % 2, avoid=trip_days)
                cal.load[day] += 0.5
                rows.append(self._row(day, person, "hq", h.code, h.name))
        return rows

    def plan(self, person: Person) -> list[dict]:
        """One person's new plan rows, in date order."""
        rows = self.customer_manager(person) if person.role == "cm" else self.market_manager(person)
        return sorted(rows, key=lambda r: (r["date"], r["target_type"], r["target_code"]))


@gc_paused()
def make_plan(paths: Sequence[str | Path], month: str, *, person: str | None = None,
              everyone: bool = False, into: str | Path | None = None, out: str | Path | None = None,
              rules: Rules | str | Path | None = None, today: dt.date | None = None) -> PlanResult:
    """The `gcs plan` command: plan one person or everyone, write the plan workbook."""
    planned = plan_month(paths, month, person=person, everyone=everyone, into=into, rules=rules, today=today)
    result = planned.result
    suffix = f"_{person}" if person else ""
    target = Path(out) if out else Path(f"拜访计划_{month}{suffix}.xlsx")
    inputs = [*paths, *([into] if into else [])]
    if into:
        _append(planned.grid, planned.existing, result.rows, target, inputs)
    else:
        write_workbook(load_specs().template("plan"), target, data={"plan": result.rows}, inputs=inputs)
    result.output = target
    return result


@dataclass
class Planned:
    """A month planned but not written yet: the result, and with into the plan sheet as
    validated (its rows kept) and the workbook it is in as read."""
    result: PlanResult
    existing: Any = None            # table.Table of the plan sheet of into
    grid: Any = None                # readers.Workbook of into


def plan_month(paths: Sequence[str | Path], month: str, *, person: str | None = None,
               everyone: bool = False, into: str | Path | None = None,
               rules: Rules | str | Path | None = None, today: dt.date | None = None) -> Planned:
    """Plan one person or everyone, writing nothing: what `gcs plan` writes to a file and
    the Excel button 生成拜访计划 writes under the open plan's rows. into: a plan
    workbook (a path or a read Workbook) whose rows are kept and counted."""
    check_month(month)
    if bool(person) == bool(everyone):
        raise ConfigError("请用 --person 姓名 指定一个人，或用 --all 给所有人排计划（二选一）")
    rules = rules if isinstance(rules, Rules) else load_rules(rules)
    inputs = [*paths, *([into] if into else [])]
    v = validate_readable(inputs, today=today, keep=[into] if into else [])
    dept = load_department(v)
    dept.require(("staff", "hq", "stores"), "排拜访计划")
    into_name = os.fspath(into) if into else None
    existing = [t for t in v.tables if t.file == into_name and t.spec.id == "plan"] if into else []
    if into and not existing:
        raise ConfigError(f"{into_name} 里没有拜访计划工作表")
    if person and person not in dept.staff:
        raise ConfigError(f"人员名单里没有「{person}」")
    people = [dept.staff[person]] if person else dept.roster()
    catalogue = [r for t in v.tables_of("catalogue") for r in t.records()]
    planner = Planner(dept, month, rules, catalogue)
    rows = [r for p in people for r in planner.plan(p)]
    result = PlanResult(month, rows, notes=planner.notes, people=[p.name for p in people])
    if dept.excluded:
        result.notes.append(f"输入里有 {len(dept.excluded)} 行有错误，没有用来排计划（用 gcs validate 查看）")
    if not into:
        return Planned(result)
    result.kept = sum(len(t) for t in existing)
    return Planned(result, existing[0], v.workbooks[into_name])


def _append(grid, table, rows: list[dict], target: Path, inputs) -> None:
    """Keep the existing workbook exactly; add the new rows under its plan sheet's data
    (table: that sheet as validated, grid: the workbook as read)."""
    from .xlsx_edit import open_copy, set_value

    copy = open_copy(grid)
    ws = copy.wb[copy.names[table.sheet]]
    last = max([table.header_row, *table.rows])
    for k, row in enumerate(rows, start=1):
        for fid, col in table.columns.items():
            value = row.get(fid)
            if value is not None:
                set_value(ws.cell(row=last + k, column=col + 1), value)
    with atomic_output(target, inputs=inputs) as tmp:
        copy.save(tmp)
