"""The department as typed records, built from validated tables: staff, HQs, stores,
plan rows and visits. Enum labels become value ids here; rows with errors are left out
and listed (file, sheet, row, why), never dropped silently."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from .errors import ConfigError
from .spec import Specs, load_specs
from .validation import Validation


@dataclass(frozen=True)
class Person:
    """Someone on the staff list, with the role id (mm / cm)."""
    name: str
    role: str                    # "mm" / "cm"
    email: str | None = None
    area: str | None = None


@dataclass(frozen=True)
class HQ:
    """A group customer's headquarters, with its managers and whether it is active."""
    code: str
    name: str
    address: str
    buyer_phone: str
    mm: str
    cm: str
    active: bool
    email: str | None = None
    buyer: str = ""


@dataclass(frozen=True)
class Store:
    """A store, by licence number; active when it and its HQ are both 正常."""
    licence: str
    customer: str
    name: str
    address: str
    area: str
    phone: str
    volume: int
    cm: str
    active: bool                 # the store and its HQ are 正常


@dataclass(frozen=True)
class PlanRow:
    """One planned visit, where it came from (file, row)."""
    date: dt.date
    person: str
    role: str
    kind: str                    # "hq" / "store"
    code: str
    period: str
    appointment: bool
    file: str = ""
    row: int = 0
    purpose: str = ""            # 拜访事项: what the visit is for (the weekly pack lists next week's)


@dataclass(frozen=True)
class Visit:
    """One visit made, where it came from (file, row)."""
    date: dt.date
    person: str
    role: str
    kind: str
    code: str
    appointment: bool
    notice: bool                 # a written scarce-supply notice handed over: 是, or its number
    file: str = ""
    row: int = 0
    issues: str = ""             # 发现问题: what the visit found, for the next visit to follow up
    notice_number: str = ""      # the notice's number when 紧俏货源告知 holds one (GX202612-0001)
    content: str = ""            # 拜访内容: what was done (the visit brief shows the last visits')


@dataclass(frozen=True)
class Excluded:
    """A row left out of the work for its errors, with the reasons."""
    file: str
    sheet: str
    row: int
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        """As --json prints it."""
        return {"file": self.file, "sheet": self.sheet, "row": self.row, "reasons": list(self.reasons)}


@dataclass
class Department:
    """The department's files as typed records, and the rows left out."""
    staff: dict[str, Person] = field(default_factory=dict)
    hqs: dict[str, HQ] = field(default_factory=dict)
    stores: dict[str, Store] = field(default_factory=dict)
    plans: list[PlanRow] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)
    present: set[str] = field(default_factory=set)      # sheet ids given

    def require(self, sheet_ids, what: str, hint: str = "") -> None:
        """Stop a command that cannot work without these sheets, naming the missing ones."""
        missing = [load_specs().sheet(s).name for s in sheet_ids if s not in self.present]
        if missing:
            raise ConfigError(f"{what}需要{'、'.join(missing)}{hint}")

    def roster(self) -> list[Person]:
        """Everyone, market managers first, then by name: the order of every per-person output."""
        return sorted(self.staff.values(), key=lambda p: (p.role != "mm", p.name))


class _Ids:
    """Enum label -> value id, per field (the only place labels are turned back into ids)."""

    def __init__(self, specs: Specs):
        self.specs = specs
        self._maps: dict[tuple[str, str], dict[str, str]] = {}

    def __call__(self, sheet: str, field_id: str, label):
        key = (sheet, field_id)
        if key not in self._maps:
            options = self.specs.sheet(sheet).field(field_id).options
            self._maps[key] = {v: k for k, v in options.items()}
        return self._maps[key].get(label)


# What each record needs: a row with an error in one of these fields is left out (and
# listed); an error elsewhere (say a mistyped email) only blanks that value.
NEEDED = {
    "staff": ("name", "role"),
    "hq": ("code", "status", "mm", "cm"),
    "stores": ("licence", "customer", "status", "cm"),
    "plan": ("date", "person", "role", "target_type", "target_code", "period", "appointment"),
    "visits": ("date", "person", "role", "target_type", "target_code", "appointment", "scarce_notice"),
    "observations": ("date", "person", "licence", "sku", "on_shelf", "retail_price", "stock"),
    "catalogue": ("sku", "price_class", "wholesale_price", "retail_guide"),
    "meetings": ("date", "type", "area"),                   # meeting_check.py
    "meeting_items": ("meeting_date", "item", "owner", "due"),
}


def load_department(v: Validation, specs: Specs | None = None) -> Department:
    """Typed records from validated tables; rows with errors where it matters are left
    out and listed with the reasons."""
    d = Department()
    d.present.update(t.spec.id for t in v.tables)
    d.excluded = excluded_rows(v, v.tables, NEEDED)
    _fill(d, lambda sheet: _records(v, sheet), specs or load_specs())
    return d


def excluded_rows(v: Validation, tables, needed: dict[str, tuple[str, ...]]) -> list[Excluded]:
    """The rows of these tables left out for an error in a field their sheet needs
    (needed: sheet id -> field ids; all fields for a sheet not named), with the reasons."""
    errors = defaultdict(list)
    for p in v.report.problems:
        if p.severity == "error" and p.row:
            errors[(p.file, p.sheet, p.row)].append(p.message)
    return [Excluded(t.file, t.sheet, t.rows[i], tuple(errors[(t.file, t.sheet, t.rows[i])]))
            for t in tables for i in sorted(t.bad_rows(needed.get(t.spec.id)))]


def department_from_rows(tables, specs: Specs | None = None) -> Department:
    """Typed records from rows keyed by field id (demo data, tests), assumed valid."""
    d = Department(present=set(tables))
    _fill(d, lambda sheet: ({**r, "file": "", "row": i + 2} for i, r in enumerate(tables.get(sheet, ()))),
          specs or load_specs())
    return d


def _fill(d: Department, rows_of, specs: Specs) -> None:
    ids = _Ids(specs)

    def records(sheet, *needed):
        return (r for r in rows_of(sheet) if all(r.get(k) is not None for k in needed))

    for r in records("staff", "name", "role"):
        d.staff.setdefault(r["name"], Person(r["name"], ids("staff", "role", r["role"]), r.get("email"), r.get("area")))
    for r in records("hq", "code", "status"):
        d.hqs.setdefault(r["code"], HQ(r["code"], r.get("name") or "", r.get("address") or "", r.get("buyer_phone") or "",
                                       r.get("mm"), r.get("cm"), ids("hq", "status", r["status"]) == "active",
                                       r.get("buyer_email"), r.get("buyer") or ""))
    for r in records("stores", "licence", "status"):
        hq = d.hqs.get(r.get("customer"))
        active = ids("stores", "status", r["status"]) == "active" and (hq is None or hq.active)
        d.stores.setdefault(r["licence"], Store(
            r["licence"], r.get("customer"), r.get("name") or "", r.get("address") or "", r.get("area") or "",
            r.get("phone") or "", r.get("monthly_volume") or 0, r.get("cm"), active))
    for r in records("plan", "date", "person", "target_type", "target_code", "period"):
        d.plans.append(PlanRow(r["date"], r["person"], ids("plan", "role", r.get("role")),
                               ids("plan", "target_type", r["target_type"]), r["target_code"], r["period"],
                               ids("plan", "appointment", r.get("appointment")) == "yes", r["file"], r["row"],
                               r.get("purpose") or ""))
    for r in records("visits", "date", "person", "target_type", "target_code"):
        notice = r.get("scarce_notice")
        said = ids("visits", "scarce_notice", notice)     # 是 / 否; None for a notice number or nothing
        number = notice if said is None and notice else ""
        d.visits.append(Visit(r["date"], r["person"], ids("visits", "role", r.get("role")),
                              ids("visits", "target_type", r["target_type"]), r["target_code"],
                              ids("visits", "appointment", r.get("appointment")) == "yes",
                              said == "yes" or bool(number), r["file"], r["row"], r.get("issues") or "", number,
                              r.get("content") or ""))


def _records(v: Validation, sheet: str):
    """Valid rows of one sheet kind across files (rows lacking a needed value, e.g. a
    column missing from the file, are skipped by _fill)."""
    for t in v.tables_of(sheet):
        for r in t.records(needed=NEEDED.get(sheet)):
            r["file"] = t.file
            yield r
