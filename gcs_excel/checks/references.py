"""References among all files given together: store -> HQ, visit target -> HQ or store by
对象类型, person -> staff list with the matching 岗位, SKU -> catalogue, a sales row's store
belongs to its 客户编码, and a name written beside a code matches the name on file.

No cascades: a missing value is one problem however many files use it (at its first cell;
the same sheet's other cells listed as related, other sheets named in the message); a
mismatched value is one problem per sheet; a value that differs from the target only in
width, case or spaces resolves silently when either side is already reported.

A mistyped key is said once, at its root, with the near match and where it is: a missing
code one edit away from a code on file (a digit changed, dropped, doubled, two swapped, or
leading zeros lost) is reported as "is it …?" naming that code's cell. When the code on
file is itself the mistyped one (already reported there), the references join that problem.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from pathlib import Path

from ..problems import finding, show
from ..values import is_scientific, split_many
from ..spec import Specs
from .structure import norm_name
from ..table import Table

MAX_RELATED = 500
MAX_NEAR_SEARCHES = 2000    # distinct missing values looked up per target; more are no typos
MAX_NEAR = 3                # more near matches than this say nothing about which was meant
MAX_ALPHABET = 64           # characters of a code column; more is text, not codes
MAX_PLACES = 8


@functools.lru_cache(maxsize=200_000)
def loose(value) -> str:
    """A value as compared loosely: NFKC, no whitespace, upper case."""
    return norm_name(str(value)).upper()


def near(value: str, keys, alphabet: str) -> list[str]:
    """The keys one edit away from value: a character changed, dropped or added (a digit
    doubled), two neighbours swapped, or leading zeros lost. Dictionary lookups of every
    such variant (a few hundred for a 12-digit code), never a scan of the keys."""
    found: dict[str, None] = {}

    def hit(candidate: str) -> None:
        if candidate != value and candidate in keys:
            found.setdefault(candidate)

    n = len(value)
    for i in range(n + 1):
        head, tail = value[:i], value[i:]
        for ch in alphabet:
            hit(head + ch + tail)                       # value dropped ch here
        if i < n:
            hit(head + tail[1:])                        # value has an extra character here
            for ch in alphabet:
                if ch != value[i]:
                    hit(head + ch + tail[1:])           # one character changed
            if i + 1 < n:
                hit(head + tail[1] + tail[0] + tail[2:])    # two neighbours swapped
    for zeros in (2, 3):
        hit("0" * zeros + value)
    return list(found)


def how_near(value: str, key: str) -> str:
    """What tells value from a near key, in words: 少了一位「0」, 第 5 位「3」应为「8」 ..."""
    if key.endswith(value) and set(key[:len(key) - len(value)]) == {"0"}:
        return "开头的 0 丢了"
    if len(key) == len(value) + 1:
        i = next((k for k in range(len(value)) if value[k] != key[k]), len(value))
        return f"少了一位「{key[i]}」"
    if len(key) + 1 == len(value):
        i = next((k for k in range(len(key)) if value[k] != key[k]), len(key))
        return f"多了一位「{value[i]}」"
    diff = [k for k in range(len(key)) if value[k] != key[k]]
    if len(diff) == 2:
        return f"第 {diff[0] + 1}、{diff[1] + 1} 位颠倒了"
    return f"第 {diff[0] + 1} 位「{value[diff[0]]}」应为「{key[diff[0]]}」"


def place(t: Table, field_id: str, i: int) -> str:
    """Where a cell is, for a message: 总部档案.xlsx「总部档案」A4."""
    return f"{Path(t.file).name}「{t.sheet}」{t.cell(field_id, i)}"


class _Target:
    """Lookup of one "sheet.field" over every table of that sheet."""

    def __init__(self, tables: list[Table], field_id: str, code: bool = False):
        self.field_id = field_id
        self.code = code
        self.searches = 0
        self._alphabet: str | None = None
        self.exact: dict = {}
        self.loose: dict = {}
        self.broken: dict[int, set[str]] = defaultdict(set)     # length -> known leading digits
        for t in tables:
            raws = t.raw.get(field_id, ())
            for j, v in enumerate(t.values.get(field_id, ())):
                if v is not None:
                    self.exact.setdefault(v, (t, j))
                    self.loose.setdefault(loose(v), (t, j))
                elif j < len(raws) and (partial := known_digits(raws[j])):
                    self.broken[partial[1]].add(partial[0])

    def covered(self, value) -> bool:
        """A value that may be the one a damaged key cell once held (that cell is
        reported already: referring rows are not reported again)."""
        s = str(value)
        return any(s.startswith(prefix) for prefix in self.broken.get(len(s), ()))

    def near(self, value) -> list[tuple[str, Table, int]]:
        """Codes on file one edit away from a missing value, with where each is; none
        for text (names differ by one character and are other people) or past the cap."""
        if not self.code or not isinstance(value, str) or self.searches >= MAX_NEAR_SEARCHES:
            return []
        self.searches += 1
        if self._alphabet is None:
            chars = set("".join(k for k in self.exact if isinstance(k, str)))
            self._alphabet = "".join(sorted(chars)) if len(chars) <= MAX_ALPHABET else ""
        keys = near(value, self.exact, self._alphabet) if self._alphabet else []
        return [(k, *self.exact[k]) for k in keys] if len(keys) <= MAX_NEAR else []


def known_digits(raw) -> tuple[str, int] | None:
    """What survives of a long number Excel damaged: its leading digits and length."""
    if isinstance(raw, float) and raw >= 1e15 and raw.is_integer():
        digits = str(int(raw))
        return digits[:15], len(digits)
    if isinstance(raw, str) and is_scientific(raw.strip()):
        mantissa, _, exp = raw.strip().upper().partition("E")
        return mantissa.replace(".", "").lstrip("+-"), int(exp) + 1
    return None


def check_references(tables: list[Table], out, specs: Specs) -> list[str]:
    """Check every reference among the tables; report into out. Returns notes on the
    references that could not be checked (their target file was not given)."""
    by_sheet: dict[str, list[Table]] = defaultdict(list)
    for t in tables:
        by_sheet[t.spec.id].append(t)
    cache: dict[str, _Target] = {}

    def target(ref: str) -> _Target | None:
        sheet, _, field_id = ref.partition(".")
        if sheet not in by_sheet:
            return None
        if ref not in cache:
            cache[ref] = _Target(by_sheet[sheet], field_id, specs.resolve(ref)[1].code)
        return cache[ref]

    notes: dict[str, None] = {}
    missing: dict[tuple, list] = defaultdict(list)   # (ref, value) -> [(table, field id, rows, hint, reported rows)]
    for t in tables:
        for f in t.spec.fields:
            if not f.targets() or f.id not in t.values:
                continue
            for ref in f.targets():
                if ref.partition(".")[0] not in by_sheet:
                    name = specs.sheet(ref.partition(".")[0]).name
                    notes.setdefault(f"没有提供「{name}」，没有检查「{t.spec.name}」的「{f.header}」是否在其中")
            if f.many:
                _check_many(t, f, target, out, missing)
            else:
                _check_field(t, f, target, specs, out, missing)
    for (ref, value), uses in missing.items():
        _emit_missing(ref, value, uses, target(ref), specs, out)
    return list(notes)


def _check_field(t: Table, f, target, specs: Specs, out, missing) -> None:
    """Check one referencing column. A row's outcome depends only on its values (the code,
    the column choosing the target, the columns it must match, the names beside it) and on
    whether its own cells are already reported: each distinct combination is checked once,
    rows are walked only when something is wrong."""
    values = t.values[f.id]
    n = len(values)
    by_label = {label: vid for vid, label in t.spec.field(f.ref_by).options.items()} if f.ref_by else {}
    own = list(f.ref_match.values())
    labels = [g.id for g in t.spec.fields if g.label_of == f.id and g.id in t.values]
    columns = [values, t.values.get(f.ref_by) or [None] * n,
               *(t.values.get(o) or [None] * n for o in own), *(t.values[g] for g in labels)]
    special = set(out.flagged(t, f.id)).union(*(out.flagged(t, o) for o in own))

    def outcome(key, i=None):
        return _outcome(key, f, t, target, by_label, own, labels, out,
                        self_flagged=i is not None and i in out.flagged(t, f.id),
                        own_flagged={o for o in own if i is not None and i in out.flagged(t, o)})

    keys = list(zip(*columns))
    results = {key: outcome(key) for key in dict.fromkeys(keys) if key[0] is not None}
    groups: dict[tuple, list[int]] = defaultdict(list)
    hints: dict[tuple, object] = {}
    if any(results.values()) or special:
        for i, key in enumerate(keys):
            if key[0] is None:
                continue
            for group, hint in (outcome(key, i) if i in special else results[key]):
                groups[group].append(i)
                if hint is not None:
                    hints[group] = hint
    for key, rows in groups.items():
        if key[0] == "ref_missing":         # said once over all files, after every table is seen
            reported = [i for i in rows if i in t.field_errors.get(f.id, ())]
            missing[key[1:]].append((t, f.id, rows, hints.get(key), reported))
            out.flag(t, f.id, rows, error=True)     # no cascade into this row's other checks
        else:
            _emit(t, f.id, key, rows, specs, out)


def _check_many(t: Table, f, target, out, missing) -> None:
    """Check a column holding several codes a cell (参会客户 JT0001、JT0002): each code on
    its own, a missing one said once at its root like any other, with its near match."""
    tgt = target(f.ref)
    if tgt is None:
        return
    t_field = f.ref.partition(".")[2]
    flagged = out.flagged(t, f.id)
    rows_of: dict[str, list[int]] = defaultdict(list)
    hints: dict[str, object] = {}
    for i, v in enumerate(t.values[f.id]):
        if v is None or i in flagged:
            continue
        for item in split_many(v):
            if item in tgt.exact or tgt.covered(item):
                continue
            hit = tgt.loose.get(loose(item))
            if hit is not None:
                tt, j = hit
                if j in out.flagged(tt, t_field):
                    continue        # the code on file is reported already
                hints[item] = tt.values[t_field][j]
            rows_of[item].append(i)
    for item, rows in rows_of.items():
        missing[(f.ref, item)].append((t, f.id, rows, hints.get(item), []))
        out.flag(t, f.id, rows, error=True)


def _outcome(key, f, t: Table, target, by_label, own, labels, out, *, self_flagged: bool,
             own_flagged: set[str]) -> list[tuple[tuple, object]]:
    """The grouped problems (group key, hint) of one combination of values."""
    v, choice = key[0], key[1]
    mine_own = dict(zip(own, key[2:2 + len(own)]))
    mine_labels = dict(zip(labels, key[2 + len(own):]))
    ref = f.ref or f.ref_map.get(by_label.get(choice))
    if ref is None:
        return []
    tgt = target(ref)
    if tgt is None:
        return []
    t_field = ref.partition(".")[2]
    hit = tgt.exact.get(v)
    if hit is None:
        hit = tgt.loose.get(loose(v))
        if hit is None:
            return [] if tgt.covered(v) else [(("ref_missing", ref, v), None)]
        tt, j = hit
        if not self_flagged and j not in out.flagged(tt, t_field):
            return [(("ref_missing", ref, v), tt.values[t_field][j])]
    tt, j = hit
    t_spec = tt.spec
    found = []
    for w_field, wanted_id in f.ref_where.items():
        actual = _at(tt, w_field, j)
        wanted = t_spec.field(w_field).label(wanted_id)
        if actual is not None and actual != wanted:
            found.append((("ref_mismatch", ref, v, w_field, actual, wanted), None))
    for m_field, o in f.ref_match.items():
        mine = mine_own[o]
        if mine is None or o in own_flagged or j in out.flagged(tt, m_field):
            continue    # nothing to compare, or one side is reported already
        actual = _at(tt, m_field, j)
        if actual is not None and actual != mine:
            found.append((("ref_mismatch", ref, v, m_field, actual, mine), None))
    for g, mine in mine_labels.items():
        theirs = _at(tt, t_spec.label, j) if t_spec.label else None
        if mine is not None and theirs is not None and loose(mine) != loose(theirs):
            found.append((("name_mismatch", ref, v, mine, theirs, g), None))
    return found


def _at(t: Table, field_id: str, i: int):
    col = t.values.get(field_id)
    return None if col is None else col[i]


def _emit_missing(ref: str, value, uses: list, tgt: _Target, specs: Specs, out) -> None:
    """One missing value, wherever it is used: one problem at its root."""
    hint = next((h for _, _, _, h, _ in uses if h is not None), None)
    cells = [(t, fid, i) for t, fid, rows, _, _ in uses for i in rows]
    candidates = [] if hint is not None else tgt.near(value)
    for key, tt, j in candidates:        # the code on file is the mistyped one, reported there
        root = out.error_at(tt, tgt.field_id, j) if j in tt.field_errors.get(tgt.field_id, ()) else None
        if root is not None:
            out.amend(root, f"另有 {len(cells)} 处引用写的是「{show(value)}」，与这里只差一处（这里"
                            f"{how_near(key, show(value))}），多半指的就是它：{_places(cells, None)}。")
            return
    near_text = "".join(f"{'或' if k else ''}「{key}」（{place(tt, tgt.field_id, j)}，{how_near(show(value), key)}）"
                        for k, (key, tt, j) in enumerate(candidates))
    near_text = f"是不是{near_text}？" if near_text else ""
    sheet, header = specs.describe_target(ref)
    root = next((p for t, fid, _, _, reported in uses for i in reported if (p := out.error_at(t, fid, i))), None)
    if root is not None:                # the cell is reported already (专卖证号 one digit short)
        out.amend(root, f"「{sheet}」里也没有它。{near_text}{_elsewhere(cells, root)}")
        return
    t, fid, rows, _, _ = uses[0]
    count = f"（本表共 {len(rows)} 行）" if len(rows) > 1 else ""
    suggestion = hint if hint is not None else candidates[0][0] if len(candidates) == 1 else None
    f = finding("ref_missing", suggestion, value=show(value), target=f"「{sheet}」的「{header}」", count=count,
                hint=f"，那里写作「{hint}」" if hint is not None else "", near=near_text,
                more=_elsewhere(cells[len(rows):], None))
    out.cell_problem(t, fid, rows[0], f, related=[t.cell(fid, i) for i in rows[1:MAX_RELATED + 1]])


def _places(cells: list, root) -> str:
    """Cells by file and sheet: 拜访计划.xlsx「拜访计划」E3、E9；拜访记录.xlsx「品牌采集」C4."""
    by_sheet: dict[tuple[str, str], list[str]] = defaultdict(list)
    for t, fid, i in cells:
        ref = t.cell(fid, i)
        if root is None or (t.file, t.sheet, ref) != (root.file, root.sheet, root.cell):
            by_sheet[(t.file, t.sheet)].append(ref)
    parts = []
    for (file, sheet), refs in by_sheet.items():
        more = f" 等 {len(refs)} 处" if len(refs) > MAX_PLACES else ""
        parts.append(f"{Path(file).name}「{sheet}」{'、'.join(refs[:MAX_PLACES])}{more}")
    return "；".join(parts)


def _elsewhere(cells: list, root) -> str:
    """The same value's other uses, as a sentence (nothing when there are none)."""
    text = _places(cells, root)
    return f"同样的值还在：{text}。" if text else ""


def _emit(t: Table, field_id: str, key: tuple, rows: list[int], specs: Specs, out) -> None:
    code, ref = key[0], key[1]
    sheet, header = specs.describe_target(ref)
    count = f"（本表共 {len(rows)} 行）" if len(rows) > 1 else ""
    if code == "ref_mismatch":
        _, _, v, t_field, actual, wanted = key
        f = finding("ref_mismatch", value=show(v), target=f"「{sheet}」",
                    field=f"「{specs.sheet(ref.partition('.')[0]).header(t_field)}」",
                    actual=show(actual), expected=show(wanted), count=count)
    else:   # reported on the name's own column
        _, _, v, mine, theirs, field_id = key
        f = finding("name_mismatch", theirs, value=mine, target_code=show(v), target=f"「{sheet}」",
                    expected=theirs)
    first, rest = rows[0], rows[1:]
    related = [t.cell(field_id, i) for i in rest[:MAX_RELATED]]
    p = out.cell_problem(t, field_id, first, f, related=related)
    out.flag(t, field_id, rest, error=p.severity == "error")
