"""`gcs fix FILE --out OUT`: apply only the safe normalisations, into a new file.

Safe means the value's meaning cannot change: full-width to half-width, trimming spaces
and line breaks, text dates to dates, months to YYYY-MM, numbers kept whole to text,
numbers typed as text to numbers. Lost digits are never guessed. Every change is listed
in a 修改记录 sheet (CSV: a _修改记录.csv beside the output).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError
from .problems import Problem, Report, problem_types, show
from .sheetnames import CHANGES
from .a1 import parse_a1
from .validate import validate, validate_readable
from .writing import atomic_output
from .xlsx_edit import not_kept, open_copy, set_value, text_sheet

ZEROS = "leading_zeros_lost"
CHANGE_COLUMNS = (("工作表", 14), ("单元格", 9), ("列", 16), ("原值", 30), ("新值", 30), ("原因", 36))  # widest


@dataclass
class Change:
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
    output: Path
    changes: list[Change]
    before: Report
    after: Report
    change_log: Path | None = None     # CSV only
    lacks: list[str] = field(default_factory=list)   # what the new workbook does not keep


def _changes(problems: list[Problem], grid) -> list[Change]:
    """A change per cell with a safe suggestion. Lost leading zeros are never guessed; such
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
    path, out = Path(path), Path(out)
    v = validate_readable([path], today=today, keep=[path])
    before, grid = v.report, v.workbooks[str(path)]
    changes = _changes([p for p in before.problems if p.file == str(path)], grid)
    if grid.kind == "csv":
        if out.suffix.lower() != ".csv":
            raise ConfigError("CSV 文件的修正结果也是 CSV：请给 --out 一个 .csv 文件名")
        changes = [ch for ch in changes if ch.new is not None]    # a CSV has no format to show zeros
        log = _write_csv(grid, changes, path, out)
    else:
        wanted = ".xlsm" if grid.kind == "xlsm" else ".xlsx"
        if out.suffix.lower() != wanted:      # a macro workbook named .xlsx will not open in Excel
            raise ConfigError(f"修正后的文件要和原文件同一种格式：请给 --out 一个 {wanted} 文件名")
        log = None
        _write_workbook(grid, changes, path, out)
    after = validate([out], today=today).report
    return FixResult(out, changes, before, after, log, not_kept(grid))


def _write_workbook(grid, changes: list[Change], path: Path, out: Path) -> None:
    wb, _ = open_copy(grid)
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
        wb.save(tmp)


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


def _write_csv(grid, changes: list[Change], path: Path, out: Path) -> Path:
    sheet = grid.sheets[0]
    rows = {r: list(values) for r, values in sheet.iter_rows()}
    for ch in changes:
        c, r = parse_a1(ch.cell)
        rows[r - 1][c] = show(ch.new)
    # Keep the input's encoding (UTF-8 gets a BOM so that Excel reads it as UTF-8).
    encoding = {"utf-8": "utf-8-sig", "gbk": "gb18030"}.get(grid.encoding or "", grid.encoding or "utf-8-sig")
    with atomic_output(out, inputs=[path]) as tmp:
        with open(tmp, "w", encoding=encoding, newline="") as fh:
            w = csv.writer(fh, delimiter=grid.delimiter or ",")
            for r in range(max(rows, default=-1) + 1):     # blank lines stay where they were
                w.writerow(rows.get(r, []))
    log = out.with_name(f"{out.stem}_{CHANGES}.csv")
    with atomic_output(log, inputs=[path]) as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([c for c, _ in CHANGE_COLUMNS])
            w.writerows(ch.log_row() for ch in changes)
    return log
