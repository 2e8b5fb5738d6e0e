"""The comparison for bench_validate.py: the same three files checked the way a pandas
user would, with pandas.read_excel (calamine engine, every cell as text) and pandera.

    python benchmarks/pandera_check.py 卖场明细表.xlsx 总部档案.xlsx 人员名单.xlsx

Prints the number of failure cases found. The schemas hold what our specs say of these
sheets as far as pandera can say it: required columns and values, enumerations, the
patterns of codes, licences, phones and bank accounts (our own fast-path patterns),
whole numbers ≥ 0, keys unique, and references (store → HQ, HQ and store → staff).
Needs the `bench` extra: pip install -e '.[bench]'.
"""

from __future__ import annotations

import sys

import pandas as pd
import pandera.pandas as pa

from gcs_excel.checks.identifiers import CLEAN
from gcs_excel.spec import load_specs


def _whole(s: pd.Series) -> pd.Series:
    """A whole number ≥ 0, typed as text (read with dtype=str)."""
    n = pd.to_numeric(s, errors="coerce")
    return n.notna() & (n >= 0) & (n == n.round())


def _fullmatch(pattern: str) -> pa.Check:
    return pa.Check.str_matches(rf"(?:{pattern})\Z")


def schema(sheet_id: str, refs: dict[str, pd.Series]) -> pa.DataFrameSchema:
    """One sheet's schema from its spec: the columns by header, the checks by field."""
    spec = load_specs().sheet(sheet_id)
    columns = {}
    for f in spec.fields:
        checks = []
        if f.values:
            checks.append(pa.Check.isin(list(f.values)))
        if f.check in CLEAN:
            checks.append(_fullmatch(CLEAN[f.check].pattern))
        elif f.check == "uscc":
            checks.append(_fullmatch(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}"))
        if f.pattern:
            checks.append(_fullmatch(f.pattern.strip("^$")))
        if f.type == "int":
            checks.append(pa.Check(_whole, element_wise=False))
        if f.ref:
            checks.append(pa.Check.isin(refs[f.ref]))
        columns[f.header] = pa.Column(str, checks, nullable=not f.required, required=f.required,
                                      unique=f.unique or f.id in spec.key)
    return pa.DataFrameSchema(columns, strict=False)


def main(stores: str, hq: str, staff: str) -> int:
    frames = {sid: pd.read_excel(p, engine="calamine", dtype=str)
              for sid, p in (("stores", stores), ("hq", hq), ("staff", staff))}
    specs = load_specs()
    refs = {"hq.code": frames["hq"][specs.sheet("hq").header("code")],
            "staff.name": frames["staff"][specs.sheet("staff").header("name")]}
    failures = 0
    for sid, frame in frames.items():
        try:
            schema(sid, refs).validate(frame, lazy=True)
        except pa.errors.SchemaErrors as e:
            failures += len(e.failure_cases)
    print(failures)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
