"""The Python API: `import gcs_excel` hands out the commands as functions returning the
result objects the command line prints, imported lazily."""

from __future__ import annotations

import subprocess
import sys

import pytest

import gcs_excel
from gcs_excel.planner import PlanResult
from gcs_excel.quota_check import QuotaReport
from gcs_excel.reporting.run import MonthlyResult
from gcs_excel.validation import ValidateRun

from .conftest import MONTH, MONTHLY_MONTH, MONTHLY_TODAY, ROOT, TODAY


def test_the_readme_example(clean_files):
    run = gcs_excel.validate(clean_files, today=TODAY)
    assert isinstance(run, ValidateRun)
    assert run.report.problems == [] and run.report.rows > 0 and run.tables
    report = gcs_excel.quotas([p for p in clean_files if p.suffix == ".xlsx"], MONTH, today=TODAY)
    assert isinstance(report, QuotaReport) and report.results


def test_plan_and_monthly_return_the_cli_results(clean_files, monthly_files, tmp_path):
    base = [p for p in clean_files if p.name.startswith(("人员名单", "总部档案", "卖场明细表"))]
    plan = gcs_excel.plan(base, "2026-11", person="刘洋", out=tmp_path / "计划.xlsx")
    assert isinstance(plan, PlanResult) and plan.rows and plan.output.exists()
    result = gcs_excel.monthly(monthly_files, MONTHLY_MONTH, tmp_path / "回顾", today=MONTHLY_TODAY)
    assert isinstance(result, MonthlyResult) and result.reviews


def test_build_workbooks_is_the_commands_core_function():
    from gcs_excel.vba.workbooks import WorkbooksResult, build_workbooks

    assert "build_workbooks" in gcs_excel.__all__
    assert gcs_excel.build_workbooks is build_workbooks
    assert build_workbooks.__annotations__["return"] in (WorkbooksResult, "WorkbooksResult")


def test_every_public_name_resolves():
    assert set(gcs_excel.__all__) <= set(dir(gcs_excel))
    for name in gcs_excel.__all__:
        assert callable(getattr(gcs_excel, name)), name
    with pytest.raises(AttributeError, match="nothing_of_ours"):
        _ = gcs_excel.nothing_of_ours


def test_the_readme_lists_every_public_name():
    """The README's sentence on `gcs_excel.__all__` names each of them (it fell behind once)."""
    line = next(x for x in (ROOT / "README.md").read_text(encoding="utf-8").split("\n\n") if "`gcs_excel.__all__`" in x)
    assert [n for n in gcs_excel.__all__ if f"`{n}`" not in line] == []


def test_importing_the_package_stays_light():
    """The API is imported on first use: `import gcs_excel` loads no pandas, openpyxl or
    XlsxWriter, and a submodule imported first never hides an API name."""
    code = ("import sys, gcs_excel, gcs_excel.validation, gcs_excel.quota_check, gcs_excel.planner\n"
            "print(sorted(m for m in ('pandas', 'openpyxl', 'xlsxwriter') if m in sys.modules))\n"
            "print(callable(gcs_excel.validate), callable(gcs_excel.quotas), callable(gcs_excel.plan))")
    r = subprocess.run([sys.executable, "-c", code.replace("gcs_excel.planner", "gcs_excel.errors")],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("\n")[:2] == ["[]", "True True True"]


def test_fill_is_the_commands_core_function():
    from gcs_excel.filling import FillResult, fill

    assert "fill" in gcs_excel.__all__
    assert gcs_excel.fill is fill
    assert fill.__annotations__["return"] in (FillResult, "FillResult")


def test_merge_is_the_commands_core_function():
    from gcs_excel.merging import MergeResult, merge

    assert "merge" in gcs_excel.__all__
    assert gcs_excel.merge is merge
    assert merge.__annotations__["return"] in (MergeResult, "MergeResult")
