"""Benchmark: a store list of 2 data rows whose every row down to 1,048,576 is formatted
(rows formatted whole in Excel), through `gcs validate`, `gcs validate --annotate` and
`gcs fix`.

    python benchmarks/bench_styled_rows.py [--rows N] [--keep DIR]

Each command runs as a user would run it (a fresh `gcs` process); wall time and peak
RSS are of that process alone. Goal (issue #7): --annotate and fix near the time of
validate on the same file, under 5 s.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from common import arguments, workspace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.faults import styled_rows_workbook  # noqa: E402


def timed(*args) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (steadier on a busy machine) and peak MiB of one gcs process."""
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "gcs_excel", *map(str, args)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(proc.stderr.read().decode())
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    ap = arguments(__doc__)
    ap.add_argument("--rows", type=int, default=1_048_576)
    a = ap.parse_args()
    with workspace(a.keep) as folder:
        src = styled_rows_workbook(folder / "卖场明细表.xlsx", rows=a.rows)
        print(f"{src.name}: 2 data rows, rows 4–{a.rows:,} formatted, {src.stat().st_size / 1e6:.1f} MB")
        for label, args in (("gcs validate", ("validate", src)),
                            ("gcs validate --annotate", ("validate", "--annotate", folder / "标注", src)),
                            ("gcs fix", ("fix", src, "--out", folder / "修正.xlsx"))):
            seconds, cpu, mib = timed(*args)
            print(f"  {label:<26}{seconds:7.2f} s  (CPU {cpu:6.2f} s) {mib:6.0f} MiB")


if __name__ == "__main__":
    main()
