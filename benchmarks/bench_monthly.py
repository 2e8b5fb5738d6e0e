"""Benchmark: `gcs monthly` for 5,000 stores, 150 SKUs and 13 months of store x SKU sales
(about 2 million rows, as a GBK CSV like the ordering system exports), 250 customers.

    python benchmarks/bench_monthly.py [--keep DIR]

Runs the command as a user would (a fresh `gcs` process); wall time and peak RSS are of
that process. Goal (issue #4): all reviews and the department report in under 60 s and
under 4 GiB.
"""

from __future__ import annotations

import csv
import random
import sys
import time
from pathlib import Path

from common import arguments, hq_row, run_gcs, store_row, workspace, write_sheet

from gcs_excel.demo.people import Ids
from gcs_excel.spec import load_specs
from gcs_excel.values import months_ending

MONTH = "2026-10"
GOAL_SECONDS, GOAL_MIB = 60.0, 4096
BRANDS = ["中华", "芙蓉王", "玉溪", "黄鹤楼", "南京", "利群", "云烟", "红塔山", "红金龙", "白沙", "黄金叶", "娇子",
          "苏烟", "双喜", "七匹狼"]
VARIANTS = ["硬", "软", "细支", "中支", "硬经典", "新版", "精品", "金", "蓝", "红"]


def generate(folder: Path, n_hq=250, n_stores=5000, n_skus=150, per_store=30, seed=3) -> list[Path]:
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


def main() -> int:
    args = arguments(__doc__).parse_args()
    with workspace(args.keep) as folder:
        t = time.perf_counter()
        paths = generate(folder)
        rows = sum(1 for _ in open(paths[0], encoding="gbk")) - 1
        print(f"generated {rows:,} sales rows ({paths[0].stat().st_size / 1e6:.0f} MB GBK CSV), 250 customers, "
              f"5,000 stores, 150 SKUs in {time.perf_counter() - t:.1f} s")
        seconds, peak, _ = run_gcs("monthly", "--month", MONTH, "--out", str(folder / "reviews"), *map(str, paths))
        reviews = len(list((folder / "reviews").glob("销售回顾_*.xlsx")))
    print(f"gcs monthly: {reviews} reviews + the department report in {seconds:.1f} s, peak {peak:,.0f} MiB")
    ok = seconds < GOAL_SECONDS and peak < GOAL_MIB
    print(f"goal: under {GOAL_SECONDS:g} s and {GOAL_MIB:,} MiB: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
