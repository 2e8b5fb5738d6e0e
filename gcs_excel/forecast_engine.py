"""The demand forecast's numbers: every customer × SKU series at once, as one matrix
(series × months, 条), no printing, no files.

Candidate methods, each forecasting a month only from the months before it:
- seasonal naive: the same month last year × the recent trend (last 3 months ÷ the same
  3 months a year before, kept within 0.5–2), with January and February aligned to the
  Spring Festival (festivals.py): when the festival changed month between the two years,
  the two months swap, so the festival month is compared with last year's festival month
  and the Jan+Feb pair keeps last year's total;
- moving average of the last 3 months;
- ETS: simple exponential smoothing, ETS(A,N,N), α ∈ ALPHAS chosen per series by the
  backtest; computed for every series at once by coreforecast (Nixtla's C++ core under
  statsforecast): AutoETS itself takes ~8 ms a series on this machine class, 5 minutes for
  the 37,500 series of the benchmark;
- combination: the mean of seasonal naive and ETS (a combination is rarely far off when
  either is).
The baseline is seasonal naive ignoring the festival. Each series takes the candidate
with the smallest absolute error over a rolling origin of BACKTEST months; the 80% range
is ± T80 × the standard error of that method's BACKTEST errors, √(Σe² ÷ (BACKTEST − 1))
(× √k k months ahead): Student's t with BACKTEST − 1 degrees of freedom, since σ is
estimated from 6 errors of the method that had the smallest of them.
Series too short for a backtest fall back to the mean of their last months and are marked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from coreforecast.grouped_array import GroupedArray
from coreforecast.lag_transforms import ExponentiallyWeightedMean

from .festivals import spring_festivals
from .values import month_at, month_index

BACKTEST = 6
SEASON = 12
ALPHAS = (0.2, 0.4, 0.6, 0.8)
T80 = 1.4759                # Student's t, 90% quantile, 5 degrees of freedom: 80% of errors within ± T80 s
TREND_LIMITS = (0.5, 2.0)
METHODS = ("seasonal", "moving_average", "ets", "combination")
FALLBACK = "fallback"       # too short for a backtest: mean of its last months
STOPPED = "stopped"         # no sales in the last 3 months: forecast 0


@dataclass
class Forecasts:
    """The forecast of every series (rows of the input matrix), `horizon` months ahead."""
    forecast: np.ndarray        # (n, horizon) 条, ≥ 0
    low: np.ndarray             # (n, horizon) the 80% range
    high: np.ndarray
    method: np.ndarray          # (n,) a name of METHODS, FALLBACK or STOPPED
    error: np.ndarray           # (n,) Σ|A − F| of the chosen method over the backtest (NaN: none)
    baseline_error: np.ndarray  # (n,) the same of seasonal naive ignoring the festival (NaN: none)
    actual: np.ndarray          # (n,) Σ A over the backtest months
    festival: dict              # seasonal naive with and without the festival alignment on Jan/Feb


def analogue_offsets(first: str, length: int) -> np.ndarray:
    """For each month position t (from `first`), how far back its same-festival month of
    last year lies: 12, or 11/13 for a January/February whose year's Spring Festival is in
    the other month than last year's."""
    festivals = spring_festivals()
    start = month_index(first)
    out = np.full(length, SEASON)
    for t in range(length):
        n = start + t
        year, m = n // 12, n % 12 + 1
        this, last = festivals.get(year), festivals.get(year - 1)
        if m in (1, 2) and this and last and this.month != last.month:
            out[t] = SEASON - 1 if m == 2 else SEASON + 1       # Feb ← last Jan; Jan ← last Feb
    return out


def _trend(Y: np.ndarray, t: int) -> np.ndarray:
    """Last 3 months before t ÷ the same 3 months a year earlier, within TREND_LIMITS (1 without a base)."""
    recent = Y[:, max(t - 3, 0):t].sum(axis=1)
    before = Y[:, t - 15:t - 12].sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(before > 0, recent / before, 1.0)
    return np.clip(ratio, *TREND_LIMITS)


def _seasonal(Y: np.ndarray, origin: int, target: int, offsets: np.ndarray | None) -> np.ndarray:
    """Seasonal naive for month `target` from the months before `origin` (target ≥ origin)."""
    back = SEASON if offsets is None else int(offsets[target])
    source = target - back
    while source >= origin:                     # more than a year ahead: the year before that
        source -= SEASON
    return Y[:, source] * _trend(Y, origin)


def _ets(Y: np.ndarray) -> np.ndarray:
    """(alphas, n, T + 1): the one-step forecast of every month from the months before it
    (position T: the month after the data), NaN before a series' first sale."""
    n, T = Y.shape
    data = np.concatenate([Y, np.zeros((n, 1))], axis=1)
    data[data.cumsum(axis=1) == 0] = np.nan                 # before the first sale: no level yet
    ga = GroupedArray(np.ascontiguousarray(data.ravel()), np.arange(0, n * (T + 1) + 1, T + 1, dtype=np.int32))
    return np.stack([np.nan_to_num(ExponentiallyWeightedMean(lag=1, alpha=a, skipna=True).transform(ga).reshape(n, T + 1))
                     for a in ALPHAS])


def forecast_matrix(Y: np.ndarray, first: str, horizon: int = 1) -> Forecasts:
    """Forecast every row of Y (series × months, oldest first, the first month is `first`)
    for the `horizon` months after the last, with the rolling-origin backtest over the
    last BACKTEST months."""
    Y = np.asarray(Y, dtype=float)
    n, T = Y.shape
    offsets = analogue_offsets(first, T + horizon)
    started = (Y > 0).argmax(axis=1)
    life = np.where((Y > 0).any(axis=1), T - started, 0)
    back = range(T - BACKTEST, T) if T > BACKTEST else range(0)
    seasonal_ok = T >= BACKTEST + 15 and len(back) > 0
    actual = Y[:, T - len(back):T]

    ets_all = _ets(Y)
    cands: dict[str, np.ndarray] = {}                  # method -> (n, len(back)) backtest forecasts
    future: dict[str, np.ndarray] = {}                 # method -> (n, horizon)
    if back:
        cands["moving_average"] = np.stack([Y[:, max(t - 3, 0):t].mean(axis=1) for t in back], axis=1)
    future["moving_average"] = np.repeat(Y[:, max(T - 3, 0):T].mean(axis=1, keepdims=True), horizon, axis=1)
    ets_err = np.abs(ets_all[:, :, T - len(back):T] - actual).sum(axis=2)          # (alphas, n)
    best_alpha = ets_err.argmin(axis=0)
    rows = np.arange(n)
    cands["ets"] = ets_all[best_alpha, rows][:, T - len(back):T]
    future["ets"] = np.repeat(ets_all[best_alpha, rows][:, T:T + 1], horizon, axis=1)
    baseline = None
    if seasonal_ok:
        cands["seasonal"] = np.stack([_seasonal(Y, t, t, offsets) for t in back], axis=1)
        baseline = np.stack([_seasonal(Y, t, t, None) for t in back], axis=1)
        future["seasonal"] = np.stack([_seasonal(Y, T, T + k, offsets) for k in range(horizon)], axis=1)
        cands["combination"] = (cands["seasonal"] + cands["ets"]) / 2
        future["combination"] = (future["seasonal"] + future["ets"]) / 2
    elif T >= SEASON + 3:           # a year of history: seasonal naive forecasts, but cannot be backtested
        future["seasonal"] = np.stack([_seasonal(Y, T, T + k, offsets) for k in range(horizon)], axis=1)

    names = [m for m in METHODS if m in cands] if back else []
    errors = np.stack([np.abs(cands[m] - actual).sum(axis=1) for m in names]) if names else np.zeros((0, n))
    pick = errors.argmin(axis=0) if names else np.zeros(n, dtype=int)
    method = np.array([names[i] for i in pick] if names else [FALLBACK] * n, dtype=object)
    fc = np.stack([future[names[i]][r] for r, i in enumerate(pick)]) if names else np.zeros((n, horizon))
    chosen = np.stack([cands[names[i]][r] for r, i in enumerate(pick)]) if names else np.zeros((n, 0))
    error = errors[pick, rows] if names else np.full(n, np.nan)
    rmse = np.sqrt(((chosen - actual) ** 2).sum(axis=1) / (len(back) - 1)) if names else np.zeros(n)
    baseline_error = np.abs(baseline - actual).sum(axis=1) if baseline is not None else np.full(n, np.nan)

    # Short series (a new SKU, a customer that joined late): the mean of their last months.
    short = life < BACKTEST + 4
    last3 = Y[:, max(T - 3, 0):T]
    k = np.clip(np.minimum(life, 3), 1, None)
    simple = np.array([Y[r, T - k[r]:T].mean() for r in range(n)]) if short.any() else np.zeros(n)
    spread = np.array([Y[r, T - max(life[r], 1):T].std() if life[r] > 1 else Y[r, T - 1] / 2 for r in range(n)]) \
        if short.any() else np.zeros(n)
    stopped = (life > 0) & (last3.sum(axis=1) == 0)
    method[short] = FALLBACK
    fc[short] = simple[short, None]
    rmse = np.where(short, spread, rmse)
    error[short] = np.nan
    baseline_error[short] = np.nan
    method[stopped | (life == 0)] = STOPPED
    fc[stopped | (life == 0)] = 0.0
    rmse = np.where(stopped | (life == 0), 0.0, rmse)

    fc = np.maximum(fc, 0.0)
    half = T80 * rmse[:, None] * np.sqrt(np.arange(1, horizon + 1))[None, :]
    return Forecasts(fc, np.maximum(fc - half, 0.0), fc + half, method, error, baseline_error,
                     actual.sum(axis=1), festival_backtest(Y, first))


def festival_backtest(Y: np.ndarray, first: str) -> dict:
    """Seasonal naive (× trend) with and without the Spring Festival alignment, on every
    January and February of the history that has the 15 months before it: the absolute
    error, the WAPE of each, and the months compared."""
    Y = np.asarray(Y, dtype=float)
    T = Y.shape[1]
    offsets = analogue_offsets(first, T)
    start = month_index(first)
    months = [t for t in range(15, T) if (start + t) % 12 in (0, 1)]
    if not months:
        return {"months": [], "aligned": None, "plain": None}
    actual = sum(Y[:, t].sum() for t in months)
    aligned = sum(np.abs(_seasonal(Y, t, t, offsets) - Y[:, t]).sum() for t in months)
    plain = sum(np.abs(_seasonal(Y, t, t, None) - Y[:, t]).sum() for t in months)
    return {"months": [month_at(start + t) for t in months],
            "aligned": float(aligned / actual) if actual else None, "plain": float(plain / actual) if actual else None}


def wape(error: float, actual: float) -> float | None:
    """Σ|A − F| ÷ Σ A as a fraction; None without a backtest or without sales to divide by."""
    if error is None or np.isnan(error) or not actual:
        return None
    return float(error / actual)
