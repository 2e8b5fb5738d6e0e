"""The visit log's 指标 sheet: each person's quota numbers from formulas alone (COUNTIFS,
SUMIFS, SUMPRODUCT; no macros), so a customer manager with only Excel or WPS sees his
shortfalls as he types. It computes what `gcs quotas` computes (quota_check.py), from the
visit log and the 参照-* sheets (copies of the staff list, HQ file, store list and plan).

A hidden 指标计算 sheet mirrors the source rows with INDEX(...,ROW()) (so inserting or
deleting rows in the data never breaks a reference) and holds per-row helpers: which
store visits are a person's first visit to that store that day, which stores and HQs are
in scope, and how often each was visited by its own manager. The formulas cover the
first LIMITS rows of each sheet.
"""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from .a1 import col_letter
from .checks.identifiers import HALVES, NOTICE_PREFIX
from .rules import Rules
from .sheetnames import LIVE, LIVE_CALC, reference_sheet
from .spec import Specs
from .textwidth import row_height, wrapped_lines
from .xlsx_style import header_style, page_header, print_setup

LIMITS = {"staff": 200, "hq": 500, "stores": 3000, "plan": 5000, "visits": 3000}
FIRST_PERSON_ROW = 5          # Excel row of the first person on the 指标 sheet
PRINTED_PEOPLE = 20           # people on the printed 指标 page of an empty template
NAME_WIDTH, RULE_WIDTH, OK_WIDTH = 10, 9, 12
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.7, "bottom": 0.7}


class _Refs:
    """Column references into the data and reference sheets, by field id."""

    def __init__(self, specs: Specs):
        self.specs = specs
        self.names = {"visits": specs.sheet("visits").name,
                      **{s: reference_sheet(specs.sheet(s).name) for s in ("staff", "hq", "stores", "plan")}}

    def letter(self, sheet: str, field: str) -> str:
        return col_letter(self.specs.sheet(sheet).ids.index(field))

    def col(self, sheet: str, field: str) -> str:
        """The whole column, e.g. '拜访记录'!$B:$B."""
        c = self.letter(sheet, field)
        return f"'{self.names[sheet]}'!${c}:${c}"

    def rng(self, sheet: str, field: str) -> str:
        """The covered data rows, e.g. '拜访记录'!$B$2:$B$3001."""
        c = self.letter(sheet, field)
        return f"'{self.names[sheet]}'!${c}$2:${c}${LIMITS[sheet] + 1}"

    def here(self, sheet: str, field: str) -> str:
        """The cell of this row: INDEX('拜访记录'!$B:$B,ROW())."""
        return f"INDEX({self.col(sheet, field)},ROW())"

    def upto(self, sheet: str, field: str) -> str:
        """From the first data row down to this row: '拜访记录'!$B$2:INDEX(...)."""
        c = self.letter(sheet, field)
        return f"'{self.names[sheet]}'!${c}$2:{self.here(sheet, field)}"


class _PlainFormulas(Worksheet):
    """XlsxWriter checks every formula for ~200 newer functions that need an _xlfn.
    prefix (30 regex passes each): 27,000 helper formulas took 4 s. These sheets use only
    Excel 2007 functions (IF, INDEX, ROW, COUNTIF(S), SUMIFS, SUMPRODUCT, AND, OR, DATE,
    LEFT, MID, EOMONTH, IFERROR, ISNUMBER), so the check is skipped here."""

    def _prepare_formula(self, formula, expand_future_functions=False):
        return formula.lstrip("=")


def _q(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def add_live_sheets(wb, fmt, specs: Specs, rules: Rules, month: str | None = None, *, people: int = 0) -> None:
    """Add 指标 and the hidden 指标计算 to an XlsxWriter workbook that already holds the
    visit log and the 参照-* sheets. people is the number of rows of 参照-人员名单: the
    printed page holds that many people (PRINTED_PEOPLE when not known yet), not the
    formulas' empty rows."""
    r = _Refs(specs)
    label = lambda sheet, f, v: _q(specs.sheet(sheet).field(f).label(v))   # noqa: E731
    store, hq = label("visits", "target_type", "store"), label("visits", "target_type", "hq")
    yes = label("visits", "appointment", "yes")
    notice = (label("visits", "scarce_notice", "yes"), _q(NOTICE_PREFIX + "??????-????"))
    store_ok, hq_ok = label("stores", "status", "active"), label("hq", "status", "active")
    cm, mm = label("staff", "role", "cm"), label("staff", "role", "mm")
    live = wb.add_worksheet(LIVE, worksheet_class=_PlainFormulas)
    calc = wb.add_worksheet(LIVE_CALC, worksheet_class=_PlainFormulas)
    _calc_sheet(calc, r, store, hq, yes, notice, store_ok, hq_ok)
    _live_sheet(live, fmt, r, rules, cm, mm, month, people or PRINTED_PEOPLE)
    calc.hide()


def _calc_sheet(ws, r: _Refs, store, hq, yes, notice, store_ok, hq_ok) -> None:
    nv, ns, nh = LIMITS["visits"] + 1, LIMITS["stores"] + 1, LIMITS["hq"] + 1
    start, end = "$S$2", "$T$2"
    heads = {"A": "首次有效卖场拜访", "B": "人员", "C": "日期", "D": "首次预约总部拜访", "E": "对象编码",
             "F": "专卖证号", "G": "客户经理",
             "H": "在考核范围", "I": "本人拜访次数", "J": "本人书面告知次数", "L": "客户编码",
             "M": "市场经理", "N": "客户经理", "O": "在考核范围", "P": "市场经理预约拜访",
             "Q": "客户经理预约拜访", "S": "月初", "T": "月末"}
    for c, text in heads.items():
        ws.write_string(f"{c}1", text)
    ws.write_formula("S2", f"=IFERROR(DATE(LEFT('{LIVE}'!$B$2,4),MID('{LIVE}'!$B$2,6,2),1),\"\")")
    ws.write_formula("T2", "=IFERROR(EOMONTH(S2,0),\"\")")
    dates = r.rng("visits", "date")
    in_month = f'{dates},">="&{start},{dates},"<="&{end}'
    for row in range(2, nv + 1):
        ws.write_formula(f"B{row}", f'={r.here("visits", "person")}&""')
        ws.write_formula(f"C{row}", f'={r.here("visits", "date")}')
        first = (f'COUNTIFS({r.upto("visits", "person")},B{row},{r.upto("visits", "date")},C{row},'
                 f'{r.upto("visits", "target_type")},{store},{r.upto("visits", "target_code")},'
                 f'{r.here("visits", "target_code")})=1')
        in_scope = f'COUNTIFS($F$2:$F${ns},{r.here("visits", "target_code")}&"",$H$2:$H${ns},1)>0'
        ws.write_formula(f"A{row}", (
            f'=IF(OR(B{row}="",{start}=""),0,IF(AND({r.here("visits", "target_type")}={store},'
            f'C{row}>={start},C{row}<={end},{in_scope},{first}),1,0))'))
        ws.write_formula(f"E{row}", f'={r.here("visits", "target_code")}&""')
        first_hq = (f'COUNTIFS({r.upto("visits", "person")},B{row},{r.upto("visits", "date")},C{row},'
                    f'{r.upto("visits", "target_type")},{hq},{r.upto("visits", "target_code")},E{row},'
                    f'{r.upto("visits", "appointment")},{yes})=1')
        ws.write_formula(f"D{row}", (
            f'=IF(OR(B{row}="",{start}=""),0,IF(AND({r.here("visits", "target_type")}={hq},'
            f'{r.here("visits", "appointment")}={yes},C{row}>={start},C{row}<={end},{first_hq}),1,0))'))
    for row in range(2, ns + 1):
        ws.write_formula(f"F{row}", f'={r.here("stores", "licence")}&""')
        ws.write_formula(f"G{row}", f'={r.here("stores", "cm")}&""')
        owner = f'{r.here("stores", "customer")}&""'
        ws.write_formula(f"H{row}", (
            f'=IF(F{row}="",0,IF(AND({r.here("stores", "status")}={store_ok},'
            f'OR(COUNTIF({r.rng("hq", "code")},{owner})=0,'
            f'COUNTIFS({r.rng("hq", "code")},{owner},{r.rng("hq", "status")},{hq_ok})>0)),1,0))'))
        visits = (f'{r.rng("visits", "person")},G{row},{r.rng("visits", "target_type")},{store},'
                  f'{r.rng("visits", "target_code")},F{row},{in_month}')
        ws.write_formula(f"I{row}", f'=IF(OR(H{row}=0,{start}=""),0,COUNTIFS({visits}))')
        # a notice is 是 or its number (GX202612-0001, matched by wildcards)
        given = "+".join(f'COUNTIFS({visits},{r.rng("visits", "scarce_notice")},{said})' for said in notice)
        ws.write_formula(f"J{row}", f'=IF(OR(H{row}=0,{start}=""),0,{given})')
    for row in range(2, nh + 1):
        ws.write_formula(f"L{row}", f'={r.here("hq", "code")}&""')
        ws.write_formula(f"M{row}", f'={r.here("hq", "mm")}&""')
        ws.write_formula(f"N{row}", f'={r.here("hq", "cm")}&""')
        ws.write_formula(f"O{row}", f'=IF(L{row}="",0,IF({r.here("hq", "status")}={hq_ok},1,0))')
        for c, who in (("P", "M"), ("Q", "N")):     # appointed visits on different days
            ws.write_formula(f"{c}{row}", (
                f'=IF(OR(O{row}=0,{start}=""),0,SUMIFS($D$2:$D${nv},$B$2:$B${nv},{who}{row},$E$2:$E${nv},L{row}))'))


LIVE_RULES = ("cm_plan_cadence", "cm_store_coverage", "cm_scarce_notice", "cm_hq_visits",
              "mm_store_trips", "mm_hq_visits")     # the pairs of columns on 指标, in order


def rule_columns() -> dict[str, tuple[str, str]]:
    """Rule id -> (actual column, required column) on the 指标 sheet (for tests and adapters)."""
    return {rule: (col_letter(2 + 2 * k), col_letter(3 + 2 * k)) for k, rule in enumerate(LIVE_RULES)}


def ok_column() -> str:
    """The 是否全部达标 column."""
    return col_letter(2 + 2 * len(LIVE_RULES))


# rule id -> (actual formula, required formula, role), for each rule of LIVE_RULES
def _formulas(r: _Refs, rules: Rules, cm: str, mm: str) -> dict[str, tuple[str, str, str]]:
    ns, nh, nv = LIMITS["stores"] + 1, LIMITS["hq"] + 1, LIMITS["visits"] + 1
    calc = f"'{LIVE_CALC}'!"
    plan_person, plan_period = r.rng("plan", "person"), r.rng("plan", "period")
    halves = "+".join(f'(COUNTIFS({plan_person},$A{{row}},{plan_period},$B$2&{_q(h)})>0)'
                      for h in HALVES[: rules["cm_plan_cadence"]["plans_per_month"]])
    stores = f'{calc}$G$2:$G${ns},$A{{row}},{calc}$H$2:$H${ns},1'
    cm_hqs = f'{calc}$N$2:$N${nh},$A{{row}},{calc}$O$2:$O${nh},1'
    mm_hqs = f'{calc}$M$2:$M${nh},$A{{row}},{calc}$O$2:$O${nh},1'
    days = ",".join(str(k) for k in range(31))
    trips = (f'SUMPRODUCT(--(SUMIFS({calc}$A$2:$A${nv},{calc}$B$2:$B${nv},$A{{row}},'
             f'{calc}$C$2:$C${nv},{calc}$S$2+{{{{{days}}}}})>={rules["mm_store_trips"]["stores_per_trip"]}))')
    return {
        "cm_plan_cadence": (halves, str(rules["cm_plan_cadence"]["plans_per_month"]), cm),
        "cm_store_coverage": (f'COUNTIFS({stores},{calc}$I$2:$I${ns},">="&{rules["cm_store_coverage"]["visits"]})',
                              f"COUNTIFS({stores})", cm),
        "cm_scarce_notice": (f'COUNTIFS({stores},{calc}$J$2:$J${ns},">="&{rules["cm_scarce_notice"]["notices"]})',
                             f"COUNTIFS({stores})", cm),
        "cm_hq_visits": (f'COUNTIFS({cm_hqs},{calc}$Q$2:$Q${nh},">="&{rules["cm_hq_visits"]["visits"]})',
                         f"COUNTIFS({cm_hqs})", cm),
        "mm_store_trips": (trips, str(rules["mm_store_trips"]["trips"]), mm),
        "mm_hq_visits": (f'COUNTIFS({mm_hqs},{calc}$P$2:$P${nh},">="&{rules["mm_hq_visits"]["visits"]})',
                         f"COUNTIFS({mm_hqs})", mm),
    }


def _live_sheet(ws, fmt, r: _Refs, rules: Rules, cm: str, mm: str, month: str | None, people: int) -> None:
    title = fmt(bold=True, font_size=14)
    head = fmt(**header_style())
    note = fmt(font_color="#595959", text_wrap=True, valign="top")
    month_cell = fmt(bold=True, bg_color="#FFF2CC", border=2, num_format="@", align="center")
    formulas = _formulas(r, rules, cm, mm)
    cols = rule_columns()                       # rule id -> (actual column, required column)
    last = FIRST_PERSON_ROW + LIMITS["staff"] - 1
    ws.write_string("A1", "拜访指标（随拜访记录实时计算）", title)
    ws.write_string("A2", "月份")
    if month:
        ws.write_string("B2", month, month_cell)
    else:
        ws.write_blank("B2", None, month_cell)
    ws.data_validation("B2", {"validate": "length", "criteria": "==", "value": 7,
                              "input_title": "月份", "input_message": "填要查看的月份，如 2026-10（文本）",
                              "error_type": "warning", "error_message": "月份请写成 YYYY-MM，如 2026-10"})
    howto = (f"在 B2 填月份（如 2026-10）。数字来自“拜访记录”和 4 张“参照-”表（从人员名单、总部档案、"
             f"卖场明细表、拜访计划整表复制过来）；公式覆盖拜访记录前 {LIMITS['visits']} 行、卖场 "
             f"{LIMITS['stores']} 个、总部 {LIMITS['hq']} 个、人员 {LIMITS['staff']} 人。绿色达标，红色未达标。"
             f"有错误的行这里照样计入，以 gcs quotas 的结果为准。")
    ws.merge_range("C2:O2", howto, note)
    widths = [NAME_WIDTH, NAME_WIDTH] + [RULE_WIDTH] * (2 * len(LIVE_RULES)) + [OK_WIDTH]
    ws.set_row(1, row_height(wrapped_lines(howto, sum(widths[2:]))))
    ws.merge_range("A3:A4", "姓名", head)
    ws.merge_range("B3:B4", "岗位", head)
    for rule, (a, b) in cols.items():
        ws.merge_range(f"{a}3:{b}3", rules.title(rule), head)
        ws.write_string(f"{a}4", "实际", head)
        ws.write_string(f"{b}4", "应有", head)
    ok_col = ok_column()
    ws.merge_range(f"{ok_col}3:{ok_col}4", "是否全部达标", head)
    ws.set_row(2, row_height(max(wrapped_lines(rules.title(rule), 2 * RULE_WIDTH) for rule in LIVE_RULES)))
    ws.set_column("A:B", NAME_WIDTH)
    ws.set_column(f"{cols[LIVE_RULES[0]][0]}:{cols[LIVE_RULES[-1]][1]}", RULE_WIDTH)
    ws.set_column(f"{ok_col}:{ok_col}", OK_WIDTH)
    staff = r.col("staff", "name")
    roles = r.col("staff", "role")
    for row in range(FIRST_PERSON_ROW, last + 1):
        k = row - FIRST_PERSON_ROW + 2            # the person's row on 参照-人员名单
        ws.write_formula(f"A{row}", f'=IF(INDEX({staff},{k})="","",INDEX({staff},{k})&"")')
        ws.write_formula(f"B{row}", f'=IF(A{row}="","",INDEX({roles},{k})&"")')
        checks = []
        for rule, (a, b) in cols.items():
            actual, required, role = formulas[rule]
            cond = f'AND($A{row}<>"",$B{row}={role},$B$2<>"")'
            ws.write_formula(f"{a}{row}", f'=IF({cond},{actual.format(row=row)},"")')
            ws.write_formula(f"{b}{row}", f'=IF({cond},{required.format(row=row)},"")')
            checks.append(f'OR({a}{row}="",{a}{row}>={b}{row})')
        ws.write_formula(f"{ok_col}{row}", (f'=IF(OR($A{row}="",$B$2=""),"",'
                                            f'IF(AND({",".join(checks)}),"达标","未达标"))'))
    green = fmt(bg_color="#C6EFCE", font_color="#006100")
    red = fmt(bg_color="#FFC7CE", font_color="#9C0006")
    for a, b in cols.values():
        area = f"{a}{FIRST_PERSON_ROW}:{a}{last}"
        first = f"{a}{FIRST_PERSON_ROW}"
        req = f"{b}{FIRST_PERSON_ROW}"
        ws.conditional_format(area, {"type": "formula", "criteria": f"=AND(ISNUMBER({first}),{first}>={req})",
                                     "format": green})
        ws.conditional_format(area, {"type": "formula", "criteria": f"=AND(ISNUMBER({first}),{first}<{req})",
                                     "format": red})
    ok_area = f"{ok_col}{FIRST_PERSON_ROW}:{ok_col}{last}"
    ws.conditional_format(ok_area, {"type": "cell", "criteria": "==", "value": '"达标"', "format": green})
    ws.conditional_format(ok_area, {"type": "cell", "criteria": "==", "value": '"未达标"', "format": red})
    ws.freeze_panes(FIRST_PERSON_ROW - 1, 2)
    ws.print_area(0, 0, FIRST_PERSON_ROW - 2 + min(people, LIMITS["staff"]), len(widths) - 1)
    print_setup(ws, widths=widths, repeat=(2, 3), margins=MARGINS,
                header=page_header(left="拜访指标", right=LIVE))
