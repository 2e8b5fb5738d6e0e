"""Benchmark: `gcs merge` of 30 customer managers' copies of one store list, at 5,000 and
50,000 rows per copy.

    python benchmarks/bench_merge.py [--rows 5000 50000] [--files 30] [--repeat 1] [--keep DIR]

Each copy is the same store list as the staff keep it: every 50th row edited in some
copies (a phone or a volume: conflicts), a few stores of its own added, its rows in
another order in every other file. One fresh `gcs merge --policy newest` process per
size, timed from outside (start-up and imports included); memory: its peak RSS plus
twice the peak of its biggest worker process (the two that read big inputs). Prints the
Markdown table of README.md's merge section. Goals (issue 9): 30 x 5,000 rows < 10 s;
30 x 50,000 rows < 60 s and < 2 GiB.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from bench_validate import licences
from common import arguments, compiled, machine_load, run, workspace, write_sheet

from gcs_excel.demo.people import DISTRICTS
from gcs_excel.spec import load_specs

GOALS = {5_000: (10.0, None), 50_000: (60.0, 2048)}
# gcs as `python -m gcs_excel`, then the peak RSS of its biggest worker process (big inputs
# are read in two of them): the memory figure is the main process's peak + 2 x that.
MEASURED = """
import resource, sys
from gcs_excel.cli import main
sys.argv[0] = "gcs"
try:
    main()
finally:
    print(f"WORKER_PEAK_KIB {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")
"""


def generate(folder: Path, rows: int, files: int, seed: int = 9) -> list[Path]:
    """The copies (generated once per size when kept)."""
    paths = [folder / f"客户经理{n:02d}_卖场明细表.xlsx" for n in range(files)]
    if all(p.exists() for p in paths):
        return paths
    rng = random.Random(seed)
    specs = load_specs()
    cats = specs.sheet("stores").field("category").values
    active = specs.sheet("stores").field("status").values[0]
    numbers = licences(rng, rows + files * 20)

    def store(k: int) -> dict:
        d = DISTRICTS[k % len(DISTRICTS)]
        return {"licence": numbers[k], "customer": f"JT{k % 2000:04d}", "name": f"门店{k}",
                "category": cats[k % len(cats)], "address": f"长沙市{d[1]}{d[3][k % 5]}{k}号", "area": d[2],
                "contact": f"联系人{k % 5000}", "phone": f"139{k % 100_000_000:08d}",
                "monthly_volume": 100 + k % 900, "cm": f"经理{k % 30:02d}", "status": active}

    base = [store(k) for k in range(rows)]
    for n, path in enumerate(paths):
        copy = [dict(r) for r in base]
        for k in range(n % 50, rows, 50):             # edits: each copy its own rows
            if rng.random() < 0.3:
                copy[k]["monthly_volume"] += 1 + n
        copy += [store(rows + n * 20 + j) for j in range(20)]     # stores only this manager has
        if n % 2:
            copy.reverse()
        write_sheet(path, "stores", copy)
    return paths


def main() -> None:
    ap = arguments(__doc__)
    ap.add_argument("--rows", type=int, nargs="+", default=[5_000, 50_000])
    ap.add_argument("--files", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    compiled()
    print(machine_load())
    print()
    print("| 每份行数 × 文件数 | 读入行数 | 总表行数 | 冲突 | `gcs merge` | 内存峰值 | 目标 |")
    print("|---|---:|---:|---:|---:|---:|---|")
    with workspace(args.keep) as folder:
        for rows in args.rows:
            sub = folder / f"{rows}"
            sub.mkdir(exist_ok=True)
            paths = generate(sub, rows, args.files)
            best = None
            for _ in range(args.repeat):
                r = run(sys.executable, "-c", MEASURED, "merge", "--policy", "newest",
                        "--out", str(sub / "总表.xlsx"), *map(str, paths))
                if r.code not in (0, 1):
                    raise SystemExit(r.stdout)
                best = r if best is None or r.seconds < best.seconds else best
            line = next(ln for ln in best.stdout.splitlines() if "读入" in ln)
            read_in = line.split("读入 ")[1].split(" ")[0]
            master = line.split("总表 ")[1].split(" ")[0]
            conflicts = next((ln.split("冲突 ")[1].split(" ")[0] for ln in best.stdout.splitlines()
                              if ln.startswith("冲突 ")), "0")
            worker = int(best.stdout.split("WORKER_PEAK_KIB ")[1].split()[0]) / 1024
            peak = best.peak_mib + 2 * worker
            seconds, mib = GOALS.get(rows, (None, None))
            goal = "、".join(x for x in (f"< {seconds:.0f} 秒" if seconds else "",
                                         f"< {mib / 1024:.0f} GiB" if mib else "") if x)
            ok = (seconds is None or best.seconds < seconds) and (mib is None or peak < mib)
            memory = f"{peak:,.0f} MiB（主进程 {best.peak_mib:,.0f} + 2 × 工作进程 {worker:,.0f}）" if worker \
                else f"{peak:,.0f} MiB"
            print(f"| {rows:,} × {args.files} | {read_in} | {master} | {conflicts} | {best.seconds:.2f} 秒 "
                  f"| {memory} | {goal}{' ✓' if ok else ' ✗' if goal else ''} |")
    print()
    print(machine_load())


if __name__ == "__main__":
    main()
