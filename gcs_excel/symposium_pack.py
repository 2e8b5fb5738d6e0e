"""`gcs symposium`: the half-yearly customer symposium's pack (集团客户座谈会, 三(三)).

The files are validated first, like `gcs quotas`: rows with errors are left out and
listed. Per customer (HQ 正常, or with sales in the half) a half-year summary: volume and
amount against the last half and the same half last year, target attainment, the brand
structure by price class, what changed in supply. A half the data does not cover to its
end is compared like for like (its first n months against the first n of the others).
Then the invitation list of the active HQs and a satisfaction form per customer, its
questions from symposium.toml. symposium_workbook writes them; symposium_tally reads the
filled forms back.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from .dept import NEEDED, Excluded
from .errors import ConfigError
from .problems import Report
from .rules import bundled_settings
from .spec import load_specs
from .validation import Validation, validate
from .writing import check_writable

Progress = Callable[[int, int, str], None]
WHAT = "座谈会设置文件"
HALF_RE = re.compile(r"(\d{4})-H([12])")
UNCLASSED = "未分类"            # a SKU sold but missing from the catalogue (its rows had errors)


@dataclass(frozen=True, order=True)
class Half:
    """A half year: part 1 is January to June, part 2 July to December."""
    year: int
    part: int

    def __str__(self) -> str:
        return f"{self.year}-H{self.part}"

    @property
    def words(self) -> str:
        """2026年上半年."""
        return f"{self.year}年{'上' if self.part == 1 else '下'}半年"

    @property
    def months(self) -> list[str]:
        """Its six months, YYYY-MM, in order."""
        first = 1 if self.part == 1 else 7
        return [f"{self.year:04d}-{m:02d}" for m in range(first, first + 6)]

    @property
    def previous(self) -> Half:
        """The half before it."""
        return Half(self.year, 1) if self.part == 2 else Half(self.year - 1, 2)

    @property
    def last_year(self) -> Half:
        """The same half a year earlier."""
        return Half(self.year - 1, self.part)


def parse_half(text: str) -> Half:
    """2026-H1 -> Half(2026, 1); anything else is refused in one line."""
    m = HALF_RE.fullmatch(str(text).strip().upper())
    if not m or not 2000 <= int(m.group(1)) <= 2100:
        raise ConfigError(f"半年「{text}」写得不对：请写成 YYYY-H1（上半年）或 YYYY-H2（下半年），如 2026-H1")
    return Half(int(m.group(1)), int(m.group(2)))


@dataclass(frozen=True)
class Question:
    """A question of the satisfaction form; open ones take words, the others a whole score."""
    id: str
    label: str                  # short: the tally's column, the header of the row-per-form shape
    text: str                   # as printed on the form
    open: bool = False
    min: int = 1
    max: int = 5

    @property
    def choices(self) -> list[int]:
        """The scores a scored question allows."""
        return list(range(self.min, self.max + 1))


@dataclass(frozen=True)
class SymposiumSettings:
    """symposium.toml with a department's overrides (--config)."""
    title: str
    intro: str
    scale_words: str
    signature: str
    questions: tuple[Question, ...]
    list_skus: int
    source: str = "默认设置"

    @property
    def scored(self) -> list[Question]:
        """The questions answered with a score."""
        return [q for q in self.questions if not q.open]


def load_settings(config: str | Path | None = None) -> SymposiumSettings:
    """symposium.toml, overridden by a department's file (config); the questions checked."""
    d = bundled_settings("symposium.toml", config, WHAT)
    questions, seen = [], set()
    for k, q in enumerate(d["questions"], start=1):
        if not isinstance(q, dict) or not all(isinstance(q.get(key), str) and q[key].strip()
                                              for key in ("id", "label", "text")):
            raise ConfigError(f"{WHAT}的第 {k} 个问题要有 id、label 和 text（文字）")
        low, high = q.get("min", d["min_score"]), q.get("max", d["max_score"])
        if not (isinstance(low, int) and isinstance(high, int)) or not 0 <= low < high <= 100:
            raise ConfigError(f"{WHAT}里问题「{q['id']}」的分值范围 {low}–{high} 不对：应是整数，min 小于 max")
        for key in ("id", "label", "text"):
            if (key, q[key].strip()) in seen:
                raise ConfigError(f"{WHAT}里的问题 {key}「{q[key]}」重复了：汇总时靠它认问题，不能重复")
            seen.add((key, q[key].strip()))
        questions.append(Question(q["id"].strip(), q["label"].strip(), q["text"].strip(), bool(q.get("open", False)),
                                  low, high))
    if not any(not q.open for q in questions):
        raise ConfigError(f"{WHAT}里至少要有一个打分的问题")
    return SymposiumSettings(d["title"], d["intro"], d["scale_words"], d["signature"], tuple(questions),
                             d["list_skus"], str(config) if config is not None else "默认设置")


@dataclass(frozen=True)
class Comparison:
    """A number of the half against the last half and the same half last year (same
    months counted); None where the data do not reach back that far."""
    this: float
    previous: float | None
    last_year: float | None

    @staticmethod
    def change(this: float, before: float | None) -> float | None:
        """(this − before) ÷ before; None when before is missing or 0 (shown as —)."""
        return None if not before else (this - before) / before

    @property
    def vs_previous(self) -> float | None:
        """环比."""
        return self.change(self.this, self.previous)

    @property
    def vs_last_year(self) -> float | None:
        """同比."""
        return self.change(self.this, self.last_year)

    def as_dict(self) -> dict[str, Any]:
        """As --json prints it."""
        return {"this": self.this, "previous": self.previous, "last_year": self.last_year,
                "vs_previous": self.vs_previous, "vs_last_year": self.vs_last_year}


@dataclass(frozen=True)
class ClassShare:
    """One price class of a customer's half: volume, amount, its share of the volume now
    and in the same months last year (None when last year is not in the data or sold nothing)."""
    price_class: str
    volume: float
    amount: float
    share: float
    share_last_year: float | None


@dataclass(frozen=True)
class SkuLine:
    """A SKU's volume (条) in the half, the last half and last year (same months)."""
    sku: str
    volume: float
    previous: float | None
    last_year: float | None


@dataclass(frozen=True)
class CustomerSummary:
    """One customer's half year."""
    code: str
    name: str
    mm: str
    cm: str
    active: bool
    volume: Comparison
    amount: Comparison
    target: float | None                    # over the months that have one; None: no target given
    target_months: tuple[str, ...]          # the covered months that have a target
    classes: tuple[ClassShare, ...]
    new_supplied: tuple[str, ...]           # sold in the half, not in the whole last half
    stopped: tuple[str, ...]                # sold in the whole last half, not in the half
    scarce: tuple[SkuLine, ...]             # 是否紧俏 = 是, sold in any of the three periods
    new_products: tuple[SkuLine, ...]       # 是否新品 = 是, sold in the half
    month_volume: dict[str, float] = field(default_factory=dict, compare=False)   # the half's months

    @property
    def attainment(self) -> float | None:
        """目标达成率 over the months with a target; None without one (or a target of 0)."""
        if not self.target:
            return None
        return sum(self.month_volume.get(m, 0.0) for m in self.target_months) / self.target

    def as_dict(self) -> dict[str, Any]:
        """As --json prints it."""
        return {"customer": self.code, "name": self.name, "market_manager": self.mm, "manager": self.cm,
                "active": self.active, "volume": self.volume.as_dict(), "amount": self.amount.as_dict(),
                "target": self.target, "target_months": list(self.target_months), "attainment": self.attainment,
                "classes": [c.__dict__ for c in self.classes], "new_supplied": list(self.new_supplied),
                "stopped": list(self.stopped), "scarce": [s.__dict__ for s in self.scarce],
                "new_products": [s.__dict__ for s in self.new_products]}


@dataclass(frozen=True)
class Invitee:
    """An active HQ on the invitation list, with its heads and contacts."""
    code: str
    name: str
    legal_rep: str
    buyer: str
    buyer_phone: str
    buyer_email: str
    order_phone: str
    address: str
    mm: str
    cm: str


@dataclass
class SymposiumResult:
    """The pack of a half: what it covers, the summaries, the invitations, what was left out."""
    half: Half
    settings: SymposiumSettings
    months: list[str] = field(default_factory=list)             # the half's months the data cover
    previous_months: list[str] = field(default_factory=list)    # the same count of the last half
    last_year_months: list[str] = field(default_factory=list)   # and of the same half last year
    customers: list[CustomerSummary] = field(default_factory=list)
    invitees: list[Invitee] = field(default_factory=list)
    has_targets: bool = False
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)
    validation: Report | None = None
    inputs: list[str] = field(default_factory=list)
    output: Path | None = None                                 # the folder written
    files: list[Path] = field(default_factory=list)            # what was written in it

    @property
    def complete(self) -> bool:
        """Whether the data cover all six months of the half."""
        return len(self.months) == 6

    @property
    def exit_code(self) -> int:
        """1 when rows with errors were left out (the numbers may rest on less), else 0."""
        return 1 if self.excluded else 0

    def as_dict(self) -> dict[str, Any]:
        """What --json prints."""
        return {"half": str(self.half), "months": self.months, "complete": self.complete,
                "previous_months": self.previous_months, "last_year_months": self.last_year_months,
                "customers": [c.as_dict() for c in self.customers],
                "invitees": [i.__dict__ for i in self.invitees],
                "questions": [q.__dict__ for q in self.settings.questions],
                "notes": self.notes, "warnings": self.warnings,
                "excluded": [x.as_dict() for x in self.excluded],
                "output": str(self.output) if self.output else None, "files": [str(f) for f in self.files]}


def symposium(paths: Sequence[str | Path], half: str, out: str | Path | None = None, *,
              config: str | Path | None = None, today: dt.date | None = None,
              progress: Progress | None = None) -> SymposiumResult:
    """The `gcs symposium` command: validate the department's files (总部档案, 卷烟规格,
    销售数据; 卖场明细表 and 销售目标 when given), summarise each customer's half (half as
    "2026-H1"), and, with out (a folder), write the pack: 座谈会材料_<half>.xlsx (邀请名单 and a
    page per customer) and a 满意度调查表 workbook per customer. A ConfigError says in one
    line why it cannot be done. This is the core `gcs demo` calls for a symposium pack."""
    h = parse_half(half)
    settings = load_settings(config)
    if out is not None:
        from .symposium_workbook import pack_path

        check_writable(pack_path(Path(out), h), paths)
    v = validate(list(paths), today=today, progress=progress)
    if v.report.unreadable:
        bad = v.report.unreadable[0]
        raise ConfigError(f"{bad.file}：无法读取 —— {bad.read_error}")
    result = compute(v, h, settings)
    result.inputs = [Path(p).name for p in paths]
    if out is not None:
        from .symposium_workbook import write_pack

        write_pack(result, Path(out), inputs=paths)
    return result


def compute(v: Validation, half: Half, settings: SymposiumSettings) -> SymposiumResult:
    """The pack's numbers from validated files (writes nothing)."""
    from .reporting.data import load_inputs

    result = SymposiumResult(half, settings, validation=v.report)
    inputs = load_inputs(v, half.months[-1])
    inputs.dept.require(("hq", "catalogue", "sales"), "座谈会材料", "：请和其他文件一起给出")
    result.excluded = list(inputs.dept.excluded)
    periods = _periods(half, sorted(inputs.sales["month"].astype(str).unique()), result)
    grouped = inputs.sales.groupby(["customer", "sku", "month"], observed=True)[["volume", "amount"]].sum()
    cube: dict[str, dict[str, dict[str, tuple[float, float]]]] = defaultdict(lambda: defaultdict(dict))
    for (customer, sku, month), vol, amt in zip(grouped.index, grouped["volume"], grouped["amount"]):
        cube[customer][sku][month] = (float(vol), float(amt))
    classes = list(load_specs().sheet("catalogue").field("price_class").options.values())
    result.has_targets = bool(inputs.targets)
    for code in sorted(inputs.dept.hqs):
        hq = inputs.dept.hqs[code]
        sold = _Sold(cube.get(code, {}), inputs.catalogue)
        if hq.active or sold.total(periods.this) > 0:
            result.customers.append(_summary(hq, sold, periods, classes, inputs.targets))
    if not result.has_targets:
        result.notes.append("没有给出销售目标：小结里不算目标达成率")
    result.invitees = _invitees(v)
    return result


@dataclass(frozen=True)
class _Periods:
    """The months compared: the half's (those the data cover), the same count of the last
    half and of last year (None where the data do not reach), and the whole last half in the
    data (what 'supplied before' means)."""
    this: frozenset[str]
    previous: frozenset[str] | None
    last_year: frozenset[str] | None
    whole_previous: frozenset[str]


def _periods(half: Half, months_in_data: list[str], result: SymposiumResult) -> _Periods:
    """The periods of a half, from the months the valid sales hold; refusals in one line,
    what an incomplete half or short data mean said in the result's notes and warnings."""
    if not months_in_data:
        raise ConfigError("销售数据里没有可用的行")
    first, last = months_in_data[0], months_in_data[-1]
    result.months = [m for m in half.months if first <= m <= last]
    if not result.months:
        raise ConfigError(f"销售数据（{first} 至 {last}）里没有 {half.words}（{half.months[0]} 至 {half.months[-1]}）的月份")
    if result.months[0] != half.months[0]:
        raise ConfigError(f"销售数据从 {first} 开始，不包括 {half.words}的头几个月：换一个半年，或给出更早的销售数据")
    n = len(result.months)
    held = set(months_in_data)
    for what, months in (("本期", result.months), ("上期", half.previous.months[:n]),
                         ("去年同期", half.last_year.months[:n])):
        gaps = [m for m in months if first <= m and m not in held]
        if gaps:
            result.warnings.append(f"销售数据里没有 {'、'.join(gaps)} 的行：{what}这几个月按 0 条算")
    result.previous_months = half.previous.months[:n]
    result.last_year_months = half.last_year.months[:n]
    if n < 6:
        result.notes.append(f"销售数据只到 {last}：{half.words}只有 {n} 个月（{month_span(result.months)}），"
                            f"上期和去年同期也只比前 {n} 个月")
    reach = {}
    for what, months in (("上期", result.previous_months), ("去年同期", result.last_year_months)):
        reach[what] = months[0] >= first
        if not reach[what]:
            result.warnings.append(f"销售数据从 {first} 开始，不够比{what}（{months[0]} 起）：{'环比' if what == '上期' else '同比'}空着")
    whole_previous = [m for m in half.previous.months if m >= first]
    if not whole_previous:
        result.notes.append("销售数据没有上期的月份：不列新供应和停止供应的品规")
    elif len(whole_previous) < 6:
        result.notes.append(f"新供应/停止供应按上期在数据里的 {len(whole_previous)} 个月（{whole_previous[0]} 起）比较")
    return _Periods(frozenset(result.months), frozenset(result.previous_months) if reach["上期"] else None,
                    frozenset(result.last_year_months) if reach["去年同期"] else None, frozenset(whole_previous))


class _Sold:
    """One customer's valid sales, SKU -> month -> (volume, amount), and sums over them."""

    def __init__(self, by_sku: dict[str, dict[str, tuple[float, float]]], catalogue):
        self.by_sku, self.catalogue = by_sku, catalogue

    def total(self, months: frozenset[str] | None, amount: bool = False, price_class: str | None = None) -> float | None:
        """Volume (or amount, to the fen: sums of floats drift) over months, of one price
        class when given; None when months is None (the data do not reach)."""
        if months is None:
            return None
        x = sum(v[amount] for sku, by_month in self.by_sku.items()
                if price_class is None or self.price_class(sku) == price_class
                for m, v in by_month.items() if m in months)
        return round(x, 2)

    def volume(self, sku: str, months: frozenset[str] | None) -> float | None:
        """One SKU's volume over months (None when months is None)."""
        return None if months is None else sum(v[0] for m, v in self.by_sku.get(sku, {}).items() if m in months)

    def price_class(self, sku: str) -> str:
        """The SKU's 价类; UNCLASSED when the catalogue lacks it."""
        return self.catalogue[sku].price_class if sku in self.catalogue else UNCLASSED

    def flagged(self, flag: str) -> list[str]:
        """The SKUs sold that the catalogue marks scarce / new."""
        return [s for s in self.by_sku if s in self.catalogue and getattr(self.catalogue[s], flag)]


def _summary(hq, sold: _Sold, p: _Periods, classes: list[str], targets: dict[tuple[str, str], float]) -> CustomerSummary:
    """One customer's half from its sales."""
    vol = Comparison(sold.total(p.this), sold.total(p.previous), sold.total(p.last_year))
    amt = Comparison(sold.total(p.this, True), sold.total(p.previous, True), sold.total(p.last_year, True))
    months = sorted(p.this)
    target_months = tuple(m for m in months if (m, hq.code) in targets)
    target = sum(targets[(m, hq.code)] for m in target_months) if target_months else None
    shares = []
    extra = [UNCLASSED] if any(s not in sold.catalogue for s in sold.by_sku) else []
    for pc in classes + extra:
        v_this, v_ly = sold.total(p.this, price_class=pc), sold.total(p.last_year, price_class=pc)
        shares.append(ClassShare(pc, v_this, sold.total(p.this, True, pc), v_this / vol.this if vol.this else 0.0,
                                 v_ly / vol.last_year if vol.last_year else None))

    def by_volume(skus, months=p.this) -> tuple[str, ...]:
        return tuple(sorted(skus, key=lambda s: (-sold.volume(s, months), s)))

    def line(sku: str) -> SkuLine:
        return SkuLine(sku, sold.volume(sku, p.this), sold.volume(sku, p.previous), sold.volume(sku, p.last_year))

    now = {s for s in sold.by_sku if sold.volume(s, p.this) > 0}
    before = {s for s in sold.by_sku if sold.volume(s, p.whole_previous) > 0}
    scarce = tuple(line(s) for s in by_volume(sold.flagged("scarce"))
                   if any(sold.volume(s, m) for m in (p.this, p.previous, p.last_year)))
    new = tuple(line(s) for s in by_volume(sold.flagged("new")) if s in now)
    return CustomerSummary(hq.code, hq.name, hq.mm or "", hq.cm or "", hq.active, vol, amt, target, target_months,
                           tuple(shares), by_volume(now - before) if p.whole_previous else (),
                           by_volume(before - now, p.whole_previous), scarce, new,
                           {m: sold.total(frozenset({m})) for m in months})


def _invitees(v: Validation) -> list[Invitee]:
    """The active HQs (状态 正常) with their heads and contacts, by code; rows with errors in
    the fields a department record needs are left out (load_department lists them)."""
    active = load_specs().sheet("hq").field("status").label("active")
    out: dict[str, Invitee] = {}
    for t in v.tables_of("hq"):
        for r in t.records(needed=NEEDED["hq"]):
            code = r.get("code")
            if not code or r.get("status") != active or code in out:
                continue
            out[code] = Invitee(code, *(str(r.get(f) or "") for f in (
                "name", "legal_rep", "buyer", "buyer_phone", "buyer_email", "order_phone", "address", "mm", "cm")))
    return [out[k] for k in sorted(out)]


def month_span(months: Sequence[str]) -> str:
    """2026-07 至 2026-10 (or one month alone)."""
    if not months:
        return "—"
    return months[0] if len(months) == 1 else f"{months[0]} 至 {months[-1]}"
