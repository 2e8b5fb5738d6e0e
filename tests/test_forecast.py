"""gcs forecast: the engine on generated series (the festival alignment, short series, the
range), the command on the demo department."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gcs_excel.errors import ConfigError
from gcs_excel.festivals import spring_festival_in
from gcs_excel.forecasting import forecast
from gcs_excel.forecast_engine import FALLBACK, STOPPED, analogue_offsets, festival_backtest, forecast_matrix
from gcs_excel.values import month_at, month_index

from .conftest import TODAY


def history(n: int = 200, months: int = 36, first: str = "2023-01", seed: int = 1) -> np.ndarray:
    """Series like the demo's: a level, a trend, the festival month × 1.35, September × 1.1, noise."""
    rng = np.random.default_rng(seed)
    names = [month_at(month_index(first) + t) for t in range(months)]
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
    t = month_index(month) - month_index(first)
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
    assert set(d) == {"month", "series", "customers", "department", "risks"}
    assert d["department"]["forecast"] == sum(s["forecast"] for s in d["series"])
    assert d["department"]["forecast"] == sum(c["forecast"] for c in d["customers"])
    assert 0 < d["department"]["wape"] < 0.2
    # three years of history: the chosen methods beat seasonal naive on the backtest, and the
    # Spring Festival alignment beats ignoring it on the January/February months
    assert d["department"]["wape"] < d["department"]["baseline_wape"]
    assert r.festival["months"] and r.festival["aligned"] < r.festival["plain"]
    new = [s for s in r.series if s.mark == "新品"]
    assert new and all(s.method == FALLBACK and s.wape is None for s in new)
    assert all(s["low"] <= s["forecast"] <= s["high"] for s in d["series"])


def test_forecast_needs_last_month(clean_files):
    with pytest.raises(ConfigError, match="只到 2026-10"):
        forecast(clean_files, "2027-01", today=TODAY)


def test_cli_writes_the_workbook_and_json(clean_files, tmp_path):
    import json

    from click.testing import CliRunner
    from python_calamine import CalamineWorkbook

    from gcs_excel.cli import cli

    out = tmp_path / "需求预测_2026-11.xlsx"
    run = CliRunner().invoke(cli, ["forecast", "--month", "2026-11", "--json", "--out", str(out), *map(str, clean_files)])
    assert run.exit_code == 0, run.output
    data = json.loads(run.output)
    assert data["month"] == "2026-11" and data["series"]
    wb = CalamineWorkbook.from_path(str(out))
    assert wb.sheet_names == ["需求预测", "按客户汇总", "常销品牌断货风险", "部门趋势", "说明"]
    rows = wb.get_sheet_by_name("需求预测").to_python()
    assert rows[0][-2:] == ["调整后预测", "调整原因"] and len(rows) == len(data["series"]) + 1
    assert all(r[-2] == "" for r in rows[1:])       # left for the manager
    assert rows[0][5:8] == ["26年8月", "26年9月", "26年10月"]


def test_stockout_risk_threshold_from_config(clean_files, tmp_path):
    few = forecast(clean_files, "2026-11", today=TODAY)
    cfg = tmp_path / "f.toml"
    cfg.write_text("[supply]\ncover_days = 0\nover_recent = 10.0\n", "utf-8")
    none = forecast(clean_files, "2026-11", config=cfg, today=TODAY)
    assert few.risks and not none.risks
    assert all(r["cover_days"] is None or r["cover_days"] < 7 for r in few.risks)
    cfg.write_text("[supply]\ncover_dayz = 3\n", "utf-8")
    with pytest.raises(ConfigError, match="cover_dayz"):
        forecast(clean_files, "2026-11", config=cfg, today=TODAY)


def test_check_compares_forecast_adjustments_and_actuals(clean_files, tmp_path):
    """Forecast 2026-10 from the months before, adjust two rows in the filed workbook, check against October."""
    import openpyxl

    from gcs_excel.forecast_check import accuracy, check_forecast

    filed = tmp_path / "需求预测_2026-10.xlsx"
    r = forecast(clean_files, "2026-10", out=filed, today=TODAY)
    actual = {(s.customer, s.sku): s for s in forecast(clean_files, "2026-11", today=TODAY).series}
    wb = openpyxl.load_workbook(filed)
    ws = wb["需求预测"]
    head = [c.value for c in ws[1]]
    good = bad = None
    for row in ws.iter_rows(min_row=2):
        key = (row[0].value, row[3].value)
        if good is None:
            good = key
            row[head.index("调整后预测")].value = actual[key].last3[-1]       # the truth: better
            row[head.index("调整原因")].value = "门店促销"
        elif bad is None and row[2].value != ws.cell(2, 3).value:
            bad = key
            row[head.index("调整后预测")].value = actual[key].last3[-1] * 3    # far off: worse
        elif bad is not None and row[0].value not in (good[0], bad[0]):
            row[head.index("调整后预测")].value = "约一百"                       # pasted past the validation
            break
    wb.save(filed)
    checked = check_forecast([filed, *clean_files], "2026-10", out=tmp_path)
    from python_calamine import CalamineWorkbook
    book = CalamineWorkbook.from_path(str(tmp_path / "预测检查_2026-10.xlsx"))
    assert book.sheet_names == ["按客户经理", "按客户", "调整明细"]
    assert [r[6] for r in book.get_sheet_by_name("调整明细").to_python()[1:]] == ["门店促销", ""]
    by_customer = {g["customer"]: g for g in checked.groups("customer")}
    assert by_customer[good[0]]["adjustments_helped"] is True
    assert by_customer[bad[0]]["adjustments_helped"] is False
    assert any("「约一百」不是 0 或正数，按未调整计" in n for n in checked.notes)
    d = checked.department()
    errors = sum(abs(x.forecast - x.actual) for x in checked.rows)
    assert d["accuracy"] == pytest.approx(accuracy(errors, sum(x.actual for x in checked.rows)))
    assert 0.8 < d["accuracy"] <= 1
    assert {g["manager"] for g in checked.groups("manager")} == set(r.managers[c] for c in {s.customer for s in r.series})


@pytest.mark.parametrize("error, actual, expected", [(10, 100, 0.9), (150, 100, 0.0), (0, 0, None), (0, 50, 1.0)])
def test_accuracy_is_domain_formula(error, actual, expected):
    from gcs_excel.forecast_check import accuracy
    assert accuracy(error, actual) == expected


def test_marks_new_sku_new_customer_and_discontinued():
    """A customer that joined 4 months ago, a SKU launched 2 months ago, a SKU stopped: each marked."""
    from gcs_excel.dept import HQ, Department
    from gcs_excel.forecasting import forecast_table
    from gcs_excel.reporting.analysis import sales_table
    from gcs_excel.reporting.data import MonthlyInputs

    months = [month_at(month_index("2024-01") + t) for t in range(24)]
    rows = [(m, "JT0001", "甲") for m in months] + [(m, "JT0001", "停") for m in months[:-4]]
    rows += [(m, "JT0001", "新") for m in months[-2:]] + [(m, "JT0002", "甲") for m in months[-4:]]
    sales = sales_table(*zip(*[(m, c, "L" + c, k, 10.0 + i % 3, 100.0) for i, (m, c, k) in enumerate(rows)]))
    dept = Department(hqs={c: HQ(c, f"连锁{c}", "", "", "王", "刘", True) for c in ("JT0001", "JT0002")})
    r = forecast_table(MonthlyInputs("2026-01", sales, {}, dept), "2026-01")
    marks = {(s.customer, s.sku): (s.mark, s.method, s.forecast[0]) for s in r.series}
    assert marks[("JT0001", "甲")][0] == ""
    assert marks[("JT0001", "停")] == ("停售", STOPPED, 0)
    assert marks[("JT0001", "新")][:2] == ("新品", FALLBACK)
    assert marks[("JT0002", "甲")][:2] == ("新客户", FALLBACK)


def test_out_into_a_read_only_folder_or_full_disk_is_one_line(clean_files, tmp_path):
    from .faults import gcs, one_line_error, read_only, tiny_disk

    folder = tmp_path / "ro"
    folder.mkdir()
    with read_only(folder):
        run = gcs("forecast", "--month", "2026-11", "--out", folder / "x.xlsx", *clean_files)
        assert run.returncode != 0 and one_line_error(run.stderr), run.stderr
        assert list(folder.iterdir()) == []
    with tiny_disk(tmp_path / "full") as full:
        run = gcs("forecast", "--month", "2026-11", "--out", full / "x.xlsx", *clean_files)
        assert run.returncode != 0 and one_line_error(run.stderr), run.stderr
        assert [p.name for p in full.iterdir()] == []


@pytest.mark.libreoffice
def test_the_workbook_prints_readable_on_a4(soffice, clean_files, tmp_path):
    """As its reader sees it: every sheet one page wide at 70 % or more; 说明 on one portrait page."""
    from .printcheck import LibreOffice, print_sheets

    out = forecast(clean_files, "2026-11", out=tmp_path / "需求预测_2026-11.xlsx", today=TODAY).workbook
    (tmp_path / "lo").mkdir()
    printed = {p.sheet: p for p in print_sheets(LibreOffice(soffice, tmp_path / "lo"), [out], tmp_path / "printed")}
    assert set(printed) == {"需求预测", "按客户汇总", "常销品牌断货风险", "部门趋势", "说明"}
    for p in printed.values():
        assert p.one_page_wide and (p.scale is None or p.scale >= 70), str(p)
    assert not printed["说明"].landscape and printed["说明"].pages == 1


def test_horizon_and_check_from_the_command_line(clean_files, tmp_path):
    import json

    from click.testing import CliRunner

    from gcs_excel.cli import cli

    run = CliRunner().invoke(cli, ["forecast", "--month", "2026-11", "--horizon", "3", "--json", *map(str, clean_files)])
    data = json.loads(run.output)
    assert [a["month"] for a in data["ahead"]] == ["2026-11", "2026-12", "2027-01"]
    assert data["ahead"][0]["forecast"] == data["department"]["forecast"]
    filed = tmp_path / "需求预测_2026-10.xlsx"
    forecast(clean_files, "2026-10", out=filed, today=TODAY)
    run = CliRunner().invoke(cli, ["forecast", "--check", "--month", "2026-10", str(filed), *map(str, clean_files)])
    assert run.exit_code == 0, run.output
    assert run.output.startswith("预测检查 2026-10") and "按客户经理" in run.output and "未调整" in run.output
    run = CliRunner().invoke(cli, ["forecast", "--check", "--month", "2026-10", *map(str, clean_files)])
    assert run.exit_code != 0 and "预测工作簿" in run.output


@pytest.mark.parametrize("typed, expected", [(None, None), ("", None), ("  ", None), (120, 120.0), ("1,200", 1200.0),
                                             ("120", 120.0), (0, 0.0), (-5, False), ("约一百", False)])
def test_a_typed_adjustment_is_read_or_reported(typed, expected):
    from gcs_excel.forecast_check import _number
    assert repr(_number(typed)) == repr(expected)         # False is not 0.0


ROWS = st.lists(st.tuples(st.sampled_from(["2025-11", "2025-12", "2026-01", "2026-03", None]),
                          st.sampled_from(["JT0001", "JT0010", "JT0002", None]),
                          st.sampled_from(["中华(硬)", "白沙(硬)", "芙蓉王(硬)", None]),
                          st.sampled_from([0.0, 1.0, 2.5, 40.0, float("nan")])), max_size=40)


@settings(max_examples=200, deadline=None)
@given(ROWS, st.sampled_from(["2025-12", "2026-02", "2026-04"]), st.booleans())
def test_sales_matrix_sums_what_a_plain_loop_sums(rows, month, categorical):
    """The customer × SKU × month matrix (summed by integer codes, not a group-by) equals
    a dictionary filled row by row: every pair with a row before the month, text order,
    months from the first to the last with rows (gaps 0), NaN volumes as 0."""
    import pandas as pd

    from gcs_excel.forecasting import sales_matrix

    frame = pd.DataFrame(rows, columns=["month", "customer", "sku", "volume"])
    if categorical:
        for c in ("month", "customer", "sku"):
            frame[c] = pd.Categorical(frame[c])
    sums: dict = {}
    for m, c, k, v in rows:
        if m is not None and c is not None and k is not None and m < month:
            sums.setdefault((c, k), {}).setdefault(m, 0.0)
            sums[(c, k)][m] += 0.0 if v != v else v
    Y, keys, months = sales_matrix(frame, month)
    assert keys == sorted(sums)
    seen = sorted({m for per in sums.values() for m in per})
    assert months == ([month_at(k) for k in range(month_index(seen[0]), month_index(seen[-1]) + 1)] if seen else [])
    assert Y.tolist() == [[sums[key].get(m, 0.0) for m in months] for key in keys]
