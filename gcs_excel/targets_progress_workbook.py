"""`gcs targets --progress --out FILE`: the year's progress as a workbook to print on A4:
客户目标进度 (per customer, behind pace marked red), 客户经理目标进度, 剩余各月要完成 (what
each customer must sell in each remaining month), and 未计入的行 when rows were left out."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from .quota_workbook import Col, Table, left_out_table, write_tables
from .sheetnames import PROGRESS_CUSTOMERS, PROGRESS_MANAGERS, PROGRESS_NEED

if TYPE_CHECKING:                   # the result's type only: targets_progress imports this module
    from .targets_progress import ProgressResult

TITLE = "销售目标进度"


def tables(result: ProgressResult) -> list[Table]:
    """The workbook's tables, in order."""
    pace = f"{result.settings.behind_pace:.0%}"
    note = (f"计划至今 = 1 月到 {result.month} 各月目标之和（按分到每个月的目标算，不是全年目标按月平均）；"
            f"完成率 = 实际至今 ÷ 计划至今；低于 {pace} 标为“落后”。全年还差 = 年度目标 − 实际至今。")
    customers = Table(PROGRESS_CUSTOMERS, [
        Col("客户编码", 10), Col("客户名称", 32), Col("客户经理", 10), Col("年度目标(条)", 12, "int"),
        Col("计划至今(条)", 12, "int"), Col("实际至今(条)", 12, "int"), Col("完成率", 8, "pct"),
        Col("全年还差(条)", 12, "int"), Col("进度", 6, "mark")], note=note)
    for c in result.customers:
        customers.add([c.code, c.name, c.manager, c.annual, c.plan_to_date, round(c.actual_to_date), c.attainment,
                       round(c.left), "落后" if c.behind else "正常"],
                      [None] * 8 + ["bad" if c.behind else "ok"])
    managers = Table(PROGRESS_MANAGERS, [
        Col("客户经理", 12), Col("客户数", 8, "int"), Col("落后客户", 8, "int"), Col("年度目标(条)", 12, "int"),
        Col("计划至今(条)", 12, "int"), Col("实际至今(条)", 12, "int"), Col("完成率", 8, "pct"),
        Col("全年还差(条)", 12, "int")], note=note)
    for m in result.managers:
        managers.add([m.manager, m.customers, m.behind, m.annual, m.plan_to_date, round(m.actual_to_date),
                      m.attainment, round(m.left)])
    out = [customers, managers]
    rest = result.customers[0].remaining_months if result.customers else ()
    if rest:
        need = Table(PROGRESS_NEED, [Col("客户编码", 10), Col("客户经理", 10)]
                     + [Col(f"{int(m[5:])}月(条)", 9, "int") for m in rest],
                     note="全年还差的部分按原计划各月的比例分到剩下的月份（最大余数法取整，合计等于全年还差）。")
        for c in result.customers:
            need.add([c.code, c.manager, *c.need])
        out.append(need)
    if result.excluded:
        out.append(left_out_table(result.excluded))
    return out


def write_progress_workbook(result: ProgressResult, path: str | Path, inputs: Sequence[str | Path] = ()) -> Path:
    """Write the progress workbook (atomically; inputs are never overwritten)."""
    return write_tables(path, tables(result), result.month, TITLE, inputs)
