"""gcs forecast: the engine on generated series (the festival alignment, short series, the
range), the command on the demo department."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gcs_excel.errors import ConfigError
from gcs_excel.festivals import spring_festival_in
from gcs_excel.forecast import forecast
from gcs_excel.forecast_engine import (FALLBACK, STOPPED, analogue_offsets, festival_backtest, forecast_matrix,
                                       month_name, month_number)

from .conftest import TODAY


def history(n: int = 200, months: int = 36, first: str = "2023-01", seed: int = 1) -> np.ndarray:
    """Series like the demo's: a level, a trend, the festival month × 1.35, September × 1.1, noise."""
    rng = np.random.default_rng(seed)
    names = [month_name(month_number(first) + t) for t in range(months)]
    season = np.array([1.35 if spring_festival_in(m) else 1.1 if m.endswith("-09") else 1.0 for m in names])
    trend = (1 + rng.uniform(-0.02, 0.03, (n, 1))) ** np.arange(months)
    return np.round(rng.uniform(5, 200, (n, 1)) * season * trend * rng.uniform(0.85, 1.15, (n, months)))


@pytest.mark.parametrize("first, month, offset", [
    ("2024-01", "2025-01", 13),     # festival 2024-02-10 → 2025-01-29: Jan takes last Feb
    ("2024-01", "2025-02", 11),     # and Feb takes last Jan (the festival month)
    ("2025-01", "2026-02", 11),     # 2025-01-29 → 2026-02-17
    ("2026-01", "2027-02", 12),     # 2026-02-17 → 2027-02-06: same month, no swap
    ("2024-01", "2025-03", 12),
])
def test_analogue_month_follows_the_festival(first, month, offset):
    t = month_number(month) - month_number(first)
    assert analogue_offsets(first, t + 1)[t] == offset


def test_festival_alignment_beats_plain_seasonal_naive_on_jan_feb():
    result = festival_backtest(history(), "2023-01")
    assert result["months"] == ["2025-01", "2025-02"]
    assert result["aligned"] < result["plain"]


def test_department_forecast_beats_seasonal_naive_on_the_backtest():
    f = forecast_matrix(history(), "2023-01")
    assert np.nansum(f.error) < np.nansum(f.baseline_error)
    assert set(f.method) <= {"seasonal", "moving_average", "ets", "combination"}


def test_short_and_stopped_series_fall_back_and_are_marked():
    Y = history(6)
    Y[0, :-2] = 0           # a new SKU: 2 months
    Y[1, -3:] = 0           # discontinued
    Y[2, :] = 0             # nothing at all
    f = forecast_matrix(Y, "2023-01")
    assert f.method[0] == FALLBACK and f.forecast[0, 0] == pytest.approx(Y[0, -2:].mean())
    assert np.isnan(f.error[0]) and np.isnan(f.baseline_error[0])
    assert f.method[1] == STOPPED and f.forecast[1, 0] == 0 and f.high[1, 0] == 0
    assert f.method[2] == STOPPED
    assert f.method[3] not in (FALLBACK, STOPPED)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 30), st.integers(1, 4), st.integers(0, 2**16))
def test_range_holds_the_forecast_and_nothing_is_negative(months, horizon, seed):
    Y = np.random.default_rng(seed).poisson(20, (5, months)).astype(float)
    f = forecast_matrix(Y, "2024-03", horizon)
    assert f.forecast.shape == (5, horizon)
    assert (f.low >= 0).all() and (f.low <= f.forecast + 1e-9).all() and (f.forecast <= f.high + 1e-9).all()


def test_forecast_of_the_demo(clean_files):
    r = forecast(clean_files, "2026-11", today=TODAY)
    d = r.as_dict()
    assert set(d) == {"month", "series", "customers", "department"}
    assert d["department"]["forecast"] == sum(s["forecast"] for s in d["series"])
    assert d["department"]["forecast"] == sum(c["forecast"] for c in d["customers"])
    assert 0 < d["department"]["wape"] < 0.2
    assert d["department"]["baseline_wape"] is None     # 13 months: seasonal naive cannot be backtested
    new = [s for s in r.series if s.mark == "新品"]
    assert new and all(s.method == FALLBACK and s.wape is None for s in new)
    assert all(s["low"] <= s["forecast"] <= s["high"] for s in d["series"])


def test_forecast_needs_last_month(clean_files):
    with pytest.raises(ConfigError, match="只到 2026-10"):
        forecast(clean_files, "2027-01", today=TODAY)
