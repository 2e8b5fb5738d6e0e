"""Validate workbooks and CSV files against the specs: every problem, never the first only.

``validate(paths)`` reads each file (guarded), recognises its sheets, checks every cell,
every row rule, keys across all files, and references among all files given together,
and returns the report with the recognised tables (normalised values, error rows marked)
for the steps that build on them (quotas, plans, monthly reports).
"""

from __future__ import annotations

import datetime as dt
import os
from bisect import bisect_left, bisect_right

from dataclasses import dataclass, field, replace
from itertools import compress, repeat
from operator import itemgetter, not_
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from .checks.cells import CellChecker
from .checks.references import check_references
from .checks.rows import check_rows
from .checks.structure import Located, Recognised, header_forms, is_total, norm_name, odd_row, recognise
from .checks.tables import check_keys
from .errors import ConfigError, ReadError
from .gcpause import gc_paused
from .problems import FileInfo, Problem, Report, SheetInfo, finding, make_problem
from .readers import Sheet, Workbook, read
from .readers.ahead import ahead, beside
from .readers.grid import EMPTY
from .readers.sniff import is_office_lock
from .readers.styles import cell_formats
from .spec import Specs, load_specs
from .a1 import a1, col_letter, parse_a1
from .table import Table

Progress = Callable[[int, int, str], None]


@dataclass
class Validation:
    """What validate returns: the report, the recognised tables, the kept read results."""
    report: Report
    tables: list[Table] = field(default_factory=list)
    workbooks: dict[str, Workbook] = field(default_factory=dict)   # the read results asked to be kept

    def tables_of(self, sheet_id: str) -> list[Table]:
        """The recognised tables of one template sheet, in file order."""
        return [t for t in self.tables if t.spec.id == sheet_id]

    def frame(self, sheet_id: str, include_errors: bool = False):
        """All rows of one sheet kind across files, as a DataFrame with a column per
        field id plus "row", "file" and "sheet"; rows with errors left out by default."""
        import pandas as pd

        frames = [t.frame(include_errors).assign(file=t.file, sheet=t.sheet)
                  for t in self.tables_of(sheet_id)]
        if not frames:
            spec = load_specs().sheet(sheet_id)
            return pd.DataFrame(columns=[*spec.ids, "row", "file", "sheet"])
        return pd.concat(frames, ignore_index=True)


class Collector:
    """Turns located findings into Problems, remembers flagged cells and error rows."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.order: dict[tuple[str, str], tuple[int, int]] = {}
        self._flagged: dict[tuple[int, str], set[int]] = {}
        self._errors: dict[tuple[str, str, str | None], int] = {}    # first error per cell -> index

    def sheet_problem(self, located: Located, file: str, sheet: str | None) -> None:
        """Report a problem of a sheet or its headers (not of a table's cell)."""
        cell = a1(located.col, located.row) if located.col is not None and located.row else None
        self.problems.append(make_problem(located.finding, file=file, sheet=sheet, row=located.row,
                                          column=located.column, cell=cell))

    def cell_problem(self, table: Table, field_id: str, i: int, f, related: Iterable[str] = ()) -> Problem:
        """Report a finding at one cell of a table (data index i); errors mark the row."""
        p = make_problem(f, file=table.file, sheet=table.sheet, row=table.rows[i],
                         column=table.spec.header(field_id), cell=table.cell(field_id, i),
                         related=related)
        self.problems.append(p)
        self._flagged.setdefault((id(table), field_id), set()).add(i)
        if p.severity == "error":
            table.field_errors.setdefault(field_id, set()).add(i)
            self._errors.setdefault((p.file, p.sheet or "", p.cell), len(self.problems) - 1)
        return p

    def flag(self, table: Table, field_id: str, rows: Iterable[int], error: bool) -> None:
        """Mark further cells that share one grouped problem (references)."""
        rows = list(rows)
        self._flagged.setdefault((id(table), field_id), set()).update(rows)
        if error:
            table.field_errors.setdefault(field_id, set()).update(rows)

    def flagged(self, table: Table, field_id: str) -> set[int]:
        """Rows of a table with a problem reported in this field."""
        return self._flagged.get((id(table), field_id), set())

    def error_at(self, table: Table, field_id: str, i: int) -> Problem | None:
        """The first error reported at one cell, if any."""
        k = self._errors.get((table.file, table.sheet, table.cell(field_id, i)))
        return None if k is None else self.problems[k]

    def amend(self, problem: Problem, more: str) -> None:
        """Add a sentence to an error already reported (the same mistake seen elsewhere)."""
        k = self._errors[(problem.file, problem.sheet or "", problem.cell)]
        self.problems[k] = replace(problem, message=problem.message + more)


def validate(paths: Sequence[str | Path | Workbook], *, today: dt.date | None = None,
             progress: Progress | None = None, specs: Specs | None = None,
             keep: Iterable[str | Path | Workbook] = ()) -> Validation:
    """Validate files together. A path may also be a Workbook already read (the values of
    a workbook open in Excel), taken as it is. keep: files whose read result the caller
    edits next (kept only when asked: a whole grid is as big as the sheet)."""
    with gc_paused():
        return _validate(paths, today, progress, specs, {os.fspath(k) for k in keep})


@dataclass
class ValidateRun:
    """What `gcs validate` did: the validation and, with --annotate, each marked-up copy."""
    validation: Validation
    annotated: list = field(default_factory=list)      # annotate.Annotated

    @property
    def report(self) -> Report:
        """Every problem found, and what was read (the validation's report)."""
        return self.validation.report

    @property
    def tables(self) -> list[Table]:
        """The recognised sheets with their checked values."""
        return self.validation.tables


def validate_files(paths: Sequence[str | Path], *, annotate_dir: str | Path | None = None,
                   today: dt.date | None = None, progress: Progress | None = None) -> ValidateRun:
    """The `gcs validate` command: validate all files together; with annotate_dir, write
    a marked-up copy of each from the grids already read (kept only then)."""
    validation = validate(paths, today=today, progress=progress, keep=paths if annotate_dir else ())
    if not annotate_dir:
        return ValidateRun(validation)
    from .annotate import annotate      # openpyxl: only when copies are asked for

    return ValidateRun(validation, annotate(validation, annotate_dir, inputs=paths))


def validate_readable(paths: Sequence[str | Path], **kwargs) -> Validation:
    """validate, for the commands that cannot work without every file: an unreadable one
    stops them with its reason."""
    v = validate(paths, **kwargs)
    if v.report.unreadable:
        bad = v.report.unreadable[0]
        raise ConfigError(f"{bad.file}：无法读取 —— {bad.read_error}")
    return v


def _validate(paths, today, progress, specs, keep: set[str]) -> Validation:
    specs = specs or load_specs()
    today = today or dt.date.today()
    report = Report()
    out = Collector()
    tables: list[Table] = []
    table_order: dict[int, int] = {}
    kept: dict[str, Workbook] = {}
    infos: dict[int, FileInfo] = {}
    for n, path, workbook in _read_ahead(paths, progress):
        name = os.fspath(path)
        if workbook is LOCK_FILE:
            report.notes.append(f"跳过了 {name}：这是 Excel 或 WPS 打开工作簿时留下的锁文件（~$ 开头），不是数据")
            continue
        info = infos[n] = FileInfo(file=name)
        if isinstance(workbook, ReadError):
            info.read_error = workbook.reason
            continue
        info.kind = workbook.kind
        if name in keep:
            kept[name] = workbook
        info.notes.extend(workbook.notes)
        form = _application_form(workbook, specs)
        if form is not None:
            report.notes.append(f"没有校验 {name}：它是{form.workbook}，请用 {form.command} 检查")
            continue
        others: list[tuple[Sheet, Located | None]] = []     # sheets that are no template's
        found = 0
        for s_index, sheet in enumerate(workbook.sheets):
            out.order[(name, sheet.name)] = (n, s_index)
            table = _recognised_table(sheet, name, workbook.kind == "csv", specs, info, out, others)
            if table is not None:
                _check_cells(table, sheet, out, today)
                check_rows(table, out)
                tables.append(table)
                table_order[id(table)] = n
                found += 1
        _other_sheets(others, found, name, info, out)
    if progress:
        progress(len(paths), len(paths), "")
    report.files = [infos[n] for n in sorted(infos)]          # in the order given, however read
    tables.sort(key=lambda t: table_order[id(t)])
    check_keys(tables, out)
    report.notes.extend(check_references(tables, out, specs))
    report.problems = sorted(out.problems, key=lambda p: _sort_key(p, out.order))
    return Validation(report, tables, kept)


LOCK_FILE = object()     # what _read_one hands on for an office suite's lock file (never read)


def _read_ahead(paths, progress: Progress | None):
    """(position, path, workbook read) for every path, the small files first: the biggest
    is read in a thread of its own from the start, the others one ahead in another, so that
    they are checked while it is read (python-calamine lets go of the GIL)."""
    sizes = [_size(p) for p in paths]
    biggest = max(range(len(paths)), key=sizes.__getitem__) if len(paths) > 1 and max(sizes) else None
    big = beside(_read_one, paths[biggest]) if biggest is not None else None
    rest = [n for n in range(len(paths)) if n != biggest]
    done = 0
    for n, workbook in ahead(((n, _read_one(paths[n])) for n in rest), name="gcs-read"):
        if progress:
            progress(done, len(paths), os.fspath(paths[n]))
        done += 1
        yield n, paths[n], workbook
    if big is not None:
        if progress:
            progress(done, len(paths), os.fspath(paths[biggest]))
        yield biggest, paths[biggest], big()


def _size(path) -> int:
    if isinstance(path, Workbook):
        return 0
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _read_one(path):
    """The file read, or why it cannot be; an Excel/WPS lock file (~$...) is not read at all."""
    if isinstance(path, Workbook):
        return path
    if is_office_lock(Path(path)):
        return LOCK_FILE
    try:
        return read(path)
    except ReadError as e:
        return e


def _sort_key(p: Problem, order: dict) -> tuple:
    file_i, sheet_i = order.get((p.file, p.sheet or ""), (len(order), 0))
    col = parse_a1(p.cell)[0] if p.cell else -1
    return (file_i, sheet_i, p.row or 0, col, p.code)


def _application_form(workbook: Workbook, specs: Specs):
    """The application form (入网申报表) a workbook is, when these specs do not read forms:
    its sheets would pass for templates' by their headers, each missing a column."""
    names = {norm_name(s.name) for s in workbook.sheets}
    return next((t for t in specs.applications if {s.name for s in t.sheets} <= names), None)


def _recognised_table(sheet: Sheet, file: str, csv: bool, specs: Specs, info: FileInfo,
                      out: Collector, others: list) -> Table | None:
    result = recognise(sheet, specs)
    if result is None:      # our own auxiliary sheets, or an empty sheet
        if not len(sheet):
            others.append((sheet, None))
        return None
    if isinstance(result, Located):
        if result.finding.code == "sheet_unrecognised" and (sheet.hidden or result.finding.params["matches"] < 2):
            others.append((sheet, result))      # decided once the whole file is read
        else:
            out.sheet_problem(result, file, sheet.name)
        info.sheets.append(SheetInfo(sheet.name, None))
        return None
    rec: Recognised = result
    info.notes.extend(rec.notes)
    for located in rec.found:
        out.sheet_problem(located, file, sheet.name)
    ids = list(rec.columns)
    idxs = [rec.columns[f] for f in ids]
    index, columns = sheet.data(rec.header_index + 1, idxs)
    keep = _data_rows(index, columns, ids, idxs, rec, file, sheet, out)
    if keep is not None:
        index = _pick(index, keep)
        columns = [_pick(col, keep) for col in columns]
    rows = list(map((1).__add__, index))
    raw = dict(zip(ids, columns))
    table = Table(file, sheet.name, rec.spec, rec.header_row, rec.columns, rows, raw, csv=csv)
    info.sheets.append(SheetInfo(sheet.name, rec.spec.name, rec.header_row, len(rows)))
    _report_headerless(sheet, rec, out, file)
    return table


def _other_sheets(others: list[tuple[Sheet, Located | None]], found: int, file: str,
                  info: FileInfo, out: Collector) -> None:
    """Sheets a clerk added beside the data (备注, 说明, an empty Sheet2) are no problem: one
    note lists them. In a file where no sheet is a template's, nothing was checked: that
    is a problem for each sheet with content."""
    if not found:
        for sheet, located in others:
            if located is not None and not sheet.hidden:
                out.sheet_problem(located, file, sheet.name)
        others = [(s, loc) for s, loc in others if loc is None or s.hidden]
    if others:
        names = "、".join(f"{s.name}（{'空的' if loc is None else '隐藏' if s.hidden else '不是模板的表'}）"
                         for s, loc in others)
        info.notes.append(f"没有校验这些工作表：{names}")


def _data_rows(index, columns, ids, idxs, rec: Recognised, file: str, sheet: Sheet, out) -> list[int] | None:
    """Which rows are data: not empty in every mapped column (an error value is not empty),
    not nothing-but-spaces, not a total row (合计 in one of the first columns, mapped or
    not) or the header pasted again. A row that is empty or spaces only is so in the first
    mapped column: only the rows found there (at C speed) are looked at one by one.
    Returns the positions to keep, or None when every row is data."""
    n = len(index)
    if not n or not columns:
        return None
    first = columns[0]
    spaces = set(filter(str.isspace, _texts(first)))
    with_errors = _error_positions(index, idxs, sheet)
    drop = set()
    for i in _positions(first, EMPTY | spaces if spaces else EMPTY):
        mapped = tuple(col[i] for col in columns)
        if all(v is None or v == "" for v in mapped):
            if i not in with_errors:
                drop.add(i)
        elif i not in with_errors and all(v is None or (v.__class__ is str and (not v or v.isspace())) for v in mapped):
            _spaces_only(mapped, ids, idxs, index[i] + 1, rec, file, sheet, out)
            drop.add(i)
    lead = [c for c in range(3) if c not in idxs]
    _, lead_columns = sheet.data(rec.header_index + 1, lead) if lead else (None, [])
    for c, col in zip(lead, lead_columns):      # 合计 in a column of its own (序号, say)
        if _may_contain(col, "计"):
            for i, v in enumerate(col):
                if i not in drop and is_total(v):
                    out.sheet_problem(Located(finding("total_row", value=v.strip()), index[i] + 1, c, None),
                                      file, sheet.name)
                    drop.add(i)
    for i in _odd_candidates(columns, rec.spec, ids[0]):
        if i in drop:
            continue
        odd = odd_row(tuple(col[i] for col in columns), ids, rec.spec)
        if odd:
            k, f = odd
            out.sheet_problem(Located(f, index[i] + 1, idxs[k], rec.spec.header(ids[k])), file, sheet.name)
            drop.add(i)
    if not drop:
        return None
    return [i for i in range(n) if i not in drop]


def _pick(values: list, keep: list[int]) -> list:
    """The values at the positions keep, at C speed."""
    return list(itemgetter(*keep)(values)) if len(keep) > 1 else [values[i] for i in keep]


def _error_positions(index, idxs, sheet: Sheet) -> set[int]:
    """Positions of rows holding an error value (#N/A ...) in a mapped column."""
    if not sheet.errors:
        return set()
    cols = set(idxs)
    rows = {r for r, c in sheet.errors if c in cols}
    return {i for i, r in enumerate(index) if r in rows}


def _odd_candidates(columns, spec, first_field: str) -> list[int]:
    """Rows that might be a total row (a 计 in one of the first cells) or the header pasted
    again (the first cell is that column's header): a set lookup per cell."""
    seen: set[int] = set()
    for col in columns[:3]:
        if _may_contain(col, "计"):
            seen.update(i for i, v in enumerate(col) if v.__class__ is str and "计" in v)
    forms = header_forms(spec, first_field)
    if columns and not forms.isdisjoint(columns[0]):
        seen.update(i for i, v in enumerate(columns[0]) if v.__class__ is str and v in forms)
    return sorted(seen)


def _may_contain(col: list, text: str) -> bool:
    """Whether any cell of a column may contain text: one C-level join and search."""
    try:
        return text in "\x00".join(col)
    except TypeError:           # numbers, dates: look only at the text cells
        return text in "\x00".join(_texts(col))


def _texts(col: list) -> Iterable[str]:
    """The text cells of a column, at C speed."""
    return compress(col, map(isinstance, col, repeat(str)))


def _spaces_only(mapped, ids, idxs, row: int, rec: Recognised, file: str, sheet: Sheet, out) -> None:
    """A row holding nothing but spaces is a blank row with stray spaces, not a row of
    missing values: one warning per such cell (the row is skipped)."""
    for k, v in enumerate(mapped):
        if v:
            out.sheet_problem(Located(finding("stray_whitespace", "", value=v, where="全是空格"),
                                      row, idxs[k], rec.spec.header(ids[k])), file, sheet.name)


def _report_headerless(sheet: Sheet, rec: Recognised, out: Collector, file: str) -> None:
    """Content in columns that have no header at all is reported, never dropped silently."""
    header_values = sheet.head(rec.header_index + 1)[rec.header_index][1]
    named = {c for c, v in enumerate(header_values) if v not in ("", None)}
    for c, hits in sheet.stray(rec.header_index + 1, named).items():
        out.sheet_problem(Located(finding("data_without_header", col=col_letter(c), count=len(hits),
                                          first=a1(c, hits[0] + 1)), hits[0] + 1, c), file, sheet.name)


def _check_cells(table: Table, sheet: Sheet, out: Collector, today: dt.date) -> None:
    specials = _special_cells(table, sheet, out)
    checked = []
    for fid, raws in table.raw.items():
        check = CellChecker(table.spec.field(fid), csv=table.csv, today=today)
        checked.append((fid, check, *_check_column(raws, check)))
    shown = _as_shown(table, checked)
    for fid, check, values, findings, empties in checked:
        skip = specials.get(table.columns[fid], {})
        for i in skip:
            values[i] = None    # merged-over or error cells hold no usable value
        for i, found in findings:
            if i not in skip:
                for f in shown.get((fid, i), found):
                    out.cell_problem(table, fid, i, f)
        if check.field.required:
            for i in empties:
                if i not in skip:
                    out.cell_problem(table, fid, i, finding("required_missing", detail=""))
        table.values[fid] = values


def _as_shown(table: Table, checked: list) -> dict[tuple[str, int], tuple]:
    """Numbers in code columns whose message depends on what their cells show (digits
    lost, leading zeros perhaps shown by a format), checked again knowing the number
    format and column width: looked up in the file for these few cells only. Updates the
    values; returns the findings by (field id, data index)."""
    if table.csv:
        return {}
    wanted: dict[tuple[int, int], tuple] = {}
    for fid, check, values, findings, _ in checked:
        raws, col = table.raw[fid], table.columns[fid]
        for i, found in findings:
            if check.needs_format(raws[i], found):
                wanted[(table.rows[i] - 1, col)] = (fid, check, values, i)
    if not wanted:
        return {}
    out = {}
    for cell, fmt in cell_formats(table.file, table.sheet, wanted).items():
        fid, check, values, i = wanted[cell]
        values[i], out[(fid, i)] = check.with_format(table.raw[fid][i], fmt)
    return out


def _check_column(raws: list[Any], check: CellChecker):
    """Check each distinct value once, then map the results back to rows. Returns values,
    [(row, findings)], empty rows. Values that the field's clean pattern passes are valid
    as typed; only the others get the full check. Every per-row step is a C-level map: a
    Python loop over a million rows costs more than checking the column's values."""
    types = set(map(type, raws))
    if bool in types or (int in types and float in types):
        # True == 1 == 1.0 would share one result: check these columns cell by cell.
        results = [check(r) for r in raws]
        values = [r[0] for r in results]
        findings = [(i, r[1]) for i, r in enumerate(results) if r[1]]
        return values, findings, _positions(raws, EMPTY)
    # The fast paths need a clean pattern that an empty cell fails (empties are found with
    # what it does not pass).
    clean = check.clean.fullmatch if check.clean is not None and not check.clean.fullmatch("") else None
    if clean is not None and _mostly_distinct(raws):
        # Names, addresses, licences: deduplicating first would cost more than the pattern
        # test of every row. Only the rows it does not pass are looked at again.
        where = _not_clean(raws, types, clean)
        todo = dict.fromkeys(map(raws.__getitem__, where))
    else:
        where = None
        todo = dict.fromkeys(raws)
        if clean is not None:
            strs = list(todo) if types == {str} else [u for u in todo if u.__class__ is str]
            for u in compress(strs, map(clean, strs)):
                del todo[u]
    bad, changed = {}, {}
    for u in todo.keys() - EMPTY:
        value, found = check(u)
        if value is not u:
            changed[u] = value
        if found:
            bad[u] = found

    def rows_of(among) -> list[int]:
        """The rows holding one of these values (in the other case only those not clean can)."""
        return _positions(raws, among) if where is None else [i for i in where if raws[i] in among]

    values = raws[:]
    for i in rows_of(changed) if changed else ():
        values[i] = changed[raws[i]]
    empties = rows_of(EMPTY) if not todo.keys().isdisjoint(EMPTY) else []
    for i in empties:
        values[i] = None
    return values, [(i, bad[raws[i]]) for i in rows_of(bad)] if bad else [], empties


def _mostly_distinct(raws: list[Any], sample: int = 2000) -> bool:
    """Whether most values of the column differ (judged from its first rows)."""
    head = raws[:sample]
    return len(head) >= 100 and len(set(head)) * 2 > len(head)


def _not_clean(raws: list[Any], types: set, clean) -> list[int]:
    """Positions whose value the clean pattern does not pass (empty and non-text cells
    included), at C speed."""
    if types == {str}:
        return list(compress(range(len(raws)), map(not_, map(clean, raws))))
    is_str = list(map(isinstance, raws, repeat(str)))
    text_at = list(compress(range(len(raws)), is_str))
    failed = compress(text_at, map(not_, map(clean, compress(raws, is_str))))
    return sorted([*failed, *compress(range(len(raws)), map(not_, is_str))])


def _positions(values: list[Any], among) -> list[int]:
    """Positions of the values that are in among (a set or dict), at C speed."""
    return list(compress(range(len(values)), map(among.__contains__, values)))


def _special_cells(table: Table, sheet: Sheet, out: Collector) -> dict[int, dict[int, str]]:
    """Merged, error and formula cells of the data area: reported here, once each.
    Returns column -> {data index: kind} for cells whose other checks are skipped."""
    if not (sheet.merged or sheet.errors or sheet.formulas):
        return {}
    pos = {row - 1: i for i, row in enumerate(table.rows)}
    by_col = {c: h for h, c in table.columns.items()}
    skip: dict[int, dict[int, str]] = {}
    data_rows = sorted(pos)
    for r1, c1, r2, c2 in sheet.merged:
        cols = [c for c in by_col if c1 <= c <= c2]
        rows = [r for r in data_rows[bisect_left(data_rows, r1):bisect_right(data_rows, r2)]]
        if not cols or not rows:
            continue        # beside the table, in the header, or on a row that is not data
        fid = by_col[min(cols)]
        rng = f"{a1(c1, r1 + 1)}:{a1(c2, r2 + 1)}"
        out.cell_problem(table, fid, pos[rows[0]], finding("merged_cells", range=rng))
        for c in cols:
            covered = [pos[r] for r in rows if (r, c) != (r1, c1)]
            for i in covered:
                skip.setdefault(c, {})[i] = "merged"
            # the cells under a merge hold nothing: those rows are incomplete, reported once
            out.flag(table, by_col[c], covered, error=True)
    for (r, c), text in sheet.errors.items():
        if c in by_col and r in pos:
            formula = sheet.formulas.get((r, c))
            detail = f"（公式 {formula} 的结果）" if formula else ""
            out.cell_problem(table, by_col[c], pos[r], finding("error_value", value=text, detail=detail))
            skip.setdefault(c, {})[pos[r]] = "error"
    for (r, c), text in sheet.formulas.items():
        if c in by_col and r in pos and (r, c) not in sheet.errors:
            i = pos[r]
            value = table.raw[by_col[c]][i]
            out.cell_problem(table, by_col[c], i, finding(
                "formula_in_data", formula=f" {text}" if text else "", value=value))
    return skip
