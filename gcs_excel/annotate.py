"""`gcs validate --annotate DIR`: a marked-up copy of each input workbook.

Every problem cell gets a red (error) or orange (warning) fill and a comment; a first
sheet 校验结果 lists every problem with a link to its cell. Inputs are never modified;
copies are written atomically into DIR.
"""

from __future__ import annotations

import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink

from .errors import ReadError, WriteError
from .problems import Problem, problem_types, show
from .readers import read
from .render import SEVERITY_WORDS
from .sheetnames import RESULTS
from .gcpause import gc_paused
from .validation import Validation
from .writing import atomic_output
from .xlsx_edit import not_kept, open_copy, output_name, text_sheet, writable
from .xlsx_style import FONT

FILLS = {
    "error": PatternFill(fill_type="solid", fgColor="FFFF7C80"),
    "warning": PatternFill(fill_type="solid", fgColor="FFFFC000"),
}
AUTHOR = "gcs_excel"
NOTE_MOST = 30000           # Excel holds up to 32,767 characters in a comment
NO_PROBLEMS = "没有发现问题。"
RESULT_COLUMNS = (("序号", 6), ("级别", 6), ("代码", 26), ("问题类型", 16), ("工作表", 12), ("单元格", 9),
                  ("行", 7), ("列", 14), ("问题", 44), ("建议改为", 20))    # (title, widest; longer text wraps)


@dataclass
class Annotated:
    """One input's marked-up copy: where it went, or why there is none."""
    file: str
    output: Path | None = None
    error: str | None = None
    marked: int = 0
    lacks: list[str] = field(default_factory=list)      # what the copy does not keep


def annotate(validation: Validation, out_dir: str | Path, *, inputs: Sequence[str | Path] = ()) -> list[Annotated]:
    """A marked-up copy of every readable input in out_dir. Uses the read results the
    validation kept (validate(keep=...)), releasing each once its copy is written, and
    reads a file again only when none was kept."""
    out_dir = Path(out_dir)
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for p in validation.report.problems:
        by_file[p.file].append(p)
    results = []
    used: set[str] = set()
    for info in validation.report.files:
        if info.read_error:
            results.append(Annotated(info.file, error=info.read_error))
            continue
        try:
            with gc_paused():
                grid = validation.workbooks.pop(info.file, None) or read(info.file)
                copy = open_copy(grid)
            name = _unique(output_name(info.file, grid.kind), used)
            target = out_dir / name
            with atomic_output(target, inputs=inputs) as tmp:   # refuses an open or input file first
                _not_someone_elses(target)
                marked = mark(copy.wb, by_file.get(info.file, []), copy.names)
                copy.save(tmp)
            results.append(Annotated(info.file, target, marked=marked, lacks=not_kept(grid)))
        except ReadError as e:
            results.append(Annotated(info.file, error=e.reason))
    return results


def _unique(name: str, used: set[str]) -> str:
    """One output name per input, even for same-named inputs from different folders
    (compared without case: Windows and macOS would make them one file)."""
    stem, dot, ext = name.rpartition(".")
    candidate, n = name, 1
    while candidate.casefold() in used:
        n += 1
        candidate = f"{stem}_{n}.{ext}"
    used.add(candidate.casefold())
    return candidate


def _not_someone_elses(target: Path) -> None:
    """An existing file may be replaced only when it is an annotated copy of ours."""
    if not target.exists():
        return
    try:
        with zipfile.ZipFile(target) as z:
            ours = f'name="{RESULTS}"'.encode() in z.read("xl/workbook.xml")
    except (zipfile.BadZipFile, KeyError, OSError):
        ours = False
    if not ours:
        raise WriteError(f"{target} 已经存在，而且不是之前的标注副本：为免覆盖别的文件，请换一个输出文件夹")


def mark(wb, problems: list[Problem], names: dict[str, str]) -> int:
    """Fill and comment every problem cell; insert the 校验结果 sheet. Returns cells marked.
    names: a problem's sheet name -> the sheet's name in wb (CSV sheets are renamed)."""
    def place(sheet: str, ref: str) -> tuple[str, str] | None:
        sheet = names.get(sheet, sheet)
        return (sheet, writable(wb[sheet], ref).coordinate) if sheet in wb.sheetnames else None

    cells = cell_notes(problems, place)
    for (sheet, ref), (worst, text, count) in cells.items():
        cell = wb[sheet][ref]
        cell.fill = FILLS[worst]
        if cell.comment is not None and cell.comment.author != AUTHOR:
            text = with_users_note(cell.comment.text, text)
        comment = Comment(text, AUTHOR)
        comment.width, comment.height = 320, min(60 + 40 * count, 400)
        cell.comment = comment
    _results_sheet(wb, problems, names)
    return len(cells)


def cell_notes(problems: list[Problem], place) -> dict[tuple[str, str], tuple[str, str, int]]:
    """What each problem cell gets: (sheet, cell) -> (worst severity, the note's text, how
    many problems it tells). place(sheet, cell) names the cell to mark (a merge's first
    cell, the sheet's name in the copy) or None when it is not in the workbook. Shared by
    the annotated copies and the Excel button 校验本表 (gcs_excel/xl)."""
    kinds = problem_types()
    cells: dict[tuple[str, str], list[Problem]] = defaultdict(list)
    for p in problems:
        if p.sheet and p.cell:
            for ref in (p.cell, *p.related):
                where = place(p.sheet, ref)
                if where is not None:
                    cells[where].append(p)
    out = {}
    for key, ps in cells.items():
        worst = "error" if any(p.severity == "error" for p in ps) else "warning"
        text = "\n".join(f"【{SEVERITY_WORDS[p.severity]}·{kinds[p.code].title}】{p.message}"
                         + (f"\n建议改为：{show(p.suggestion)}" if p.suggestion not in (None, "") else "")
                         for p in ps)
        out[key] = (worst, text[:NOTE_MOST], len(ps))
    return out


def with_users_note(theirs: str, ours: str) -> str:
    """A note on a cell that already had the user's own: theirs first, then ours."""
    return (theirs + "\n——\n" + ours)[:NOTE_MOST]


def result_rows(problems: list[Problem]) -> list[tuple[str, ...]]:
    """The rows of the 校验结果 sheet (RESULT_COLUMNS), one per problem."""
    kinds = problem_types()
    return [(str(n), SEVERITY_WORDS[p.severity], p.code, kinds[p.code].title, p.sheet or "", p.cell or "",
             str(p.row or ""), p.column or "", p.message, show(p.suggestion)) for n, p in enumerate(problems, start=1)]


def _results_sheet(wb, problems: list[Problem], names: dict[str, str]) -> None:
    """The 校验结果 sheet, first in the workbook: every problem with its code and the
    Chinese name of its type, its place (the cell a link to it), what is wrong and the
    suggestion; prints on A4 one page wide."""
    ws = text_sheet(wb, RESULTS, RESULT_COLUMNS, result_rows(problems), empty=(9, NO_PROBLEMS), index=0)
    link = Font(name=FONT, color="FF0563C1", underline="single")
    where = [k for k, (title, _) in enumerate(RESULT_COLUMNS, start=1) if title == "单元格"][0]
    for r, p in enumerate(problems, start=2):
        ws.cell(row=r, column=1).fill = FILLS[p.severity]
        sheet = names.get(p.sheet, p.sheet)
        if p.cell and sheet in wb.sheetnames:
            target = ws.cell(row=r, column=where)
            quoted = sheet.replace("'", "''")
            target.hyperlink = Hyperlink(ref=target.coordinate, location=f"'{quoted}'!{p.cell}")
            target.font = link
    ws.auto_filter.ref = f"A1:{ws.cell(1, len(RESULT_COLUMNS)).column_letter}{max(len(problems) + 1, 2)}"
    wb.active = 0
    for other in wb.worksheets[1:]:
        other.sheet_view.tabSelected = False
