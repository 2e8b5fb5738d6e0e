"""The demo department's meeting register (会议记录) for its month: a daily meeting per area
on every working day, a weekly meeting per area in every week with the 专卖 staff, the
half-year symposium with every active HQ when the month lies in the half's last three
months, and action items — with exactly one weekly meeting missing and exactly one
action item overdue, for `gcs quotas` to find.

Not wired into `gcs demo`: ``dep.tables.update(meeting_register(dep, today=today))``
before the department is written adds 会议记录.xlsx beside the other files.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from ..meeting_check import half_of, month_weeks
from ..rules import Rules, load_rules
from ..spec import Specs, load_specs
from ..values import month_index
from ..workdays import working_days
from .department import Department

MONOPOLY = ["赵立新", "孙志强", "钱文斌"]          # the 专卖 staff each area invites to its weekly meeting
DAILY_TOPICS = ["近日工作重点；昨日拜访收集的信息", "紧俏货源告知进度；卖场反映的问题",
                "新品上柜和价签检查安排", "订货情况和库存提醒"]
WEEKLY_TOPICS = "上周客户销售和问题；下周拜访安排；需要专卖协查的问题"
WEEKLY_ITEMS = ["价签未及时更新的卖场整改回访", "断货卖场的补货跟进", "新品上柜情况统计",
                "库存偏高卖场的促销建议"]
SYMPOSIUM_TOPICS = "半年业务总结；货源和新品政策；听取客户意见；满意度调查"
MISSING_WEEK = 1        # the second week of the month (always over by the month after) has no weekly meeting
OVERDUE_WEEK = 2        # the third week's action item is never done: past its due date by the month after
DAILY_ATTENDEES = 3     # people named in a daily meeting's 参会人员


def meeting_register(dep: Department, *, today: dt.date, seed: int = 2026, rules: Rules | None = None,
                     specs: Specs | None = None) -> dict[str, list[dict[str, Any]]]:
    """The register's rows by field id, {"meetings": [...], "meeting_items": [...]}, for the
    demo department's month as of today (meetings only up to today)."""
    specs = specs or load_specs()
    rules = rules or load_rules()
    rng = random.Random(seed)
    kind = specs.sheet("meetings").field("type").label
    yes, no = (specs.sheet("meetings").field("monopoly").label(v) for v in ("yes", "no"))
    mm = specs.label("staff", "role", "mm")
    areas: dict[str, list[dict]] = {}
    for person in dep["staff"]:
        if person.get("area"):
            areas.setdefault(person["area"], []).append(person)
    workdays = [d for d in working_days(dep.month, rules) if d <= today]
    meetings, items = [], []
    for a, (area, people) in enumerate(sorted(areas.items())):
        chair = next((p["name"] for p in people if p["role"] == mm), people[0]["name"])
        names = [p["name"] for p in people]
        for d in workdays:
            meetings.append({"date": _dt(d), "type": kind("daily"), "area": area, "chair": chair,
                             "attendees": "、".join(names[:DAILY_ATTENDEES]), "topics": rng.choice(DAILY_TOPICS),
                             "minutes": "各人汇报昨日拜访情况，安排今明两天的重点卖场"})
        monopoly = MONOPOLY[a % len(MONOPOLY)]
        for w, days in enumerate(days for _, days in month_weeks(dep.month, rules) if days):
            if (a, w) == (0, MISSING_WEEK) or days[0] > today:
                continue
            meetings.append({"date": _dt(days[0]), "type": kind("weekly"), "area": area, "chair": chair,
                             "attendees": "、".join([*names, monopoly]), "monopoly": yes, "monopoly_staff": monopoly,
                             "topics": WEEKLY_TOPICS, "minutes": "回顾上周各客户销售，梳理拜访发现的问题，专卖人员通报本周检查安排"})
            owner = names[(w + 1) % len(names)]
            due = days[0] + dt.timedelta(days=7)
            overdue = (a, w) == (0, OVERDUE_WEEK)
            done = not overdue and due <= today
            items.append({"meeting_date": _dt(days[0]), "meeting_type": kind("weekly"), "area": area,
                          "item": WEEKLY_ITEMS[w % len(WEEKLY_ITEMS)], "owner": owner, "due": _dt(due),
                          "done": yes if done else no, "done_date": _dt(due - dt.timedelta(days=1)) if done else None})
    meetings += _symposium(dep, rules, today, workdays, specs, kind("symposium"))
    meetings.sort(key=lambda r: (r["date"], r["area"]))
    items.sort(key=lambda r: (r["meeting_date"], r["area"]))
    return {"meetings": meetings, "meeting_items": items}


def _dt(d: dt.date) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day)


def _symposium(dep: Department, rules: Rules, today: dt.date, workdays: list[dt.date], specs: Specs,
               label: str) -> list[dict[str, Any]]:
    """The half-year symposium, in the month when it lies in the half's last three months."""
    _, _, last = half_of(dep.month, rules["meeting_symposium"]["every_months"])
    if month_index(last) - month_index(dep.month) >= 3 or not workdays:
        return []
    active = specs.label("hq", "status", "active")
    codes = [h["code"] for h in dep["hq"] if h["status"] == active]
    chair = next(p["name"] for p in dep["staff"] if p["role"] == specs.label("staff", "role", "mm"))
    day = workdays[len(workdays) // 2]
    return [{"date": _dt(day), "type": label, "area": "集团客户部", "chair": chair,
             "attendees": "、".join(p["name"] for p in dep["staff"]), "customers": "、".join(codes),
             "topics": SYMPOSIUM_TOPICS, "minutes": "各总部对服务总体满意，希望紧俏货源提前告知、新品资料早些送到"}]
