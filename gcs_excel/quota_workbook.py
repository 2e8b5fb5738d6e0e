"""`gcs quotas --out FILE`: the month's quota check as a workbook for the department.

指标汇总 (person x rule, green/red), 明细 (every shortfall with what is needed to fix it),
计划执行 (plan against actual per person), 拜访提醒 (every visit outside the plan,
planned visit not made and HQ visit without appointment), and 未计入的行 when rows with
errors were left out. Each table has a sheet of its own, its columns as wide as their
content (long text wraps, rows as tall as their lines), printed on A4 one page wide.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from .checks.identifiers import period_of
from .gcpause import gc_paused
from .quota_check import WARNING_TITLES, QuotaReport, QuotaWarning, meetings_not_checked, role_labels
from .render import item_need, pct, shortfall_lines
from .rules import RULE_IDS
from .sheetnames import LEFT_OUT
from .textwidth import PADDING, MIN_WIDTH, excel_width, fit_width, row_height, wrapped_lines
from .writing import atomic_output
from .xlsx_style import Formats, new_workbook, page_header, print_setup

GREEN, RED = "#C6EFCE", "#FFC7CE"
TITLE = "拜访指标"
MARGINS = {"left": 0.5, "right": 0.5, "top": 0.75, "bottom": 0.75}


@dataclass(frozen=True)
class Col:
    """A column of a report table: its title, the widest it may get (longer text wraps)
    and what it holds: text, int, num (two decimals), pct, or mark (a value on a green, red
    or grey ground); least, the narrowest (room left to write in by hand)."""
    title: str
    most: float = 30
    kind: str = "text"
    least: float = 0


class Table:
    """A table on a sheet of its own, written once all its rows are known: widths come
    from the content, long text wraps with row heights that fit."""

    def __init__(self, name: str, columns: Sequence[Col], *, empty: str = "", note: str = ""):
        self.name, self.columns, self.empty, self.note = name, list(columns), empty, note
        self.rows: list[tuple[list[Any], list[str | None]]] = []

    def add(self, values: Sequence[Any], marks: Sequence[str | None] = ()) -> None:
        """A row; marks names the ground of each mark cell (ok / bad / na)."""
        self.rows.append((list(values), list(marks) or [None] * len(values)))

    def _shown(self, c: int, value: Any) -> str:
        if value is None:
            return ""
        kind = self.columns[c].kind
        if kind == "num" and isinstance(value, float):
            return f"{value:.2f}"
        return pct(value) if kind == "pct" else str(value)

    def widths(self) -> list[float]:
        """Each column's width: its widest text (title included), within the column's most."""
        return self._measured()[0]

    def _measured(self) -> tuple[list[float], list[list[float]]]:
        """Each column's width (its widest text, title included, within the column's most)
        and each cell's text width: every text is measured once."""
        cells = [[excel_width(self._shown(c, value)) for c, value in enumerate(values)] for values, _ in self.rows]
        widths = [fit_width([col.title], maximum=col.most) for col in self.columns]
        for c, col in enumerate(self.columns):
            widest = max((row[c] for row in cells), default=0)
            widths[c] = max(widths[c], round(min(max(widest + PADDING, MIN_WIDTH), col.most), 1), col.least)
        return widths, cells

    def write(self, wb, fmts: Formats, month: str, title: str = TITLE) -> int:
        """Write the sheet, its page header "title month"; returns the scale (percent) it prints at."""
        ws = wb.add_worksheet(self.name)
        widths, measured = self._measured()
        head = fmts.header()
        for c, (col, width) in enumerate(zip(self.columns, widths)):
            ws.set_column(c, c, width)
            ws.write_string(0, c, col.title, head)
        ws.set_row(0, row_height(max(wrapped_lines(col.title, w) for col, w in zip(self.columns, widths))))
        cell = {"text": fmts.get(border=1, valign="top", text_wrap=True),
                "int": fmts.get(border=1, valign="top", num_format="0"),
                "pct": fmts.get(border=1, valign="top", num_format="0.0%"),
                "num": fmts.get(border=1, valign="top", num_format="0.00"),
                "ok": fmts.get(bg_color=GREEN, font_color="#006100", align="center", border=1),
                "bad": fmts.get(bg_color=RED, font_color="#9C0006", align="center", border=1),
                "na": fmts.get(font_color="#A6A6A6", align="center", border=1)}
        # Per column once: its kind and, but for mark columns, its format (tens of thousands
        # of rows: the loop below is most of the time this workbook takes).
        kinds = [col.kind for col in self.columns]
        numeric = [k in ("int", "pct", "num") for k in kinds]
        fixed = [None if k == "mark" else cell[k] for k in kinds]
        write_string, write_number, write_blank = ws.write_string, ws.write_number, ws.write_blank
        for r, ((values, marks), sizes) in enumerate(zip(self.rows, measured), start=1):
            lines = 1
            for c, value in enumerate(values):
                fmt = fixed[c] or cell[marks[c] or "na"]
                if value is None or value == "":
                    write_blank(r, c, None, fmt)
                elif numeric[c] and isinstance(value, (int, float)):
                    write_number(r, c, value, fmt)
                else:
                    text = value if value.__class__ is str else str(value)
                    write_string(r, c, text, fmt)
                    if sizes[c] > widths[c]:        # only text wider than its column wraps
                        lines = max(lines, wrapped_lines(text, widths[c]))
            if lines > 1:
                ws.set_row(r, row_height(lines))
        last = len(self.rows)
        if not self.rows and self.empty:
            last = 1
            ws.write_string(1, 0, self.empty)
        if self.note:
            self._note(ws, last + 2, widths, fmts)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(self.rows), 1), len(self.columns) - 1)
        return print_setup(ws, widths=widths, repeat=0, margins=MARGINS,
                           header=page_header(left=f"{title} {month}", right=self.name))

    def _note(self, ws, row: int, widths: list[float], fmts: Formats) -> None:
        """A note under the table, wrapped across its full width (never past the print edge)."""
        fmt = fmts.get(text_wrap=True, valign="top", font_color="#595959")
        if len(widths) > 1:
            ws.merge_range(row, 0, row, len(widths) - 1, self.note, fmt)
        else:
            ws.write_string(row, 0, self.note, fmt)
        ws.set_row(row, row_height(wrapped_lines(self.note, sum(widths))))


def left_out_table(excluded) -> Table:
    """未计入的行: each row a command left out for its errors (dept.Excluded), with the reasons."""
    table = Table(LEFT_OUT, [Col("文件", 30), Col("工作表", 14), Col("行", 6, "int"), Col("原因", 60)])
    for x in excluded:
        table.add([Path(x.file).name, x.sheet, x.row, "；".join(x.reasons)])
    return table


def write_tables(path: str | Path, tables: Iterable[Table], label: str, title: str = TITLE,
                 inputs: Sequence[str | Path] = (), *, before: Callable[[Any, Formats], Any] | None = None) -> Path:
    """A workbook of printable tables, a sheet each (atomically; inputs are never
    overwritten); before(wb, fmts) writes sheets ahead of them (the weekly pack's minutes)."""
    with atomic_output(path, inputs) as tmp:
        wb = new_workbook(tmp)
        fmts = Formats(wb)
        if before is not None:
            before(wb, fmts)
        for table in tables:
            table.write(wb, fmts, label, title)
        wb.worksheets()[0].activate()
        wb.close()
    return Path(path)


@gc_paused()
def write_quota_workbook(report: QuotaReport, path: str | Path, inputs: Sequence[str | Path] = ()) -> Path:
    """Write the report workbook of a quota check (atomically; inputs are never overwritten)."""
    return write_tables(path, tables(report), report.month, inputs=inputs)


def tables(report: QuotaReport) -> list[Table]:
    """The workbook's tables, in sheet order."""
    labels = role_labels()
    out = [_summary(report, labels), _details(report, labels), _execution(report, labels), _warnings(report),
           *_meetings(report)]
    if report.excluded:
        t = Table("未计入的行", [Col("文件", 30), Col("工作表", 14), Col("行", 6, "int"), Col("原因", 60)])
        for x in report.excluded:
            t.add([Path(x.file).name, x.sheet, x.row, "；".join(x.reasons)])
        out.append(t)
    return out


def _summary(report: QuotaReport, labels) -> Table:
    rules = report.rules
    cols = [Col("姓名", 12), Col("岗位", 10)] + [Col(rules.title(r), 12, "mark") for r in RULE_IDS] \
        + [Col("全部达标", 10, "mark")]
    t = Table("指标汇总", cols, note=f"{report.month}；规则：{rules.source}；“实际/应有”——绿色达标，红色未达标，"
                                   "灰色表示这一项不适用于该岗位。")
    for person in report.people:
        mine = {r.rule: r for r in report.of(person.name)}
        values, marks = [person.name, labels[person.role]], [None, None]
        for rule in RULE_IDS:
            r = mine.get(rule)
            values.append(f"{r.actual}/{r.required}" if r else "—")
            marks.append("na" if r is None else "ok" if r.ok else "bad")
        ok = all(r.ok for r in mine.values())
        t.add(values + ["达标" if ok else "未达标"], marks + ["ok" if ok else "bad"])
    return t


def _details(report: QuotaReport, labels) -> Table:
    cols = [Col("姓名", 12), Col("岗位", 10), Col("指标", 16), Col("编码", 14), Col("名称", 26), Col("需要做的", 50)]
    t = Table("明细", cols, empty="全部达标，没有需要补的。")
    for r in report.results:
        if r.ok:
            continue
        who = [r.person, labels[r.role], report.rules.title(r.rule)]
        items = r.details.get("short")
        if items is not None:
            for item in items:
                t.add([*who, item.get("licence") or item.get("code"), item["name"], item_need(r, item)])
        else:
            for line in shortfall_lines(r):
                t.add([*who, "", "", line])
    return t


def _execution(report: QuotaReport, labels) -> Table:
    cols = [Col("姓名", 12), Col("岗位", 10), Col("计划拜访", 10, "int"), Col("实际拜访", 10, "int"),
            Col("按计划拜访", 10, "int"), Col("拜访达成率", 10, "pct"), Col("计划外拜访", 10, "int"),
            Col("到期未拜访", 10, "int"), Col("未到期", 8, "int")]
    t = Table("计划执行", cols, note="拜访达成率 = 按计划拜访次数 ÷ 计划拜访次数。每一条计划外拜访、到期未拜访和"
                                  "未预约的总部拜访列在“拜访提醒”。")
    for e in report.execution:
        t.add([e.person, labels[e.role], e.planned, e.visits, e.in_plan, e.rate, e.outside_plan,
               e.not_visited, e.not_due])
    return t


def _warnings(report: QuotaReport) -> Table:
    cols = [Col("人员", 12), Col("日期", 11), Col("类型", 14), Col("对象编码", 14), Col("对象名称", 24),
            Col("说明", 40), Col("文件", 24), Col("行", 6, "int")]
    t = Table("拜访提醒", cols, empty="没有计划外拜访、到期未拜访或未预约的总部拜访。")
    for w in report.warnings:
        t.add([w.person, w.date.isoformat(), WARNING_TITLES[w.code], w.target, w.name, _why(w),
               Path(w.file).name, w.row])
    return t


MEETING_GROUNDS = {"ok": "ok", "failed": "bad", "not_due": "na"}


def _meetings(report: QuotaReport) -> list[Table]:
    """会议检查 (each meeting rule per area: met, what is missing) and 逾期会议事项; without a
    register, a 会议检查 sheet that says the meetings were not checked."""
    cols = [Col("规则", 14), Col("片区", 12), Col("实际/应有", 12, "mark"), Col("缺少的", 60)]
    m = report.meetings
    if m is None:
        return [Table("会议检查", cols, empty=meetings_not_checked())]
    note = (f"片区：{'、'.join(m.areas) or '无'}（按{m.area_source}）。检查到 {m.today.isoformat()}：今天以前的工作日、"
            f"今天以前已结束的周；一周算在它星期四所在的月份，整周放假的周不用开。座谈会在半年的最后一个月之前"
            f"没开（或客户没到齐）算未到期（灰色）。" + "".join(f"{n}。" for n in m.notes))
    t = Table("会议检查", cols, empty="规则文件关掉了全部会议检查。", note=note)
    for r in m.results:
        state = "（未到期）" if r.status == "not_due" else ""
        t.add([report.rules.title(r.rule), r.area, f"{r.actual}/{r.required}{state}", r.message or "—"],
              [None, None, MEETING_GROUNDS[r.status], None])
    overdue = Table("逾期会议事项", [Col("责任人", 10), Col("事项", 40), Col("会议", 24), Col("期限", 11),
                                    Col("逾期天数", 8, "int"), Col("文件", 24), Col("行", 6, "int")],
                    empty="没有过了期限还没完成的会议事项。",
                    note=f"逾期天数算到 {m.today.isoformat()}（打印出来以后不会再变）；“是否完成”为是或填了“完成日期”的算完成。")
    for x in m.overdue:
        overdue.add([x.owner, x.item, f"{x.meeting_date.isoformat()} {x.meeting_type} {x.area}", x.due.isoformat(),
                     (m.today - x.due).days, Path(x.file).name, x.row])
    return [t, overdue]


def _why(w: QuotaWarning) -> str:
    """What the warning means, without the date, code and name its row already shows."""
    if w.why:
        return w.why
    if w.code == "hq_visit_without_appointment":
        return "没有预约，不计入总部拜访指标"
    if w.code == "visit_not_in_plan":
        return f"不在 {period_of(w.date)} 的计划里"
    return f"{period_of(w.date)}内没有拜访记录"
