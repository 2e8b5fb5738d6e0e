"""The customer managers' own copies, as `gcs merge` finds them: each keeps the store list
(the whole department's, his own stores brought up to date, a store he found added) and
his visit log; two of them changed one store each their own way (a conflict)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Mapping

from ..spec import Specs, load_specs
from ..templates import write_workbook

COPIES_DIR = "客户经理副本"


def write_copies(tables: Mapping[str, list[dict[str, Any]]], folder: Path, month: str,
                 specs: Specs | None = None) -> list[Path]:
    """Each customer manager's store list and visit log in folder, named 姓名_模板.xlsx."""
    specs = specs or load_specs()
    stores_t = next(t for t in specs.templates if any(s.id == "stores" for s in t.sheets))
    visits_t = next(t for t in specs.templates if any(s.id == "visits" for s in t.sheets))
    managers = list(dict.fromkeys(s["cm"] for s in tables["stores"]))
    shared = tables["stores"][0]["licence"]          # the store two managers changed differently
    paths = []
    for n, cm in enumerate(managers):
        stores = copy.deepcopy(tables["stores"])
        own = [s for s in stores if s["cm"] == cm]
        for k, s in enumerate(own[:2]):              # his own stores brought up to date
            s["monthly_volume"] += 20 * (k + 1)
        if n < 2:
            first = next(s for s in stores if s["licence"] == shared)
            first["phone"] = ("13907315555", "0731-85550000")[n]
        added = dict(own[-1])
        added.update(licence=f"{own[-1]['licence'][:7]}9{n:04d}", name=f"{own[-1]['name']}（新开）")
        stores.append(added)
        paths.append(write_workbook(stores_t, folder / f"{cm}_{stores_t.filename}", data={"stores": stores},
                                    specs=specs))
        visits = {s.id: [r for r in tables[s.id] if r.get("person") == cm] for s in visits_t.sheets}
        refs = {r: tables[r] for r in visits_t.references}
        paths.append(write_workbook(visits_t, folder / f"{cm}_{visits_t.workbook}_{month}.xlsx", data=visits,
                                    references=refs, month=month, specs=specs))
    return paths
