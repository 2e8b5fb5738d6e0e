"""Benchmark: `gcs plan --all` and `gcs quotas` for a large department: 100 staff,
20,000 stores (1,000 HQs) and 60,000 visits in a month.

    python benchmarks/bench_quotas.py [--keep DIR]

Each command runs as a user would run it (a fresh `gcs` process); wall time and peak
RSS are of that process. Goal (issue #3): each under 10 s on this machine class.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from common import arguments, hq_row, run_gcs, store_row, workspace, write_sheet

from gcs_excel.demo.people import Ids
from gcs_excel.rules import load_rules
from gcs_excel.spec import load_specs
from gcs_excel.workdays import working_days

MONTH = "2026-10"
GOAL_SECONDS = 10.0


def generate(folder: Path, n_staff=100, n_hq=1000, n_stores=20_000, n_visits=60_000, seed=11) -> list[Path]:
    rng = random.Random(seed)
    ids = Ids(rng)
    specs = load_specs()
    label = specs.label
    mms = [ids.name(3) for _ in range(10)]
    cms = [ids.name(3) for _ in range(n_staff - 10)]
    staff = [{"staff_no": f"{k:05d}", "name": n, "role": label("staff", "role", "mm" if k < 10 else "cm")}
             for k, n in enumerate(mms + cms)]
    hqs = [hq_row(k, name=f"连锁{k}", mm=mms[k % 10], cm=cms[k % len(cms)]) for k in range(n_hq)]
    stores = []
    for k in range(n_stores):
        store = store_row(k, hqs[k % n_hq], ids)
        store["monthly_volume"] = rng.randrange(50, 700)
        stores.append(store)
    days = working_days(MONTH, load_rules())
    by_cm: dict[str, list[dict]] = {}
    for s in stores:
        by_cm.setdefault(s["cm"], []).append(s)
    yes, no = label("visits", "appointment", "yes"), label("visits", "appointment", "no")
    store_kind, hq_kind = label("visits", "target_type", "store"), label("visits", "target_type", "hq")
    cm_role, mm_role = label("visits", "role", "cm"), label("visits", "role", "mm")
    visits = []
    while len(visits) < n_visits:
        k = len(visits)
        if k % 20 == 0:     # HQ visits and market-manager rounds among them
            h = hqs[k // 20 % n_hq]
            visits.append({"date": rng.choice(days), "person": h["cm"], "role": cm_role, "target_type": hq_kind,
                           "target_code": h["code"], "appointment": yes if k % 100 else no})
        elif k % 20 == 1:
            s = stores[rng.randrange(n_stores)]
            visits.append({"date": days[k % len(days)], "person": mms[k % 10], "role": mm_role,
                           "target_type": store_kind, "target_code": s["licence"], "scarce_notice": no})
        else:
            s = stores[k % n_stores]
            visits.append({"date": rng.choice(days), "person": s["cm"], "role": cm_role, "target_type": store_kind,
                           "target_code": s["licence"], "scarce_notice": yes if k % 7 else no})
    visits.sort(key=lambda v: v["date"])
    paths = [folder / "人员名单.xlsx", folder / "总部档案.xlsx", folder / "卖场明细表.xlsx", folder / "拜访记录.xlsx"]
    for p, sheet, rows in zip(paths, ("staff", "hq", "stores", "visits"), (staff, hqs, stores, visits)):
        write_sheet(p, sheet, rows)
    return paths


def main() -> int:
    args = arguments(__doc__).parse_args()
    with workspace(args.keep) as folder:
        t = time.perf_counter()
        staff, hq, stores, visits = map(str, generate(folder))
        print(f"generated 100 staff, 1,000 HQs, 20,000 stores, 60,000 visits in {time.perf_counter() - t:.1f} s")
        plan = str(folder / f"拜访计划_{MONTH}.xlsx")
        p_sec, p_mem, _ = run_gcs("plan", "--month", MONTH, "--all", "--out", plan, staff, hq, stores)
        q_sec, q_mem, code = run_gcs("quotas", "--month", MONTH, "--today", "2026-11-27", staff, hq, stores, plan, visits)
        o_sec, o_mem, _ = run_gcs("quotas", "--month", MONTH, "--today", "2026-11-27", "--out",
                              str(folder / "指标.xlsx"), staff, hq, stores, plan, visits)
    print(f"gcs plan --all              : {p_sec:5.2f} s, peak {p_mem:.0f} MiB")
    print(f"gcs quotas                  : {q_sec:5.2f} s, peak {q_mem:.0f} MiB (exit {code})")
    print(f"gcs quotas --out FILE       : {o_sec:5.2f} s, peak {o_mem:.0f} MiB")
    ok = max(p_sec, q_sec, o_sec) < GOAL_SECONDS
    print(f"goal: each under {GOAL_SECONDS:g} s: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
