"""Benchmark: `gcs validate` of a store list (with 2,000 HQs and the staff list) at 10,000
to 1,048,575 rows (Excel's limit with the header), against the floor, python-calamine alone
reading the same store sheet, and against pandas.read_excel + pandera checking the same
three files (benchmarks/pandera_check.py).

    pip install -e '.[bench]'
    python benchmarks/bench_validate.py [--rows 10000 100000 1000000 1048575] [--repeat 3] [--keep DIR]

Each measurement is a fresh process, timed from outside (start-up and imports included),
with the peak RSS of that process alone; the three are run in turn, --repeat times, and
the best of each is kept, so the ratios are taken under the same load. Prints the
Markdown table of README.md's 性能 section. Goal (issue #7): gcs validate <= 3 x the floor
at every size, peak memory < 2 GiB, faster than pandera at every size.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from common import arguments, compiled, machine_load, run, workspace, write_sheet

from gcs_excel.demo.people import DISTRICTS, Ids
from gcs_excel.spec import load_specs

GOAL_RATIO, GOAL_MEMORY_MIB = 3.0, 2048
SIZES = (10_000, 100_000, 1_000_000, 1_048_575)
HERE = Path(__file__).parent


def licences(rng: random.Random, n: int) -> list[str]:
    """n distinct valid licence numbers in random order: 6-digit county code of Changsha
    (430102 ... 430181), holder type 1 or 2, serial 00001-99999 (5 districts alone hold
    only a million, and drawing at random near the end of a space takes ever longer)."""
    counties = [f"4301{c:02d}" for c in range(2, 82)]
    space = len(counties) * 2 * 99_999
    out = []
    for k in rng.sample(range(space), n):
        county, rest = divmod(k, 2 * 99_999)
        holder, serial = divmod(rest, 99_999)
        out.append(f"{counties[county]}{holder + 1}{serial + 1:05d}")
    return out


def generate(folder: Path, n_stores: int, n_hq: int = 2000, seed: int = 7) -> list[Path]:
    """The store list, HQ file and staff list (kept in folder: generated once per size)."""
    paths = [folder / "卖场明细表.xlsx", folder / "总部档案.xlsx", folder / "人员名单.xlsx"]
    if all(p.exists() for p in paths):
        return paths
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
    numbers = licences(rng, n_stores)

    def stores():
        for k in range(n_stores):
            d = DISTRICTS[k % len(DISTRICTS)]
            row = {"licence": numbers[k], "customer": hqs[k % n_hq]["code"],
                   "name": f"门店{k}", "category": cats[k % len(cats)],
                   "address": f"长沙市{d[1]}{d[3][k % 5]}{k}号", "area": d[2], "contact": f"联系人{k % 5000}",
                   "phone": ids.mobile(), "monthly_volume": rng.randrange(0, 3000), "cm": cms[k % 100],
                   "status": status.values[0]}
            if k % 250 == 0:              # a realistic 0.4 % of typical mistakes
                row["licence"] = float(row["licence"]) if k % 500 else " " + row["licence"]
            yield row

    folder.mkdir(parents=True, exist_ok=True)
    write_sheet(paths[1], "hq", hqs)
    write_sheet(paths[2], "staff", staff)
    write_sheet(paths[0], "stores", stores())   # last: its presence says the set is complete
    return paths


FLOOR = ("import sys, python_calamine as pc\n"
         "wb = pc.CalamineWorkbook.from_path(sys.argv[1])\n"
         "rows = wb.get_sheet_by_name(wb.sheet_names[0]).to_python()\n")


def commands(paths: list[Path]) -> dict[str, list[str]]:
    files = [str(p) for p in paths]
    return {"floor": [sys.executable, "-c", FLOOR, files[0]],
            "gcs": [sys.executable, "-m", "gcs_excel", "validate", *files],
            "pandera": [sys.executable, str(HERE / "pandera_check.py"), *files]}


def measure(paths: list[Path], repeat: int) -> dict:
    """Best of repeat runs of each command, the three taken in turn."""
    best: dict = {}
    for _ in range(repeat):
        for name, cmd in commands(paths).items():
            r = run(*cmd)
            if r.code not in ((0, 1) if name == "gcs" else (0,)):
                raise SystemExit(f"{name} failed ({r.code}):\n{r.stdout[-3000:]}")
            if name not in best or r.seconds < best[name].seconds:
                best[name] = r
    return best


def row(n: int, m: dict) -> tuple[str, bool]:
    floor, gcs, pandera = m["floor"], m["gcs"], m["pandera"]
    ratio = gcs.seconds / floor.seconds
    ok = ratio <= GOAL_RATIO and gcs.peak_mib < GOAL_MEMORY_MIB and gcs.seconds < pandera.seconds
    return (f"| {n:,} | {floor.seconds:.2f} 秒 | {gcs.seconds:.2f} 秒 | **{ratio:.2f} ×** | {gcs.peak_mib:,.0f} MiB "
            f"| {pandera.seconds:.2f} 秒 | {pandera.peak_mib:,.0f} MiB | {gcs.seconds / pandera.seconds:.2f} × |"), ok


def main() -> int:
    ap = arguments(__doc__)
    ap.add_argument("--rows", type=int, nargs="+", default=list(SIZES), help="store-list sizes to measure")
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs")
    args = ap.parse_args()
    compiled()
    lines, met = [], True
    with workspace(args.keep) as folder:
        for n in args.rows:
            t = time.perf_counter()
            paths = generate(folder / str(n), n)
            print(f"{n:,} 行：数据就绪（{time.perf_counter() - t:.0f} 秒，卖场明细表 {paths[0].stat().st_size / 1e6:.1f} MB）",
                  file=sys.stderr)
            line, ok = row(n, measure(paths, args.repeat))
            print(line, file=sys.stderr)
            lines.append(line)
            met &= ok
    print(machine_load())
    print()
    print("| 卖场行数 | 下限：calamine 读取 | gcs validate | 倍数 | 内存峰值 | pandera + read_excel | pandera 内存 "
          "| gcs ÷ pandera |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(lines))
    print()
    print(f"目标：每种规模 ≤ {GOAL_RATIO:g} 倍下限、内存 < {GOAL_MEMORY_MIB // 1024} GiB、比 pandera 快 —— "
          f"{'达到' if met else '没有达到'}（各取 {args.repeat} 次中最快的一次）")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
