"""`gcs demo`: a whole department on disk, clean and with the typical mistakes, checked."""

from __future__ import annotations

import datetime as dt
from itertools import chain
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from ..annotate import Annotated, annotate
from ..problems import Report, show
from ..mail import MailResult, load_settings, send_reviews
from ..onboarding.form import SAMPLE_CHAIN, sample_application
from ..onboarding.review import OnboardCheck, check_application
from ..merging import MergeResult, merge
from ..reporting.run import MonthlyResult, monthly
from ..quota_workbook import write_quota_workbook
from ..quota_check import QuotaReport, quotas
from ..spec import Specs, load_specs
from ..forecasting import ForecastResult, forecast
from ..dept import department_from_rows
from ..symposium_pack import SymposiumResult
from ..symposium_tally import TallyResult
from ..visit_brief import BriefResult, brief, busiest_day
from ..weekly_pack import WeeklyResult, meeting_week, weekly
from ..targets import TargetsResult, set_targets
from ..templates import write_workbook
from ..validation import validate
from ..writing import atomic_output, write_csv
from .copies import COPIES_DIR, write_copies
from ..values import shift_month
from .department import Department, generate, previous_month
from .mistakes import Mistakes, inject
from .scarce import SCARCE_DIR, ScarceSupply, allocate_scarce
from .meetings import meeting_register
from .symposium_forms import demo_symposium

CLEAN_DIR = "标准数据"
MISTAKES_DIR = "错误示例"
ANNOTATED_DIR = "错误示例_标注"
REVIEWS_DIR = "销售回顾"
DRAFTS_DIR = "邮件草稿"
DEMO_SENDER = "jtkh@cs-tobacco.cn"
MASTER = "合并总表.xlsx"
APPLICATION = f"入网申报表_{SAMPLE_CHAIN[1]}.xlsx"


@dataclass
class DemoResult:
    """What `gcs demo` wrote and found: the files, both validations, the quota check, the reviews and drafts."""
    folder: Path
    month: str
    clean: list[Path]
    mistakes: list[Path]
    clean_report: Report
    mistakes_report: Report
    annotated: list[Annotated]
    expected: list[tuple[str, str, str]]
    counts: dict[str, int] = field(default_factory=dict)
    quotas: QuotaReport | None = None
    quota_workbook: Path | None = None
    reviews: MonthlyResult | None = None
    drafts: MailResult | None = None
    merged: MergeResult | None = None
    scarce: ScarceSupply | None = None
    application: OnboardCheck | None = None
    targets: TargetsResult | None = None
    forecast: ForecastResult | None = None
    weekly: WeeklyResult | None = None
    symposium: SymposiumResult | None = None
    tally: TallyResult | None = None
    briefs: BriefResult | None = None


def write_department(tables: Mapping[str, list[dict[str, Any]]], folder: Path, month: str, *,
                     merges=None, headers=None, specs: Specs | None = None,
                     only: set[str] | None = None) -> list[Path]:
    """One file per template (or only those templates' ids), as people keep them; sales as
    a GBK CSV export."""
    specs = specs or load_specs()
    lists = {"catalogue.sku": [r["sku"] for r in tables["catalogue"] if isinstance(r.get("sku"), str)]}
    paths = []
    for t in specs.templates:
        if only is not None and t.id not in only or any(s.id not in tables for s in t.sheets):
            continue        # not asked for, or a template the department has no rows for
        if t.id == "sales":
            paths.append(write_sales_csv(tables["sales"], folder / f"{t.workbook}.csv", specs=specs))
            continue
        name = f"{t.workbook}_{month}.xlsx" if t.id in ("plan", "visits") else t.filename
        data = {s.id: tables[s.id] for s in t.sheets}
        refs = {r: tables[r] for r in t.references}    # the visit log's 参照-* sheets
        paths.append(write_workbook(t, folder / name, data=data, merges=merges, headers=headers,
                                    lists=lists, references=refs, month=month, specs=specs))
    return paths


def write_sales_csv(rows: list[dict[str, Any]], path: Path, *, encoding: str = "gbk",
                    specs: Specs | None = None) -> Path:
    """Sales rows (by field id) as the ordering system exports them: a CSV in GBK by default."""
    spec = (specs or load_specs()).sheet("sales")
    with atomic_output(path) as tmp:
        write_csv(tmp, chain([spec.headers], ([show(r.get(f)) for f in spec.ids] for r in rows)), encoding=encoding)
    return path


def demo_targets(dep: Department, files: list[Path], folder: Path, month: str, *, today: dt.date) -> TargetsResult:
    """Next year's target of the biggest customer, 5 % above its last twelve months, broken
    into months (its seasonality, the Spring Festival moved to next year's month) and stores."""
    months = {shift_month(month, -k) for k in range(12)}
    sold: dict[str, float] = {}
    for r in dep.tables["sales"]:
        if r["month"] in months:
            sold[r["customer"]] = sold.get(r["customer"], 0) + r["volume"]
    code = max(sorted(sold), key=sold.get)
    year = int(month[:4]) + 1
    return set_targets(files, year, customer=code, total=int(round(sold[code] * 1.05, -2)),
                       out=folder / f"销售目标_{year}.xlsx", today=today)


def run_demo(folder: str | Path = "gcs_demo", *, month: str | None = None, seed: int = 2026,
             today: dt.date | None = None,
             progress: Callable[[str], None] | None = None) -> DemoResult:
    """The `gcs demo` command: a seeded department on disk, clean and with mistakes, checked end to end."""
    today = today or dt.date.today()
    month = month or previous_month(today)
    folder = Path(folder)
    specs = load_specs()
    say = progress or (lambda _msg: None)
    say("生成示例数据")
    dep: Department = generate(month, seed=seed, today=today, specs=specs)
    dep.tables.update(meeting_register(dep, today=today, specs=specs))    # one weekly meeting missing, one item overdue
    clean = write_department(dep.tables, folder / CLEAN_DIR, month, specs=specs)
    say("分配紧俏货源、写书面告知")
    wanted = {f"{specs.template(t).workbook}{ext}" for t, ext in
              (("hq", ".xlsx"), ("stores", ".xlsx"), ("catalogue", ".xlsx"), ("sales", ".csv"))}
    scarce = allocate_scarce(dep, [p for p in clean if p.name in wanted], folder / SCARCE_DIR, month,
                             today=today, specs=specs)
    write_department(dep.tables, folder / CLEAN_DIR, month, specs=specs, only={"visits"})  # with the numbers
    say("预测下月需求")
    ahead = shift_month(month, 1)
    predicted = forecast([p for p in clean if p.suffix == ".csv" or p.name in wanted or "拜访记录" in p.name], ahead,
                         out=folder / f"需求预测_{ahead}.xlsx", today=today)
    say("分解明年的销售目标")
    targets = demo_targets(dep, [p for p in clean if p.name in wanted], folder, month, today=today)
    wrong: Mistakes = inject(dep, today=today, specs=specs)
    mistakes = write_department(wrong.tables, folder / MISTAKES_DIR, month, merges=wrong.merges,
                                headers=wrong.headers, specs=specs)
    say("校验标准数据")
    clean_report = validate(clean, today=today).report
    say("校验错误示例")
    checked = validate(mistakes, today=today, keep=mistakes)     # annotate edits what was read
    say("标注错误示例")
    annotated = annotate(checked, folder / ANNOTATED_DIR, inputs=mistakes)
    say("检查拜访指标")
    book = folder / f"拜访指标_{month}.xlsx"
    quota_report = quotas([p for p in clean if p.suffix == ".xlsx"] + [scarce.register], month, today=today)
    write_quota_workbook(quota_report, book, inputs=clean)
    say("准备片区周会材料")
    weekly_pack = weekly(clean + [scarce.register], meeting_week(month), out=folder, today=today)
    say("准备拜访")
    day = busiest_day(department_from_rows(dep.tables, specs).plans, month)
    briefs = brief([*clean, *(a.output for a in scarce.allocations), scarce.register], day, everyone=True,
                   out=folder, today=today)
    say("准备半年座谈会、汇总满意度调查表")
    with_targets = wanted | {specs.template("targets").filename}
    pack, tally = demo_symposium([p for p in clean if p.name in with_targets], folder, month, today=today)
    say("写销售回顾")
    reviews = monthly(clean, month, folder / f"{REVIEWS_DIR}_{month}", today=today)
    say("写邮件草稿")
    drafts = send_reviews(clean, month, reviews.folder, settings=load_settings(sender=DEMO_SENDER),
                          cc_managers=True, eml_dir=folder / DRAFTS_DIR)
    say("合并客户经理的副本")
    copies = write_copies(dep.tables, folder / COPIES_DIR, month, specs=specs)
    store_list = next(p for p in clean if p.name == specs.sheet("stores").name + ".xlsx")
    merged = merge(copies, folder / MASTER, base=store_list, today=today, specs=specs)
    say("写新客户入网申报表")
    taken = [h["uscc"] for h in dep.tables["hq"]] + [s["licence"] for s in dep.tables["stores"]]
    form = sample_application(folder / APPLICATION, today=today, avoid=taken)
    staff = next(p for p in clean if p.name == specs.template("staff").filename)
    application = check_application(form, staff=staff, today=today)
    counts = {sheet: len(rows) for sheet, rows in dep.tables.items()}
    return DemoResult(folder, month, clean, mistakes, clean_report, checked.report, annotated,
                      wrong.expected, counts, quota_report, book, reviews, drafts, merged, scarce, application, targets, predicted,
                      weekly_pack, pack, tally, briefs)
