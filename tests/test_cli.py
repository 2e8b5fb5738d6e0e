"""The gcs command line: exit codes, JSON, one-line errors, help and generated docs."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import openpyxl
import pytest
from click.testing import CliRunner

from gcs_excel.cli import cli, cli_reference
from gcs_excel.docs import fields_markdown, problems_markdown

from .conftest import ROOT
from .test_validate import stores


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_validate_clean_files_exits_0(clean_files):
    r = run("validate", *clean_files, "--today", "2026-11-27")
    assert r.exit_code == 0, r.output
    assert "0 个错误，0 个警告" in r.output


def test_validate_problems_exit_1_and_are_listed(mistake_files):
    r = run("validate", *mistake_files, "--today", "2026-11-27", "--max", "0")
    assert r.exit_code == 1
    assert "科学计数法" in r.output and "建议改为：" in r.output
    assert r.output.count("[错误 ") + r.output.count("[警告 ") == 41


def test_validate_limits_the_listing(mistake_files):
    r = run("validate", *mistake_files, "--today", "2026-11-27", "--max", "1")
    assert "还有" in r.output and "--max 0" in r.output


def test_validate_json(mistake_files, tmp_path):
    r = run("validate", "--json", *mistake_files, "--today", "2026-11-27", "--annotate", tmp_path)
    assert r.exit_code == 1
    data = json.loads(r.output)
    assert set(data) == {"issues", "summary"}
    first = data["issues"][0]
    assert set(first) == {"code", "severity", "file", "sheet", "row", "column", "cell", "message",
                          "suggestion", "related"}
    assert data["summary"]["errors"] + data["summary"]["warnings"] == 41
    assert len(data["summary"]["annotated"]) == len(mistake_files)


def test_validate_unreadable_exits_2_with_one_line(tmp_path):
    bad = tmp_path / "报表.xls"
    bad.write_text("<html><table></table></html>")
    r = run("validate", bad)
    assert r.exit_code == 2
    line = next(x for x in r.output.splitlines() if "无法读取 ——" in x)
    assert "HTML" in line and "Traceback" not in r.output


def test_fix_command(tmp_path, write):
    src = write("stores", stores(2, r0={"licence": 430102200000.0}))
    r = run("fix", src, "--out", tmp_path / "fixed.xlsx")
    assert r.exit_code == 0, r.output
    assert "改了 1 处" in r.output and "修改记录" in r.output


def test_fix_output_must_not_be_the_input(write):
    src = write("stores", stores(1))
    r = run("fix", src, "--out", src)
    assert r.exit_code == 2
    assert r.output.startswith("错误：") and "输入文件" in r.output


def test_templates_command(tmp_path):
    r = run("templates", "--out", tmp_path)
    assert r.exit_code == 0
    assert len(list(tmp_path.glob("*.xlsx"))) == 9


def test_demo_command(tmp_path):
    r = run("demo", tmp_path / "demo", "--month", "2026-10")
    assert r.exit_code == 0, r.output
    assert "校验结果：0 个错误，0 个警告 ✓" in r.output
    assert "41 处典型错误" in r.output
    assert (tmp_path / "demo" / "错误示例_标注" / "卖场明细表.xlsx").exists()
    assert "合并成" in r.output and "卖场明细表：读入 755 = 进入总表 155 + 重复删除 589 + 冲突未采用 11 ✓" in r.output
    assert (tmp_path / "demo" / "合并总表.xlsx").exists()
    # scarce supply: both scarce SKUs allocated, a numbered notice per store, the numbers in
    # the visit log where the notice was handed over, and every one of them checks out
    assert "紧俏货源（2026-10）：中华(硬)" in r.output and "；芙蓉王(硬)" in r.output
    assert "书面告知 142 份（GX202610-0001 … GX202610-0142）" in r.output
    register = tmp_path / "demo" / "紧俏货源" / "紧俏货源告知_2026-10.xlsx"
    visits = tmp_path / "demo" / "标准数据" / "拜访记录_2026-10.xlsx"
    numbers = [v for (v,) in openpyxl.load_workbook(visits, read_only=True)["拜访记录"].iter_rows(
        min_row=2, min_col=7, max_col=7, values_only=True) if v and v.startswith("GX")]
    assert len(numbers) == len(set(numbers)) > 100
    q = run("quotas", "--month", "2026-10", "--json", *sorted((tmp_path / "demo" / "标准数据").glob("*.xlsx")), register)
    assert not [w for w in json.loads(q.output)["warnings"] if w["code"].startswith("notice_number")]
    # a new chain's application, filled and approved, that gcs onboard approve takes as it is
    assert "新客户入网：" in r.output and "初审、审批都已同意；检查没有问题 ✓" in r.output
    # next year's target of the biggest customer, broken into months and stores
    line = next(x for x in r.output.splitlines() if "年销售目标分解" in x)
    total, months = line.split("全年 ")[1].split(" 条 → 12 个月 ")
    assert sum(int(x.replace(",", "")) for x in months.split("（")[0].split("/")) == int(total.replace(",", ""))
    assert (tmp_path / "demo" / "销售目标_2027.xlsx").exists()
    # next month's forecast beats seasonal naive on the backtest, and aligning to the Spring
    # Festival beats ignoring it on the January/February months of the history
    line = next(x for x in r.output.splitlines() if x.startswith("需求预测（"))
    wape, naive = (float(x) for x in re.findall(r"WAPE ([\d.]+)%，同期法 ([\d.]+)%", line)[0])
    assert wape < naive
    aligned, plain = (float(x) for x in re.findall(r"误差 ([\d.]+)%，不对齐 ([\d.]+)%", r.output)[0])
    assert aligned < plain
    # the meeting register: one weekly meeting missing in one area, one action item overdue
    meetings = json.loads(q.output)["meetings"]
    assert "会议（按会议记录，5 个片区）：" in r.output and "逾期未完成的会议事项 1 条" in r.output
    assert [m["area"] for m in meetings["results"] if m["status"] == "failed"] == ["天心片区"]
    # the weekly pack of the month's last reviewed week, with the two findings for 专卖
    assert "片区周会材料（2026-W43" in r.output and "其中专卖事项 2 条" in r.output
    assert (tmp_path / "demo" / "周会材料_2026-W43.xlsx").exists()
    # a page for every visit planned on the day the briefs are for
    day = re.findall(r"拜访准备（(\d{4}-\d\d-\d\d)，计划拜访最多的一天）：(\d+) 页", r.output)[0]
    plan = openpyxl.load_workbook(tmp_path / "demo" / "标准数据" / "拜访计划_2026-10.xlsx", read_only=True)["拜访计划"]
    planned = sum(1 for row in plan.iter_rows(min_row=2, max_col=1, values_only=True)
                  if row[0] is not None and str(row[0])[:10] == day[0])
    briefs = openpyxl.load_workbook(tmp_path / "demo" / f"拜访准备_{day[0]}.xlsx", read_only=True)
    assert int(day[1]) == planned == len(briefs.sheetnames) - 1 > 10
    # the symposium of the last whole half: the pack, a form per invited HQ, the forms' tally
    pack = tmp_path / "demo" / "座谈会_2026-H1"
    assert "半年座谈会（2026年上半年）：" in r.output
    assert (pack / "座谈会材料_2026-H1.xlsx").exists() and (pack / "满意度汇总_2026-H1.xlsx").exists()
    assert len(list((pack / "满意度调查表_2026-H1").glob("*.xlsx"))) == len(list((pack / "收回的调查表").glob("*.xlsx"))) == 11


def test_demo_rejects_a_bad_month(tmp_path):
    r = run("demo", tmp_path, "--month", "2026/10")
    assert r.exit_code == 2 and "YYYY-MM" in r.output


def test_errors_are_one_line_and_debug_shows_the_traceback(write, monkeypatch):
    import gcs_excel.validation as validate

    def boom(*a, **k):
        raise RuntimeError("出乎意料")
    monkeypatch.setattr(validate, "validate_files", boom)
    src = write("stores", stores(1))
    r = run("validate", src)
    assert r.exit_code == 3 and "内部错误" in r.output and "--debug" in r.output
    r = run("--debug", "validate", src)
    assert isinstance(r.exception, RuntimeError)


def test_every_command_has_help_with_an_example():
    ctx_commands = [c for c in cli.commands.values() if not c.hidden]
    assert {c.name for c in ctx_commands} >= {"templates", "validate", "fix", "demo"}
    for c in ctx_commands:
        assert c.help and "示例：" in c.help, c.name
        assert f"## gcs {c.name}" in cli_reference()


@pytest.mark.parametrize("name, text", [
    ("CLI.md", cli_reference), ("FIELDS.md", fields_markdown), ("PROBLEMS.md", problems_markdown)])
def test_generated_docs_are_current(name, text):
    """Regenerate with: gcs docs"""
    expected = text()
    assert (ROOT / "docs" / name).read_text("utf-8") == expected + ("" if expected.endswith("\n") else "\n")


def test_module_entry_point():
    r = subprocess.run([sys.executable, "-m", "gcs_excel", "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("gcs ")


def test_monthly_takes_a_departments_config(monthly_files, tmp_path):
    """--config overrides monthly.toml: a smaller minimum base states a rate the default keeps
    back; a key monthly.toml has not is one clear line, exit 2."""
    import json

    from .conftest import MONTHLY_MONTH

    def distribution(*extra):
        r = run("monthly", "--month", MONTHLY_MONTH, "--out", tmp_path / "out", "--json", *extra, *monthly_files)
        assert r.exit_code == 0, r.output
        data = json.loads(r.output)
        return {d["sku"]: d["rate"] for c in data["customers"] if c["customer"] == "JT0001" for d in c["distribution"]}

    assert distribution()["乙(软)"] is None                # seen in 3 stores: below the default base of 5
    mine = tmp_path / "我们的设置.toml"
    mine.write_text("[thresholds]\nmin_base = 2\n", "utf-8")
    assert distribution("--config", mine)["乙(软)"] == 1.0
    mine.write_text("[thresholds]\nmin_bass = 2\n", "utf-8")
    r = run("monthly", "--month", MONTHLY_MONTH, "--out", tmp_path / "out", "--config", mine, *monthly_files)
    assert r.exit_code == 2 and len(r.output.strip().splitlines()) == 1 and "min_bass" in r.output, r.output
