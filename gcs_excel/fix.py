"""`gcs fix FILE --out OUT`: apply only the safe normalisations, into a new file.

Safe means the value's meaning cannot change: full-width to half-width, trimming spaces
and line breaks, text dates to dates, months to YYYY-MM, numbers kept whole to text,
numbers typed as text to numbers. Lost digits are never guessed. Every change is listed
in a 修改记录 sheet (CSV: a _修改记录.csv beside the output).

A CSV is opened in a spreadsheet, which runs a cell starting with = + - @ as a formula:
such text is written with a leading apostrophe (textsafe.csv_cell, listed as a change),
and a trim that would turn " =HYPERLINK(...)" into a formula is not made.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError
from .problems import Problem, Report, problem_types, show
from .sheetnames import CHANGES
from .a1 import a1, parse_a1
from .textsafe import csv_cell, looks_like_formula
from .validation import validate, validate_readable
from .writing import atomic_output, check_writable, write_csv
from .xlsx_edit import not_kept, open_copy, set_value, text_sheet

ZEROS = "leading_zeros_lost"
ESCAPED = "开头是 = + - @ 的文本加了 '，在 Excel 里打开不会被当成公式"
CHANGE_COLUMNS = (("工作表", 14), ("单元格", 9), ("列", 16), ("原值", 30), ("新值", 30), ("原因", 36))  # widest


@dataclass
class Change:
    """One cell changed: where, from what, to what, and why."""
    sheet: str
    cell: str
    column: str
    old: object
    new: object
    reasons: list[str] = field(default_factory=list)

    def log_row(self) -> tuple[str, ...]:
        """The change as a row of the change log (CHANGE_COLUMNS)."""
        return (self.sheet, self.cell, self.column, _shown(self.old), _shown(self.new), "、".join(self.reasons))


@dataclass
class FixResult:
    """What `gcs fix` wrote and changed, the validation before and after, and notes."""
    output: Path
    changes: list[Change]
    before: Report
    after: Report
    change_log: Path | None = None     # CSV only
    lacks: list[str] = field(default_factory=list)   # what the new workbook does not keep
    notes: list[str] = field(default_factory=list)   # fixes not made, and why


def safe_changes(problems: list[Problem], grid) -> list[Change]:
    """A change per cell with a safe suggestion (used by gcs fix and the Excel button 安全修正). Lost leading zeros are never guessed; such
    a cell is a candidate (new=None) that only the workbook's number format can settle."""
    kinds = problem_types()
    by_cell: dict[tuple[str, str], list[Problem]] = defaultdict(list)
    for p in problems:
        if (p.fixable or p.code == ZEROS) and p.sheet and p.cell:
            by_cell[(p.sheet, p.cell)].append(p)
    rows = {s.name: dict(s.rows) for s in grid.sheets} if by_cell else {}
    out = []
    for (sheet, cell), ps in by_cell.items():
        col, row = parse_a1(cell)
        values = rows.get(sheet, {}).get(row - 1, [])
        old = values[col] if col < len(values) else None
        safe = [p for p in ps if p.fixable]
        new = safe[-1].suggestion if safe else None   # every safe finding of a cell carries the same final value
        out.append(Change(sheet, cell, ps[0].column or "", old, new,
                          list(dict.fromkeys(kinds[p.code].title for p in safe))))
    return out


def fix_file(path: str | Path, out: str | Path, *, today: dt.date | None = None) -> FixResult:
    """The `gcs fix` command: the safe fixes of path, written to out (same format)."""
    path, out = Path(path), Path(out)
    v = validate_readable([path], today=today, keep=[path])
    if str(path) not in v.workbooks:        # skipped, with the reason in a note (a ~$ lock file)
        raise ConfigError(f"{path} 不是数据文件：{v.report.notes[0] if v.report.notes else '没有读取'}")
    before, grid = v.report, v.workbooks[str(path)]
    changes = safe_changes([p for p in before.problems if p.file == str(path)], grid)
    notes: list[str] = []
    if grid.kind == "csv":
        if out.suffix.lower() != ".csv":
            raise ConfigError("CSV 文件的修正结果也是 CSV：请给 --out 一个 .csv 文件名")
        changes = [ch for ch in changes if ch.new is not None]    # a CSV has no format to show zeros
        headers = {c: t.spec.header(f) for t in v.tables if t.file == str(path) for f, c in t.columns.items()}
        log = _write_csv(grid, changes, path, out, headers, notes)
    else:
        wanted = ".xlsm" if grid.kind == "xlsm" else ".xlsx"
        if out.suffix.lower() != wanted:      # a macro workbook named .xlsx will not open in Excel
            raise ConfigError(f"修正后的文件要和原文件同一种格式：请给 --out 一个 {wanted} 文件名")
        log = None
        _write_workbook(grid, changes, path, out)
    after = validate([out], today=today).report
    return FixResult(out, changes, before, after, log, not_kept(grid), notes)


def _write_workbook(grid, changes: list[Change], path: Path, out: Path) -> None:
    copy = open_copy(grid)
    wb = copy.wb
    for ch in changes:
        if ch.new is None:
            ch.new = _as_displayed(wb[ch.sheet][ch.cell])
            ch.reasons = ["数字格式显示的开头 0 保留为文本"]
    changes[:] = [ch for ch in changes if ch.new is not None]
    for ch in changes:
        set_value(wb[ch.sheet][ch.cell], ch.new)
    text_sheet(wb, CHANGES, CHANGE_COLUMNS, (ch.log_row() for ch in changes),
               empty=(6, "没有可以安全修正的内容。"))
    with atomic_output(out, inputs=[path]) as tmp:
        copy.save(tmp)


def _as_displayed(cell) -> str | None:
    """A whole number that a format like 000000000000 shows with its leading zeros: the
    zeros are on screen, not lost, and the text keeps exactly what the user saw."""
    fmt, value = str(cell.number_format or ""), cell.value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer() \
            and re.fullmatch(r"0+", fmt):
        digits = str(int(value))
        if len(fmt) > len(digits):
            return digits.zfill(len(fmt))
    return None


def _shown(value) -> str:
    """Old and new values as text, spaces and line breaks made visible."""
    text = show(value)
    return text.replace("\n", "⏎").replace("\r", "") if isinstance(value, str) else text


def _write_csv(grid, changes: list[Change], path: Path, out: Path, headers: dict[int, str],
               notes: list[str]) -> Path:
    sheet = grid.sheets[0]
    rows = {r: list(values) for r, values in sheet.iter_rows()}
    for ch in list(changes):
        c, r = parse_a1(ch.cell)
        if looks_like_formula(ch.new):
            # " =HYPERLINK(...)" trimmed would run as a formula in Excel: the space keeps it text
            notes.append(f"{ch.cell} 没有改：去掉开头的空白后「{_shown(ch.new)[:30]}」会被 Excel 当成公式")
            changes.remove(ch)
            continue
        rows[r - 1][c] = show(ch.new)
    changed = {ch.cell for ch in changes}
    for r, values in rows.items():       # text a spreadsheet would run: kept as text, and said so
        for c, v in enumerate(values):
            if csv_cell(v) != v and a1(c, r + 1) not in changed:
                changes.append(Change(sheet.name, a1(c, r + 1), headers.get(c, ""), v, csv_cell(v), [ESCAPED]))
    changes.sort(key=lambda ch: parse_a1(ch.cell)[::-1])
    log = out.with_name(f"{out.stem}_{CHANGES}.csv")
    check_writable(log, [path])         # both files or neither: the changes are never written unlisted
    # Keep the input's encoding (UTF-8 gets a BOM so that Excel reads it as UTF-8).
    encoding = {"utf-8": "utf-8-sig", "gbk": "gb18030"}.get(grid.encoding or "", grid.encoding or "utf-8-sig")
    with atomic_output(out, inputs=[path]) as tmp:
        # blank lines stay where they were
        write_csv(tmp, (rows.get(r, []) for r in range(max(rows, default=-1) + 1)),
                  encoding=encoding, delimiter=grid.delimiter or ",")
    with atomic_output(log, inputs=[path]) as tmp:
        write_csv(tmp, [[c for c, _ in CHANGE_COLUMNS], *(ch.log_row() for ch in changes)])
    return log
