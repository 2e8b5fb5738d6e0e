"""`gcs symposium --tally --out FILE`: the satisfaction scores as a workbook to print on A4:
按问题 (mean, count, distribution, unanswered, invalid), 按客户经理 (the same per customer
manager), 意见和建议 (customer, comment), 逐份评分 (every form counted, as typed) and
汇总问题 (every blank, invalid or doubled answer with its cell)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from .problems import problem_types, show
from .quota_workbook import Col, Table, write_tables
from .sheetnames import TALLY_COMMENTS, TALLY_FORMS, TALLY_MANAGERS, TALLY_PROBLEMS, TALLY_QUESTIONS
from .spec import load_specs

if TYPE_CHECKING:                   # the result's type only: symposium_tally imports this module
    from .symposium_tally import Stats, TallyResult

TITLE = "满意度调查汇总"


def tables(result: TallyResult) -> list[Table]:
    """The workbook's tables, in order."""
    scored = result.settings.scored
    choices = sorted({k for q in scored for k in q.choices})
    note = (f"{len(result.forms)} 份调查表（每个客户一份）。平均分只算有效评分；“未答”是空着的，“无效”是填了、但不是"
            "分值范围内的整数；两者都列在“汇总问题”里（带单元格）。")

    def stat_cols() -> list[Col]:
        return [Col("有效份数", 8, "int"), Col("平均分", 8, "num")] + [Col(f"{k}分", 6, "int") for k in choices] \
            + [Col("未答", 6, "int"), Col("无效", 6, "int")]

    def stat_values(s: Stats) -> list:
        return [s.count, s.mean] + [s.distribution.get(k) for k in choices] + [s.blank, s.invalid]

    questions = Table(TALLY_QUESTIONS, [Col("问题", 20)] + stat_cols(), note=note)
    for q in scored:
        questions.add([q.label, *stat_values(result.by_question[q.id])])
    managers = Table(TALLY_MANAGERS, [Col("客户经理", 10), Col("问题", 20)] + stat_cols(), note=note)
    for m, per in result.by_manager.items():
        for q in scored:
            managers.add([m, q.label, *stat_values(per[q.id])])
    hq = load_specs().sheet("hq")
    who = [Col(hq.header("code"), 10), Col(hq.header("name"), 26), Col(hq.header("cm"), 10)]
    comments = Table(TALLY_COMMENTS, who + [Col("意见和建议", 60)], empty="没有客户写意见和建议。")
    for row in result.comments:
        comments.add(list(row))
    forms = Table(TALLY_FORMS, [Col("文件", 24)] + who + [Col(q.label, 8) for q in scored],
                  note="每份计入的调查表的评分，照原样列出（空着的仍空着）。")
    for f in result.forms:
        forms.add([f.file, f.customer, f.name, f.manager] + [show(f.raw.get(q.id)) for q in scored])
    problems = Table(TALLY_PROBLEMS, [Col("文件", 30), Col("工作表", 12), Col("单元格", 8), Col("问题", 16),
                                      Col("说明", 60)], empty="没有问题：每份调查表每题都有有效评分。")
    for p in result.problems:
        problems.add([p.file, p.sheet or "", p.cell or "", problem_types()[p.code].title, p.message])
    return [questions, managers, comments, forms, problems]


def write_tally(result: TallyResult, path: Path, inputs: Sequence[str | Path] = ()) -> Path:
    """Write the tally workbook (atomically; the forms are never overwritten)."""
    return write_tables(path, tables(result), "", TITLE, inputs)
