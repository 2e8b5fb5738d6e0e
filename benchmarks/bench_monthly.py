"""Benchmark: `gcs monthly` against its floor, pandas reading and grouping the same CSV.

    python benchmarks/bench_monthly.py [--stores N] [--keep DIR]

The department: N stores (default 25,000, the size issue #7 measured) of 250 customers,
150 SKUs, 30 SKUs per store and 13 months of store x SKU sales (N x 390 rows: 9.75
million at the default, 1.95 million at 5,000), written as a GBK CSV like the ordering system exports. Both sides run
in a fresh process, one after the other: the floor is pandas reading the CSV and summing
volume and amount by customer and month and by store, SKU and month (what any monthly
analysis must at least do); `gcs monthly` validates, analyses and writes every review and
the department report. Wall time, CPU time (user + system) and peak RSS are of each
process; on a shared machine the CPU times are the fairer comparison (a wall-time ratio
moves with the load between the two runs), so the goal is checked on them. Goal (issue
#7): at most 5 x the floor at 9.75 million rows, the cost linear in rows. Smaller
departments sit higher above their floor: the 250 review workbooks cost the same whatever
the rows (5.8 x at 1.95 million).
"""

from __future__ import annotations

import csv
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

from common import arguments, hq_row, run_gcs, store_row, workspace, write_sheet

from gcs_excel.demo.people import Ids
from gcs_excel.spec import load_specs
from gcs_excel.values import months_ending

MONTH = "2026-10"
GOAL_RATIO = 5.0
BRANDS = ["中华", "芙蓉王", "玉溪", "黄鹤楼", "南京", "利群", "云烟", "红塔山", "红金龙", "白沙", "黄金叶", "娇子",
          "苏烟", "双喜", "七匹狼"]
VARIANTS = ["硬", "软", "细支", "中支", "硬经典", "新版", "精品", "金", "蓝", "红"]
FLOOR = """
import resource, sys, time
import pandas as pd
t = time.perf_counter()
df = pd.read_csv(sys.argv[1], encoding="gbk", dtype={0: "category", 1: "category", 2: "category", 3: "category"})
df.columns = ["month", "customer", "licence", "sku", "volume", "amount"]
a = df.groupby(["customer", "month"], observed=True)[["volume", "amount"]].sum()
b = df.groupby(["licence", "sku", "month"], observed=True)[["volume", "amount"]].sum()
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, len(a) + len(b))
"""


def generate(folder: Path, n_stores=5000, n_hq=250, n_skus=150, per_store=30, seed=3) -> list[Path]:
    rng = random.Random(seed)
    ids = Ids(rng)
    specs = load_specs()
    label = specs.label
    classes = list(specs.sheet("catalogue").field("price_class").options.values())
    skus = []
    for k in range(n_skus):
        price = rng.choice((400, 220, 160, 120, 85, 60, 40, 25, 14))
        cls = classes[0 if price >= 100 else 1 if price >= 70 else 2 if price >= 30 else 3 if price >= 16.5 else 4]
        skus.append({"sku": f"{BRANDS[k % len(BRANDS)]}({VARIANTS[k // len(BRANDS)]})", "brand": BRANDS[k % len(BRANDS)],
                     "price_class": cls, "wholesale_price": float(price), "retail_guide": round(price * 1.15, 0),
                     "scarce": label("catalogue", "scarce", "yes" if k % 25 == 0 else "no"),
                     "new": label("catalogue", "new", "yes" if k % 50 == 7 else "no")})
    staff = [{"staff_no": f"{k:04d}", "name": f"经理{k}", "role": label("staff", "role", "mm" if k < 5 else "cm")}
             for k in range(30)]
    hqs = [hq_row(k, name=f"连锁企业{k}有限公司", mm=f"经理{k % 5}", cm=f"经理{5 + k % 25}",
                  buyer_email=f"b{k}@example.cn") for k in range(n_hq)]
    stores = [dict(store_row(k, hqs[k % n_hq], ids), monthly_volume=100) for k in range(n_stores)]
    months = months_ending(MONTH, 13)
    sales = folder / "销售数据.csv"
    header = specs.sheet("sales").headers
    per_hq: dict = {}
    with open(sales, "w", encoding="gbk", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for s in stores:
            for sku in rng.sample(skus, per_store):
                base = rng.uniform(2, 40)
                for k, m in enumerate(months):
                    v = max(1, round(base * rng.uniform(0.8, 1.2) * (1 + 0.01 * k)))
                    w.writerow([m, s["customer"], s["licence"], sku["sku"], v, round(v * sku["wholesale_price"], 2)])
                    per_hq[(m, s["customer"])] = per_hq.get((m, s["customer"]), 0) + v
    targets = [{"month": MONTH, "customer": h["code"], "target_volume": round(per_hq[(MONTH, h["code"])] * 1.02, -1)}
               for h in hqs]
    out = [sales, folder / "卷烟规格.xlsx", folder / "总部档案.xlsx", folder / "卖场明细表.xlsx",
           folder / "人员名单.xlsx", folder / "销售目标.xlsx"]
    for path, sheet, rows in zip(out[1:], ("catalogue", "hq", "stores", "staff", "targets"),
                                 (skus, hqs, stores, staff, targets)):
        write_sheet(path, sheet, rows)
    return out


def children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes so far."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def floor(csv_path: Path) -> tuple[float, float]:
    """pandas reading the CSV and grouping it, in its own process: (seconds, peak MiB)."""
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", FLOOR, str(csv_path)], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t
    _, peak, _ = r.stdout.split()
    return wall, float(peak)


def main() -> int:
    ap = arguments(__doc__)
    ap.add_argument("--stores", type=int, default=25_000, help="stores (390 sales rows each; default 25,000)")
    args = ap.parse_args()
    with workspace(args.keep) as folder:
        t = time.perf_counter()
        paths = generate(folder, n_stores=args.stores)
        rows = args.stores * 30 * 13
        print(f"generated {rows:,} sales rows ({paths[0].stat().st_size / 1e6:.0f} MB GBK CSV), 250 customers, "
              f"{args.stores:,} stores, 150 SKUs in {time.perf_counter() - t:.1f} s")
        load = os.getloadavg()[0]
        cpu = children_cpu()
        floor_s, floor_mib = floor(paths[0])
        floor_cpu, cpu = children_cpu() - cpu, children_cpu()
        seconds, peak, _ = run_gcs("monthly", "--month", MONTH, "--out", str(folder / "reviews"), *map(str, paths))
        gcs_cpu = children_cpu() - cpu
        reviews = len(list((folder / "reviews").glob("销售回顾_*.xlsx")))
    ratio = gcs_cpu / floor_cpu
    print(f"floor (pandas read_csv + group-by): {floor_s:.1f} s wall, {floor_cpu:.1f} s CPU, peak {floor_mib:,.0f} MiB")
    print(f"gcs monthly: {reviews} reviews + the department report in {seconds:.1f} s wall, {gcs_cpu:.1f} s CPU, "
          f"peak {peak:,.0f} MiB ({rows / seconds:,.0f} rows/s)")
    print(f"ratio {ratio:.2f} x the floor in CPU time, {seconds / floor_s:.2f} x in wall time; load average "
          f"{load:.1f} before, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores")
    ok = ratio <= GOAL_RATIO
    print(f"goal: at most {GOAL_RATIO:g} x the floor: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
