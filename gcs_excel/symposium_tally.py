"""`gcs symposium --tally`: the filled satisfaction forms read back and counted.

Two shapes are recognised, both by texts from symposium.toml and the HQ spec (never by
cell addresses): the form as `gcs symposium` writes it (the 客户编码 / 客户名称 / 客户经理
labels with the value to their right, each question's text with its score to its right,
the open question's answer on the row below it), and one sheet with a row per form whose
header row holds 客户编码 and the questions' labels (or texts).

What counts as a score: a whole number within the question's range, typed as a number
(4, 4.0) or as text, full-width digits and a trailing 分 allowed ("4", "４", "4分"). Anything
else (4.5, "很满意", 6) is invalid; a blank is unanswered. Both are problems with their
cell, counted apart, never averaged in. A second form of one customer is named and left
out (the first one read counts).
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from .a1 import a1, parse_a1
from .errors import ConfigError, ReadError
from .problems import Problem, finding, make_problem
from .readers import read
from .sheetnames import TALLY_FORMS, TALLY_QUESTIONS
from .spec import load_specs
from .symposium_pack import Question, SymposiumSettings, load_settings
from .values import parse_number_text, to_halfwidth
from .writing import check_writable

HEADER_ROWS = 10            # a row-per-form sheet's header is within its first rows
_SPACE = re.compile(r"\s+")


def cell_ref(r: int, c: int) -> str:
    """0-based row and column (as the readers give them) -> "C5"."""
    return a1(c, r + 1)


def _norm(value: Any) -> str:
    """A label as typed: half-width, without spaces (“客户 编码” is 客户编码)."""
    return _SPACE.sub("", to_halfwidth(value)) if isinstance(value, str) else ""


def read_score(value: Any, q: Question) -> int | None | str:
    """A score as typed: the whole number, None when blank, "" when it is no valid score."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return ""
    if isinstance(value, str):
        text = to_halfwidth(value).strip().removesuffix("分").strip()
        value = parse_number_text(text)
        if value is None:
            return ""
    if isinstance(value, (int, float)) and float(value).is_integer() and q.min <= value <= q.max:
        return int(value)
    return ""


@dataclass
class Form:
    """One filled form as read: where it is, whose it is, its answers by question id."""
    file: str
    sheet: str
    cell: str                                   # where its customer code is (or would be)
    customer: str
    name: str
    manager: str
    scores: dict[str, int | None] = field(default_factory=dict)     # None: blank or invalid
    raw: dict[str, Any] = field(default_factory=dict)                # as typed
    comment: str = ""
    problems: list[Problem] = field(default_factory=list)           # its blanks and invalid scores


@dataclass(frozen=True)
class Stats:
    """The scores of one question (of one manager's customers, or all)."""
    count: int                                  # valid scores
    mean: float | None
    distribution: dict[int, int]                # score -> forms
    blank: int
    invalid: int

    def as_dict(self) -> dict[str, Any]:
        """As --json prints it."""
        return {"count": self.count, "mean": self.mean, "distribution": {str(k): v for k, v in self.distribution.items()},
                "blank": self.blank, "invalid": self.invalid}


@dataclass
class TallyResult:
    """The forms counted: per question, per customer manager, the comments, the problems."""
    settings: SymposiumSettings
    forms: list[Form] = field(default_factory=list)               # counted (one per customer)
    by_question: dict[str, Stats] = field(default_factory=dict)
    by_manager: dict[str, dict[str, Stats]] = field(default_factory=dict)
    comments: list[tuple[str, str, str, str]] = field(default_factory=list)   # customer, name, manager, comment
    problems: list[Problem] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)          # file, why
    inputs: list[str] = field(default_factory=list)
    output: Path | None = None

    @property
    def exit_code(self) -> int:
        """Like gcs validate: 2 when a file could not be read, 1 when there are problems, else 0."""
        return 2 if self.unreadable else 1 if self.problems else 0

    def as_dict(self) -> dict[str, Any]:
        """What --json prints."""
        scored = self.settings.scored
        return {"forms": len(self.forms),
                "questions": [{"id": q.id, "label": q.label, **self.by_question[q.id].as_dict()} for q in scored],
                "managers": {m: {q.id: s[q.id].as_dict() for q in scored} for m, s in self.by_manager.items()},
                "comments": [{"customer": c, "name": n, "manager": m, "comment": t} for c, n, m, t in self.comments],
                "issues": [p.as_dict() for p in self.problems],
                "unreadable": [{"file": f, "reason": r} for f, r in self.unreadable],
                "output": str(self.output) if self.output else None}


def tally_symposium(forms: Sequence[str | Path], out: str | Path | None = None, *,
                    config: str | Path | None = None) -> TallyResult:
    """The `gcs symposium --tally` command: read the filled forms (workbooks as written by
    gcs symposium, or sheets with a row per form), count the scores per question and per
    customer manager, list the comments and every blank, invalid or doubled answer with
    its cell; with out, write the tally workbook. A ConfigError when no form is found."""
    settings = load_settings(config)
    if out is not None:
        check_writable(Path(out), forms)
    result = TallyResult(settings, inputs=[Path(p).name for p in forms])
    found: list[Form] = []
    for path in forms:
        try:
            book = read(path)
        except ReadError as e:
            result.unreadable.append((Path(path).name, e.reason))
            continue
        if {TALLY_QUESTIONS, TALLY_FORMS} <= {sheet.name for sheet in book.sheets}:
            # an earlier tally written among the forms (a re-run over *.xlsx): its 逐份评分 rows
            # would be read first and the corrected forms called duplicates
            result.problems.append(_problem("survey_tally_output", Path(path).name, None, None, None))
            continue
        mine = []
        for sheet in book.sheets:
            on_sheet, columns = _read_sheet(Path(path).name, sheet, settings)
            mine += on_sheet
            result.problems += columns
        if not mine:
            result.problems.append(_problem("survey_not_found", Path(path).name, None, None, None,
                                            label=_labels()["code"]))
        found += mine
    if not found:
        why = f"{result.unreadable[0][0]}：{result.unreadable[0][1]}" if result.unreadable else \
            f"按{settings.source}的问题认；如果调查表是用部门自己的设置（--config）写出的，汇总时也要给同一个 --config"
        raise ConfigError(f"给出的文件里没有找到满意度调查表（{why}）")
    first: dict[str, Form] = {}
    for f in found:
        if not f.customer:                  # cannot be attributed: only its problem counts
            result.problems += f.problems
        elif f.customer in first:
            seen = first[f.customer]
            result.problems.append(_problem("survey_duplicate", f.file, f.sheet, f.cell, None, customer=f.customer,
                                            first=f"{seen.file}「{seen.sheet}」{seen.cell}"))
        else:
            first[f.customer] = f
            result.forms.append(f)
            result.problems += f.problems
    _count(result)
    if out is not None:
        from .symposium_tally_workbook import write_tally

        result.output = write_tally(result, Path(out), forms)
    return result


def _labels() -> dict[str, str]:
    """The HQ spec's headers the forms carry: 客户编码, 客户名称, 客户经理."""
    hq = load_specs().sheet("hq")
    return {f: hq.header(f) for f in ("code", "name", "cm")}


def _problem(code: str, file: str, sheet: str | None, cell: str | None, column: str | None, **params) -> Problem:
    row = parse_a1(cell)[1] if cell else None
    return make_problem(finding(code, **params), file=file, sheet=sheet, row=row, column=column, cell=cell)


def _read_sheet(file: str, sheet, settings: SymposiumSettings) -> tuple[list[Form], list[Problem]]:
    """The forms on one sheet: one (the form shape), a row each (the table shape), or none;
    with the table shape's column problems (a question without its column, a column that
    is no question)."""
    grid = {(r, c): v for r, values in sheet.rows for c, v in enumerate(values) if v not in ("", None)}
    at: dict[str, tuple[int, int]] = {}
    for key, v in grid.items():
        at.setdefault(_norm(v), key)
    labels = _labels()
    scored = settings.scored
    table = _table(file, sheet.name, grid, labels, settings)     # a header row holds the code and questions
    if table is not None:
        return table
    if _norm(labels["code"]) in at and any(_norm(q.text) in at for q in scored):
        return [_form(file, sheet.name, grid, at, labels, settings)], []
    return [], []


def _form(file, sheet, grid, at, labels, settings) -> Form:
    def right_of(text: str) -> tuple[str, str]:
        """The first value right of a label on its row, and that cell (the next one when empty)."""
        r, c = at[_norm(text)]
        for k in range(c + 1, c + 8):
            if (r, k) in grid:
                return str(grid[(r, k)]).strip(), cell_ref(r, k)
        return "", cell_ref(r, c + 1)

    code, where = right_of(labels["code"])
    name = right_of(labels["name"])[0] if _norm(labels["name"]) in at else ""
    manager = right_of(labels["cm"])[0] if _norm(labels["cm"]) in at else ""
    form = Form(file, sheet, where, to_halfwidth(code).strip().upper(), name, manager)
    answers = {}
    for q in settings.questions:
        key = at.get(_norm(q.text)) or at.get(_norm(q.label))
        if key is None:
            answers[q.id] = (None, None)
        elif q.open:          # the answer on the row below the question, wherever it starts
            r = key[0] + 1
            cells = sorted(c for (rr, c) in grid if rr == r)
            answers[q.id] = (grid[(r, cells[0])] if cells else None, None)
        else:
            r, c = key
            answers[q.id] = (grid.get((r, c + 1)), cell_ref(r, c + 1))
    return _answered(form, answers, settings)


def _table(file, sheet, grid, labels, settings) -> tuple[list[Form], list[Problem]] | None:
    """The forms of a sheet with a row per form and its column problems; None when no row
    of its top holds the code's label and a question's (the form shape has them on rows
    of their own)."""
    rows = sorted({r for r, _ in grid})
    head = None
    for r in rows[:HEADER_ROWS]:
        names = {_norm(v): c for (rr, c), v in grid.items() if rr == r}
        if _norm(labels["code"]) in names and any(_norm(q.label) in names or _norm(q.text) in names
                                                    for q in settings.scored):
            head = (r, names)
            break
    if head is None:
        return None
    r0, names = head
    col = {q.id: names.get(_norm(q.label), names.get(_norm(q.text))) for q in settings.questions}
    code_col, name_col, cm_col = (names.get(_norm(labels[f])) for f in ("code", "name", "cm"))
    out = []
    for r in (r for r in rows if r > r0):
        def get(c, r=r):
            return None if c is None else grid.get((r, c))
        form = Form(file, sheet, cell_ref(r, code_col), to_halfwidth(str(get(code_col) or "")).strip().upper(),
                    str(get(name_col) or "").strip(), str(get(cm_col) or "").strip())
        answers = {q.id: (get(col[q.id]), None if col[q.id] is None else cell_ref(r, col[q.id]))
                   for q in settings.questions}
        out.append(_answered(form, answers, settings))
    return out, _column_problems(file, sheet, grid, r0, names, col, labels, settings)


def _column_problems(file, sheet, grid, r0, names, col, labels, settings) -> list[Problem]:
    """A scored question without its column (once, not "unanswered" on every row: the
    customers may have answered it under another name), and every column with values
    that is neither a question nor the code, name or manager: nothing typed goes uncounted
    unsaid."""
    out = [_problem("survey_column_missing", file, sheet, cell_ref(r0, 0), q.label, question=q.label)
           for q in settings.scored if col[q.id] is None]
    known = set(col.values()) | {names.get(_norm(labels[f])) for f in ("code", "name", "cm")}
    header = {c: v for (r, c), v in grid.items() if r == r0}
    for c in sorted(set(header) - known):
        filled = sum(1 for (r, cc) in grid if cc == c and r > r0)
        if filled:
            out.append(_problem("survey_column_unknown", file, sheet, cell_ref(r0, c), str(header[c]),
                                name=str(header[c]).strip(), count=filled,
                                labels="、".join(q.label for q in settings.questions)))
    return out


def _answered(form: Form, answers: dict[str, tuple[Any, str | None]], settings: SymposiumSettings) -> Form:
    """The form with its answers read (problems for blanks and invalid scores). A form
    without a customer code is reported and returned without answers: it cannot count."""
    problems = form.problems
    if not form.customer:
        problems.append(_problem("survey_customer_missing", form.file, form.sheet, form.cell, _labels()["code"],
                                 label=_labels()["code"]))
        return form
    for q in settings.questions:
        value, cell = answers[q.id]
        if q.open:
            form.comment = str(value).strip() if value not in (None, "") else ""
            continue
        score = read_score(value, q)
        form.raw[q.id] = value
        form.scores[q.id] = score if isinstance(score, int) else None
        if score is None and cell is not None:     # no column at all: said once for the sheet
            problems.append(_problem("survey_score_blank", form.file, form.sheet, cell, q.label,
                                     customer=form.customer, question=q.label))
        elif score == "":
            problems.append(_problem("survey_score_invalid", form.file, form.sheet, cell, q.label,
                                     customer=form.customer, question=q.label, value=value, low=q.min, high=q.max))
    return form


def _count(result: TallyResult) -> None:
    """Stats per question and per manager, the comments."""
    scored = result.settings.scored

    def stats(forms: list[Form], q: Question) -> Stats:
        valid = [f.scores[q.id] for f in forms if f.scores.get(q.id) is not None]
        blank = sum(1 for f in forms if f.raw.get(q.id) in (None, "") or
                    (isinstance(f.raw.get(q.id), str) and not f.raw[q.id].strip()))
        dist = {k: valid.count(k) for k in q.choices}
        return Stats(len(valid), statistics.fmean(valid) if valid else None, dist, blank,
                     len(forms) - len(valid) - blank)

    result.by_question = {q.id: stats(result.forms, q) for q in scored}
    managers: dict[str, list[Form]] = defaultdict(list)
    for f in result.forms:
        managers[f.manager or "（未填）"].append(f)
    result.by_manager = {m: {q.id: stats(fs, q) for q in scored} for m, fs in sorted(managers.items())}
    result.comments = sorted((f.customer, f.name, f.manager, f.comment) for f in result.forms if f.comment)
