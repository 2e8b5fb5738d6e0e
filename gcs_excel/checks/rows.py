"""Rules across the fields of one row, as the spec states them: a value not below another
field (零售指导价 ≥ 批发价), a plan period matching its date, a value required under a
condition (HQ visits must be by appointment)."""

from __future__ import annotations

from ..problems import finding, show
from ..table import Table
from .identifiers import period_of


def check_rows(table: Table, out) -> None:
    """Check the spec's rules across the fields of each row of one table; report into out."""
    spec, values = table.spec, table.values
    for f in spec.fields:
        mine = values.get(f.id)
        if mine is None:
            continue
        if f.min_field and f.min_field in values:
            other = spec.header(f.min_field)
            code = "date_before_field" if f.type == "date" else "less_than_field"
            for i, (v, o) in enumerate(zip(mine, values[f.min_field])):
                if v is not None and o is not None and v < o:
                    out.cell_problem(table, f.id, i, finding(
                        code, value=show(v), other=other, other_value=show(o)))
        if f.period_of and f.period_of in values:
            flagged = out.flagged(table, f.id)
            other = spec.header(f.period_of)
            for i, (p, day) in enumerate(zip(mine, values[f.period_of])):
                if p is not None and day is not None and p != period_of(day) and i not in flagged:
                    out.cell_problem(table, f.id, i, finding(
                        "plan_period_mismatch", period_of(day), value=p, other=other,
                        date=day.isoformat()))
        if f.when and all(k in values for k in f.when):
            condition = "、".join(f"{spec.header(k)}为{spec.field(k).label(v)}" for k, v in f.when.items())
            conds = [values[k] for k in f.when]
            wanted = [spec.field(k).label(v) for k, v in f.when.items()]
            must = f.label(f.must_be)
            flagged = out.flagged(table, f.id)
            for i, v in enumerate(mine):
                if v != must and i not in flagged and all(c[i] == w for c, w in zip(conds, wanted)):
                    out.cell_problem(table, f.id, i, finding(
                        "conditional_value", condition=condition, must_be=must,
                        value=v if v is not None else "（空）"))
