"""Benchmark: `gcs forecast`'s forecast and backtest for 250 customers × 150 SKUs × 36
months (37,500 series; 1.35 million sales rows, one store per customer × SKU × month), and
the workbook of those 37,500 rows.

    python benchmarks/bench_forecast.py [--customers 250] [--skus 150] [--months 36] [--no-workbook]

The sales rows are made in memory as the validated sales table (validation has its own
benchmark, bench_validate.py); timed: the series × month matrix from them, every
candidate's rolling-origin backtest over 6 months, the choice per series, the forecasts,
ranges, customer and department sums (forecasting.forecast_table), then the workbook. Peak RSS
of this process (data generation included). Goal: forecast + backtest < 60 s, < 2 GiB.
Also prints the Spring Festival check (aligned vs plain seasonal naive on Jan/Feb) and the
department's backtest WAPE against seasonal naive on the generated history.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from gcs_excel.dept import Department, HQ
from gcs_excel.festivals import spring_festival_in
from gcs_excel.forecasting import forecast_table
from gcs_excel.forecast_engine import FALLBACK, STOPPED, forecast_matrix
from gcs_excel.values import month_at, month_index
from gcs_excel.forecast_workbook import write_forecast_workbook
from gcs_excel.reporting.analysis import sales_table
from gcs_excel.reporting.data import MonthlyInputs

GOAL_SECONDS, GOAL_BYTES = 60.0, 2 * 1024 ** 3
FIRST = "2023-11"


def generate(customers: int, skus: int, months: int, seed: int = 11) -> tuple[MonthlyInputs, str]:
    """Sales like the demo's (level, trend, the Spring Festival month × 1.35, September × 1.1,
    noise ±15%), a few new SKUs and discontinued ones; the month after the last one."""
    rng = np.random.default_rng(seed)
    names = [month_at(month_index(FIRST) + t) for t in range(months)]
    season = np.array([1.35 if spring_festival_in(m) else 1.1 if m.endswith("-09") else 1.0 for m in names])
    n = customers * skus
    level = rng.lognormal(3.5, 1.0, (n, 1))
    trend = (1 + rng.uniform(-0.02, 0.03, (n, 1))) ** np.arange(months)
    Y = np.round(level * season * trend * rng.uniform(0.85, 1.15, (n, months)))
    Y[rng.random(n) < 0.02, :-3] = 0            # new SKUs: the last 3 months only
    Y[rng.random(n) < 0.02, -4:] = 0            # discontinued
    c = np.repeat(np.arange(customers), skus)
    k = np.tile(np.arange(skus), customers)
    cust = np.array([f"JT{i:04d}" for i in range(customers)], dtype=object)
    sku = np.array([f"规格{i:03d}" for i in range(skus)], dtype=object)
    keep = Y > 0
    rows, cols = np.nonzero(keep)
    sales = sales_table(np.array(names, dtype=object)[cols].tolist(), cust[c[rows]].tolist(),
                        cust[c[rows]].tolist(), sku[k[rows]].tolist(), Y[keep].tolist(), (Y[keep] * 100).tolist())
    dept = Department(hqs={code: HQ(code, f"连锁{code}", "", "", "王建国", f"经理{i % 40}", True)
                           for i, code in enumerate(cust)})
    month = month_at(month_index(FIRST) + months)
    return MonthlyInputs(month, sales, {}, dept), month


def coverage(inputs: MonthlyInputs, month: str, n: int) -> str:
    """The 80% range's coverage: forecast each of the last 10 months from the months before
    it, for the first n series with a backtest; the share of actuals inside the range."""
    from gcs_excel.forecasting import sales_matrix

    Y, _, months = sales_matrix(inputs.sales, month)
    Y = Y[:n]
    inside = total = 0
    for cut in range(len(months) - 10, len(months)):
        f = forecast_matrix(Y[:, :cut], months[0])
        ok = ~np.isin(f.method, [FALLBACK, STOPPED])
        actual = Y[ok, cut]
        inside += int(((actual >= f.low[ok, 0]) & (actual <= f.high[ok, 0])).sum())
        total += int(ok.sum())
    return f"80% 区间的覆盖率：{len(Y)} 个序列 × 最近 10 个月，实际落在区间内 {inside / total:.1%}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=250)
    ap.add_argument("--skus", type=int, default=150)
    ap.add_argument("--months", type=int, default=36)
    ap.add_argument("--no-workbook", action="store_true")
    ap.add_argument("--coverage", type=int, default=0, metavar="N",
                    help="also: how often the 80%% range held the actual month, the first N series, each of the last 10 months")
    args = ap.parse_args()
    t0 = time.perf_counter()
    inputs, month = generate(args.customers, args.skus, args.months)
    made = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = forecast_table(inputs, month)
    took = time.perf_counter() - t0
    d = result.department()
    line = [f"| {len(result.series):,} 个序列 × {args.months} 个月（{len(inputs.sales):,} 行销售） "
            f"| 预测+回测 {took:.1f} s |"]
    if not args.no_workbook:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            write_forecast_workbook(result, Path(tmp) / f"需求预测_{month}.xlsx")
            line.append(f" 工作簿 {time.perf_counter() - t0:.1f} s |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    line.append(f" 峰值内存 {peak / 1024 ** 2:,.0f} MiB |")
    print(f"生成数据 {made:.1f} s")
    print("".join(line))
    print(f"部门回测 WAPE {d['wape']:.1%}，同期法 {d['baseline_wape']:.1%}；"
          f"春节对齐（{'、'.join(result.festival['months'])}）{result.festival['aligned']:.1%}，"
          f"不对齐 {result.festival['plain']:.1%}")
    if args.coverage:
        print(coverage(inputs, month, args.coverage))
    ok = took < GOAL_SECONDS and peak < GOAL_BYTES
    print("达标" if ok else f"未达标：目标 {GOAL_SECONDS:.0f} s、{GOAL_BYTES / 1024 ** 3:.0f} GiB")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
