"""Benchmark: full validation of a 100,000-row store list (with 2,000 HQs and the staff
list) against the floor, python-calamine alone reading the same sheet.

    python benchmarks/bench_validate.py [--rows 100000] [--keep DIR]

Each measurement runs in a fresh process (wall time and peak RSS of that process only).
Goal (issue #2): validation <= 3 x the floor, peak memory < 1 GiB.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from pathlib import Path

from common import arguments, workspace, write_sheet

from gcs_excel.demo.people import DISTRICTS, Ids
from gcs_excel.spec import load_specs

GOAL_RATIO, GOAL_MEMORY_MIB = 3.0, 1024


def generate(folder: Path, n_stores: int, n_hq: int = 2000, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    ids = Ids(rng)
    specs = load_specs()
    role = specs.sheet("staff").field("role")
    status = specs.sheet("stores").field("status")
    cats = specs.sheet("stores").field("category").values
    mms = [ids.name(3) for _ in range(20)]
    cms = [ids.name(3) for _ in range(100)]
    staff = [{"staff_no": f"{k:05d}", "name": name, "role": role.label("mm" if k < 20 else "cm")}
             for k, name in enumerate(mms + cms)]
    hq_spec = specs.sheet("hq")
    hqs = []
    for k in range(n_hq):
        d = DISTRICTS[k % len(DISTRICTS)]
        hqs.append({"code": f"{chr(65 + k // 26 // 100 % 26)}{chr(65 + k // 100 % 26)}{k % 10000:04d}",
                    "name": f"连锁企业{k}", "uscc": ids.uscc(d[0]), "legal_rep": ids.name(3),
                    "address": f"长沙市{d[1]}{d[3][k % 5]}{k}号", "order_phone": ids.landline(),
                    "order_frequency": hq_spec.field("order_frequency").values[k % 4], "bank": "中国工商银行长沙支行",
                    "bank_account": ids.bank_account(), "planned_volume": 1000 + k, "buyer": ids.name(),
                    "buyer_phone": ids.mobile(), "mm": mms[k % 20], "cm": cms[k % 100],
                    "status": hq_spec.field("status").values[0]})

    def stores():
        for k in range(n_stores):
            d = DISTRICTS[k % len(DISTRICTS)]
            row = {"licence": ids.licence(d[0], "2" if k % 3 else "1"), "customer": hqs[k % n_hq]["code"],
                   "name": f"门店{k}", "category": cats[k % len(cats)],
                   "address": f"长沙市{d[1]}{d[3][k % 5]}{k}号", "area": d[2], "contact": f"联系人{k % 5000}",
                   "phone": ids.mobile(), "monthly_volume": rng.randrange(0, 3000), "cm": cms[k % 100],
                   "status": status.values[0]}
            if k % 250 == 0:              # a realistic 0.4 % of typical mistakes
                row["licence"] = float(row["licence"]) if k % 500 else " " + row["licence"]
            yield row

    paths = [folder / "卖场明细表.xlsx", folder / "总部档案.xlsx", folder / "人员名单.xlsx"]
    write_sheet(paths[0], "stores", stores())
    write_sheet(paths[1], "hq", hqs)
    write_sheet(paths[2], "staff", staff)
    return paths


FLOOR = """
import sys, python_calamine as pc
wb = pc.CalamineWorkbook.from_path(sys.argv[1])
rows = wb.get_sheet_by_name(wb.sheet_names[0]).to_python()
"""
FULL = """
import sys
from gcs_excel.validate import validate
v = validate(sys.argv[1:])
print(len(v.report.problems), sum(len(t) for t in v.tables))
"""


def measure(code: str, args: list[str]) -> dict:
    """Run code in a fresh interpreter; wall time from inside, peak RSS of the child."""
    wrapper = ("import time, resource, json\n_t = time.perf_counter()\n" + code +
               "\nprint(json.dumps({'seconds': time.perf_counter() - _t, "
               "'peak_mib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))")
    r = subprocess.run([sys.executable, "-c", wrapper, *args], capture_output=True, text=True, check=True)
    lines = r.stdout.strip().splitlines()
    out = json.loads(lines[-1])
    out["output"] = lines[:-1]
    return out


def main() -> int:
    ap = arguments(__doc__)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs")
    args = ap.parse_args()
    with workspace(args.keep) as folder:
        t = time.perf_counter()
        paths = generate(folder, args.rows)
        print(f"generated {args.rows:,} stores, 2,000 HQs, 120 staff in {time.perf_counter() - t:.1f} s "
              f"({paths[0].stat().st_size / 1e6:.1f} MB store list)")
        floor = min((measure(FLOOR, [str(paths[0])]) for _ in range(args.repeat)), key=lambda m: m["seconds"])
        full = min((measure(FULL, [str(p) for p in paths]) for _ in range(args.repeat)), key=lambda m: m["seconds"])
    problems, rows = map(int, full["output"][0].split())
    ratio = full["seconds"] / floor["seconds"]
    print(f"floor  python-calamine reads the store sheet: {floor['seconds']:.2f} s, peak {floor['peak_mib']:.0f} MiB")
    print(f"full   validate (3 files, {rows:,} rows, {problems:,} problems): {full['seconds']:.2f} s, "
          f"{rows / full['seconds']:,.0f} rows/s, peak {full['peak_mib']:.0f} MiB")
    ok = ratio <= GOAL_RATIO and full["peak_mib"] < GOAL_MEMORY_MIB
    print(f"ratio  {ratio:.2f} x the floor (goal <= {GOAL_RATIO:g}); memory goal < {GOAL_MEMORY_MIB} MiB: "
          f"{'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
