"""`gcs notices`: the written notice of scarce supply (紧俏货源书面告知) for every store an
allocation gives something to, numbered, one workbook per month with the register
告知登记 (notice_workbook.py), and its PDF (office_pdf.py).

One notice per store and month lists every SKU allotted to the store that month: one
paper to hand over, one signature, one number to write in the visit log. Numbers are
GX + YYYYMM + "-" + a four-digit sequence of the month (GX202612-0001).

A number once issued never names another store. When the output folder already holds the
month's workbook, its register is read back first: a store whose notice would read the
same keeps its number; a store whose notice changes (a new SKU allocated, a quantity
redone) gets the next number and its old one is kept in the register as 作废; numbering
continues after the highest number ever issued that month. The allocations given replace
the register's lines of their SKUs; lines of other SKUs stay. The same inputs therefore
give the same numbers and the same workbook, byte for byte.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Sequence

from .checks.identifiers import format_notice_number, parse_notice_number
from .dept import Excluded, excluded_rows
from .errors import ConfigError
from .problems import Report
from .rules import bundled_settings, load_rules
from .spec import load_specs
from .validation import validate
from .workdays import working_days

# what a row needs to go on a notice: an error elsewhere (a weight, a share) does not stop it
NEEDED = {
    "allocation": ("month", "sku", "licence", "name", "customer", "customer_name", "manager", "basis",
                   "basis_volume", "quantity", "wholesale_price", "retail_guide", "rule_version"),
    "allocation_params": ("month", "sku"),
    "notice_register": ("number", "month", "licence", "sku", "quantity", "status"),
}


def workbook_name(month: str) -> str:
    """The month's notices workbook: 紧俏货源告知_2026-12.xlsx."""
    return f"{load_specs().template('notices').workbook}_{month}.xlsx"


# --- the texts ---------------------------------------------------------------------------
def load_texts(path: str | Path | None = None) -> dict[str, Any]:
    """The notice's texts (notices.toml), with a department's overrides when given."""
    data = bundled_settings("notices.toml", path, "告知书设置文件")
    if data["order_window"]["working_days"] < 1:
        raise ConfigError("告知书设置文件里的「order_window.working_days」至少是 1")
    return data


# --- notices -------------------------------------------------------------------------------
@dataclass(frozen=True)
class NoticeLine:
    """One SKU on a notice."""
    sku: str
    quantity: int
    wholesale_price: float
    retail_guide: float
    basis: str                      # the label: 上月销量 / 月销量
    basis_volume: float
    rule_version: str


@dataclass(frozen=True)
class Notice:
    """One store's written notice for one month (every SKU it is allotted)."""
    number: str
    month: str
    licence: str
    name: str
    customer: str
    customer_name: str
    manager: str
    lines: tuple[NoticeLine, ...]
    status: str = "valid"           # valid / void (a changed notice was issued under a new number)
    note: str = ""

    @property
    def quantity(self) -> int:
        """条 allotted over every SKU."""
        return sum(line.quantity for line in self.lines)

    @property
    def printed(self) -> tuple:
        """What the paper says besides its number: equal for a notice that need not be issued again."""
        return (self.name, self.customer, self.customer_name, self.manager, self.lines)

    def as_dict(self) -> dict:
        """The notice as JSON-ready data."""
        return {"number": self.number, "month": self.month, "licence": self.licence, "name": self.name,
                "customer": self.customer, "customer_name": self.customer_name, "manager": self.manager,
                "status": self.status, "note": self.note, "quantity": self.quantity,
                "lines": [line.__dict__ for line in self.lines]}


@dataclass(frozen=True)
class Unallotted:
    """A store in an allocation that gets nothing this month: no notice."""
    month: str
    licence: str
    name: str
    customer: str
    manager: str


@dataclass
class MonthNotices:
    """One month's notices as written: the workbook (and PDF), what was issued, kept, voided."""
    month: str
    workbook: Path
    pdf: Path | None
    window: tuple[dt.date, dt.date]
    notices: list[Notice]           # valid: one sheet each
    register: list[Notice]          # every number of the month, void ones too
    issued: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    voided: list[str] = field(default_factory=list)
    unallotted: list[Unallotted] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The month as JSON-ready data."""
        return {"month": self.month, "workbook": str(self.workbook), "pdf": str(self.pdf) if self.pdf else None,
                "window": [d.isoformat() for d in self.window], "issued": self.issued, "kept": self.kept,
                "voided": self.voided, "notices": [n.as_dict() for n in self.notices],
                "unallotted": [u.__dict__ for u in self.unallotted], "notes": self.notes}


@dataclass
class NoticesResult:
    """What `gcs notices` did: a MonthNotices per month, the rows left out, notes."""
    months: list[MonthNotices]
    excluded: list[Excluded]
    validation: Report
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """1 when rows were left out for errors (their stores may lack a notice), else 0."""
        return 1 if self.excluded else 0

    def as_dict(self) -> dict:
        """The result as JSON-ready data (gcs notices --json)."""
        return {"months": [m.as_dict() for m in self.months],
                "excluded": [x.as_dict() for x in self.excluded],
                "notes": self.notes}


Progress = Callable[[int, int, str], None]


def issue_notices(allocations: Sequence[str | Path], out_dir: str | Path, *, config: str | Path | None = None,
                  pdf: bool = True, soffice: str | None = None, today: dt.date | None = None,
                  progress: Progress | None = None) -> NoticesResult:
    """The `gcs notices` run (and the function the demo calls): validate the allocation
    workbooks, number a notice per store and month (continuing the register already in
    out_dir), write 紧俏货源告知_<month>.xlsx per month and, when pdf and LibreOffice is
    there, its PDF. Stores allotted nothing are listed, without a notice."""
    from .notice_workbook import write_notices
    from .office_pdf import to_pdf

    texts = load_texts(config)
    out_dir = Path(out_dir)
    given: dict[Path, str | Path] = {}
    for p in allocations:                   # one file named twice is read once, under the name given
        given.setdefault(Path(p).resolve(), p)
    v = validate(list(given.values()), today=today)
    if v.report.unreadable:
        f = v.report.unreadable[0]
        raise ConfigError(f"无法读取 {f.file}：{f.read_error}")
    tables = v.tables_of("allocation")
    if not tables:
        raise ConfigError(f"给出的文件里没有「{load_specs().sheet('allocation').name}」：请给 gcs allocate 写出的分配工作簿")
    excluded = excluded_rows(v, tables, NEEDED)
    lines = _allocation_lines(tables)
    result = NoticesResult([], excluded, v.report)
    months = sorted(lines)
    for k, month in enumerate(months):
        path = out_dir / workbook_name(month)
        register = read_register(path, month) if path.exists() else []
        notes: list[str] = []
        m = _number(month, lines[month], register, path, order_window(month, texts, notes))
        m.notes = notes
        write_notices(m, texts)
        if pdf:
            m.pdf = to_pdf(path, soffice=soffice)
            if m.pdf is None:
                m.notes.append("没有找到 LibreOffice（soffice），只写了工作簿；PDF 要装 LibreOffice 后再运行")
        old_pdf = path.with_suffix(".pdf")
        if m.pdf is None and old_pdf.exists() and (m.issued or m.voided):
            m.notes.append(f"{old_pdf} 是上次打印的，和这次的工作簿不一致，请重新转 PDF")
        if progress:
            progress(k + 1, len(months), month)
        result.months.append(m)
    return result


def _allocation_lines(tables) -> dict[str, dict[str, list[tuple[dict, NoticeLine]]]]:
    """month -> licence -> [(the row, its line)] over every allocation given; one SKU of
    a month given in two files is refused (which one would the store be told?)."""
    source: dict[tuple[str, str], str] = {}
    for t in tables:            # every row, those with errors too: the question is which file to believe
        where = f"{t.file}「{t.sheet}」"
        for key in zip(t.values.get("month", ()), t.values.get("sku", ())):
            if None not in key and source.setdefault(key, where) != where:
                raise ConfigError(f"{key[0]} 的「{key[1]}」有两份分配：{source[key]} 和 {where}，请只给其中一份")
    out: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for t in tables:
        for r in t.records(needed=NEEDED["allocation"]):
            out[r["month"]][r["licence"]].append((r, NoticeLine(
                r["sku"], int(r["quantity"]), float(r["wholesale_price"]), float(r["retail_guide"]),
                r["basis"], float(r["basis_volume"]), r["rule_version"])))
    return out


def read_register(path: Path, month: str) -> list[Notice]:
    """The notices of a register written before (the 告知登记 of the month's workbook).
    A register that does not read back whole is refused: continuing it could reuse a number."""
    v = validate([path])
    tables = v.tables_of("notice_register")
    errors = [p for p in v.report.problems if p.severity == "error"]
    if v.report.unreadable or not tables or errors:
        why = (v.report.unreadable[0].read_error if v.report.unreadable
               else f"{errors[0].cell or ''} {errors[0].message}" if errors
               else f"没有「{load_specs().sheet('notice_register').name}」")
        raise ConfigError(f"{path} 是这个月已有的告知工作簿，但它的告知登记读不出来（{why.strip()}）。"
                          f"为了不重复用编号，请先改好它，或把它移走后重新编号")
    status = {label: k for k, label in load_specs().sheet("notice_register").field("status").options.items()}
    by_number: dict[str, list[dict]] = defaultdict(list)
    for t in tables:
        for r in t.records():
            by_number[r["number"]].append(r)
    out = []
    for number, rows in sorted(by_number.items()):
        first = rows[0]
        if first["month"] != month or parse_notice_number(number)[0] != month:
            raise ConfigError(f"{path} 的告知登记里 {number} 不是 {month} 的告知编号")
        out.append(Notice(number, month, first["licence"], first["name"], first["customer"], first["customer_name"],
                          first["manager"],
                          tuple(NoticeLine(r["sku"], int(r["quantity"]), float(r["wholesale_price"]),
                                           float(r["retail_guide"]), r["basis"], float(r["basis_volume"]),
                                           r["rule_version"]) for r in rows),
                          status[first["status"]], first.get("note") or ""))
    return out


def _number(month: str, stores: dict[str, list[tuple[dict, NoticeLine]]], register: list[Notice],
            workbook: Path, window: tuple[dt.date, dt.date]) -> MonthNotices:
    """Number the month's notices against the register read back (see the module's docstring)."""
    skus = {line.sku for rows in stores.values() for _, line in rows}
    current = {n.licence: n for n in register if n.status == "valid"}
    seq = max((parse_notice_number(n.number)[1] for n in register), default=0)
    by_number = {n.number: n for n in register}
    m = MonthNotices(month, workbook, None, window, [], [])
    wanted = []
    for licence in sorted(stores.keys() | current.keys()):
        old = current.get(licence)
        rows = stores.get(licence, [])
        kept = [line for line in (old.lines if old else ()) if line.sku not in skus]
        given = [line for _, line in rows if line.quantity > 0]
        new_lines = tuple(sorted(kept + given, key=lambda line: line.sku))
        if rows:
            r = rows[0][0]
            head = (r["name"], r["customer"], r["customer_name"], r["manager"])
        else:
            head = (old.name, old.customer, old.customer_name, old.manager)
        if not new_lines:
            if rows:
                r = rows[0][0]
                m.unallotted.append(Unallotted(month, licence, r["name"], r["customer"], r["manager"]))
        wanted.append((licence, head, new_lines, old))
    # new numbers in the order of customer, then licence: the same inputs, the same numbers
    for licence, head, new_lines, old in sorted(wanted, key=lambda w: (w[1][1], w[0])):
        notice = Notice("", month, licence, *head, new_lines) if new_lines else None
        if old is not None and notice is not None and notice.printed == old.printed:
            m.kept.append(old.number)
            continue
        if notice is not None:
            seq += 1
            notice = replace(notice, number=format_notice_number(month, seq))
            by_number[notice.number] = notice
            m.issued.append(notice.number)
        if old is not None:
            why = f"改发 {notice.number}" if notice is not None else "本月不再分配"
            by_number[old.number] = replace(old, status="void", note=why)
            m.voided.append(old.number)
    m.register = [by_number[k] for k in sorted(by_number)]
    m.notices = [n for n in m.register if n.status == "valid"]
    m.unallotted.sort(key=lambda u: (u.customer, u.licence))
    return m


def order_window(month: str, texts: dict[str, Any], notes: list[str]) -> tuple[dt.date, dt.date]:
    """The first and last day of the order window: the month's first working days."""
    days = texts["order_window"]["working_days"]
    try:
        work = working_days(month, load_rules())
    except ConfigError:         # a year chinesecalendar does not know yet: weekdays, said so
        from .workdays import month_days
        work = [d for d in month_days(month) if d.weekday() < 5]
        notes.append(f"没有 {month[:4]} 年的节假日数据，订货窗口按周一至周五计，请核对告知书上的日期")
    work = work[:days]
    return work[0], work[-1]
