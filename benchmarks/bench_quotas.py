"""Benchmark: `gcs plan --all` and `gcs quotas` for a large department (100 staff, 1,000
HQs, 20,000 stores and 60,000 visits in a month) and for the same department with k times
the HQs, stores and visits: the cost must grow linearly (5 x the data, about 5 x the time).

    python benchmarks/bench_quotas.py [--scale 1 5] [--repeat 1] [--keep DIR]

Each command runs as a user would run it (a fresh `gcs` process); wall time and peak
RSS are of that process. Prints the Markdown table of README.md's 性能 section. Goals
(issues #3, #7): each command under 10 s at 1 x, and k x the data in at most 1.3 k x
the time.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from common import arguments, compiled, machine_load, run_gcs, hq_row, store_row, workspace, write_sheet

from gcs_excel.demo.people import Ids
from gcs_excel.rules import load_rules
from gcs_excel.spec import load_specs
from gcs_excel.workdays import working_days

MONTH = "2026-10"
GOAL_SECONDS, GOAL_GROWTH = 10.0, 1.3
STAFF, HQS, STORES, VISITS = 100, 1000, 20_000, 60_000


def generate(folder: Path, scale: int = 1, seed: int = 11) -> list[Path]:
    """Staff, HQ file, store list and the month's visits (kept in folder: generated once)."""
    paths = [folder / "人员名单.xlsx", folder / "总部档案.xlsx", folder / "卖场明细表.xlsx", folder / "拜访记录.xlsx"]
    if all(p.exists() for p in paths):
        return paths
    n_hq, n_stores, n_visits = HQS * scale, STORES * scale, VISITS * scale
    rng = random.Random(seed)
    ids = Ids(rng)
    specs = load_specs()
    label = specs.label
    mms = [ids.name(3) for _ in range(10)]
    cms = [ids.name(3) for _ in range(STAFF - 10)]
    staff = [{"staff_no": f"{k:05d}", "name": n, "role": label("staff", "role", "mm" if k < 10 else "cm")}
             for k, n in enumerate(mms + cms)]
    hqs = [hq_row(k, name=f"连锁{k}", mm=mms[k % 10], cm=cms[k % len(cms)]) for k in range(n_hq)]
    stores = []
    for k in range(n_stores):
        store = store_row(k, hqs[k % n_hq], ids)
        store["monthly_volume"] = rng.randrange(50, 700)
        stores.append(store)
    days = working_days(MONTH, load_rules())
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
    folder.mkdir(parents=True, exist_ok=True)
    for p, sheet, rows in zip(paths[::-1], ("visits", "stores", "hq", "staff"), (visits, stores, hqs, staff)):
        write_sheet(p, sheet, rows)     # the staff list last: its presence says the set is complete
    return paths


def measure(paths: list[Path], folder: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """Best wall time (and its peak MiB) of each command."""
    staff, hq, stores, visits = map(str, paths)
    plan = str(folder / f"拜访计划_{MONTH}.xlsx")
    commands = {
        "plan": ("plan", "--month", MONTH, "--all", "--out", plan, staff, hq, stores),
        "quotas": ("quotas", "--month", MONTH, "--today", "2026-11-27", staff, hq, stores, plan, visits),
        "quotas --out": ("quotas", "--month", MONTH, "--today", "2026-11-27", "--out", str(folder / "指标.xlsx"),
                         staff, hq, stores, plan, visits),
    }
    best: dict[str, tuple[float, float]] = {}
    for _ in range(repeat):
        for name, args in commands.items():
            seconds, peak, _ = run_gcs(*args)
            if name not in best or seconds < best[name][0]:
                best[name] = (seconds, peak)
    return best


def main() -> int:
    ap = arguments(__doc__)
    ap.add_argument("--scale", type=int, nargs="+", default=[1, 5], help="department sizes, in multiples")
    ap.add_argument("--repeat", type=int, default=1, help="best of N runs")
    args = ap.parse_args()
    compiled()
    results = {}
    with workspace(args.keep) as folder:
        for k in args.scale:
            t = time.perf_counter()
            paths = generate(folder / f"x{k}", k)
            print(f"{k} 倍：数据就绪（{time.perf_counter() - t:.0f} 秒）", file=sys.stderr)
            results[k] = measure(paths, folder / f"x{k}", args.repeat)
            print(results[k], file=sys.stderr)
    names = ("plan", "quotas", "quotas --out")
    print(machine_load())
    print()
    print("| 数据量 | 卖场 / 拜访记录 | `gcs plan --all` | `gcs quotas` | `gcs quotas --out 指标.xlsx` |")
    print("|---|---|---:|---:|---:|")
    for k, m in results.items():
        cells = " | ".join(f"{m[n][0]:.2f} 秒（{m[n][1]:.0f} MiB）" for n in names)
        print(f"| {k} 倍 | {STORES * k:,} / {VISITS * k:,} | {cells} |")
    ok = all(m[n][0] < GOAL_SECONDS for n in names for k, m in results.items() if k == 1)
    base = min(results)
    for k in sorted(results):
        if k == base:
            continue
        growth = [results[k][n][0] / results[base][n][0] for n in names]
        print(f"| {k} 倍 ÷ {base} 倍 | 数据 {k // base} 倍 | " + " | ".join(f"**{g:.1f} 倍**" for g in growth) + " |")
        ok &= all(g <= GOAL_GROWTH * k / base for g in growth)
    print()
    print(f"目标：1 倍数据每条命令 {GOAL_SECONDS:g} 秒以内；k 倍数据的用时不超过 {GOAL_GROWTH:g}×k 倍 —— "
          f"{'达到' if ok else '没有达到'}（各取 {args.repeat} 次中最快的一次）")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
