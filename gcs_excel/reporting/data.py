"""What the monthly review reads, from validated files: sales (all months given), the
catalogue, HQs and stores with their managers, targets, and the month's visits and brand
observations. Enum labels become booleans and ids here; rows with errors are left out
(and listed by the caller)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from ..dept import NEEDED, Department, load_department
from ..spec import load_specs
from ..validation import Validation
from ..values import month_of
from .analysis import Observation, Sku, sales_table

SALES = ("month", "customer", "licence", "sku", "volume", "amount")


@dataclass
class MonthlyInputs:
    """Everything the monthly review reads, from the validated files."""
    month: str
    sales: pd.DataFrame
    catalogue: dict[str, Sku]
    dept: Department
    targets: dict[tuple[str, str], float] = field(default_factory=dict)          # (month, customer)
    observations: dict[str, list[Observation]] = field(default_factory=dict)     # customer -> list
    visited: set[str] | None = None        # licences visited this month; None without a visit log
    has_terminal: bool = False             # visit data was given
    hq_status: dict[str, str] = field(default_factory=dict)       # customer code -> 状态 label
    store_status: dict[str, str] = field(default_factory=dict)    # licence -> 状态 label


def load_inputs(v: Validation, month: str) -> MonthlyInputs:
    """The review's inputs for month from a validation: rows with errors left out."""
    specs = load_specs()
    dept = load_department(v, specs)
    catalogue = catalogue_of(v)
    sales = sales_frame(v)
    targets: dict[tuple[str, str], float] = {}
    for t in v.tables_of("targets"):
        for r in t.records():
            if r.get("month") and r.get("customer") and r.get("target_volume") is not None:
                targets[(r["month"], r["customer"])] = targets.get((r["month"], r["customer"]), 0.0) + float(
                    r["target_volume"])
    owner = {s.licence: s.customer for s in dept.stores.values()}
    obs_spec = specs.sheet("observations")
    on_shelf = obs_spec.field("on_shelf").label("yes")
    observations: dict[str, list[Observation]] = defaultdict(list)
    for t in v.tables_of("observations"):
        for r in t.records(needed=NEEDED["observations"]):
            if not (r.get("date") and r.get("licence") and r.get("sku")) or month_of(r["date"]) != month:
                continue
            customer = owner.get(r["licence"])
            if customer:
                observations[customer].append(Observation(
                    r["date"], r["licence"], r["sku"], r.get("on_shelf") == on_shelf,
                    None if r.get("retail_price") is None else float(r["retail_price"]),
                    None if r.get("stock") is None else float(r["stock"])))
    # A visit log only counts as given when it has rows: an empty template sheet says nothing.
    visited = ({x.code for x in dept.visits if x.kind == "store" and month_of(x.date) == month}
               if any(len(t) for t in v.tables_of("visits")) else None)
    has_terminal = "visits" in dept.present or "observations" in dept.present
    hq_status = {r["code"]: r["status"] for t in v.tables_of("hq") for r in t.records(needed=NEEDED["hq"])
                 if r.get("code") and r.get("status")}
    store_status = {r["licence"]: r["status"] for t in v.tables_of("stores") for r in t.records(needed=NEEDED["stores"])
                    if r.get("licence") and r.get("status")}
    return MonthlyInputs(month, sales, catalogue, dept, targets, dict(observations), visited, has_terminal,
                         hq_status, store_status)


def catalogue_of(v: Validation) -> dict[str, Sku]:
    """The valid catalogue rows given, by SKU name (the first row of a name wins)."""
    cat_spec = load_specs().sheet("catalogue")
    classes = list(cat_spec.field("price_class").options.values())
    yes = {f: cat_spec.field(f).label("yes") for f in ("scarce", "new")}
    catalogue = {}
    for t in v.tables_of("catalogue"):
        for r in t.records(needed=NEEDED["catalogue"]):
            if r.get("sku") and r["sku"] not in catalogue:
                pc = r.get("price_class") or ""
                catalogue[r["sku"]] = Sku(
                    r["sku"], r.get("brand") or "", pc, classes.index(pc) if pc in classes else len(classes),
                    float(r.get("wholesale_price") or 0), float(r.get("retail_guide") or 0),
                    r.get("scarce") == yes["scarce"], r.get("new") == yes["new"])
    return catalogue


def sales_frame(v: Validation) -> pd.DataFrame:
    """The valid sales rows of every sales table given, straight from the validated
    columns into the cube's table (no intermediate frame of Python objects; one table
    without errors is read in place, not copied)."""
    tables = v.tables_of("sales")
    columns: dict[str, list] = {f: [] for f in SALES}
    for t in tables:
        n = len(t.rows)
        bad = t.bad_rows()
        for f in SALES:
            values = t.values.get(f) or [None] * n
            if bad:
                values = [x for i, x in enumerate(values) if i not in bad]
            if len(tables) == 1:
                columns[f] = values
            else:
                columns[f].extend(values)
    return sales_table(*(columns[f] for f in SALES))
