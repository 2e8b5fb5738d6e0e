"""`gcs forecast`: next month's demand per customer × SKU and per customer, with the
backtest's accuracy beside each number.

The files are validated first (rows with errors left out, like `gcs monthly`) and read by
the monthly review's loader (reporting.data). The history is every sales month before
--month; forecast_engine does the arithmetic on the series × months matrix, this module
names the series (customer, SKU, manager, price class), marks the short ones and sums
customers and the department. `forecast_table` is the core `gcs demo` and `gcs monthly`
call on inputs they already loaded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .dept import Excluded
from .errors import ConfigError
from .forecast_supply import load_settings, stockout_risks
from .forecast_workbook import filename, write_forecast_workbook
from .forecast_engine import BACKTEST, FALLBACK, STOPPED, Forecasts, forecast_matrix, wape
from .problems import Report
from .quota_check import check_month
from .reporting.data import MonthlyInputs, load_inputs
from .validation import validate
from .values import month_index, months_ending, shift_month
from .writing import check_writable

NO_HQ = "（总部档案里没有）"


@dataclass
class SeriesResult:
    """One customer × SKU: its forecast, range, method and backtest."""
    customer: str
    sku: str
    forecast: list[int]             # 条, one per month of the horizon
    low: list[int]
    high: list[int]
    method: str
    wape: float | None
    baseline_wape: float | None
    last3: list[float]              # the 3 months before the forecast, oldest first
    last_year: float | None         # the same month last year (None: not in the history)
    mark: str = ""                  # 新品 / 新客户 / 历史短 / 停售: why the method is the simple one
    error: float = float("nan")     # Σ|A − F| over the backtest (for the sums)
    baseline_error: float = float("nan")
    actual: float = 0.0


@dataclass
class ForecastResult:
    """What `gcs forecast` found: every series, customer and the department."""
    month: str
    horizon: int
    months: list[str]                                   # history months, oldest first
    series: list[SeriesResult] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)            # customer -> name
    managers: dict[str, str] = field(default_factory=dict)         # customer -> 客户经理
    classes: dict[str, str] = field(default_factory=dict)          # sku -> 价类
    history: list[float] = field(default_factory=list)             # department total per history month
    festival: dict = field(default_factory=dict)
    validation: Report | None = None
    excluded: list[Excluded] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    workbook: Path | None = None
    risks: list[dict[str, Any]] = field(default_factory=list)      # 常销品牌断货风险 (forecast_supply)

    @property
    def target_months(self) -> list[str]:
        """The forecast months: --month and the horizon after it."""
        return [shift_month(self.month, k) for k in range(self.horizon)]

    @property
    def exit_code(self) -> int:
        """2 when a file could not be read, else 0."""
        return 2 if self.validation is not None and self.validation.unreadable else 0

    def customers(self) -> list[dict[str, Any]]:
        """Per customer: forecast (the sum of its SKUs), backtest WAPE and the baseline's."""
        out: dict[str, dict] = {}
        for s in self.series:
            c = out.setdefault(s.customer, {"customer": s.customer, "forecast": 0, "low": 0, "high": 0,
                                            "_e": 0.0, "_b": 0.0, "_a": 0.0, "_ab": 0.0})
            _add(c, s)
        return [_finish(c) for c in out.values()]

    def department(self) -> dict[str, Any]:
        """The department: the sum of every series, and its WAPE over them."""
        d = {"forecast": 0, "low": 0, "high": 0, "_e": 0.0, "_b": 0.0, "_a": 0.0, "_ab": 0.0}
        for s in self.series:
            _add(d, s)
        return _finish(d)

    def as_dict(self) -> dict:
        """The result as --json prints it (WAPE as a fraction, null without a backtest)."""
        def one(x: dict) -> dict:
            return {k: x[k] for k in ("forecast", "wape", "baseline_wape")}
        out = {
            "month": self.month,
            "series": [{"customer": s.customer, "sku": s.sku, "forecast": s.forecast[0], "low": s.low[0],
                        "high": s.high[0], "method": s.method, "wape": s.wape, "baseline_wape": s.baseline_wape}
                       for s in self.series],
            "customers": [{"customer": c["customer"], **one(c)} for c in self.customers()],
            "department": one(self.department()),
        }
        out["risks"] = [{k: r[k] for k in ("customer", "sku", "forecast", "recent_max", "cover_days", "why")}
                        for r in self.risks]
        if self.horizon > 1:
            out["ahead"] = [{"month": m, "forecast": sum(s.forecast[k] for s in self.series)}
                            for k, m in enumerate(self.target_months)]
        return out


def _add(acc: dict, s: SeriesResult) -> None:
    acc["forecast"] += s.forecast[0]
    acc["low"] += s.low[0]
    acc["high"] += s.high[0]
    if not np.isnan(s.error):
        acc["_e"] += s.error
        acc["_a"] += s.actual
    if not np.isnan(s.baseline_error):
        acc["_b"] += s.baseline_error
        acc["_ab"] += s.actual


def _finish(acc: dict) -> dict:
    e, b, a, ab = (acc.pop(k) for k in ("_e", "_b", "_a", "_ab"))
    acc["wape"] = wape(e, a) if a else None
    acc["baseline_wape"] = wape(b, ab) if ab else None
    return acc


def forecast(paths: Sequence[str | Path], month: str, *, horizon: int = 1, out: str | Path | None = None,
             config: str | Path | None = None, today: dt.date | None = None) -> ForecastResult:
    """The `gcs forecast` command's core: validate the files, read the sales history before
    `month`, forecast `horizon` months from it; with out, write the workbook there
    (a folder: 需求预测_<month>.xlsx in it); config: a department's forecast.toml overrides."""
    check_month(month)
    settings = load_settings(config)
    if horizon < 1 or horizon > 12:
        raise ConfigError("--horizon 请在 1 到 12 之间")
    target = None
    if out is not None:
        target = Path(out) / filename(month) if Path(out).is_dir() else Path(out)
        check_writable(target, paths)
    v = validate(paths, today=today)
    if v.report.unreadable:
        result = ForecastResult(month, horizon, [])
        result.validation = v.report
        return result
    inputs = load_inputs(v, shift_month(month, -1))      # 品牌采集 of the last month: its stock
    inputs.dept.require(("sales",), "需求预测", "：请给出销售数据")
    result = forecast_table(inputs, month, horizon)
    result.risks = stockout_risks(result, inputs, settings)
    result.validation = v.report
    result.excluded = inputs.dept.excluded
    if target is not None:
        result.workbook = write_forecast_workbook(result, target, paths)
    return result


def forecast_table(inputs: MonthlyInputs, month: str, horizon: int = 1) -> ForecastResult:
    """Forecast `month` (and horizon − 1 months after it) from the sales before it, for
    inputs already loaded (reporting.data.load_inputs): the function `gcs demo` and
    `gcs monthly` call."""
    Y, keys, months = sales_matrix(inputs.sales, month)
    if not months:
        raise ConfigError(f"销售数据里没有 {month} 之前的月份，无法预测")
    if months[-1] != shift_month(month, -1):
        raise ConfigError(f"销售数据只到 {months[-1]}，预测 {month} 需要上个月（{shift_month(month, -1)}）的销售")
    result = ForecastResult(month, horizon, months)
    for code, hq in inputs.dept.hqs.items():
        result.names[code] = hq.name
        result.managers[code] = hq.cm
    result.classes = {k: s.price_class for k, s in inputs.catalogue.items()}
    result.history = Y.sum(axis=0).tolist()
    f = forecast_matrix(Y, months[0], horizon)
    result.festival = f.festival
    marks = _marks(Y, keys, f, {k for k, s in inputs.catalogue.items() if s.new})
    T = len(months)
    ly = T - 12
    whole = [np.rint(x).astype(np.int64).tolist() for x in (f.forecast, f.low, f.high)]    # half to even, as round()
    for r in np.flatnonzero(Y.any(axis=1)).tolist():
        customer, sku = keys[r]
        result.series.append(SeriesResult(
            customer, sku, whole[0][r], whole[1][r], whole[2][r], f.method[r],
            wape(f.error[r], f.actual[r]), wape(f.baseline_error[r], f.actual[r]),
            Y[r, max(T - 3, 0):].tolist(), float(Y[r, ly]) if ly >= 0 else None, marks[r],
            float(f.error[r]), float(f.baseline_error[r]), float(f.actual[r])))
    for s in result.series:
        result.names.setdefault(s.customer, NO_HQ)
    if T < BACKTEST + 15:
        result.notes.append(f"历史 {T} 个月：同期法的回测需要至少 {BACKTEST + 15} 个月，基准（同期）的 WAPE 为空")
    return result


def sales_matrix(sales: pd.DataFrame, month: str) -> tuple[np.ndarray, list[tuple[str, str]], list[str]]:
    """(customer × SKU) × month volumes (条) of every month before `month`, from the first
    month in the data (months missing in between are 0); the keys and months in order."""
    # Summed with np.bincount over integer codes, not a pandas group-by: millions of rows
    # in one pass without sorting them (the group-by cost gcs monthly seconds). Each
    # column's codes are remapped to its values as sorted text first, so that two values
    # with one text are one key and the keys come out in text order; months from `month`
    # on are remapped to −1 with the empty cells.
    (c, customers), (k, skus), (m, months_all) = (
        _text_codes(sales[name], month if name == "month" else None) for name in ("customer", "sku", "month"))
    keep = (c >= 0) & (k >= 0) & (m >= 0)
    if not keep.any():
        return np.zeros((0, 0)), [], []
    c, k, m = c[keep], k[keep], m[keep]
    volume = sales["volume"].to_numpy(dtype=float)[keep]
    if np.isnan(volume).any():
        volume = np.nan_to_num(volume)
    n_k, n_m = len(skus), len(months_all)
    pair, pairs = pd.factorize(c.astype(np.int64) * n_k + k)     # every customer × SKU with a row, sold or not
    sums = np.bincount(pair * n_m + m, weights=volume, minlength=len(pairs) * n_m).reshape(len(pairs), n_m)
    order = np.argsort(pairs)                                  # text order: the codes are sorted texts
    sums, present = sums[order], pairs[order]
    used = np.flatnonzero(np.bincount(m, minlength=n_m))      # the months with rows, in text order
    first, last = months_all[used[0]], months_all[used[-1]]
    months = months_ending(last, month_index(last) - month_index(first) + 1)
    at = {t: j for j, t in enumerate(months_all)}
    Y = np.zeros((len(present), len(months)))
    for j, t in enumerate(months):
        if t in at:
            Y[:, j] = sums[:, at[t]]
    keys = [(customers[p // n_k], skus[p % n_k]) for p in present.tolist()]
    return Y, keys, months


def _text_codes(column: pd.Series, before: str | None = None) -> tuple[np.ndarray, list[str]]:
    """Each row's code into the column's distinct values as text, sorted (−1 where empty,
    or, given `before`, where the text is not less than it)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        raw, values = column.cat.codes.to_numpy(), column.cat.categories
    else:
        raw, values = pd.factorize(column, sort=False)
    remap, texts = pd.factorize(pd.Index(values).astype(str), sort=True)
    if before is not None:
        n = int(texts.searchsorted(before))                 # the texts less than it come first
        remap, texts = np.where(remap < n, remap, -1), texts[:n]
    return np.append(remap, -1)[raw], list(texts)       # raw −1 (empty) picks the appended −1


def _marks(Y: np.ndarray, keys: list[tuple[str, str]], f: Forecasts, new: set[str]) -> list[str]:
    """Why a series took the simple method: 停售, 新品 (catalogue 是否新品, or the SKU's
    first sales in the department are its own), 新客户 (the customer's first sales month
    is the series'), else 历史短."""
    T = Y.shape[1]
    started = (Y > 0).argmax(axis=1)
    sku_first: dict[str, int] = {}
    customer_first: dict[str, int] = {}
    for r, (c, k) in enumerate(keys):
        if Y[r].any():
            sku_first[k] = min(sku_first.get(k, T), started[r])
            customer_first[c] = min(customer_first.get(c, T), started[r])
    out = []
    for r, (c, k) in enumerate(keys):
        if f.method[r] == STOPPED:
            out.append("停售")
        elif f.method[r] != FALLBACK:
            out.append("")
        elif k in new or 0 < started[r] == sku_first.get(k):
            out.append("新品")
        elif 0 < started[r] == customer_first.get(c):
            out.append("新客户")
        else:
            out.append("历史短")
    return out
