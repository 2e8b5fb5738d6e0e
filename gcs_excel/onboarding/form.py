"""The application workbook 入网申报表, written with the templates' builder from the form's
spec (specs/onboarding.toml): text-formatted codes, dropdowns, hints, A4 print setup and a
填表说明 sheet. The documents, survey items and approval steps come pre-filled from the
settings; `sample_application` writes one filled and approved for a new chain (the demo)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..spec import Specs, load_specs
from ..templates import write_workbook
from .config import OnboardingConfig, load_config
from .cover import Cover

Rows = dict[str, list[dict[str, Any]]]


def form_specs() -> Specs:
    """The specs in which the application's sheets are recognised (and the form's own)."""
    return load_specs().with_applications


def _number(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def form_rows(config: OnboardingConfig) -> Rows:
    """The pre-filled rows of a blank application, by sheet id: one per document, one per
    survey item (weight and criteria from the settings), one per approval step."""
    specs = form_specs()
    documents = specs.sheet("apply_documents").field("document").options
    steps = specs.sheet("apply_approval").field("step").options
    return {
        "apply_hq": [], "apply_stores": [],
        "apply_documents": [{"document": label, "requirement": config.documents[doc]}
                            for doc, label in documents.items()],
        "apply_survey": [{"item": i.name, "criteria": i.criteria, "weight": _number(i.weight)}
                         for i in config.items],
        "apply_approval": [{"step": label} for label in steps.values()],
    }


def write_application(out: str | Path, *, config: OnboardingConfig | None = None,
                      rows: Mapping[str, list[dict[str, Any]]] | None = None,
                      inputs: Iterable[str | Path] = ()) -> Path:
    """Write an application workbook: blank (the pre-filled rows only), or with rows by
    sheet id (field ids as keys) in place of the pre-filled ones."""
    config = config or load_config()
    data = form_rows(config)
    data.update(rows or {})
    specs = form_specs()
    return write_workbook(specs.template("onboarding"), out, data=data, specs=specs, inputs=inputs,
                          extras=Cover(specs, config))


def new_application(out: str | Path, *, config: str | Path | None = None) -> Path:
    """The `gcs onboard new` command: a blank application workbook."""
    return write_application(out, config=load_config(config))


SAMPLE_CHAIN = ("长沙天天惠便利连锁有限公司", "天天惠便利", 6)
SAMPLE_MM, SAMPLE_CM = "王建国", "刘洋"          # the demo department's staff (demo/department.py STAFF)


def sample_rows(*, seed: int = 2026, today: dt.date | None = None, avoid: Iterable[str] = (),
                mm: str = SAMPLE_MM, cm: str = SAMPLE_CM,
                config: OnboardingConfig | None = None) -> Rows:
    """A filled, approved application for a plausible new chain, by sheet id: valid USCC,
    resident ID and licence numbers (none of those in avoid), documents verified, survey
    above the pass mark, both approval steps signed. Deterministic for a seed."""
    from ..demo.people import DISTRICTS, Ids

    config = config or load_config()
    today = today or dt.date.today()
    specs = form_specs()
    rng = random.Random(seed)
    ids = Ids(rng)
    ids.reserve(avoid)              # the department's codes are taken
    name, short, n_stores = SAMPLE_CHAIN
    code, district, area, roads = DISTRICTS[0]
    hq = {"name": name, "uscc": ids.uscc(code), "legal_rep": ids.name(3), "legal_rep_id": ids.resident_id(code),
          "address": f"长沙市{district}{roads[0]} {rng.randrange(10, 400)} 号",
          "order_phone": ids.landline(), "order_frequency": specs.label("apply_hq", "order_frequency", "weekly"),
          "bank": "长沙银行芙蓉支行", "bank_account": ids.bank_account(), "planned_volume": 0,
          "buyer": ids.name(3), "buyer_phone": ids.mobile(), "mm": mm, "cm": cm,
          "buyer_email": "caigou@tiantianhui.cn"}
    stores = []
    for k in range(n_stores):
        code, district, area, roads = DISTRICTS[k % len(DISTRICTS)]
        stores.append({
            "licence": ids.licence(code), "name": f"{short}{roads[k // len(DISTRICTS)]}店",
            "category": specs.label("apply_stores", "category", "convenience"),
            "address": f"长沙市{district}{roads[k // len(DISTRICTS)]} {rng.randrange(1, 500)} 号",
            "area": area, "contact": ids.name(), "phone": ids.mobile(),
            "monthly_volume": rng.randrange(15, 60) * 10, "cm": cm})
    hq["planned_volume"] = sum(s["monthly_volume"] for s in stores)
    rows = form_rows(config)
    yes = specs.label("apply_documents", "verified", "yes")
    merged = {specs.label("apply_documents", "document", d) for d in ("tax_registration", "org_code", "general_taxpayer")}
    for doc in rows["apply_documents"]:
        if doc["document"] not in merged:       # no such certificates since 2015/2016
            doc["verified"] = yes
    notes = ["位于主干道路口，周边居民区密集", "卷烟柜台在收银台旁，带锁，陈列整齐", "门头统一，明码标价",
             "六家门店，预计月销量约两千条", "总部统一采购、配送，有专人负责卷烟"]
    for item, note in zip(rows["apply_survey"], notes * len(rows["apply_survey"])):
        item["score"] = _number(round(item["weight"] * rng.uniform(0.78, 0.95)))
        item["note"] = note
    steps = specs.sheet("apply_approval").field("step")
    agree = specs.label("apply_approval", "opinion", "agree")
    no = specs.label("apply_approval", "uscc_override", "no")
    rows["apply_approval"] = [
        {"step": steps.label("first_review"), "approver": mm, "date": today - dt.timedelta(days=5),
         "opinion": agree, "comment": "证照齐全，现场调研合格，同意报营销中心审批"},
        {"step": steps.label("approval"), "approver": ids.name(3), "date": today - dt.timedelta(days=2),
         "opinion": agree, "comment": "同意入网", "uscc_override": no},
    ]
    rows["apply_hq"], rows["apply_stores"] = [hq], stores
    return rows


def sample_application(out: str | Path, *, seed: int = 2026, today: dt.date | None = None,
                       avoid: Iterable[str] = (), mm: str = SAMPLE_MM, cm: str = SAMPLE_CM,
                       config: str | Path | None = None) -> Path:
    """Write a filled, approved application for a new chain (for `gcs demo`): pass the
    department's USCCs and licence numbers as avoid, its market and customer manager as
    mm and cm, so that `gcs onboard approve` takes it into the department's files."""
    cfg = load_config(config)
    return write_application(out, config=cfg, rows=sample_rows(seed=seed, today=today, avoid=avoid,
                                                               mm=mm, cm=cm, config=cfg))
