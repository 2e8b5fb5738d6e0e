"""References among all files given together: store -> HQ, visit target -> HQ or store by
对象类型, person -> staff list with the matching 岗位, SKU -> catalogue, a sales row's store
belongs to its 客户编码, and a name written beside a code matches the name on file.

No cascades: a missing or mismatched value is one problem per distinct value (at its first
cell, the others listed as related), and a value that differs from the target only in
width, case or spaces resolves silently when either side is already reported.
"""

from __future__ import annotations

import functools
from collections import defaultdict

from ..problems import finding, show
from ..values import is_scientific
from ..spec import Specs
from .structure import norm_name
from ..table import Table

MAX_RELATED = 500


@functools.lru_cache(maxsize=200_000)
def loose(value) -> str:
    return norm_name(str(value)).upper()


class _Target:
    """Lookup of one "sheet.field" over every table of that sheet."""

    def __init__(self, tables: list[Table], field_id: str):
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
    by_sheet: dict[str, list[Table]] = defaultdict(list)
    for t in tables:
        by_sheet[t.spec.id].append(t)
    cache: dict[str, _Target] = {}

    def target(ref: str) -> _Target | None:
        sheet, _, field_id = ref.partition(".")
        if sheet not in by_sheet:
            return None
        if ref not in cache:
            cache[ref] = _Target(by_sheet[sheet], field_id)
        return cache[ref]

    notes: dict[str, None] = {}
    for t in tables:
        for f in t.spec.fields:
            if not f.targets() or f.id not in t.values:
                continue
            for ref in f.targets():
                if ref.partition(".")[0] not in by_sheet:
                    name = specs.sheet(ref.partition(".")[0]).name
                    notes.setdefault(f"没有提供「{name}」，没有检查「{t.spec.name}」的「{f.header}」是否在其中")
            _check_field(t, f, target, specs, out)
    return list(notes)


def _check_field(t: Table, f, target, specs: Specs, out) -> None:
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
        _emit(t, f.id, key, rows, hints.get(key), specs, out)


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


def _emit(t: Table, field_id: str, key: tuple, rows: list[int], hint, specs: Specs, out) -> None:
    code, ref = key[0], key[1]
    sheet, header = specs.describe_target(ref)
    count = f"（本表共 {len(rows)} 行）" if len(rows) > 1 else ""
    if code == "ref_missing":
        f = finding("ref_missing", hint, value=show(key[2]), target=f"「{sheet}」的「{header}」",
                    count=count, hint=f"，那里写作「{hint}」" if hint is not None else "")
    elif code == "ref_mismatch":
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
