"""`gcs merge`: many staff workbooks into one master, without losing a row.

Each input is validated on its own with the checks of `gcs validate` (copies of one store
list would otherwise be each other's duplicate keys); every recognised sheet is stacked
under its template, rows with errors kept and flagged. Exact duplicates are removed and
counted; rows of one key (the spec's key fields) that differ are conflicts, settled by the
policy and always shown. The conservation rule, per template:

    rows in = rows out + duplicates removed + conflicts resolved

where rows out are the input rows in the master and conflicts resolved the input rows of a
conflicting key that did not go in (each one listed in 冲突). With a base (the previous
master), the master's rows are compared with it (变更) and, under flag and base, a
conflicting key keeps the base's row. merge_workbook.py writes the master.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import is_
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from .errors import ConfigError, ReadError
from .gcpause import gc_paused
from .merge_workbook import SOURCE_COLUMNS, write_master
from .problems import Report
from .readers import read
from .readers.ahead import ahead
from .readers.grid import EMPTY
from .readers.sniff import is_office_lock
from .spec import SheetSpec, Specs, load_specs
from .table import Table
from .validation import Validation, validate
from .writing import check_writable, lock_files

POLICIES = ("flag", "newest", "base")
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Source:
    """Where a row came from: file, sheet, Excel row, and the file's modification time."""
    file: str
    sheet: str
    row: int
    modified: float = 0.0


@dataclass(slots=True)
class Row:
    """One row as read: the template's cells in spec order (checked values; the text as
    typed where a value has an error), extra columns as (header, value) pairs, its source
    and what merging must say about it."""
    cells: tuple
    extras: tuple
    source: Source
    flags: list[str] = field(default_factory=list)
    duplicates: int = 0            # exact copies of this row removed from other places

    @property
    def identity(self) -> tuple:
        """What makes two rows exact duplicates: every cell, extra columns included."""
        return (self.cells, self.extras)


@dataclass
class TemplateCount:
    """The conservation rule for one template."""
    sheet: str
    rows_in: int = 0
    rows_out: int = 0               # input rows in the master
    duplicates: int = 0
    conflicts_resolved: int = 0     # input rows of a conflicting key left out (all in 冲突)
    from_base: int = 0              # master rows kept from the base under flag/base
    master_rows: int = 0

    @property
    def balanced(self) -> bool:
        """rows in = rows out + duplicates removed + conflicts resolved, and the master holds
        the rows out and the base's rows kept."""
        return (self.rows_in == self.rows_out + self.duplicates + self.conflicts_resolved
                and self.master_rows == self.rows_out + self.from_base)


@dataclass
class FileCount:
    """Rows in and out for one sheet of one input file."""
    file: str
    sheet: str
    template: str
    rows_in: int = 0
    errors: int = 0                 # rows with an error (kept, flagged)
    hidden: int = 0                 # rows hidden in the file (kept, flagged)
    rows_out: int = 0
    duplicates: int = 0
    conflicts_resolved: int = 0
    modified: dt.datetime | None = None


@dataclass
class Conflict:
    """Rows of one key that differ: every candidate, which one the master kept and why."""
    number: int
    template: str
    key: str                        # 专卖证号=430102200045
    candidates: list[Row]
    kept: Row
    status: str                     # 待定 / 已按最新 / 已按基准
    fields: list[str]               # headers whose values differ among the candidates
    base: Row | None = None


@dataclass
class Change:
    """One difference from the base: a row added or removed, or a cell changed."""
    template: str
    kind: str                       # 新增 / 修改 / 删除
    key: str
    field: str = ""
    old: Any = None
    new: Any = None
    source: Source | None = None


@dataclass
class MergeResult:
    """What `gcs merge` did: the master, the counts, conflicts, changes and notes."""
    output: Path
    policy: str
    base: str | None
    templates: list[TemplateCount]
    files: list[FileCount]
    conflicts: list[Conflict]
    changes: list[Change]
    report: Report                  # every input's validation problems
    notes: list[str] = field(default_factory=list)
    master: dict[str, tuple[SheetSpec, list[str], list[Row]]] = field(default_factory=dict, repr=False)

    @property
    def balanced(self) -> bool:
        """Whether the conservation rule holds for every template."""
        return all(t.balanced for t in self.templates)

    @property
    def open_conflicts(self) -> list[Conflict]:
        """Conflicts a person still has to settle (policy flag)."""
        return [c for c in self.conflicts if c.status == PENDING]

    @property
    def exit_code(self) -> int:
        """0 when nothing needs a person's eye, 1 with rows in error or conflicts pending."""
        return 1 if self.open_conflicts or any(f.errors for f in self.files) else 0


PENDING, BY_NEWEST, BY_BASE, ONE_CHANGE = "待定", "已按最新", "已按基准", "只有一份改过，已采用"


def merge(files: Sequence[str | Path], out: str | Path, base: str | Path | None = None, policy: str = "flag",
          *, today: dt.date | None = None, progress: Progress | None = None,
          specs: Specs | None = None) -> MergeResult:
    """The `gcs merge` command: validate each file, stack its rows per template with their
    source, remove exact duplicates, settle conflicts by policy (flag: the base's row, else
    the first given, flagged; newest: the row of the file saved last, by modification
    time; base: the base's row; under flag and base, a row that only one file changed
    since the base takes that change), compare with base, write the master to out. Refuses to write over an input or a
    file Excel holds open, and stops when an input cannot be read."""
    if policy not in POLICIES:
        raise ConfigError(f"不认识的冲突处理方式「{policy}」：只能是 {'、'.join(POLICIES)}")
    if policy == "base" and base is None:
        raise ConfigError("--policy base 需要 --base（上一版总表）")
    if not files:
        raise ConfigError("没有要合并的文件")
    out = Path(out)
    inputs = [*files, *([base] if base is not None else [])]
    check_writable(out, inputs)         # before the reading, which may take a while
    specs = specs or load_specs()
    with gc_paused():
        result = _merge(list(files), out, base, policy, today, progress, specs)
    write_master(result, inputs)
    return result


def _merge(files, out, base, policy, today, progress, specs) -> MergeResult:
    report = Report()
    notes: list[str] = []
    counts: list[FileCount] = []
    templates: dict[str, TemplateCount] = {}
    seen: dict[str, dict[tuple, Row]] = defaultdict(dict)     # template -> identity -> first row
    extras: dict[str, dict[str, None]] = defaultdict(dict)    # template -> extra headers, first seen first
    for n, got in enumerate(_reads(files, today)):
        if progress:
            progress(n, len(files), got.file)
        p = Path(got.file)
        if any(lock.exists() for lock in lock_files(p) if lock != p):
            notes.append(f"{got.file} 正在被 Excel 或 WPS 打开：读的是它最后一次保存的内容，还没保存的修改不在总表里")
        report.problems += got.problems
        report.files += got.infos
        notes += got.notes
        if got.unreadable:
            raise ConfigError(f"{got.unreadable}；没有写出总表（少了它的行）")
        for fc, sheet_id, rows in got.tables:
            counts.append(fc)
            tc = templates.setdefault(sheet_id, TemplateCount(specs.sheet(sheet_id).name))
            tc.rows_in += fc.rows_in
            unique = seen[sheet_id]
            for cells, more, row, flags in rows:      # a Row only for a row not seen before
                first = unique.get((cells, more))
                if first is None:
                    unique[(cells, more)] = Row(cells, more, Source(fc.file, fc.sheet, row, got.modified), flags)
                    for h, _ in more:
                        extras[sheet_id].setdefault(h)
                else:
                    first.duplicates += 1
                    fc.duplicates += 1
    if progress:
        progress(len(files), len(files), "")
    base_rows = _read_base(base, today, specs, notes) if base is not None else {}
    base_name = os.fspath(base) if base is not None else None
    by_file = {(c.file, c.sheet): c for c in counts}
    conflicts: list[Conflict] = []
    master: dict[str, tuple[SheetSpec, list[str], list[Row]]] = {}
    changes: list[Change] = []
    for spec in specs.sheets.values():          # the specs' order
        if spec.id not in templates and spec.id not in base_rows:
            continue
        tc = templates.setdefault(spec.id, TemplateCount(spec.name))
        rows = _settle(spec, list(seen[spec.id].values()), base_rows.get(spec.id, []), policy,
                       conflicts, tc, by_file)
        tc.master_rows = len(rows)
        tc.rows_out = sum(1 for r in rows if r.source.file != base_name)
        tc.from_base = tc.master_rows - tc.rows_out
        tc.duplicates = sum(r.duplicates for r in seen[spec.id].values())
        for r in rows:
            if r.source.file != base_name:
                by_file[(r.source.file, r.source.sheet)].rows_out += 1
        master[spec.id] = (spec, list(extras[spec.id]), rows)
        if base is not None and spec.id in base_rows:
            changes += _diff(spec, base_rows[spec.id], rows)
        elif base is not None:
            notes.append(f"基准里没有「{spec.name}」：这张表没有与基准比较")
    return MergeResult(out, policy, base_name,
                       [templates[s] for s in specs.sheets if s in templates], counts, conflicts,
                       changes, report, list(dict.fromkeys(notes)), master)


@dataclass
class FileRead:
    """One input validated and taken apart (picklable: it may come from another process):
    per recognised sheet its count, template id and rows as (cells, extras, Excel row, flags)."""
    file: str
    modified: float
    tables: list[tuple[FileCount, str, list[tuple]]] = field(default_factory=list)
    problems: list = field(default_factory=list)
    infos: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unreadable: str | None = None


PARALLEL_FROM = 4 << 20     # bytes of input: below this, starting worker processes costs more than it saves


def _reads(files: Sequence[str | Path], today) -> Iterable[FileRead]:
    """Each file read and validated, in the order given. Big inputs on a machine with
    several cores are read in worker processes (two at a time: reading a workbook holds
    the GIL for most of its time), at most one result waiting ahead of the caller per
    worker; else in this process, the next file read in a thread meanwhile."""
    workers = min(2, os.cpu_count() or 1, len(files))
    if workers > 1 and sum(_size(f) for f in files) >= PARALLEL_FROM:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            waiting = [pool.submit(read_file, f, today) for f in files[:workers + 1]]
            for k in range(len(files)):
                got = waiting[k].result()
                waiting[k] = None
                if k + workers + 1 < len(files):
                    waiting.append(pool.submit(read_file, files[k + workers + 1], today))
                yield got
        return
    for path, workbook in _read_ahead(files):
        yield read_file(path, today, workbook)


def _size(path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _read_ahead(files: Sequence[str | Path]) -> Iterable[tuple[str | Path, Any]]:
    """(path, what validate is given) per file, the next files read in a thread while this
    one is checked (python-calamine lets go of the GIL): the workbook read, or the path
    itself when it is a lock file or cannot be read (validate says why)."""
    def one(path):
        if is_office_lock(Path(path)):
            return path
        try:
            return read(path)
        except ReadError:
            return path
    return ahead(((p, one(p)) for p in files), depth=2, name="gcs-merge-read")


def read_file(path: str | Path, today: dt.date | None, workbook: Any = None) -> FileRead:
    """One input validated on its own (with the checks of `gcs validate`) and taken apart
    into rows; workbook: the file already read, when it was. An unreadable input is
    marked so: the merge stops on it (a master without it would lose its rows unseen)."""
    name = os.fspath(path)
    given = path if workbook is None else workbook
    v = validate([given], today=today, keep=[given])
    got = FileRead(name, _mtime(Path(path)), problems=v.report.problems, infos=v.report.files,
                   notes=[f"{name}：{note}" for f in v.report.files for note in f.notes] + v.report.notes)
    for info in v.report.unreadable:
        got.unreadable = f"{info.file}：无法读取 —— {info.read_error}"
        return got
    for table in v.tables:
        rows, hidden = _rows(table, v)
        fc = FileCount(name, table.sheet, table.spec.name, len(rows), len(table.bad_rows()), hidden,
                       modified=dt.datetime.fromtimestamp(got.modified) if got.modified else None)
        got.tables.append((fc, table.spec.id, rows))
    return got


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _rows(table: Table, v: Validation) -> tuple[list[tuple], int]:
    """The table's rows as (cells, extra columns, Excel row, flags: errors, hidden rows),
    and how many were hidden."""
    n = len(table)
    columns = [_cells(table, fid, n) for fid in table.spec.ids]
    sheet = next((s for s in v.workbooks[table.file].sheets if s.name == table.sheet), None)
    extra = _extra_columns(table, sheet) if sheet is not None else []
    flags: dict[int, list[str]] = defaultdict(list)
    bad: dict[int, list[str]] = defaultdict(list)
    for fid, where in table.field_errors.items():
        for i in where:
            bad[i].append(table.spec.header(fid))
    for i, headers in bad.items():
        flags[i].append("校验有错误：" + "、".join(headers))
    hidden = 0
    if sheet is not None and sheet.hidden_rows:
        for i, r in enumerate(table.rows):
            if r - 1 in sheet.hidden_rows:
                flags[i].append("原表中是隐藏行")
                hidden += 1
    if sheet is not None and sheet.hidden:
        for i in range(n):
            flags[i].append("原表中是隐藏的工作表")
    cells = list(zip(*columns)) if columns else [()] * n
    pairs = _extra_pairs(extra, n)
    if flags:
        return [(c, e, r, flags.get(i, [])) for i, (c, e, r) in enumerate(zip(cells, pairs, table.rows))], hidden
    return list(zip(cells, pairs, table.rows, repeat([]))), hidden


def _cells(table: Table, fid: str, n: int) -> list:
    """A field's column: the checked values, and where a value is missing because it is
    wrong, the text as typed (nothing a user typed is dropped)."""
    values = table.values.get(fid)
    if values is None:
        return [None] * n
    missing = list(compress(range(n), map(is_, values, repeat(None)))) if None in values else []
    if not missing:
        return values
    out = values[:]
    raws = table.raw[fid]
    for i in missing:
        raw = raws[i]
        out[i] = None if raw in EMPTY else raw
    return out


def _extra_columns(table: Table, sheet) -> list[tuple[str, list]]:
    """Columns of the sheet with a header that no field of the template has: (header,
    values per data row). Our own source columns (a master merged again) are not extra."""
    header = dict(sheet.head(table.header_row)).get(table.header_row - 1, [])
    mapped = set(table.columns.values())
    cols = [(c, str(h).strip()) for c, h in enumerate(header)
            if h not in EMPTY and c not in mapped and str(h).strip() and str(h).strip() not in SOURCE_COLUMNS]
    if not cols:
        return []
    index, values = sheet.data(0, [c for c, _ in cols])
    at = {r: k for k, r in enumerate(index)}
    pick = [at.get(r - 1) for r in table.rows]
    return [(h, [None if k is None else col[k] for k in pick]) for (_, h), col in zip(cols, values)]


def _extra_pairs(extra: list[tuple[str, list]], n: int) -> list[tuple]:
    if not extra:
        return list(repeat((), n))
    out = []
    for i in range(n):
        out.append(tuple((h, col[i]) for h, col in extra if col[i] not in EMPTY))
    return out


def _read_base(base, today, specs: Specs, notes: list[str]) -> dict[str, list[Row]]:
    """The previous master's rows per template (validated like any input; its problems
    are not the inputs', so only its unreadability stops the merge)."""
    v = validate([base], today=today, specs=specs, keep=[base])
    for info in v.report.unreadable:
        raise ConfigError(f"{info.file}：无法读取 —— {info.read_error}")
    out: dict[str, list[Row]] = defaultdict(list)
    modified = _mtime(Path(base))
    for table in v.tables:
        out[table.spec.id] += [Row(c, e, Source(table.file, table.sheet, r, modified), f)
                               for c, e, r, f in _rows(table, v)[0]]
    if not out:
        notes.append(f"基准 {os.fspath(base)} 里没有认出任何模板的表：变更表把全部行列为新增")
    return out


def key_of(spec: SheetSpec, cells: tuple) -> tuple | None:
    """A row's key (the spec's key fields), None when the template has none or a part is empty."""
    if not spec.key:
        return None
    key = tuple(cells[j] for j in _key_positions(spec))
    return None if any(k is None or k == "" for k in key) else key


def _key_positions(spec: SheetSpec) -> tuple[int, ...]:
    ids = spec.ids
    return tuple(ids.index(k) for k in spec.key)


def key_text(spec: SheetSpec, key: tuple) -> str:
    """专卖证号=430102200045 (several parts joined by ，)."""
    return "，".join(f"{spec.header(k)}={_show(v)}" for k, v in zip(spec.key, key))


def _show(v: Any) -> str:
    if isinstance(v, dt.datetime) and v.time() == dt.time():
        return v.date().isoformat()
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return "" if v is None else str(v)


def _settle(spec: SheetSpec, rows: list[Row], base: list[Row], policy: str, conflicts: list[Conflict],
            tc: TemplateCount, by_file: dict) -> list[Row]:
    """The master's rows of one template: distinct rows, one per key (the policy's choice
    where rows of a key differ), in the order first read."""
    groups: dict[tuple, list[Row]] = defaultdict(list)
    for r in rows:
        k = key_of(spec, r.cells)
        if k is not None:
            groups[k].append(r)
    base_by_key = {k: r for r in base if (k := key_of(spec, r.cells)) is not None}
    out_of: dict[int, Row] = {}         # id of the first candidate -> the row that stands in its place
    settled: set[int] = set()           # every candidate of a conflict
    for k, group in groups.items():
        if len(group) < 2:
            continue
        kept, status, old = _choose(group, base_by_key.get(k), policy)
        differ = [spec.fields[j].header for j in range(len(spec.fields))
                  if len({repr(r.cells[j]) for r in group}) > 1]
        if len({r.extras for r in group}) > 1:
            differ.append("（另加的列）")
        number = len(conflicts) + 1
        conflicts.append(Conflict(number, spec.name, key_text(spec, k), group, kept, status, differ, old))
        flag = f"冲突 {number}（{status}，见「冲突」表）"
        kept.flags = [*kept.flags, flag]
        for r in group:
            settled.add(id(r))
            if r is not kept:
                tc.conflicts_resolved += 1
                by_file[(r.source.file, r.source.sheet)].conflicts_resolved += 1
        out_of[id(group[0])] = kept
    master = []
    for r in rows:
        if id(r) in out_of:
            master.append(out_of[id(r)])
        elif id(r) not in settled:
            master.append(r)
    return master


def _choose(group: list[Row], base: Row | None, policy: str) -> tuple[Row, str, Row | None]:
    """(row kept, status, the base's row) for rows of one key that differ."""
    if policy == "newest":
        # the file saved last; among rows of one file (or equal times), the one given last
        return max(enumerate(group), key=lambda p: (p[1].source.modified, p[0]))[1], BY_NEWEST, base
    status = BY_BASE if policy == "base" else PENDING
    if base is not None:
        same = next((r for r in group if r.cells == base.cells), None)
        changed = {r.cells: r for r in group if r.cells != base.cells}
        if same is not None and len(changed) == 1:
            # one person changed the row since the base, the others kept it: the change stands
            return next(iter(changed.values())), ONE_CHANGE, base
        return (same or base), status, base
    return group[0], PENDING, None


def _diff(spec: SheetSpec, base: list[Row], rows: list[Row]) -> list[Change]:
    """Rows added, changed (cell by cell) and removed against the base."""
    out: list[Change] = []
    if spec.key:
        old = {k: r for r in base if (k := key_of(spec, r.cells)) is not None}
        new = {k: r for r in rows if (k := key_of(spec, r.cells)) is not None}
        for k, r in new.items():
            o = old.get(k)
            if o is None:
                out.append(Change(spec.name, "新增", key_text(spec, k), source=r.source))
                continue
            for j, f in enumerate(spec.fields):
                if r.cells[j] != o.cells[j]:
                    out.append(Change(spec.name, "修改", key_text(spec, k), f.header, o.cells[j], r.cells[j], r.source))
            oe, ne = dict(o.extras), dict(r.extras)
            for h in dict.fromkeys([*oe, *ne]):
                if oe.get(h) != ne.get(h):
                    out.append(Change(spec.name, "修改", key_text(spec, k), h, oe.get(h), ne.get(h), r.source))
        for k, o in old.items():
            if k not in new:
                out.append(Change(spec.name, "删除", key_text(spec, k), source=o.source))
        base = [r for r in base if key_of(spec, r.cells) is None]
        rows = [r for r in rows if key_of(spec, r.cells) is None]
    before = Counter(r.cells for r in base)
    after = Counter(r.cells for r in rows)
    added, removed = after - before, before - after
    for r in rows:
        if added[r.cells] > 0:
            added[r.cells] -= 1
            out.append(Change(spec.name, "新增", _label(spec, r), source=r.source))
    for r in base:
        if removed[r.cells] > 0:
            removed[r.cells] -= 1
            out.append(Change(spec.name, "删除", _label(spec, r), source=r.source))
    return out


def _label(spec: SheetSpec, r: Row) -> str:
    """A row without a key, in a few words: its first three cells."""
    return "，".join(f"{f.header}={_show(v)}" for f, v in zip(spec.fields[:3], r.cells[:3]))


def sources(rows: Iterable[Row]) -> list[str]:
    """file!row of each row, for messages."""
    return [f"{Path(r.source.file).name}「{r.source.sheet}」第 {r.source.row} 行" for r in rows]
