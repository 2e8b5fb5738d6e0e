"""`gcs monthly`: every customer's review workbook and the department's sales report."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from ..dept import Excluded
from ..errors import ConfigError
from ..problems import Report
from ..quotas import check_month
from ..validate import validate
from ..writing import atomic_output
from .analysis import Cube, Period, terminal
from .data import load_inputs
from .report import ranked, write_report
from .names import manifest_name, report_name, review_filename
from .review import advice, write_review

Progress = Callable[[int, int, str], None]


@dataclass
class Review:
    customer: str
    name: str
    path: Path
    summary: dict[str, Any]


@dataclass
class MonthlyResult:
    month: str
    folder: Path
    reviews: list[Review] = field(default_factory=list)
    report: Path | None = None
    market: dict[str, Any] = field(default_factory=dict)
    validation: Report | None = None
    excluded: list[Excluded] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 2 if self.validation is not None and self.validation.unreadable else 0

    def as_dict(self) -> dict:
        keys = ("customer", "name", "cm", "mm", "volume", "boxes", "amount", "avg_price", "mom", "yoy",
                "amount_mom", "amount_yoy", "target", "attainment", "rank")
        market = {k: self.market.get(k) for k in ("volume", "boxes", "amount", "mom", "yoy", "amount_mom",
                                                  "amount_yoy")}
        return {
            "month": self.month,
            "customers": [{**{k: r.summary.get(k) for k in keys}, "review": str(r.path)} for r in self.reviews],
            "market": market,
            "report": str(self.report) if self.report else None,
            "excluded": [{"file": x.file, "sheet": x.sheet, "row": x.row, "reasons": list(x.reasons)}
                         for x in self.excluded],
            "notes": self.notes,
        }


def monthly(paths: Sequence[str | Path], month: str, out_dir: str | Path, *,
            customers: Sequence[str] = (), today: dt.date | None = None,
            progress: Progress | None = None) -> MonthlyResult:
    check_month(month)
    folder = Path(out_dir)
    result = MonthlyResult(month, folder)
    v = validate(paths, today=today)
    result.validation = v.report
    if v.report.unreadable:
        return result
    inputs = load_inputs(v, month)
    result.excluded = inputs.dept.excluded
    inputs.dept.require(("sales", "catalogue", "hq", "stores"), "月度分析", "：请和其他文件一起给出")
    period = Period(month)
    cube = Cube(inputs.sales, inputs.catalogue, period)
    result.market = market = cube.market()
    if market["volume"] == 0:
        result.notes.append(f"销售数据里没有 {month} 的销量")
    dept = inputs.dept
    everyone = sorted(c for c, h in dept.hqs.items() if h.active)
    wanted = list(dict.fromkeys(customers)) or everyone
    unknown = [c for c in wanted if c not in dept.hqs]
    if unknown:
        raise ConfigError(f"总部档案里没有客户编码 {'、'.join(unknown)}")
    names = file_names({c: dept.hqs[c].name for c in dict.fromkeys([*everyone, *wanted])}, month)
    store_names = {s.licence: s.name for s in dept.stores.values()}
    active_stores = defaultdict(list)      # customer -> its active stores, by licence
    for s in sorted(dept.stores.values(), key=lambda s: s.licence):
        if s.active:
            active_stores[s.customer].append({"licence": s.licence, "name": s.name, "address": s.address})
    summaries = {}
    for k, code in enumerate(wanted):
        hq = dept.hqs[code]
        if progress:
            progress(k, len(wanted), hq.name)
        c = cube.customer(code, inputs.targets.get((month, code)))
        t = None
        if inputs.has_terminal:
            t = terminal(inputs.observations.get(code, []), inputs.visited, active_stores[code], inputs.catalogue,
                         cube.store_sku, period)
        path = folder / names[code]
        parts = advice(market, c, hq.name, period, store_names, t)
        write_review(path, name=hq.name, period=period, market=market, customer=c, terminal=t,
                     store_names=store_names, parts=parts, inputs=paths)
        summaries[code] = _summary(c, hq, [line for _, lines in parts for line in lines])
        result.reviews.append(Review(code, hq.name, path, summaries[code]))
    if progress:
        progress(len(wanted), len(wanted), "")
    # The department report always covers every customer, whichever reviews were written.
    rows = [summaries.get(code) or _summary(cube.customer(code, inputs.targets.get((month, code))),
                                            dept.hqs[code], []) for code in dict.fromkeys([*everyone, *wanted])]
    ranked(rows)
    result.report = write_report(folder / report_name(month), rows, month, inputs=paths)
    _write_manifest(result)
    return result


def file_names(customers: dict[str, str], month: str) -> dict[str, str]:
    """Each customer's review file name; when two names would give the same file, the
    customer code goes into both (one customer's review must never replace another's)."""
    plain = {code: review_filename(name, month) for code, name in customers.items()}
    taken = Counter(f.casefold() for f in plain.values())
    return {code: f if taken[f.casefold()] == 1 else review_filename(f"{customers[code]}_{code}", month)
            for code, f in plain.items()}


def _summary(c: dict, hq, texts: list[str]) -> dict[str, Any]:
    keep = ("customer", "volume", "boxes", "amount", "avg_price", "mom", "yoy", "amount_mom", "amount_yoy",
            "target", "attainment", "volume_prev", "volume_last_year")
    return {**{k: c[k] for k in keep}, "name": hq.name, "cm": hq.cm, "mm": hq.mm, "texts": texts}


def _write_manifest(result: MonthlyResult) -> None:
    """Which review belongs to which customer: gcs mail reads this. A run for some
    customers keeps the entries of the others from an earlier run."""
    path = result.folder / manifest_name(result.month)
    entries = {}
    if path.exists():
        try:
            for r in json.loads(path.read_text("utf-8")).get("reviews", []):
                if (result.folder / r["file"]).exists():
                    entries[r["customer"]] = r
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError):
            entries = {}
    for r in result.reviews:
        entries[r.customer] = {"customer": r.customer, "name": r.name, "file": r.path.name}
    data = {"month": result.month, "report": result.report.name if result.report else None,
            "reviews": [entries[k] for k in sorted(entries)]}
    with atomic_output(path) as tmp:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")
