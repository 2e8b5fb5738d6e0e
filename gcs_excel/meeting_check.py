"""The meeting cadence of clause 三(三), checked by `gcs quotas` when a 会议记录 is given.

Three rules (rules.toml, overridable by --rules): a daily meeting (日例会) in every area on
every working day, a weekly meeting (周会) with the 专卖 staff in every area in every ISO
week, a customer symposium (座谈会) every half year with each active HQ present. Which
areas: [meetings] areas, else the 所属片区 of the staff list, else the areas the register's
daily and weekly meetings name. Only what is due by today counts: days before today,
weeks ended before today; today and the week in progress pass when met and are listed as
not yet due otherwise. A week belongs to the month holding its Thursday (as ISO weeks
belong to years). Action items past their due date and not done are listed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from .dept import HQ, NEEDED, Person
from .errors import ConfigError
from .mapping import did_you_mean
from .problems import problem_types
from .rules import Rules
from .spec import load_specs
from .validation import Validation
from .values import month_index, split_many
from .workdays import Week, month_days, week_of, working_days

MEETING_RULES = ("meeting_daily", "meeting_weekly", "meeting_symposium")
SYMPOSIUM_AREA = "全部门"       # the symposium is the department's, not one area's
MAX_LISTED = 31                 # days or weeks named in one message



@dataclass(frozen=True)
class Meeting:
    """One row of the register, the type as its id (daily / weekly / symposium)."""
    date: dt.date
    type: str
    area: str
    chair: str = ""
    monopoly: bool = False          # 专卖人员参加 = 是
    customers: tuple[str, ...] = ()
    file: str = ""
    row: int = 0


@dataclass(frozen=True)
class ActionItem:
    """One action item (会议事项): what, who, by when, done or not."""
    meeting_date: dt.date
    meeting_type: str               # label as typed (日例会 ...), "" when not given
    area: str
    item: str
    owner: str
    due: dt.date
    done: bool                      # 是否完成 = 是, or a 完成日期 given
    file: str = ""
    row: int = 0

    def message(self, today: dt.date) -> str:
        """The item as overdue on this day, in one sentence (meeting_item_overdue)."""
        return _say("meeting_item_overdue", owner=self.owner, item=self.item, due=self.due.isoformat(),
                    overdue=(today - self.due).days)

    def as_dict(self, today: dt.date) -> dict:
        """As --json prints it, with the days overdue as of today."""
        return {"code": "meeting_item_overdue", "meeting_date": self.meeting_date.isoformat(),
                "meeting_type": self.meeting_type, "area": self.area, "item": self.item, "owner": self.owner,
                "due": self.due.isoformat(), "overdue_days": (today - self.due).days, "file": self.file,
                "row": self.row, "message": self.message(today)}


@dataclass(frozen=True)
class Register:
    """The meeting register as records."""
    meetings: tuple[Meeting, ...]
    items: tuple[ActionItem, ...]
    notes: tuple[str, ...] = ()     # how a row that contradicts itself was read


@dataclass
class MeetingResult:
    """One area against one meeting rule. status: ok / failed / not_due (the symposium
    before its half's last month); ok counts not_due as met."""
    rule: str
    area: str
    required: int
    actual: int
    status: str
    details: dict[str, Any]
    message: str = ""               # what is missing, in one sentence ("" when met)
    codes: tuple[str, ...] = ()     # the problem types of what is missing (problem_types.toml)

    @property
    def ok(self) -> bool:
        """Met, or not due yet."""
        return self.status != "failed"

    def as_dict(self) -> dict:
        """The result as JSON-ready data."""
        return {"rule": self.rule, "area": self.area, "required": self.required, "actual": self.actual,
                "ok": self.ok, "status": self.status, "codes": list(self.codes), "details": self.details,
                "message": self.message}


@dataclass
class MeetingReport:
    """The month's meeting check: a result per rule and area, the overdue action items."""
    month: str
    today: dt.date
    areas: list[str]
    area_source: str                # where the areas came from, in words
    results: list[MeetingResult] = field(default_factory=list)
    overdue: list[ActionItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def failures(self) -> int:
        """How many results are not met (the exit code counts them)."""
        return sum(not r.ok for r in self.results)

    def as_dict(self) -> dict:
        """The report as JSON-ready data (the "meetings" of gcs quotas --json)."""
        return {"month": self.month, "areas": self.areas, "area_source": self.area_source,
                "results": [r.as_dict() for r in self.results],
                "overdue_items": [x.as_dict(self.today) for x in self.overdue], "notes": self.notes}


def read_register(v: Validation) -> Register:
    """The 会议记录 and 会议事项 sheets given, as records; rows with errors in what they
    need are left out (load_department lists them, dept.NEEDED)."""
    specs = load_specs()
    kinds = {label: vid for vid, label in specs.sheet("meetings").field("type").options.items()}
    yes = specs.sheet("meetings").field("monopoly").label("yes")
    no = specs.sheet("meetings").field("monopoly").label("no")
    meetings = []
    for t in v.tables_of("meetings"):
        # the codes as written even where one of them is not on file (reported by validation):
        # the others were there
        customers = dict(zip(t.rows, t.values.get("customers") or [None] * len(t.rows)))
        for r in t.records(needed=NEEDED["meetings"]):
            if r.get("date") is None or r.get("type") is None or not r.get("area"):
                continue        # a column missing from the file: reported by validation
            # 专卖 attended: 是, or left blank with the 专卖 staff named (an explicit 否 stands)
            monopoly = r.get("monopoly") == yes or (r.get("monopoly") != no and bool(r.get("monopoly_staff")))
            meetings.append(Meeting(r["date"], kinds[r["type"]], r["area"], r.get("chair") or "", monopoly,
                                    tuple(split_many(customers[r["row"]])), t.file, r["row"]))
    items, notes = [], []
    item_sheet = specs.sheet("meeting_items")
    not_done = item_sheet.field("done").label("no")
    for t in v.tables_of("meeting_items"):
        for r in t.records(needed=NEEDED["meeting_items"]):
            if any(r.get(k) is None for k in NEEDED["meeting_items"]):
                continue
            if r.get("done") == not_done and r.get("done_date") is not None:    # the date says it was done
                notes.append(f"{item_sheet.name}第 {r['row']} 行「{r['item']}」的{item_sheet.header('done')}写的是"
                             f"{not_done}，却填了{item_sheet.header('done_date')} {r['done_date'].isoformat()}：按已完成算，"
                             f"不列为逾期；没办完的请删去{item_sheet.header('done_date')}")
            items.append(ActionItem(r["meeting_date"], r.get("meeting_type") or "", r.get("area") or "",
                                    r["item"], r["owner"], r["due"],
                                    r.get("done") == yes or r.get("done_date") is not None, t.file, r["row"]))
    return Register(tuple(meetings), tuple(items), tuple(notes))


def check_meetings(register: Register, month: str, rules: Rules, today: dt.date,
                   staff: list[Person], hqs: dict[str, HQ]) -> MeetingReport:
    """The meeting rules for one month (YYYY-MM) as of today: pure, no files."""
    areas, source = _areas(register, rules, staff)
    report = MeetingReport(month, today, areas, source, notes=list(register.notes))
    outside = Counter(m.area for m in register.meetings if m.type != "symposium" and m.area not in set(areas))
    for area, n in outside.items():     # most often a short or mistyped name: name the area meant
        report.notes.append(f"{load_specs().sheet('meetings').name}里的片区「{area}」不在检查的片区"
                            f"（{source}）里，那里的 {n} 次会议没有计入{did_you_mean(area, areas)}")
    by_area: dict[str, list[Meeting]] = defaultdict(list)
    for m in register.meetings:
        by_area[m.area].append(m)
    if rules["meeting_daily"]["check"]:
        workdays = working_days(month, rules)
        report.results += [_daily(area, by_area[area], month, workdays, rules, today) for area in areas]
    if rules["meeting_weekly"]["check"]:
        weeks = month_weeks(month, rules)
        report.results += [_weekly(area, by_area[area], weeks, rules, today) for area in areas]
    if rules["meeting_symposium"]["check"]:
        report.results.append(_symposium(register.meetings, month, rules, today, hqs))
    report.overdue = sorted((x for x in register.items if not x.done and x.due < today),
                            key=lambda x: (x.due, x.owner, x.row))
    return report


def _areas(register: Register, rules: Rules, staff: list[Person]) -> tuple[list[str], str]:
    if rules["meetings"]["areas"]:
        return list(dict.fromkeys(rules["meetings"]["areas"])), "规则文件 [meetings] areas"
    specs = load_specs()
    from_staff = sorted({p.area for p in staff if p.area})
    if from_staff:
        return from_staff, f"{specs.sheet('staff').name}的{specs.sheet('staff').header('area')}"
    return (sorted({m.area for m in register.meetings if m.type != "symposium"}),
            f"{specs.sheet('meetings').name}里写的{specs.sheet('meetings').header('area')}")


def _say(code: str, **params) -> str:
    return problem_types()[code].message.format(**params)


def _listed(texts: list[str]) -> str:
    more = f" 等 {len(texts)} 个" if len(texts) > MAX_LISTED else ""
    return "、".join(texts[:MAX_LISTED]) + more


def _daily(area: str, mine: list[Meeting], month: str, workdays: list[dt.date], rules: Rules,
           today: dt.date) -> MeetingResult:
    held = {m.date for m in mine if m.type == "daily"}
    due = [d for d in workdays if d < today or d in held]
    missing = [d for d in due if d not in held]
    later = [d for d in workdays if d not in due]
    allowed = rules["meeting_daily"]["allowed_missing"]
    status = "failed" if len(missing) > allowed else "ok"
    details = {"missing": [d.isoformat() for d in missing], "not_yet_due": [d.isoformat() for d in later],
               "allowed_missing": allowed, "working_days": len(workdays)}
    message = _say("meeting_daily_missing", area=area, month=month, count=len(missing),
                   days=_listed([f"{d.month}月{d.day}日" for d in missing])) if missing else ""
    return MeetingResult("meeting_daily", area, len(due), len(due) - len(missing), status, details, message,
                         ("meeting_daily_missing",) if missing else ())


def month_weeks(month: str, rules: Rules) -> list[tuple[Week, tuple[dt.date, ...]]]:
    """The ISO weeks that belong to the month (their Thursday falls in it), each with its
    working days (which may lie in the months before and after)."""
    out = []
    for thursday in (d for d in month_days(month) if d.isoweekday() == 4):
        week = week_of(thursday)
        days = [week.monday + dt.timedelta(days=k) for k in range(7)]
        work = {d for m in sorted({f"{d.year}-{d.month:02d}" for d in days}) for d in _workdays(m, month, rules)}
        out.append((week, tuple(d for d in days if d in work)))
    return out


def _workdays(other: str, month: str, rules: Rules) -> list[dt.date]:
    """The working days of a month a week of month reaches into. The next year's holidays
    may not be published yet (the last week of December): there, Monday to Friday."""
    try:
        return working_days(other, rules)
    except ConfigError:
        if other == month:
            raise
        return [d for d in month_days(other) if d.weekday() < 5]


def _weekly(area: str, mine: list[Meeting], weeks: list[tuple[Week, tuple[dt.date, ...]]], rules: Rules,
            today: dt.date) -> MeetingResult:
    need_monopoly = rules["meeting_weekly"]["monopoly"]
    rows, missing, no_monopoly = [], [], []
    counted = due = 0
    for w, workdays in weeks:
        held = [m for m in mine if m.type == "weekly" and m.date in w]
        good = [m for m in held if m.monopoly or not need_monopoly]
        span = f"{w.label}（{w.monday.month}月{w.monday.day}日–{w.sunday.month}月{w.sunday.day}日）"
        if not workdays:
            status = "holiday"
        elif good:
            status = "ok"
        elif w.sunday >= today:
            status = "not_yet_due"
        elif held:
            status = "no_monopoly"
            no_monopoly.append(span)
        else:
            status = "missing"
            missing.append(span)
        due += status in ("ok", "missing", "no_monopoly")
        counted += status == "ok"
        rows.append({"week": w.label, "from": w.monday.isoformat(), "to": w.sunday.isoformat(),
                     "status": status, "dates": [m.date.isoformat() for m in held]})
    messages = {}
    if missing:
        messages["meeting_weekly_missing"] = _say("meeting_weekly_missing", area=area, count=len(missing),
                                                  weeks="、".join(missing))
    if no_monopoly:
        messages["meeting_weekly_no_monopoly"] = _say("meeting_weekly_no_monopoly", area=area, count=len(no_monopoly),
                                                      weeks="、".join(no_monopoly))
    details = {"weeks": rows, "missing": [r["week"] for r in rows if r["status"] == "missing"],
               "no_monopoly": [r["week"] for r in rows if r["status"] == "no_monopoly"],
               "monopoly_required": need_monopoly}
    return MeetingResult("meeting_weekly", area, due, counted, "failed" if messages else "ok", details,
                         "".join(messages.values()), tuple(messages))


def half_of(month: str, every: int) -> tuple[str, str, str]:
    """The period of `every` months (counted from January) holding month: its label
    (2026-H2 for six, 2026-Q4 for three, 2026 for twelve), first and last month."""
    if every < 1 or 12 % every:
        raise ConfigError(f"meeting_symposium.every_months 应能整除 12（1、2、3、4、6、12），不能是 {every}")
    year, m = int(month[:4]), int(month[5:])
    k = (m - 1) // every
    first, last = k * every + 1, k * every + every
    label = {6: f"{year}-H{k + 1}", 3: f"{year}-Q{k + 1}", 12: f"{year}"}.get(every, f"{year}-{first:02d}至{last:02d}")
    return label, f"{year}-{first:02d}", f"{year}-{last:02d}"


def _symposium(meetings, month: str, rules: Rules, today: dt.date, hqs: dict[str, HQ]) -> MeetingResult:
    label, first, last = half_of(month, rules["meeting_symposium"]["every_months"])
    end = month_days(last)[-1]
    held = sorted((m for m in meetings if m.type == "symposium" and first <= m.date.isoformat()[:7] <= last
                   and m.date <= today), key=lambda m: m.date)
    present = {c for m in held for c in m.customers}
    active = sorted((h for h in hqs.values() if h.active), key=lambda h: h.code)
    absent = [h for h in active if h.code not in present]
    met = bool(held) and not absent
    final = month_index(month) >= month_index(last)
    status = "ok" if met else "failed" if final else "not_due"
    if not held:
        what = "还没有开"
    elif absent:
        what = f"有 {len(absent)} 个总部不在参会客户里：" + "、".join(f"{h.code} {h.name}".strip() for h in absent)
    else:
        what = ""
    message = ""
    if what:
        message = _say("meeting_symposium_missing", half=label, what=what)
        if not final:
            message += f"（{end.isoformat()} 前要开，现在还没到期）"
    details = {"half": label, "due_by": end.isoformat(), "meetings": [m.date.isoformat() for m in held],
               "missing": [{"code": h.code, "name": h.name} for h in absent]}
    return MeetingResult("meeting_symposium", SYMPOSIUM_AREA, len(active), len(active) - len(absent), status,
                         details, message, ("meeting_symposium_missing",) if what else ())
