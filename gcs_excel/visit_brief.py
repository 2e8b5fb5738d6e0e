"""`gcs brief`: what to prepare before each visit planned for a day (管理办法 三(二)), one
A4 page per visit (visit_brief_workbook.py writes them).

Per planned visit, for the store or HQ visited (an HQ's sales are its stores' summed):
- who it is: name, code, licence, address, contact and phone, customer and market manager;
- its last 3 months of sales and the trend in words, its top SKUs and the SKUs that fell
  most from the month before (the months: the latest 3 the sales data hold before the
  visit's month — a month's sales are exported after it ends);
- the catalogue's new and scarce SKUs with its last month's sales of each; with the
  allocation workbooks (gcs allocate) the quantity allotted to it for the visit's month,
  with the notices register (紧俏货源告知) the notice number due and whether a visit this
  month before the day has handed it over;
- the catalogue's price changes against a previous catalogue (--previous-catalogue);
- follow-up: the last visit to it before the day that found problems (发现问题), and the
  visits to it after that one, which are its follow-up (none: not followed up yet);
- the tools to carry (brief.toml), as tick boxes;
- a market manager's store visit adds the customer managers' visits to the store this
  month before the day (date, content, notice) and a form for the customer's opinions
  and the inspection of the customer manager's service (brief.toml's items).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from .dept import Department, Excluded, PlanRow, Visit, load_department
from .errors import ConfigError
from .mapping import did_you_mean
from .problems import Report
from .rules import bundled_settings
from .spec import load_specs
from .validation import Validation, validate_readable
from .values import join_lines, month_of, months_ending, shift_month
from .writing import check_writable

WHAT = "拜访准备设置文件"
SALES_MONTHS = 3
KIND_WORDS = {"hq": "总部", "store": "卖场"}


def load_settings(config: str | Path | None = None) -> dict[str, Any]:
    """brief.toml (tools, list limits, the market manager's form) with a department's overrides."""
    data = bundled_settings("brief.toml", config, WHAT)
    if any(n < 1 for n in data["limits"].values()):
        raise ConfigError(f"{WHAT}里「limits」的每一项至少是 1")
    return data


def workbook_name(day: dt.date, person: str | None = None) -> str:
    """拜访准备_2026-10-20.xlsx (everyone) or 拜访准备_2026-10-20_刘洋.xlsx (one person)."""
    return f"拜访准备_{day.isoformat()}{'_' + person if person else ''}.xlsx"


def busiest_day(plans: Sequence[PlanRow], month: str) -> dt.date | None:
    """The day of the month's second half (计划周期 下) with the most planned visits, the
    earliest of equals (the day `gcs demo` prints briefs for: late enough in the month for
    visits and problems before it); the first half when the second has no plan; None when
    the month has none."""
    for half in ("下", "上"):
        days = Counter(p.date for p in plans if p.period == f"{month}{half}")
        if days:
            return min(days, key=lambda d: (-days[d], d))
    return None


# --- the result -----------------------------------------------------------------------------
@dataclass(frozen=True)
class MonthSales:
    """One month of a store's or HQ's sales; None where the sales data do not hold the month."""
    month: str
    volume: float | None
    amount: float | None


@dataclass(frozen=True)
class SkuMonths:
    """One SKU's sales in the last month and the month before (条, 元)."""
    sku: str
    volume: float
    amount: float
    prev_volume: float
    prev_amount: float

    @property
    def change(self) -> float:
        """条 more (less, negative) than the month before."""
        return self.volume - self.prev_volume


@dataclass(frozen=True)
class SupplyLine:
    """A new or scarce SKU (or one allotted) as it concerns the store or HQ visited."""
    sku: str
    new: bool
    scarce: bool
    wholesale: float | None
    guide: float | None
    last_volume: float                  # its sales in the last month of the sales window
    allotted: int | None                # None: no allocation workbook given
    notice: str = ""                    # the notice number due for it (stores), "" when none


@dataclass(frozen=True)
class PriceChange:
    """A catalogue SKU whose price changed, that is new, or that was withdrawn."""
    sku: str
    kind: str                           # changed / new / withdrawn
    old_wholesale: float | None = None
    new_wholesale: float | None = None
    old_guide: float | None = None
    new_guide: float | None = None


@dataclass(frozen=True)
class PastVisit:
    """A visit from the log as a brief quotes it."""
    date: dt.date
    person: str
    content: str
    issues: str
    notice: str                         # 是 / the number / ""

    def as_dict(self) -> dict:
        """As --json prints it."""
        return {"date": self.date.isoformat(), "person": self.person, "content": self.content,
                "issues": self.issues, "notice": self.notice}


@dataclass
class Brief:
    """One planned visit's page."""
    date: dt.date
    person: str
    role: str                           # mm / cm (the plan row's)
    kind: str                           # hq / store
    code: str
    name: str
    facts: list[tuple[str, str]]        # (label, value): who is visited
    purpose: str = ""                   # the plan row's 拜访事项
    sales: list[MonthSales] = field(default_factory=list)
    trend: str = ""
    top: list[SkuMonths] = field(default_factory=list)
    fallen: list[SkuMonths] = field(default_factory=list)
    supply: list[SupplyLine] = field(default_factory=list)
    notice: str = ""                    # the written notice in words (due, handed over, not yet)
    last_visit: PastVisit | None = None
    problem: PastVisit | None = None
    follow_ups: list[PastVisit] = field(default_factory=list)
    cm_visits: list[PastVisit] | None = None    # a market manager's store visit only
    sheet: str = ""

    @property
    def market_manager_store(self) -> bool:
        """A market manager's store visit: its page adds the inspection form."""
        return self.role == "mm" and self.kind == "store"

    def as_dict(self) -> dict:
        """As --json prints it."""
        def sku(s: SkuMonths) -> dict:
            return {**s.__dict__, "change": s.change}
        return {"date": self.date.isoformat(), "person": self.person, "role": self.role, "kind": self.kind,
                "code": self.code, "name": self.name, "sheet": self.sheet, "purpose": self.purpose,
                "facts": dict(self.facts),
                "sales": [m.__dict__ for m in self.sales], "trend": self.trend,
                "top": [sku(s) for s in self.top], "fallen": [sku(s) for s in self.fallen],
                "supply": [s.__dict__ for s in self.supply], "notice": self.notice,
                "last_visit": self.last_visit.as_dict() if self.last_visit else None,
                "problem": self.problem.as_dict() if self.problem else None,
                "follow_ups": [x.as_dict() for x in self.follow_ups],
                "cm_visits": None if self.cm_visits is None else [x.as_dict() for x in self.cm_visits]}


@dataclass
class BriefResult:
    """The day's briefs, in plan order, with what every page shares."""
    date: dt.date
    person: str | None                  # None: everyone (--all)
    settings: dict[str, Any]
    briefs: list[Brief] = field(default_factory=list)
    sales_months: list[str] = field(default_factory=list)      # the window, oldest first; [] without sales
    prices: list[PriceChange] | None = None                    # None: no previous catalogue given
    previous_catalogue: str = ""
    notes: list[str] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)
    validation: Report | None = None
    planned_days: list[dt.date] = field(default_factory=list)  # the person's planned days that month
    output: Path | None = None
    visits_given: bool = True           # a visit log among the files: past visits, problems, notices handed

    @property
    def exit_code(self) -> int:
        """1 when nothing is planned that day or rows with errors were left out, else 0."""
        return 1 if not self.briefs or self.excluded else 0

    def as_dict(self) -> dict:
        """What --json prints."""
        return {"date": self.date.isoformat(), "person": self.person, "sales_months": self.sales_months,
                "output": str(self.output) if self.output else None,
                "briefs": [b.as_dict() for b in self.briefs],
                "price_changes": None if self.prices is None else [p.__dict__ for p in self.prices],
                "previous_catalogue": self.previous_catalogue or None,
                "planned_days": [d.isoformat() for d in self.planned_days],
                "notes": self.notes, "excluded": [x.as_dict() for x in self.excluded]}


# --- the run --------------------------------------------------------------------------------
def brief(paths: Sequence[str | Path], day: dt.date, *, person: str | None = None, everyone: bool = False,
          out: str | Path | None = None, previous_catalogue: str | Path | None = None,
          config: str | Path | None = None, today: dt.date | None = None,
          progress: Callable[[int, int, str], None] | None = None) -> BriefResult:
    """The `gcs brief` command (and the call `gcs demo` makes): validate the department's
    files (人员名单, 总部档案, 卖场明细表, 拜访计划; 拜访记录, 卷烟规格, 销售数据 and gcs
    allocate's / gcs notices' workbooks when given), make a brief per visit planned on day
    for person (or everyone), and with out write the workbook: out is the .xlsx, or a
    folder to write workbook_name(day, person) in. Nothing planned: no workbook, exit 1."""
    person = (person or "").strip() or None        # a name pasted with a space around it is still the name
    if (person is None) == (not everyone):
        raise ConfigError("请给出 --person（一个人）或 --all（当天有计划的每个人）中的一个")
    settings = load_settings(config)
    target = None
    if out is not None:
        out = Path(out)
        target = out if out.suffix.lower() == ".xlsx" else out / workbook_name(day, person)
        check_writable(target, [*paths, *([previous_catalogue] if previous_catalogue else [])])
    v = validate_readable(list(paths), today=today, progress=progress)       # a big sales CSV takes a while
    result = compute(v, day, person, settings)
    if previous_catalogue is not None:
        result.previous_catalogue = Path(previous_catalogue).name
        result.prices = price_changes(_catalogue(validate_readable([previous_catalogue], today=today),
                                                 f"{previous_catalogue} 里没有卷烟规格表"),
                                      _catalogue(v, "给出的文件里没有卷烟规格表，无法和 --previous-catalogue 比较"))
    if target is not None and result.briefs:
        from .visit_brief_workbook import write_brief_workbook
        result.output = write_brief_workbook(result, target)
    return result


def compute(v: Validation, day: dt.date, person: str | None, settings: dict[str, Any]) -> BriefResult:
    """The briefs from validated files (writes nothing; prices are compared by the caller)."""
    dept = load_department(v)
    dept.require(("staff", "hq", "stores", "plan"), "做拜访准备", "：请和其他文件一起给出")
    result = BriefResult(day, person, settings, validation=v.report, excluded=list(dept.excluded))
    month = month_of(day)
    if person is not None and person not in dept.staff:
        known = set(dept.staff) | {p.person for p in dept.plans}
        raise ConfigError(f"人员名单里没有「{person}」{did_you_mean(person, known)}")
    planned = sorted((p for p in dept.plans if p.date == day and (person is None or p.person == person)),
                     key=lambda p: (p.file, p.row))
    if person is not None:
        result.planned_days = sorted({p.date for p in dept.plans if p.person == person and month_of(p.date) == month})
    if not planned:
        return result
    ctx = _Context(v, dept, day, result)
    for p in planned:
        result.briefs.append(ctx.brief(p))
    _name_sheets(result.briefs, person is None)
    return result


class _Context:
    """The day's data indexed once for every visit."""

    def __init__(self, v: Validation, dept: Department, day: dt.date, result: BriefResult):
        self.dept, self.day, self.month = dept, day, month_of(day)
        specs = load_specs()
        self.contact = {r["licence"]: r.get("contact") or "" for t in v.tables_of("stores")
                        for r in t.records(needed=("licence",))}
        self.visits_given = result.visits_given = "visits" in dept.present
        if not self.visits_given:
            result.notes.append("没有给出拜访记录：上次拜访、发现的问题、本月是否已递交告知都不详")
        self.visits_to: dict[str, list[Visit]] = {}
        for x in sorted(dept.visits, key=lambda x: (x.date, x.file, x.row)):
            if x.date < day:
                self.visits_to.setdefault(x.code, []).append(x)
        self.catalogue = _catalogue(v, "") if v.tables_of("catalogue") else {}
        if not self.catalogue:
            result.notes.append("没有给出卷烟规格，新品、紧俏规格未列")
        self.months: list[str] = []              # the sales window, oldest first
        self.held: set[str] = set()              # the months the sales data hold
        self.stores_of: dict[str, list[str]] = {}
        for s in dept.stores.values():
            self.stores_of.setdefault(s.customer, []).append(s.licence)
        self.sales = self._sales(v, result)
        self.allotted = self._allotted(v, result)
        self.notices = self._notices(v, result, specs)

    # -- inputs
    def _sales(self, v: Validation, result: BriefResult):
        """(target code, month, sku) -> [volume, amount] over the sales window, for stores
        by licence and for HQs by customer code."""
        if not v.tables_of("sales"):
            result.notes.append("没有给出销售数据，近 3 个月销售未列")
            return {}
        from .reporting.data import sales_frame     # pandas: only with sales data
        frame = sales_frame(v)
        months = sorted(str(m) for m in frame["month"].dropna().unique() if str(m) < self.month)
        if not months:
            result.notes.append(f"销售数据里没有 {self.month} 以前的月份，近 3 个月销售未列")
            return {}
        result.sales_months = self.months = months_ending(months[-1], SALES_MONTHS)
        self.held = set(months)
        if months[-1] != shift_month(self.month, -1):
            result.notes.append(f"销售数据只到 {months[-1]}，近 3 个月按 {result.sales_months[0]}—{months[-1]} 列")
        window = frame[frame["month"].astype(str).isin(result.sales_months)]
        table: dict[tuple[str, str, str], list[float]] = {}
        for key in ("licence", "customer"):
            sums = window.groupby([key, "month", "sku"], observed=True, sort=False)[["volume", "amount"]].sum()
            for (code, m, sku), (vol, amt) in zip(sums.index.tolist(), sums.to_numpy().tolist()):
                cell = table.setdefault((str(code), str(m), str(sku)), [0.0, 0.0])
                cell[0] += vol
                cell[1] += amt
        return table

    def _allotted(self, v: Validation, result: BriefResult) -> dict[tuple[str, str], int] | None:
        """(licence, sku) -> 条 allotted for the visit's month; None without allocations."""
        tables = v.tables_of("allocation")
        if not tables:
            return None
        out: dict[tuple[str, str], int] = {}
        for t in tables:
            for r in t.records(needed=("month", "sku", "licence", "quantity")):
                if r["month"] == self.month:
                    out[(r["licence"], r["sku"])] = out.get((r["licence"], r["sku"]), 0) + int(r["quantity"])
        if not out:
            result.notes.append(f"给出的分配工作簿里没有 {self.month} 的分配")
        return out

    def _notices(self, v: Validation, result: BriefResult, specs) -> dict[str, tuple[str, set[str]]] | None:
        """licence -> (the valid notice number of the visit's month, its SKUs); None without a register."""
        tables = v.tables_of("notice_register")
        if not tables:
            return None
        valid = specs.sheet("notice_register").field("status").label("valid")
        out: dict[str, tuple[str, set[str]]] = {}
        for t in tables:
            for r in t.records(needed=("number", "month", "licence", "sku", "status")):
                if r["month"] == self.month and r["status"] == valid:
                    out.setdefault(r["licence"], (r["number"], set()))[1].add(r["sku"])
        return out

    # -- one visit
    def brief(self, p: PlanRow) -> Brief:
        d = self.dept
        role = p.role or (d.staff[p.person].role if p.person in d.staff else "cm")
        codes = [p.code] if p.kind == "store" else sorted(self.stores_of.get(p.code, []))
        if p.kind == "store":
            s = d.stores.get(p.code)
            hq = d.hqs.get(s.customer) if s else None
            name = s.name if s else ""
            facts = [("卖场名称", name or "（卖场明细表里没有）"), ("专卖证号", p.code),
                     ("所属客户", f"{hq.name}（{hq.code}）" if hq else (s.customer if s else "")),
                     ("卖场地址", s.address if s else ""), ("联系人", self.contact.get(p.code, "")),
                     ("联系电话", s.phone if s else ""), ("客户经理", s.cm if s else ""),
                     ("市场经理", hq.mm if hq else "")]
        else:
            hq = d.hqs.get(p.code)
            name = hq.name if hq else ""
            active = sum(1 for c in codes if d.stores[c].active)
            facts = [("客户名称", name or "（总部档案里没有）"), ("客户编码", p.code),
                     ("总部地址", hq.address if hq else ""), ("购销负责人", hq.buyer if hq else ""),
                     ("负责人电话", hq.buyer_phone if hq else ""), ("卖场", f"{len(codes)} 个（正常 {active} 个）"),
                     ("客户经理", hq.cm if hq else ""), ("市场经理", hq.mm if hq else "")]
        b = Brief(p.date, p.person, role, p.kind, p.code, name, facts, join_lines(p.purpose))
        self._fill_sales(b)
        self._fill_supply(b, codes)
        self._fill_history(b)
        return b

    def _fill_sales(self, b: Brief) -> None:
        window = self.months
        if not window:
            return
        per_month = {m: [0.0, 0.0] for m in window}
        per_sku: dict[str, dict[str, list[float]]] = {}
        for (code, m, sku), (vol, amt) in self.sales.items():
            if code == b.code and m in per_month:
                per_month[m][0] += vol
                per_month[m][1] += amt
                per_sku.setdefault(sku, {})[m] = [vol, amt]
        b.sales = [MonthSales(m, *(per_month[m] if m in self.held else (None, None))) for m in window]
        b.trend = trend_words(b.sales)
        last, prev = window[-1], window[-2]
        rows = [SkuMonths(sku, *ms.get(last, [0.0, 0.0]), *ms.get(prev, [0.0, 0.0])) for sku, ms in per_sku.items()]
        b.top = sorted((r for r in rows if r.volume > 0), key=lambda r: (-r.volume, r.sku))
        b.fallen = sorted((r for r in rows if r.change < 0), key=lambda r: (r.change, r.sku))

    def _fill_supply(self, b: Brief, codes: list[str]) -> None:
        last = self.months[-1] if self.months else None
        allotted: dict[str, int] = {}
        if self.allotted is not None:
            for (licence, sku), q in self.allotted.items():
                if licence in codes:
                    allotted[sku] = allotted.get(sku, 0) + q
        notices = self.notices or {}
        skus = sorted({s.sku for s in self.catalogue.values() if s.new or s.scarce} | set(allotted),
                      key=lambda k: (not (k in self.catalogue and self.catalogue[k].scarce), k))
        for sku in skus:
            c = self.catalogue.get(sku)
            volume = self.sales.get((b.code, last, sku), [0.0])[0] if last else 0.0
            number = notices[b.code][0] if b.kind == "store" and b.code in notices and sku in notices[b.code][1] else ""
            b.supply.append(SupplyLine(sku, bool(c and c.new), bool(c and c.scarce), c.wholesale if c else None,
                                       c.guide if c else None, volume,
                                       None if self.allotted is None else allotted.get(sku, 0), number))
        b.notice = self._notice_words(b, codes, allotted)

    def _notice_words(self, b: Brief, codes: list[str], allotted: dict[str, int]) -> str:
        """The written notice of scarce supply for this visit, in words."""
        if not self.visits_given:       # "尚未递交" would be a guess
            number = self.notices[b.code][0] if self.notices and b.kind == "store" and b.code in self.notices else ""
            return (f"{number}，" if number else "") + "没有给出拜访记录，不知本月是否已递交"
        handed = {c: [x for x in self.visits_to.get(c, ()) if month_of(x.date) == self.month and x.notice]
                  for c in codes}
        if b.kind == "hq":
            if self.notices is None:
                return "没有给出告知登记（紧俏货源告知工作簿），各卖场的告知未核对"
            due = [c for c in codes if c in self.notices]
            done = [c for c in due if handed[c]]
            if not due:
                return f"本月（{self.month}）各卖场没有书面告知"
            return f"本月 {len(due)} 个卖场有书面告知，已递交 {len(done)} 个，未递交 {len(due) - len(done)} 个"
        given = handed[b.code]
        when = f"{given[0].date.month}月{given[0].date.day}日由{given[0].person}递交" if given else ""
        if self.notices is None:
            if allotted and not given:
                return f"本月分到 {sum(allotted.values())} 条紧俏货源，尚未递交书面告知（没有给出告知登记，编号未列）"
            return f"本月已于{when}" if given else "本月尚未递交（没有给出告知登记，编号未列）"
        if b.code not in self.notices:
            return "告知登记里本月没有这个卖场的告知书" + (f"（拜访记录里{when}过）" if given else "")
        number = self.notices[b.code][0]
        if given:
            return f"{number}，{when}"
        return f"{number}，尚未递交——本次拜访请递交并请卖场签收"

    def _fill_history(self, b: Brief) -> None:
        visits = self.visits_to.get(b.code, [])
        if visits:
            b.last_visit = self._past(visits[-1])
        for k in range(len(visits) - 1, -1, -1):
            if visits[k].issues.strip():
                b.problem = self._past(visits[k])
                b.follow_ups = [self._past(x) for x in visits[k + 1:]]
                break
        if b.market_manager_store:
            b.cm_visits = [self._past(x) for x in visits if x.role == "cm" and month_of(x.date) == self.month]

    def _past(self, x: Visit) -> PastVisit:
        notice = x.notice_number or ("是" if x.notice else "")
        return PastVisit(x.date, x.person, join_lines(x.content), join_lines(x.issues.strip()), notice)


def _name_sheets(briefs: list[Brief], with_person: bool) -> None:
    """Sheet names: number in plan order (unique whatever the truncation keeps), then the name."""
    from .textsafe import sheet_name
    width = len(str(len(briefs)))
    for k, b in enumerate(briefs, start=1):
        who = f"{b.person}-" if with_person else ""
        b.sheet = sheet_name(f"{k:0{width}d} {who}{b.name or b.code}")


def trend_words(sales: list[MonthSales]) -> str:
    """The trend of the months' volumes (oldest first) in words that are true of them: the
    last month against the month before it (环比), and the two changes when all three are known.
    A month the sales data do not hold is said to be missing, never compared across."""
    from .reporting.words import cartons, signed
    from .reporting.analysis import ratio

    def label(m: MonthSales) -> str:
        return f"{int(m.month[5:])}月"

    last, prev = sales[-1], sales[-2]
    if last.volume is None:
        return f"销售数据里没有{label(last)}，无法判断趋势"
    if prev.volume is None:
        return f"销售数据里没有{label(prev)}，无法算环比；{label(last)}销售 {cartons(last.volume)} 条"
    vols = [m.volume for m in sales[-3:]] if all(m.volume is not None for m in sales[-3:]) else [prev.volume, last.volume]
    if all(v == 0 for v in vols):
        return f"近 {len(vols)} 个月都没有销量"
    if prev.volume == 0:
        return f"{label(prev)}没有销量，{label(last)}销售 {cartons(last.volume)} 条"
    if last.volume == 0:
        return f"{label(last)}没有销量（上月 {cartons(prev.volume)} 条）"
    change = signed(ratio(last.volume, prev.volume))
    three = len(vols) == 3
    if three and vols[0] < vols[1] < vols[2]:
        return f"连续两个月上升，{label(last)}环比 {change}"
    if three and vols[0] > vols[1] > vols[2]:
        return f"连续两个月下降，{label(last)}环比 {change}"
    if change == "持平":
        return f"{label(last)}与上月持平"
    if three and vols[2] > vols[1] < vols[0]:
        return f"{label(last)}回升，环比 {change}"
    if three and vols[2] < vols[1] > vols[0]:
        return f"{label(last)}回落，环比 {change}"
    return f"{label(last)}环比 {change}"


def _catalogue(v: Validation, missing: str):
    """The valid catalogue rows of a validation as reporting's Sku, by name; ConfigError(missing) when none."""
    from .reporting.data import catalogue_of
    out = catalogue_of(v)
    if not out and missing:
        raise ConfigError(missing)
    return out


def price_changes(old: dict, new: dict) -> list[PriceChange]:
    """SKUs whose 批发价 or 零售指导价 changed, new SKUs and withdrawn ones (by name), in that order."""
    def moved(a: float, b: float) -> bool:
        return abs(a - b) >= 0.005
    changed = [PriceChange(k, "changed", old[k].wholesale, new[k].wholesale, old[k].guide, new[k].guide)
               for k in sorted(old.keys() & new.keys())
               if moved(old[k].wholesale, new[k].wholesale) or moved(old[k].guide, new[k].guide)]
    added = [PriceChange(k, "new", None, new[k].wholesale, None, new[k].guide) for k in sorted(new.keys() - old.keys())]
    gone = [PriceChange(k, "withdrawn", old[k].wholesale, None, old[k].guide, None)
            for k in sorted(old.keys() - new.keys())]
    return changed + added + gone
