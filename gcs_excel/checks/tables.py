"""Keys: the spec's key columns and unique fields, across every file given together."""

from __future__ import annotations

from collections import defaultdict

from ..problems import finding, show
from ..table import Table


def check_keys(tables: list[Table], out) -> None:
    """Check every key column and unique field over all tables of a kind, across files."""
    by_spec: dict[str, list[Table]] = defaultdict(list)
    for t in tables:
        by_spec[t.spec.id].append(t)
    for group in by_spec.values():
        spec = group[0].spec
        keys = [spec.key] if spec.key else []
        keys += [(f.id,) for f in spec.fields if f.unique and (f.id,) != spec.key]
        for key in keys:
            _check_key(group, key, out)


def _check_key(group: list[Table], key: tuple[str, ...], out) -> None:
    tables = [t for t in group if all(k in t.values for k in key)]
    columns = [list(zip(*(t.values[k] for k in key))) if len(key) > 1 else t.values[key[0]]
               for t in tables]
    present = [v for col in columns for v in col if v is not None]
    if len(set(present)) == len(present):
        return      # the common case, decided at C speed
    spec = group[0].spec
    label = "+".join(spec.header(k) for k in key)
    seen: dict[tuple, tuple[Table, int]] = {}
    for t in tables:
        for i, parts in enumerate(zip(*(t.values[k] for k in key))):
            if any(p is None for p in parts):
                continue
            first = seen.setdefault(parts, (t, i))
            if first[0] is t and first[1] == i:
                continue
            other, j = first
            where = "" if other is t else f"（{other.file} 的「{other.sheet}」）"
            out.cell_problem(t, key[0], i, finding(
                "duplicate_key", key=label, value=" / ".join(show(p) for p in parts),
                first_row=other.rows[j], where=where))
