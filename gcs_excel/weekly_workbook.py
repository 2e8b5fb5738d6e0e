"""`gcs weekly --out FILE`: the weekly area meeting's pack as a workbook to print on A4.

会议纪要 first (the form the meeting fills in: date, attendees with a line for the 专卖
staff, the agenda from the sections, ruled space for decisions and action items), then
one sheet per section: 客户销售, 拜访发现问题, 指标进度, 指标待办, 下周拜访安排, 专卖事项,
and 未计入的行 when rows were left out. Every sheet prints one page wide, its header row
repeated on each page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from .quota_check import role_labels
from .quota_workbook import MARGINS, Col, Table, left_out_table, write_tables
from .render import item_need, shortfall_lines
from .sheetnames import (WEEKLY_COMPLIANCE, WEEKLY_MINUTES, WEEKLY_NEXT, WEEKLY_PROBLEMS, WEEKLY_QUOTAS, WEEKLY_SALES,
                         WEEKLY_TODO)
from .textwidth import row_height, wrapped_lines
from .weekly_pack import STATUS_WORDS, WeeklyResult, weekday_name
from .xlsx_style import Formats, page_header, print_setup

TITLE = "片区周会材料"
KIND_WORDS = {"hq": "总部", "store": "卖场"}
STATUS_MARKS = {"no_target": "na", "no_data": "na", "behind": "bad", "on_pace": "ok"}
# 会议纪要: 序号, 事项, 负责人, 完成期限, 备注 — portrait A4 at 100 %
MINUTES_WIDTHS = [6, 38, 11, 13, 16]
RULED = 24                          # points: a row to write in by hand


def file_name(week: str, area: str | None = None) -> str:
    """周会材料_2026-W43.xlsx (周会材料_2026-W43_芙蓉片区.xlsx for one area)."""
    return f"周会材料_{week}{'_' + area if area else ''}.xlsx"


def scope_words(result: WeeklyResult) -> str:
    """The week and area the pack is for, as the page headers show it."""
    return f"{result.week.label} {result.area or '全部片区'}"


def _md(day) -> str:
    """10-19 for 2026-10-19."""
    return day.isoformat()[5:]


def _n(x: float | None) -> int | None:
    return None if x is None else round(x)


def sales_table(result: WeeklyResult) -> Table:
    """客户销售: each customer's month so far against its target's pace."""
    done, total = result.workdays
    t = Table(WEEKLY_SALES, [
        Col("客户编码", 10), Col("客户名称", 44), Col("客户经理", 9), Col("本月目标(条)", 12, "int"),
        Col("本月至今(条)", 12, "int"), Col("应达进度(条)", 12, "int"), Col("进度差(条)", 10, "int"),
        Col("完成率", 8, "pct"), Col("上月全月(条)", 12, "int"), Col("每工作日还需(条)", 16, "int"),
        Col("状态", 8, "mark")], empty="没有客户（没有给出总部档案，或片区里没有正常的客户）。",
        note=(f"{result.month} 有 {total} 个工作日，到 {result.week.label} 周末已过 {done} 个："
              f"应达进度 = 本月目标 × {done}/{total}；进度差 = 本月至今 − 应达进度（负数为落后）；"
              f"完成率 = 本月至今 ÷ 本月目标；每工作日还需 = 目标还差的 ÷ 之后的工作日。"
              + (f"{result.sales_note}。" if result.sales_note else "")
              + "".join(f"{result.not_given(x)}。" for x in ("sales", "targets") if result.not_given(x))))
    for c in result.customers:
        t.add([c.code, c.name, c.manager, _n(c.target), _n(c.month_to_date), _n(c.pace), _n(c.gap), c.attainment,
               _n(c.last_month), _n(c.per_day), STATUS_WORDS[c.status]],
              [None] * 10 + [STATUS_MARKS[c.status]])
    return t


def problems_table(result: WeeklyResult) -> Table:
    """拜访发现问题: last week's 发现问题, a store's under its customer."""
    t = Table(WEEKLY_PROBLEMS, [
        Col("客户编码", 10), Col("客户名称", 34), Col("日期", 11), Col("人员", 8), Col("对象", 6),
        Col("编码", 14), Col("卖场名称", 26), Col("发现问题", 36), Col("专卖", 6)],
        empty=(f"{result.not_given('visits')}：没有 {result.week.label} 的拜访可以回顾。" if result.not_given("visits")
               else f"{result.week.label} 的拜访记录里没有写发现问题。"),
        note="按客户排列，卖场的问题列在它所属的客户下；“专卖”标“是”的也列在“专卖事项”里。")
    for f in result.findings:
        t.add([f.customer, f.customer_name, f.date.isoformat(), f.person, KIND_WORDS[f.kind], f.code,
               f.name if f.kind == "store" else "", f.text, "是" if f.keywords else ""])
    return t


def _todo(r) -> str:
    """What one rule still needs, in a few words."""
    d = r.details
    if r.ok:
        return ""
    if r.rule == "mm_store_trips":
        return f"还差 {r.required - r.actual} 趟（一天至少 {d['stores_per_trip']} 个卖场）"
    if r.rule == "cm_plan_cadence":
        return "缺 " + "、".join(d["missing"]) + " 的计划"
    short = d["short"]
    if r.rule in ("mm_hq_visits", "cm_hq_visits"):
        return f"{len(short)} 个总部还差 {sum(x['needed'] for x in short)} 次预约拜访"
    what = "没拜访" if r.rule == "cm_store_coverage" else "没递交紧俏货源书面告知"
    return f"{len(short)} 个卖场{what}"


def quota_tables(result: WeeklyResult) -> list[Table]:
    """指标进度 (person × rule, month so far) and 指标待办 (each store, HQ, trip or plan left)."""
    labels, report = role_labels(), result.quotas
    done, total = result.workdays
    progress = Table(WEEKLY_QUOTAS, [Col("姓名", 8), Col("岗位", 9), Col("指标", 24), Col("实际/应有", 9),
                                     Col("达标", 6, "mark"), Col("还要做的", 40)],
                     empty="片区里没有人员。",
                     note=(f"{result.not_given('visits')}，实际拜访都按 0 计。" if result.not_given("visits") else "")
                     + f"与 gcs quotas 同一算法，只算到 {result.until}（{result.month} 本月至今）；"
                          f"本月还剩 {total - done} 个工作日。逐个卖场、总部见“指标待办”。")
    todo = Table(WEEKLY_TODO, [Col("姓名", 8), Col("指标", 24), Col("编码", 14), Col("名称", 26),
                               Col("需要做的", 56)], empty="本月至今全部达标，没有待办。")
    for r in report.results if report else ():
        title = report.rules.title(r.rule)
        progress.add([r.person, labels[r.role], title, f"{r.actual}/{r.required}", "达标" if r.ok else result.unmet_word,
                      _todo(r)], [None] * 4 + ["ok" if r.ok else "bad", None])
        if r.ok:
            continue
        items = r.details.get("short")
        if items is not None:
            for item in items:
                todo.add([r.person, title, item.get("licence") or item.get("code"), item["name"], item_need(r, item)])
        else:
            for line in shortfall_lines(r):
                todo.add([r.person, title, "", "", line])
    return [progress, todo]


def next_week_table(result: WeeklyResult) -> Table:
    """下周拜访安排: next week's planned visits per person and day."""
    nxt = result.week.next
    t = Table(WEEKLY_NEXT, [Col("人员", 8), Col("日期", 11), Col("星期", 7), Col("对象", 6), Col("编码", 14),
                            Col("名称", 44), Col("预约", 6), Col("拜访事项", 44)],
              empty=(f"{result.not_given('plan')}：{nxt.label} 的拜访安排不详。" if result.not_given("plan")
                     else f"拜访计划里没有 {nxt.label}（{nxt.monday} 至 {nxt.sunday}）的拜访。"),
              note=f"{nxt.label}：{nxt.monday} 至 {nxt.sunday}，按人员和日期排列。")
    for p in result.next_week:
        t.add([p.person, p.date.isoformat(), weekday_name(p.date), KIND_WORDS[p.kind], p.code, p.name,
               "是" if p.appointment else "", p.purpose])
    return t


def compliance_table(result: WeeklyResult) -> Table:
    """专卖事项: the compliance problems for the 专卖 staff, with the store's licence number."""
    t = Table(WEEKLY_COMPLIANCE, [Col("日期", 11), Col("专卖证号", 14), Col("卖场名称", 26), Col("客户", 34),
                                  Col("片区", 9), Col("拜访人员", 8), Col("发现问题", 30), Col("关键词", 10),
                                  Col("处理情况", 24, least=20)],     # written in by the 专卖 staff
              empty=(f"{result.not_given('visits')}：没有 {result.week.label} 的拜访可以回顾。" if result.not_given("visits")
                     else f"{result.week.label} 的拜访没有记下涉及专卖的问题。"),
              note="发现问题里含有这些词的列在这里（周会设置 weekly.toml，可用 --config 改）："
                   + "、".join(result.settings.keywords) + "。“处理情况”留给专卖人员填写。")
    for f in result.compliance:
        t.add([f.date.isoformat(), f.licence or f"（总部 {f.code}）", f.name if f.kind == "store" else "",
               f.customer_name or f.customer, f.area, f.person, f.text, "、".join(f.keywords), ""])
    return t


def agenda(result: WeeklyResult) -> list[str]:
    """The meeting's agenda, one line per section with what it holds."""
    behind = sum(c.status == "behind" for c in result.customers)
    unmet = sum(not r.ok for r in result.quotas.results) if result.quotas else 0
    nxt = result.week.next
    return [
        f"上周客户销售：{len(result.customers)} 个客户，"
        f"{result.not_given('sales') or result.not_given('targets') or f'{behind} 个落后于目标进度'}（见“{WEEKLY_SALES}”）",
        f"上周拜访发现的问题：{result.not_given('visits') or f'{len(result.findings)} 条'}（见“{WEEKLY_PROBLEMS}”）",
        f"专卖事项：{result.not_given('visits') or f'{len(result.compliance)} 条，请专卖人员跟进'}"
        f"（见“{WEEKLY_COMPLIANCE}”）",
        f"本月拜访指标进度：{unmet} 项{result.unmet_word}（见“{WEEKLY_QUOTAS}”“{WEEKLY_TODO}”）",
        f"下周工作安排：{nxt.label} {result.not_given('plan') or f'计划拜访 {len(result.next_week)} 次'}"
        f"（见“{WEEKLY_NEXT}”）",
        "其他事项",
    ]


def write_minutes(wb, fmts: Formats, result: WeeklyResult) -> int:
    """会议纪要: a form to print and fill by hand; returns the print scale."""
    ws = wb.add_worksheet(WEEKLY_MINUTES)
    for c, w in enumerate(MINUTES_WIDTHS):
        ws.set_column(c, c, w)
    last = len(MINUTES_WIDTHS) - 1
    title = fmts.get(bold=True, font_size=16, align="center", valign="vcenter")
    label = fmts.get(bold=True, border=1, valign="vcenter", bg_color="#DDEBF7")
    box = fmts.get(border=1, valign="vcenter", text_wrap=True)
    section = fmts.get(bold=True, font_size=12, valign="bottom")
    head = fmts.header()
    labels = role_labels()
    nxt = result.week.next
    area = result.area or ""
    ws.merge_range(0, 0, 0, last, f"{area}{'' if area.endswith('片区') else '片区'}周会 会议纪要", title)
    ws.set_row(0, 30)
    meeting = result.meeting_date
    rows = [("会议日期", f"{meeting}（{weekday_name(meeting)}）", "地点", ""),
            ("主持人", "", "记录人", ""),
            ("回顾", f"{result.week.label}（{_md(result.week.monday)} 至 {_md(result.week.sunday)}）", "安排",
             f"{nxt.label}（{_md(nxt.monday)} 至 {_md(nxt.sunday)}）")]
    r = 1
    for a, b, c, d in rows:
        ws.write_string(r, 0, a, label)
        ws.write_string(r, 1, b, box)
        ws.write_string(r, 2, c, label)
        ws.merge_range(r, 3, r, last, d, box)
        ws.set_row(r, RULED)
        r += 1
    r += 1
    ws.write_string(r, 0, "参会人员（签到）", section)
    r += 1
    for c, h in enumerate(("序号", "姓名", "岗位", "所属片区", "签到")):
        ws.write_string(r, c, h, head)
    r += 1
    people = [(p.name, labels[p.role], p.area or "") for p in result.attendees] + [("", "专卖人员", "")] * 2
    for n, (name, role, area) in enumerate(people, 1):
        for c, v in enumerate((str(n), name, role, area, "")):
            ws.write_string(r, c, v, box)
        ws.set_row(r, RULED)
        r += 1
    r += 1
    ws.write_string(r, 0, "议程", section)
    r += 1
    for n, line in enumerate(agenda(result), 1):
        ws.write_string(r, 0, str(n), box)
        ws.merge_range(r, 1, r, last, line, box)
        ws.set_row(r, row_height(wrapped_lines(line, sum(MINUTES_WIDTHS[1:]))))
        r += 1
    ws.set_h_pagebreaks([r])              # decisions and action items start a page of their own
    ws.write_string(r, 0, "会议决定", section)
    ws.set_row(r, RULED)
    r += 1
    for n in range(1, result.settings.decision_rows + 1):
        ws.write_string(r, 0, str(n), box)
        ws.merge_range(r, 1, r, last, "", box)
        ws.set_row(r, RULED * 1.5)
        r += 1
    r += 1
    ws.write_string(r, 0, "行动事项", section)
    r += 1
    for c, h in enumerate(("序号", "事项", "负责人", "完成期限", "备注")):
        ws.write_string(r, c, h, head)
    r += 1
    for n in range(1, result.settings.action_rows + 1):
        ws.write_string(r, 0, str(n), box)
        for c in range(1, last + 1):
            ws.write_blank(r, c, None, box)
        ws.set_row(r, RULED * 1.5)
        r += 1
    r += 1
    ws.write_string(r, 0, "主持人签字：", fmts.get(bold=True))
    ws.write_string(r, 3, "日期：", fmts.get(bold=True))
    ws.set_row(r, RULED)
    return print_setup(ws, widths=MINUTES_WIDTHS, margins=MARGINS,
                       header=page_header(left=f"{TITLE} {scope_words(result)}", right=WEEKLY_MINUTES))


def tables(result: WeeklyResult) -> list[Table]:
    """The section sheets after 会议纪要, in order."""
    out = [sales_table(result), problems_table(result), *quota_tables(result), next_week_table(result),
           compliance_table(result)]
    if result.excluded:
        out.append(left_out_table(result.excluded))
    return out


def write_weekly_workbook(result: WeeklyResult, path: str | Path, inputs: Sequence[str | Path] = ()) -> Path:
    """Write the pack (atomically; inputs are never overwritten)."""
    return write_tables(path, tables(result), scope_words(result), TITLE, inputs,
                        before=lambda wb, fmts: write_minutes(wb, fmts, result))

