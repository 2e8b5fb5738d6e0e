"""What each planned visit is for (the plan's 拜访事项), said from the department's data.

A visit gets, in this order, what applies to it:
- the follow-up of the problem found on the last visit to that store or HQ (发现问题 of
  the visit log, when one is given): 跟进上次发现的问题：…（10月9日）;
- a store its visitor has not visited yet this month (the log reaches into the month) or
  did not visit last month (the log ends with last month): 本月尚未拜访 / 上月未拜访;
  for a market manager's spot check, whether the store's customer manager has;
- the visit's own task by role: a customer manager hands a store the written notice of
  scarce supply (naming the catalogue's scarce SKUs when a catalogue is given) and
  collects on-shelf, sell-through, price and stock, and comes back later in the month
  to check stock and sell-through; a market manager checks the customer manager's work
  at a store; at an HQ, by appointment with its purchasing lead, the first half settles
  the month's orders (and new products), the second reviews sales and the next month's
  demand, and a market manager hears the customer's opinions.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Iterable, Mapping

from .checks.identifiers import half_of
from .dept import Department, Visit
from .values import join_lines, month_of, shift_month

MOST_SKUS = 3          # scarce or new SKUs named in a purpose; more are counted
ISSUE_CHARS = 30       # a problem quoted from the visit log, shortened with …


def _names(skus: list[str]) -> str:
    shown = "、".join(skus[:MOST_SKUS])
    return shown + (f"等 {len(skus)} 个规格" if len(skus) > MOST_SKUS else "")


def _quoted(text: str) -> str:
    text = join_lines(text.strip())
    return text if len(text) <= ISSUE_CHARS else text[:ISSUE_CHARS - 1] + "…"


class VisitPurposes:
    """The 拜访事项 of each planned visit of one month, from the department (its visit
    log, when given) and the catalogue's rows (by field id; may be empty)."""

    def __init__(self, dept: Department, month: str, catalogue: Iterable[Mapping] = (), *,
                 yes: str = "是"):
        self.dept, self.month = dept, month
        rows = list(catalogue)
        self.scarce = [r["sku"] for r in rows if r.get("sku") and r.get("scarce") == yes]
        self.new = [r["sku"] for r in rows if r.get("sku") and r.get("new") == yes]
        self.visits_to: dict[str, list[Visit]] = defaultdict(list)      # code -> visits, by date
        for v in sorted(dept.visits, key=lambda v: (v.date, v.row)):
            self.visits_to[v.code].append(v)
        self.log_months = {month_of(v.date) for v in dept.visits}
        self.planned: set[tuple[str, str]] = {(p.person, p.code) for p in dept.plans if p.period[:7] == month}
        self.followed: set[tuple[str, str]] = set(self.planned)

    def __call__(self, day: dt.date, person: str, role: str, kind: str, code: str) -> str:
        """The purpose of one planned visit (role "mm"/"cm", kind "hq"/"store")."""
        parts = [self._follow_up(code, day) if (person, code) not in self.followed else ""]
        self.followed.add((person, code))             # a problem is followed up once, on the first visit
        if kind == "store":
            parts.append(self._not_visited(code, day, person, role))
            parts.append(self._store_task(person, role, code))
        else:
            parts.append(self._hq_task(day, role, code))
        return "；".join(p for p in parts if p)

    def _follow_up(self, code: str, day: dt.date) -> str:
        before = [v for v in self.visits_to.get(code, ()) if v.date < day]
        if before and before[-1].issues:
            last = before[-1]
            return f"跟进上次发现的问题：{_quoted(last.issues)}（{last.date.month}月{last.date.day}日）"
        return ""

    def _not_visited(self, code: str, day: dt.date, person: str, role: str) -> str:
        store = self.dept.stores.get(code)
        who = person if role == "cm" else (store.cm if store else None)
        if not who:
            return ""
        whose = "" if role == "cm" else "客户经理"
        mine = {month_of(v.date) for v in self.visits_to.get(code, ()) if v.person == who and v.date < day}
        last = shift_month(self.month, -1)
        if self.month in self.log_months and self.month not in mine:
            return f"本月{whose}尚未拜访"
        if self.month not in self.log_months and last in self.log_months and last not in mine:
            return f"上月{whose}未拜访"
        return ""

    def _store_task(self, person: str, role: str, code: str) -> str:
        if role != "cm":
            return "抽查客户经理服务和紧俏货源告知，听取卖场意见"
        if (person, code) in self.planned:         # the month's second visit: the notice is done
            return "复查库存、动销和价格执行"
        self.planned.add((person, code))
        notice = f"递交紧俏货源书面告知（{_names(self.scarce)}）" if self.scarce else "递交紧俏货源书面告知"
        return notice + "；采集上摊、动销、价格、库存"

    def _hq_task(self, day: dt.date, role: str, code: str) -> str:
        hq = self.dept.hqs.get(code)
        buyer = f"购销负责人{hq.buyer}" if hq and hq.buyer else "购销负责人"
        if role != "cm":
            return f"预约拜访{buyer}：听取客户对服务的意见，了解客户经理工作情况"
        if half_of(day) == 0:
            news = f"，介绍新品{_names(self.new)}" if self.new else ""
            return f"预约拜访{buyer}：商定本月订货计划{news}"
        return f"预约拜访{buyer}：回顾本月销售，预测下月需求"
