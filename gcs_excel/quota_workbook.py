"""`gcs quotas --out FILE`: the month's quota check as a workbook for the department.

指标汇总 (person x rule, green/red), 明细 (every shortfall with what is needed to fix it),
计划执行 (plan against actual per person, then every warning), and 未计入的行 when rows
with errors were left out.
"""

from __future__ import annotations

from pathlib import Path

from .quotas import WARNING_TITLES, QuotaReport, role_labels
from .render import item_need, shortfall_lines
from .rules import RULE_IDS
from .writing import atomic_output
from .xlsx_style import header_row, header_style, new_workbook, print_setup

GREEN, RED = "#C6EFCE", "#FFC7CE"


class _Sheet:
    """A plain report table: bold filled header, frozen, filtered, printable."""

    def __init__(self, wb, name: str, columns: list[tuple[str, float]], fmts):
        self.ws = wb.add_worksheet(name)
        self.fmts = fmts
        self.row = 0
        header_row(self.ws, 0, columns, fmts["head"])
        self.ws.freeze_panes(1, 0)
        self.ncols = len(columns)
        print_setup(self.ws, repeat=0)

    def add(self, values, fmt=None) -> None:
        self.row += 1
        for c, v in enumerate(values):
            f = fmt[c] if isinstance(fmt, list) else fmt
            if v is None or v == "":
                self.ws.write_blank(self.row, c, None, f)
            elif isinstance(v, (int, float)):
                self.ws.write_number(self.row, c, v, f)
            else:
                self.ws.write_string(self.row, c, str(v), f)

    def done(self) -> None:
        self.ws.autofilter(0, 0, max(self.row, 1), self.ncols - 1)


def write_quota_workbook(report: QuotaReport, path: str | Path, inputs=()) -> Path:
    labels = role_labels()
    rules = report.rules
    with atomic_output(path, inputs) as tmp:
        wb = new_workbook(tmp)
        fmts = {
            "head": wb.add_format(header_style()),
            "ok": wb.add_format({"bg_color": GREEN, "font_color": "#006100", "align": "center", "border": 1}),
            "bad": wb.add_format({"bg_color": RED, "font_color": "#9C0006", "align": "center", "border": 1}),
            "na": wb.add_format({"font_color": "#A6A6A6", "align": "center", "border": 1}),
            "cell": wb.add_format({"border": 1, "valign": "top", "text_wrap": True}),
            "pct": wb.add_format({"border": 1, "num_format": "0.0%"}),
            "int": wb.add_format({"border": 1, "num_format": "0"}),
        }
        _summary(wb, report, labels, rules, fmts)
        _details(wb, report, labels, rules, fmts)
        _execution(wb, report, labels, fmts)
        if report.excluded:
            t = _Sheet(wb, "未计入的行", [("文件", 30), ("工作表", 12), ("行", 6), ("原因", 80)], fmts)
            for x in report.excluded:
                t.add([x.file, x.sheet, x.row, "；".join(x.reasons)], fmts["cell"])
            t.done()
        wb.close()
    return Path(path)


def _summary(wb, report, labels, rules, fmts) -> None:
    cols = [("姓名", 10), ("岗位", 10)] + [(rules.title(r), 14) for r in RULE_IDS] + [("全部达标", 10)]
    t = _Sheet(wb, "指标汇总", cols, fmts)
    t.ws.set_row(0, 36)
    for person in report.people:
        mine = {r.rule: r for r in report.of(person.name)}
        values, styles = [person.name, labels[person.role]], [fmts["cell"], fmts["cell"]]
        for rule in RULE_IDS:
            r = mine.get(rule)
            values.append(f"{r.actual}/{r.required}" if r else "—")
            styles.append(fmts["na"] if r is None else fmts["ok"] if r.ok else fmts["bad"])
        ok = all(r.ok for r in mine.values())
        values.append("达标" if ok else "未达标")
        styles.append(fmts["ok"] if ok else fmts["bad"])
        t.add(values, styles)
    t.ws.write_string(t.row + 2, 0, f"{report.month}；规则：{rules.source}；“实际/应有”——绿色达标，红色未达标。")
    t.done()


def _details(wb, report, labels, rules, fmts) -> None:
    cols = [("姓名", 10), ("岗位", 10), ("指标", 20), ("编码", 15), ("名称", 26), ("地址", 30),
            ("电话", 15), ("需要做的", 50)]
    t = _Sheet(wb, "明细", cols, fmts)
    for r in report.results:
        if r.ok:
            continue
        who = [r.person, labels[r.role], rules.title(r.rule)]
        items = r.details.get("short")
        if items is not None:
            for item in items:
                code = item.get("licence") or item.get("code")
                t.add([*who, code, item["name"], item["address"], item["phone"], item_need(r, item)],
                      fmts["cell"])
        else:
            for line in shortfall_lines(r):
                t.add([*who, "", "", "", "", line], fmts["cell"])
    if t.row == 0:
        t.add(["", "", "", "", "", "", "", "全部达标，没有需要补的。"], fmts["cell"])
    t.done()


def _execution(wb, report, labels, fmts) -> None:
    cols = [("姓名", 10), ("岗位", 10), ("计划拜访", 9), ("实际拜访", 9), ("按计划拜访", 10),
            ("拜访达成率", 10), ("计划外拜访", 10), ("到期未拜访", 10), ("未到期", 8)]
    t = _Sheet(wb, "计划执行", cols, fmts)
    for e in report.execution:
        t.add([e.person, labels[e.role], e.planned, e.visits, e.in_plan, e.rate, e.outside_plan,
               e.not_visited, e.not_due],
              [fmts["cell"], fmts["cell"], fmts["int"], fmts["int"], fmts["int"], fmts["pct"],
               fmts["int"], fmts["int"], fmts["int"]])
    t.done()
    ws = t.ws
    top = t.row + 3
    ws.write_string(top - 1, 0, "拜访达成率 = 按计划拜访次数 ÷ 计划拜访次数；下面是每一条计划外拜访、到期未拜访和未预约的总部拜访。")
    for c, title in enumerate(("人员", "日期", "类型", "对象编码", "对象名称", "说明", "文件", "行")):
        ws.write_string(top, c, title, fmts["head"])
    for k, w in enumerate(report.warnings, start=1):
        for c, v in enumerate((w.person, w.date.isoformat(), WARNING_TITLES[w.code], w.target, w.name,
                               w.message, w.file, w.row)):
            if isinstance(v, int):
                ws.write_number(top + k, c, v, fmts["int"])
            else:
                ws.write_string(top + k, c, v, fmts["cell"])
