"""gcs targets --progress: year to date against the seasonal plan per customer and per
customer manager, what each remaining month needs, behind pace flagged."""

from __future__ import annotations

import json

import openpyxl
import pytest
from click.testing import CliRunner

from gcs_excel.cli import cli
from gcs_excel.errors import ConfigError
from gcs_excel.targets_progress import target_progress

from .conftest import TODAY

# JT0001's plan: a heavy February (the festival), so that the seasonal pace and a straight line differ
PLAN = {"JT0001": [10, 40] + [10] * 10, "JT0002": [5] * 12}


@pytest.fixture
def files(tmp_path, write, monthly_files):
    """A typed 销售目标 for 2025 and the small monthly department's sales (2025-01, 2025-12)."""
    targets = write("targets", [{"month": f"2025-{m:02d}", "customer": c, "target_volume": v}
                                for c, plan in PLAN.items() for m, v in enumerate(plan, 1)])
    keep = [p for p in monthly_files if p.stem in ("销售数据", "总部档案")]
    return [targets, *keep]


def test_progress_against_the_seasonal_plan(files, tmp_path):
    r = target_progress(files, "2025-02", out=tmp_path / "p.xlsx", today=TODAY)
    c1, c2 = r.customers
    # JT0001 sold 15 in 2025-01 (none in February): plan to date 50, 30 % → behind
    assert (c1.code, c1.annual, c1.plan_to_date, c1.actual_to_date, c1.behind) == ("JT0001", 150, 50, 15, True)
    assert c1.remaining_months[0] == "2025-03" and sum(c1.need) == 135 and len(c1.need) == 10
    # JT0002 sold 8 + 6 = 14 against a plan of 10: ahead
    assert (c2.plan_to_date, c2.actual_to_date, c2.behind, c2.attainment) == (10, 14, False, 1.4)
    assert sum(c2.need) == 60 - 14
    assert [(m.manager, m.customers, m.behind) for m in r.managers] == [("刘洋", 1, 1), ("陈静", 1, 0)]
    assert any("2025-02" in w for w in r.warnings)            # no sales data for February: counted as 0
    wb = openpyxl.load_workbook(r.output)
    assert wb.sheetnames == ["客户目标进度", "客户经理目标进度", "剩余各月要完成"]
    assert [c.value for c in wb["客户目标进度"][2]][-1] == "落后"


def test_pace_is_the_seasonal_plan_not_a_straight_line(files):
    """JT0002 sold 14 in January against a plan of 5 (ahead); JT0001 15 against 10. A
    straight line would expect 150 ÷ 12 = 12.5 of JT0001 by January: the plan says 10."""
    r = target_progress(files, "2025-01", today=TODAY)
    assert [(c.plan_to_date, c.actual_to_date, c.behind) for c in r.customers] == [(10, 15, False), (5, 14, False)]


def test_year_end_needs_nothing_more(files):
    r = target_progress(files, "2025-12", today=TODAY)
    assert all(c.need == () and c.remaining_months == () for c in r.customers)


def test_refusals(files):
    with pytest.raises(ConfigError, match="没有 2030 年的目标"):
        target_progress(files, "2030-05", today=TODAY)
    with pytest.raises(ConfigError, match="需要"):
        target_progress(files[1:], "2025-05", today=TODAY)
    with pytest.raises(ConfigError, match="YYYY-MM"):
        target_progress(files, "2025-5", today=TODAY)


def test_cli(files):
    res = CliRunner().invoke(cli, ["targets", "--progress", "--month", "2025-02", "--json", *map(str, files)])
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    assert d["customers"][0]["behind"] is True and d["customers"][0]["attainment"] == 0.3
    assert sum(d["customers"][0]["need"].values()) == 135
    res = CliRunner().invoke(cli, ["targets", "--progress", *map(str, files)])
    assert res.exit_code == 2 and "--month" in res.output
    res = CliRunner().invoke(cli, ["targets", "--progress", "--month", "2025-02", *map(str, files)])
    assert "落后" in res.output and "刘洋" in res.output
