"""The master workbook of `gcs merge`: a sheet per template (its columns in spec order,
the extra columns kept, then the source of every row), 冲突, 合并说明 and, with a base, 变更.
Text is always written as text (a name starting with = stays a name)."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from .errors import WriteError
from .sheetnames import CONFLICTS, DIFF, MERGE_NOTES
from .textsafe import sheet_name
from .textwidth import excel_width, fit_width, row_height, wrapped_lines
from .writing import atomic_output
from .xlsx_style import DATE_FORMAT, Formats, new_workbook, page_header, print_setup

if TYPE_CHECKING:       # merging calls write_master: this module imports nothing of it
    from .merging import Conflict, MergeResult, Row

SOURCE_COLUMNS = ("来源文件", "来源工作表", "来源行", "合并标记")   # after the template's own columns

_lines = functools.lru_cache(maxsize=1 << 16)(wrapped_lines)     # texts repeat down a column
_width = functools.lru_cache(maxsize=1 << 16)(excel_width)
MAX_DATA_ROWS = 1_048_575
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.7, "bottom": 0.7}
BIG_MASTER = 200_000            # rows: above this the master is written in constant memory
SAMPLE = 2000                   # rows measured for column widths
POLICY_WORDS = {
    "flag": "flag：冲突的键保留基准（上一版总表）里的那一行，没有基准时保留先给出的文件里的那一行，标为“待定”，由人在「冲突」表里定夺；"
            "只有一份与基准不同、其余都与基准相同时，是这一个人改了它，采用改过的那一行（仍列在「冲突」表里）",
    "newest": "newest：冲突的键保留最后保存的文件（文件的修改时间）里的那一行；同一文件里的、或时间相同的，取后给出的",
    "base": "base：冲突的键保留基准（上一版总表）里的那一行（只有一份改过时采用改过的）；基准里没有的键按 flag 处理",
}


def write_master(result: MergeResult, inputs: Iterable[str | Path]) -> Path:
    """Write the master workbook of a merge to result.output (atomically; never over an input)."""
    for spec, _, rows in result.master.values():
        if len(rows) > MAX_DATA_ROWS:
            raise WriteError(f"「{spec.name}」合并后有 {len(rows):,} 行，超过一个工作表的上限 {MAX_DATA_ROWS:,} 行")
    with atomic_output(result.output, inputs) as tmp:
        # row by row (constant memory) only for a big master: it writes strings inline, slower
        big = sum(len(rows) for _, _, rows in result.master.values()) > BIG_MASTER
        wb = new_workbook(tmp, constant_memory=big)
        fmt = Formats(wb)
        for spec, extras, rows in result.master.values():
            _template_sheet(wb, fmt, spec, extras, rows)
        _conflicts(wb, fmt, result)
        _notes(wb, fmt, result)
        if result.base is not None:
            _changes(wb, fmt, result)
        wb.close()
    return result.output


class _Cells:
    """Writes values by their Python type (text always as text), formats looked up once."""

    def __init__(self, fmt: Formats):
        self.text = fmt.get(valign="top", num_format="@")
        self.wrap = fmt.get(valign="top", num_format="@", text_wrap=True)
        self.plain = fmt.get(valign="top")
        self.date = fmt.get(valign="top", num_format=DATE_FORMAT)
        self.time = fmt.get(valign="top", num_format="yyyy-mm-dd hh:mm")

    def write(self, ws, r: int, c: int, v: Any, wrap: bool = False) -> None:
        """One cell; nothing for None or empty text."""
        cls = v.__class__
        if cls is str:
            if v:
                ws.write_string(r, c, v, self.wrap if wrap else self.text)
        elif v is None:
            return
        elif cls is bool:
            ws.write_boolean(r, c, v, self.plain)
        elif cls is int or cls is float:
            ws.write_number(r, c, v, self.plain)
        elif cls is dt.datetime:
            ws.write_datetime(r, c, v, self.date if v.time() == dt.time() else self.time)
        elif cls is dt.date:
            ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), self.date)
        else:
            ws.write_string(r, c, str(v), self.text)


def _shown(v: Any) -> str:
    if isinstance(v, (dt.date, dt.datetime)):
        return DATE_FORMAT
    return "" if v is None else str(v)


def _table(wb, fmt: Formats, name: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
           widths: Sequence[float], *, keep: int = 1, title: str | None = None, wrap_at: float = 0) -> None:
    """A sheet: header on the first row (frozen, filtered, repeated on every page), rows below."""
    ws = wb.add_worksheet(sheet_name(name))
    head = fmt.header()
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.set_row(0, row_height(max(1, *(wrapped_lines(h, w) for h, w in zip(headers, widths)))))
    for c, h in enumerate(headers):
        ws.write_string(0, c, h, head)
    out = _Cells(fmt)
    room = [w - 1 for w in widths]
    n = 0
    for n, cells in enumerate(rows, start=1):
        wide = [c for c, v in enumerate(cells) if v.__class__ is str and (_width(v) > room[c] or "\n" in v)]
        if wide:            # before the row's cells: the sheet is written row by row
            ws.set_row(n, row_height(max(_lines(cells[c], widths[c]) for c in wide)))
        for c, v in enumerate(cells):
            out.write(ws, n, c, v, c in wide)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(n, 1), len(headers) - 1)
    print_setup(ws, widths=widths, repeat=0, margins=MARGINS, keep=keep,
                header=page_header(center=title or name, bold_center=True))


def _widths(headers: Sequence[str], rows: Sequence[Sequence[Any]], maximum: float = 40) -> list[float]:
    sample = rows[:SAMPLE]
    return [fit_width([h, *(_shown(r[c]) for r in sample)], maximum=maximum) for c, h in enumerate(headers)]


def _source_cells(r: Row) -> list[Any]:
    return [Path(r.source.file).name, r.source.sheet, r.source.row, "；".join(r.flags)]


def _template_sheet(wb, fmt: Formats, spec, extras: list[str], rows: list[Row]) -> None:
    headers = [*spec.headers, *extras, *SOURCE_COLUMNS]
    cells = []
    for r in rows:
        more = dict(r.extras)
        cells.append([*r.cells, *(more.get(h) for h in extras), *_source_cells(r)])
    widths = _widths(headers, cells)
    widths[-1] = max(widths[-1], 16)
    keep = 1 + max((spec.ids.index(k) for k in spec.key), default=0)
    _table(wb, fmt, spec.name, headers, cells, widths, keep=keep)


CONFLICT_HEADERS = ("冲突", "工作表", "键", "结果", "不同的列", "这一行的值", "来源文件", "来源工作表", "来源行", "文件修改时间")


def _conflicts(wb, fmt: Formats, result: MergeResult) -> None:
    """Rows of one key that differ, one line per candidate (and the base's row), their
    differing values side by side in one column."""
    specs = {spec.name: spec for spec, _, _ in result.master.values()}
    lines = []
    for c in result.conflicts:
        for r in ([c.base] if c.base is not None and c.base not in c.candidates else []) + c.candidates:
            if r is c.base and r not in c.candidates:
                outcome = "基准（上一版总表）" + ("，采用" if r is c.kept else "")
            else:
                outcome = "采用" if r is c.kept else "未采用"
            lines.append([c.number, c.template, c.key, f"{outcome}（{c.status}）", "、".join(c.fields),
                          _differing(c, r, specs[c.template]), Path(r.source.file).name, r.source.sheet, r.source.row,
                          _when(r.source.modified)])
    if not lines:
        lines.append(["", "", "没有冲突：同一个键的行都完全相同", "", "", "", "", "", "", ""])
    widths = _widths(CONFLICT_HEADERS, lines)
    widths[5] = min(max(widths[5], 30), 50)
    _table(wb, fmt, CONFLICTS, CONFLICT_HEADERS, lines, widths, keep=3)


def _differing(c: Conflict, r: Row, spec) -> str:
    """The values of the columns that differ among the candidates, as 列=值 lines."""
    parts = [f"{f.header}={_text(v)}" for f, v in zip(spec.fields, r.cells) if f.header in c.fields]
    if "（另加的列）" in c.fields:
        parts += [f"{h}={_text(v)}" for h, v in r.extras]
    return "\n".join(parts)


def _text(v: Any) -> str:
    if isinstance(v, dt.datetime) and v.time() == dt.time():
        return v.date().isoformat()
    return "（空）" if v is None or v == "" else str(v)


def _when(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S") if ts else ""


SUMMARY_HEADERS = ("工作表", "读入行数", "进入总表", "重复删除", "冲突未采用", "沿用基准", "总表行数", "守恒")
FILE_HEADERS = ("文件", "工作表", "模板", "读入行数", "有错误的行", "隐藏行", "进入总表", "重复删除", "冲突未采用", "文件修改时间")


def _notes(wb, fmt: Formats, result: MergeResult) -> None:
    """合并说明: what was merged how, the conservation rule per template, rows per file, notes."""
    ws = wb.add_worksheet(MERGE_NOTES)
    bold = fmt.get(bold=True, font_size=14)
    note = fmt.get(text_wrap=True, valign="top")
    head = fmt.header()
    widths = [22, 14, 12, 10, 10, 10, 10, 10, 10, 18]
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    total = sum(widths)
    r = 0
    ws.write_string(r, 0, "合并说明", bold)
    r += 1
    lines = [f"合并了 {len({f.file for f in result.files})} 个文件，冲突处理：{POLICY_WORDS[result.policy]}。",
             "守恒：读入行数 = 进入总表 + 重复删除 + 冲突未采用；总表行数 = 进入总表 + 沿用基准。"
             "每一行都写明来源文件、工作表和行号；有错误的行、隐藏行照样进入总表，在“合并标记”列注明。"]
    if result.base:
        lines.append(f"基准（上一版总表）：{Path(result.base).name}；与它的差别列在「{DIFF}」表。")
    for text in lines:
        ws.merge_range(r, 0, r, len(widths) - 1, text, note)
        ws.set_row(r, row_height(wrapped_lines(text, total)))
        r += 1
    r += 1
    out = _Cells(fmt)
    for c, h in enumerate(SUMMARY_HEADERS):
        ws.write_string(r, c, h, head)
    first = r
    for t in result.templates:
        r += 1
        for c, v in enumerate((t.sheet, t.rows_in, t.rows_out, t.duplicates, t.conflicts_resolved,
                               t.from_base, t.master_rows, "✓ 相符" if t.balanced else "✗ 不符")):
            out.write(ws, r, c, v)
    r += 2
    for c, h in enumerate(FILE_HEADERS):
        ws.write_string(r, c, h, head)
    for f in result.files:
        r += 1
        for c, v in enumerate((Path(f.file).name, f.sheet, f.template, f.rows_in, f.errors, f.hidden, f.rows_out,
                               f.duplicates, f.conflicts_resolved,
                               f.modified.strftime("%Y-%m-%d %H:%M") if f.modified else "")):
            out.write(ws, r, c, v, wrap=c < 3)
    r += 2
    for text in result.notes:
        ws.merge_range(r, 0, r, len(widths) - 1, "· " + text, note)
        ws.set_row(r, row_height(wrapped_lines("· " + text, total)))
        r += 1
    ws.repeat_rows(first, first)
    print_setup(ws, widths=widths, margins=MARGINS, header=page_header(center=MERGE_NOTES, bold_center=True))
    ws.activate()


CHANGE_HEADERS = ("工作表", "变更", "键", "列", "原值", "新值", "来源文件", "来源工作表", "来源行")


def _changes(wb, fmt: Formats, result: MergeResult) -> None:
    lines = [[c.template, c.kind, c.key, c.field, _text(c.old) if c.kind == "修改" else "",
              _text(c.new) if c.kind == "修改" else "",
              Path(c.source.file).name if c.source else "", c.source.sheet if c.source else "",
              c.source.row if c.source else ""] for c in result.changes]
    if not lines:
        lines.append(["", "", "与基准完全相同", "", "", "", "", "", ""])
    widths = _widths(CHANGE_HEADERS, lines, maximum=30)
    _table(wb, fmt, DIFF, CHANGE_HEADERS, lines, widths, keep=3)


