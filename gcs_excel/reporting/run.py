"""`gcs monthly`: every customer's review workbook and the department's sales report.

Every target (all reviews, the report, the manifest) is checked before any is written:
a review open in Excel, WPS or LibreOffice stops the run before it has changed anything."""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from ..dept import Excluded
from ..errors import ConfigError
from ..problems import Report
from ..quota_check import check_month
from ..validation import validate
from ..values import shift_month
from ..writing import atomic_output, check_writable
from .analysis import Cube, Period, terminal
from .config import MonthlyConfig, load_config
from .data import MonthlyInputs, load_inputs
from .findings import customer_findings
from .internal import Note, customer_notes
from .names import manifest_name, month_words, report_name, review_filename
from .narrative import customer_part, forecast_sentence, market_part, suggestions
from .report import ReportData, ranked, write_report
from .review import write_review

Progress = Callable[[int, int, str], None]
NO_FILE = "（总部档案里没有）"
JSON_KEYS = ("customer", "name", "status", "cm", "mm", "volume", "boxes", "amount", "avg_price", "store_avg", "mom",
             "yoy", "amount_mom", "amount_yoy", "target", "attainment", "ytd", "year_target", "progress", "rank",
             "selling_stores", "active_stores", "sell_rate", "stores_with_sales")


@dataclass
class Review:
    """One review written: whose, where, and its row of the report."""
    customer: str
    name: str
    path: Path
    summary: dict[str, Any]


@dataclass
class MonthlyResult:
    """What `gcs monthly` did: the reviews, every customer of the report, the layout."""
    month: str
    folder: Path
    reviews: list[Review] = field(default_factory=list)
    customers: list[dict[str, Any]] = field(default_factory=list)     # every customer of the report
    report: Path | None = None
    market: dict[str, Any] = field(default_factory=dict)
    internal: list[Note] = field(default_factory=list)                # the report's 内部提示
    layout: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)   # file -> sheet -> (scale, pages)
    validation: Report | None = None
    excluded: list[Excluded] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    config: str = ""

    @property
    def exit_code(self) -> int:
        """2 when a file could not be read, else 0."""
        return 2 if self.validation is not None and self.validation.unreadable else 0

    @property
    def department(self) -> dict[str, Any]:
        """The report's total: the sum over every customer listed (= the market's volume)."""
        return {"volume": sum(r["volume"] for r in self.customers), "amount": sum(r["amount"] for r in self.customers),
                "customers": len(self.customers)}

    def as_dict(self) -> dict:
        """The result as --json prints it."""
        market = {k: self.market.get(k) for k in ("volume", "boxes", "amount", "mom", "yoy", "amount_mom",
                                                  "amount_yoy", "ytd")}
        return {
            "month": self.month,
            "customers": [{**{k: r.get(k) for k in JSON_KEYS}, "review": str(r["path"]) if r["path"] else None,
                           "distribution": r["distribution"]} for r in self.customers],
            "department": self.department,
            "market": market,
            "report": str(self.report) if self.report else None,
            "excluded": [x.as_dict() for x in self.excluded],
            "notes": self.notes,
        }


def monthly(paths: Sequence[str | Path], month: str, out_dir: str | Path, *,
            customers: Sequence[str] = (), today: dt.date | None = None,
            progress: Progress | None = None, config: str | Path | None = None) -> MonthlyResult:
    """The `gcs monthly` command: validate, analyse, write every review and the report.
    config: a department's overrides of monthly.toml (thresholds, advice wording)."""
    check_month(month)
    cfg = load_config(config)
    folder = Path(out_dir)
    result = MonthlyResult(month, folder, config=cfg.source)
    v = validate(paths, today=today)
    result.validation = v.report
    if v.report.unreadable:
        return result
    gc.freeze()         # the validated tables live to the end: the collector need not rescan them
    try:
        return _monthly(result, v, paths, month, cfg, customers, today, progress)
    finally:
        gc.unfreeze()


def _monthly(result: MonthlyResult, v, paths, month: str, cfg: MonthlyConfig, customers: Sequence[str],
             today: dt.date | None, progress: Progress | None) -> MonthlyResult:
    folder = result.folder
    inputs = load_inputs(v, month)
    result.excluded = inputs.dept.excluded
    inputs.dept.require(("sales", "catalogue", "hq", "stores"), "月度分析", "：请和其他文件一起给出")
    period = Period(month)
    cube = Cube(inputs.sales, inputs.catalogue, period, cfg.min_base)
    result.market = market = cube.market()
    if market["volume"] == 0:
        result.notes.append(f"销售数据里没有 {month} 的销量")
    dept = inputs.dept
    active = sorted(c for c, h in dept.hqs.items() if h.active)
    wanted = list(dict.fromkeys(customers)) or active
    unknown = [c for c in wanted if c not in dept.hqs]
    if unknown:
        raise ConfigError(f"总部档案里没有客户编码 {'、'.join(unknown)}")
    listed = sorted({*active, *wanted, *cube.customers})
    names = file_names({c: dept.hqs[c].name for c in dict.fromkeys([*active, *wanted])}, month)
    targets = [folder / names[c] for c in wanted] + [folder / report_name(month), folder / manifest_name(month)]
    for target in targets:          # all of them before writing any
        check_writable(target, paths)
    store_names = {s.licence: s.name for s in dept.stores.values()}
    stores_of: dict[str, list[dict]] = defaultdict(list)
    for s in sorted(dept.stores.values(), key=lambda s: s.licence):
        stores_of[s.customer].append({"licence": s.licence, "name": s.name, "address": s.address,
                                      "active": s.active, "status": inputs.store_status.get(s.licence, "")})
    year_targets = {m for m, _ in inputs.targets if m in period.year}
    market_text = market_part(market, month_words(month), period, cfg)      # the same in every review
    ahead = _next_month_forecast(inputs, month, result.notes)
    rows = []
    for k, code in enumerate(wanted):
        if progress:
            progress(k, len(wanted), dept.hqs[code].name)
        row = _customer(code, cube, inputs, cfg, period, stores_of[code], store_names, market, market_text,
                        ahead.get(code))
        path = folder / names[code]
        layout = write_review(path, name=row["name"], period=period, market=market, customer=row["data"],
                              terminal=row["terminal"], store_names=store_names, parts=row["parts"], cfg=cfg,
                              inputs=paths)
        row["path"] = path
        result.layout[path.name] = layout
        result.reviews.append(Review(code, row["name"], path, row))
        rows.append(row)
    if progress:
        progress(len(wanted), len(wanted), "")
    done = {r["customer"] for r in rows}
    for code in listed:
        if code not in done:
            row = _customer(code, cube, inputs, cfg, period, stores_of[code], store_names, market)
            row["path"] = None
            rows.append(row)
    rows.sort(key=lambda r: (r["mm"] or "", r["cm"] or "", r["customer"]))
    ranked(rows)
    result.customers = rows
    result.internal = [n for r in rows for n in r["notes"]]
    data = ReportData(month, rows, market, [c["price_class"] for c in market["classes"]], result.internal,
                      today or dt.date.today(), len(year_targets))
    result.report = folder / report_name(month)
    result.layout[result.report.name] = write_report(result.report, data, inputs=paths)
    _write_manifest(result)
    return result


def _next_month_forecast(inputs: MonthlyInputs, month: str, notes: list[str]) -> dict[str, dict[str, Any]]:
    """Next month's forecast per customer, by gcs forecast's own code, for a line in each
    review; empty (and said in a note) when the sales do not reach far enough."""
    from ..forecasting import forecast_table

    try:
        table = forecast_table(inputs, shift_month(month, 1))
    except ConfigError as e:
        notes.append(f"销售回顾里没有写下月预测：{e}")
        return {}
    return {c["customer"]: {**c, "month": table.month} for c in table.customers()}


def _customer(code: str, cube: Cube, inputs: MonthlyInputs, cfg: MonthlyConfig, period: Period,
              stores: list[dict], store_names: dict[str, str], market: dict,
              market_text: list[str] | None = None, ahead: dict[str, Any] | None = None) -> dict[str, Any]:
    """One customer's row of the report; with market_text (the review's first part), its
    review's content too."""
    prose = market_text is not None
    hq = inputs.dept.hqs.get(code)
    status = inputs.hq_status.get(code, NO_FILE)
    c = cube.customer(code, inputs.targets.get((period.month, code)), (s["licence"] for s in stores if s["active"]))
    store_sku = cube.store_sku.get(code, {})
    t = None
    if inputs.has_terminal:
        t = terminal(inputs.observations.get(code, []), inputs.catalogue, store_sku, period,
                     min_base=cfg.min_base, tolerance=cfg.price_tolerance)
    name = hq.name if hq else ""
    year = [inputs.targets.get((m, code)) for m in period.year]
    row = {**{k: c[k] for k in ("customer", "volume", "boxes", "amount", "avg_price", "store_avg", "mom", "yoy",
                                "amount_mom", "amount_yoy", "target", "attainment", "volume_prev", "volume_last_year",
                                "amount_prev", "amount_last_year", "ytd", "stores_with_sales", "selling_stores",
                                "active_stores", "sell_rate")},
           "name": name, "status": status, "cm": hq.cm if hq else "", "mm": hq.mm if hq else "",
           "review": bool(hq and (hq.active or prose)),
           "year_target": sum(year) if all(x is not None for x in year) else None,
           "class_volume": {k["price_class"]: k["volume"] for k in c["classes"]},
           "distribution": [{"sku": s["sku"], "on_shelf": s["on_shelf"], "surveyed": s["surveyed"],
                             "rate": s["distribution"]} for s in (t["skus"] if t else [])],
           "data": c, "terminal": t, "parts": [], "texts": []}
    row["progress"] = None if row["year_target"] in (None, 0) else row["ytd"] / row["year_target"]
    reporting = {lic for lic, _ in store_sku}
    store_volume: dict[str, float] = defaultdict(float)
    for (lic, _), q in store_sku.items():
        store_volume[lic] += q
    row["notes"] = customer_notes(code, name, row["cm"], status, {**c, "store_volume": store_volume,
                                                                   "reviewed": row["review"]},
                                  t, stores, inputs.visited, reporting, cfg)
    if prose:
        words = month_words(period.month)
        findings = customer_findings(c, market, t, store_names, inputs.catalogue,
                                     lambda lic: cube.store_changes(code, lic), cfg)
        row["parts"] = [("一、卷烟市场与品牌动向", market_text),
                        ("二、贵公司上月销售情况", customer_part(c, name, words, period, store_names, t, cfg)),
                        ("三、建议", suggestions(c, t, findings, cfg)
                                   + ([forecast_sentence(ahead)] if ahead and ahead["forecast"] else []))]
        row["texts"] = [line for _, lines in row["parts"] for line in lines]
    return row


def file_names(customers: dict[str, str], month: str) -> dict[str, str]:
    """Each customer's review file name; when two names would give the same file, the
    customer code goes into both (one customer's review must never replace another's)."""
    plain = {code: review_filename(name, month) for code, name in customers.items()}
    taken = Counter(f.casefold() for f in plain.values())
    return {code: f if taken[f.casefold()] == 1 else review_filename(f"{customers[code]}_{code}", month)
            for code, f in plain.items()}


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
