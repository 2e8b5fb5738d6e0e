"""`gcs onboard check`: an application checked with the validation's checks (its 申报总部
and 申报卖场 columns are 总部档案's and 卖场明细表's, with their checks), plus what only an
application has: the documents (merged into the business licence once a valid USCC is on
it), the survey's weighted score against the pass mark, and the approval trail. Every gap
is a problem in the report, so the exit code and --json are those of gcs validate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..problems import Report, finding, make_problem
from ..spec import SheetSpec
from ..table import Table
from ..validation import validate
from .config import MERGED_DOCUMENTS, OnboardingConfig, load_config
from .form import form_specs

VERIFIED = "已核验"
MERGED = "已并入营业执照（三证合一/五证合一）"
MISSING = "缺"
USCC_DOUBTS = ("uscc_checksum", "uscc_org_code")    # warnings an approver may override
MISSING_CODES = ("onboard_document_missing", "onboard_survey_item_missing", "onboard_survey_unscored",
                 "onboard_approval_pending", "onboard_uscc_unconfirmed", "onboard_no_stores")


@dataclass
class DocumentStatus:
    """One document of the checklist: 已核验, 已并入营业执照, or 缺 (and why)."""
    document: str
    status: str
    detail: str = ""


@dataclass
class SurveyScore:
    """The site survey: each item's weight and score, and the score out of 100."""
    items: list[dict[str, Any]]             # {"item", "weight", "score"} (score None: not scored)
    score: float | None                     # None until every item is scored
    pass_mark: float

    @property
    def passed(self) -> bool:
        """Scored, and at least the pass mark."""
        return self.score is not None and self.score >= self.pass_mark


@dataclass
class Step:
    """One approval step as signed: who, when, the opinion and its words."""
    step: str
    approver: str | None = None
    date: dt.date | None = None
    opinion: str | None = None
    comment: str | None = None
    agreed: bool = False                    # signed (who, when) and 同意


@dataclass
class OnboardCheck:
    """What `gcs onboard check` found: the report (validation and application problems),
    the documents, the survey score, the approval steps, and the application's rows."""
    file: str
    report: Report
    documents: list[DocumentStatus]
    survey: SurveyScore
    steps: list[Step]
    hq: dict[str, Any] | None               # the one 申报总部 row, by field id
    stores: list[dict[str, Any]]            # 申报卖场 rows, by field id
    uscc_doubt: bool = False                # the USCC failed its check (a warning)
    uscc_confirmed: bool = False            # ... and the approver confirmed it
    config_source: str = "默认设置"

    @property
    def approved(self) -> bool:
        """Both steps signed and agreed."""
        return bool(self.steps) and all(s.agreed for s in self.steps)

    @property
    def approval_date(self) -> dt.date | None:
        """The date of the last step (the marketing centre's): the day the customer joins."""
        return self.steps[-1].date if self.steps else None

    @property
    def missing(self) -> list[str]:
        """What is still missing, in words: documents, survey scores, approval steps."""
        return [p.message for p in self.report.problems if p.code in MISSING_CODES]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the report's issues and summary, plus documents, survey, approval."""
        return {**self.report.as_dict(),
                "documents": [d.__dict__ for d in self.documents],
                "survey": {"items": self.survey.items, "score": self.survey.score,
                           "pass_mark": self.survey.pass_mark, "passed": self.survey.passed},
                "approval": [s.__dict__ for s in self.steps],
                "approved": self.approved, "missing": self.missing}


class _Checker:
    """Adds the application's own problems to the validation's report."""

    def __init__(self, file: str, report: Report, tables: dict[str, Table]):
        self.file, self.report, self.tables = file, report, tables

    def add(self, f, table: Table | None = None, field_id: str | None = None, i: int | None = None,
            spec: SheetSpec | None = None) -> None:
        spec = table.spec if table is not None else spec
        row = table.rows[i] if table is not None and i is not None else None
        cell = table.cell(field_id, i) if table is not None and i is not None and field_id else None
        column = spec.header(field_id) if spec is not None and field_id else None
        self.report.problems.append(make_problem(f, file=self.file, sheet=spec.name if spec else None,
                                                 row=row, column=column, cell=cell))

    def rows(self, sheet_id: str) -> list[dict[str, Any]]:
        """Every row of a sheet by field id (wrong values as None), with its index as "i"."""
        t = self.tables.get(sheet_id)
        if t is None:
            return []
        out = []
        for i in range(len(t.rows)):
            out.append({f: (None if i in t.field_errors.get(f, ()) else col[i]) for f, col in t.values.items()} | {"i": i})
        return out


def check_application(path: str | Path, *, staff: str | Path | None = None,
                      config: str | Path | OnboardingConfig | None = None,
                      today: dt.date | None = None) -> OnboardCheck:
    """The `gcs onboard check` command: validate an application and say what it lacks.
    staff: the staff list, to check that the managers named are on it (as gcs validate
    checks a 总部档案 given with it)."""
    cfg = config if isinstance(config, OnboardingConfig) else load_config(config)
    specs = form_specs()
    name = str(path)
    v = validate([path, *([staff] if staff else [])], today=today, specs=specs)
    report = v.report
    if report.unreadable:
        raise ConfigError(f"{report.unreadable[0].file}：无法读取 —— {report.unreadable[0].read_error}")
    if staff and not v.tables_of("staff"):
        raise ConfigError(f"{staff} 里没有人员名单工作表")
    tables = {t.spec.id: t for t in v.tables if t.file == name and t.spec.id.startswith("apply_")}
    hq_spec = specs.sheet("apply_hq")
    if "apply_hq" not in tables:
        raise ConfigError(f"{name} 不是入网申报表：没有「{hq_spec.name}」工作表（用 gcs onboard new 生成申报表）")
    c = _Checker(name, report, tables)
    hq_rows = c.rows("apply_hq")
    if len(hq_rows) != 1:
        c.add(finding("onboard_hq_rows", count=len(hq_rows)), spec=hq_spec)
    hq = hq_rows[0] if hq_rows else None
    stores = c.rows("apply_stores")
    if not stores:
        c.add(finding("onboard_no_stores"), spec=specs.sheet("apply_stores"))
    steps, override = _approval(c, specs)
    doubt = any(p.code in USCC_DOUBTS and p.sheet == hq_spec.name for p in report.problems)
    if doubt and not override:
        t = tables["apply_hq"]
        c.add(finding("onboard_uscc_unconfirmed", value=hq and hq.get("uscc"),
                      column=specs.sheet("apply_approval").header("uscc_override")), t, "uscc", 0)
    uscc_ok = hq is not None and hq.get("uscc") is not None and (not doubt or override)
    documents = _documents(c, specs, hq, stores, uscc_ok)
    survey = _survey(c, cfg)
    return OnboardCheck(name, report, documents, survey, steps, _without_index(hq) if hq else None,
                        [_without_index(r) for r in stores], doubt, doubt and override, cfg.source)


def _without_index(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "i"}


def _documents(c: _Checker, specs, hq, stores, uscc_ok: bool) -> list[DocumentStatus]:
    sheet = specs.sheet("apply_documents")
    t = c.tables.get("apply_documents")
    labels = sheet.field("document").options
    yes = sheet.field("verified").label("yes")
    by_label = {r["document"]: r for r in c.rows("apply_documents") if r.get("document")}
    hq_sheet = specs.sheet("apply_hq")
    out = []
    for doc, label in labels.items():
        row = by_label.get(label)
        verified = row is not None and row.get("verified") == yes
        why = None
        if doc in MERGED_DOCUMENTS and uscc_ok:
            out.append(DocumentStatus(label, MERGED))
            continue
        if not verified:
            why = f"「{sheet.header('verified')}」不是“{yes}”" if row else f"「{sheet.name}」里没有这一行"
            if doc in MERGED_DOCUMENTS:
                why += "（营业执照上没有有效的统一社会信用代码，不能算作已并入营业执照）"
        elif doc == "business_licence" and not uscc_ok:
            why = f"「{hq_sheet.name}」的{hq_sheet.header('uscc')}没有填或无效"
        elif doc == "legal_rep_id" and not (hq and hq.get("legal_rep_id")):
            why = f"「{hq_sheet.name}」的{hq_sheet.header('legal_rep_id')}没有填或无效"
        elif doc == "tobacco_licence" and not stores:
            why = "「申报卖场」里没有卖场"
        if why:
            c.add(finding("onboard_document_missing", document=label, why=why), t if row else None,
                  "verified" if row else None, row["i"] if row else None, spec=sheet)
            out.append(DocumentStatus(label, MISSING, why))
        elif doc == "tobacco_licence":
            out.append(DocumentStatus(label, VERIFIED, f"{len(stores)} 个卖场各一份"))
        else:
            out.append(DocumentStatus(label, VERIFIED))
    return out


def _survey(c: _Checker, cfg: OnboardingConfig) -> SurveyScore:
    sheet = form_specs().sheet("apply_survey")
    t = c.tables.get("apply_survey")
    by_name = {}
    for r in c.rows("apply_survey"):
        if r.get("item"):
            by_name.setdefault(r["item"].strip(), r)
    names = {i.name for i in cfg.items}
    items, total, complete = [], 0.0, True
    for item in cfg.items:
        weight = _num(item.weight)
        r = by_name.get(item.name)
        score = r.get("score") if r else None
        if r is None:
            c.add(finding("onboard_survey_item_missing", item=item.name, weight=weight), spec=sheet)
        elif score is None:
            if r["i"] not in t.field_errors.get("score", ()):      # a wrong score is said already
                c.add(finding("onboard_survey_unscored", item=item.name, weight=weight), t, "score", r["i"])
        elif score > item.weight:
            c.add(finding("onboard_survey_over", item=item.name, score=_num(score), weight=weight), t, "score", r["i"])
            score = None
        if r is not None and r.get("weight") is not None and r["weight"] != item.weight:
            c.add(finding("onboard_survey_weight", item=item.name, found=_num(r["weight"]), weight=weight),
                  t, "weight", r["i"])
        items.append({"item": item.name, "weight": weight, "score": None if score is None else _num(score)})
        if score is None:
            complete = False
        else:
            total += score
    for name, r in by_name.items():
        if name not in names:
            c.add(finding("onboard_survey_item_unknown", item=name, items="、".join(i.name for i in cfg.items)),
                  t, "item", r["i"])
    score = round(total / cfg.total_weight * 100, 1) if complete else None
    result = SurveyScore(items, score, cfg.pass_mark)
    if score is not None and not result.passed:
        c.add(finding("onboard_survey_below_pass", score=_num(score), pass_mark=_num(cfg.pass_mark)), spec=sheet)
    return result


def _approval(c: _Checker, specs) -> tuple[list[Step], bool]:
    """The two steps as signed, and whether the marketing centre confirmed a doubtful USCC."""
    sheet = specs.sheet("apply_approval")
    t = c.tables.get("apply_approval")
    by_label = {}
    for r in c.rows("apply_approval"):
        if r.get("step"):
            by_label.setdefault(r["step"], r)
    agree = sheet.field("opinion").label("agree")
    steps = []
    for label in sheet.field("step").values:
        r = by_label.get(label, {})
        step = Step(label, r.get("approver"), r.get("date"), r.get("opinion"), r.get("comment"))
        signed = ("approver", "date", "opinion")
        wrong = [f for f in signed if r and r["i"] in t.field_errors.get(f, ())]     # reported already
        lacking = [sheet.header(f) for f in signed if not r.get(f) and f not in wrong]
        where = (t, None, r["i"]) if r else (None, None, None)
        if lacking:
            c.add(finding("onboard_approval_pending", step=label, what="填" + "、".join(lacking)), *where, spec=sheet)
        elif not wrong and r["opinion"] != agree:
            comment = f"（{r['comment']}）" if r.get("comment") else ""
            c.add(finding("onboard_approval_rejected", step=label, comment=comment), t, "opinion", r["i"])
        step.agreed = not lacking and not wrong and r["opinion"] == agree
        steps.append(step)
    first, last = steps[0].date, steps[-1].date
    if first and last and last < first:
        c.add(finding("onboard_approval_order", approval=last, first=first), t, "date", by_label[steps[-1].step]["i"])
    final = by_label.get(steps[-1].step, {})
    override = final.get("uscc_override") == sheet.field("uscc_override").label("yes")
    return steps, override


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x
