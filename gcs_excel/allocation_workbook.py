"""`gcs allocate --out FILE`: the allocation as a workbook, for the department and for
`gcs notices`, which reads it back through the spec specs/allocation.toml.

分配说明 (the rule in words, with this run's numbers), 分配明细 and 分配参数 (the spec's
sheets: headers from the spec, IDs as text), 按客户汇总 and 按客户经理汇总 (stores,
quantity and share of the total), 不参与的卖场 (the stores on file left out by their or
their HQ's 状态, and why) and 未计入的行 when rows with errors were left out.
Nothing in it depends on the clock or the machine: the same allocation gives the same bytes.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from .gcpause import gc_paused
from .quota_workbook import Col, Table, left_out_table
from .sheetnames import ALLOCATION_NOTES, BY_CUSTOMER, BY_MANAGER, LEFT_OUT, NOT_TAKING_PART
from .spec import SheetSpec, load_specs
from .templates import DEFAULT_FORMATS
from .textwidth import PADDING, excel_width, fit_width, row_height, wrapped_lines
from .writing import atomic_output
from .xlsx_style import Formats, new_workbook, page_header, print_setup

if TYPE_CHECKING:                   # the result's type only: allocation imports this module
    from .allocation import AllocationResult

Progress = Callable[[int, int, str], None]
TITLE = "紧俏货源分配"
PROGRESS_EVERY = 1000       # rows of 分配明细 between two progress calls
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.75, "bottom": 0.75}
FREE_TEXT = 22              # names wider than this wrap (the sheet then prints at 75 % or more)
SHORT_HEADER = 10           # display units: 客户经理, 卷烟规格 stay on one line
NOTE_WIDTH = 80             # the 分配说明 column: A4 portrait across at 100 %


@gc_paused()
def write_allocation_workbook(result: AllocationResult, path: str | Path, inputs: Sequence[str | Path] = (),
                              progress: Progress | None = None) -> Path:
    """Write the allocation workbook (atomically; inputs are never overwritten); progress
    is told of the 分配明细 rows written (done, total, ""). result.sheets names what was written."""
    specs = load_specs()
    with atomic_output(path, inputs) as tmp:
        wb = new_workbook(tmp)
        fmts = Formats(wb)
        title = f"{TITLE} {result.sku}"
        _notes(wb, fmts, result, title)
        _spec_sheet(wb, fmts, specs.sheet("allocation"), detail_rows(result), title, result.month, progress)
        _spec_sheet(wb, fmts, specs.sheet("allocation_params"), [params_row(result)], title, result.month)
        for table in _summaries(result):
            table.write(wb, fmts, result.month, title)
        wb.worksheets()[0].activate()
        result.sheets = [ws.name for ws in wb.worksheets()]
        wb.close()
    return Path(path)


def detail_rows(result: AllocationResult) -> list[dict[str, Any]]:
    """The 分配明细 rows by field id, sorted by customer then licence number."""
    basis = load_specs().sheet("allocation").field("basis").options
    return [{"month": result.month, "sku": result.sku, "licence": s.licence, "name": s.name,
             "customer": s.customer, "customer_name": s.customer_name, "manager": s.manager,
             "basis": basis[s.basis], "basis_volume": s.basis_volume, "weight": float(s.weight),
             "share": float(s.share), "quantity": s.quantity, "wholesale_price": result.wholesale_price,
             "retail_guide": result.retail_guide, "rule_version": result.rule.version}
            for s in result.stores]


def params_row(result: AllocationResult) -> dict[str, Any]:
    """The one 分配参数 row by field id (cap None: no cap, left blank)."""
    basis = load_specs().sheet("allocation_params").field("basis").options
    rule = result.rule
    return {"month": result.month, "sku": result.sku, "total": result.total, "floor": rule.floor, "cap": rule.cap,
            "basis": basis[rule.basis], "stores": len(result.stores), "rule_version": rule.version}


def _shown(value: Any, num_format: str) -> str:
    """A value as its cell shows it, for the column's width."""
    if isinstance(value, float):
        places = len(num_format.rsplit(".", 1)[1]) if "." in num_format else 0
        return f"{value:,.{places}f}" if "," in num_format else f"{value:.{places}f}" if places else f"{value:g}"
    return "" if value is None else str(value)


def _widths(fields, formats: list[str], rows: list[dict[str, Any]]) -> list[float]:
    """Each column as wide as its content (free text at most FREE_TEXT, then it wraps) and
    its header on at most two lines: the sheet then prints one page wide."""
    out = []
    for f, n in zip(fields, formats):
        texts = {_shown(r.get(f.id), n) for r in rows}
        width = fit_width(texts, maximum=FREE_TEXT if f.type == "text" and not f.code else 60)
        out.append(max(width, _header_width(f.header)))
    return out


def _header_width(header: str) -> float:
    """A short header on one line; a long one on two (bold text is wider: room to spare)."""
    if excel_width(header) <= SHORT_HEADER:
        return excel_width(header) + PADDING
    return next(w for w in range(4, 40) if wrapped_lines(header, w) <= 2) + PADDING


def _spec_sheet(wb, fmts: Formats, sheet: SheetSpec, rows: list[dict[str, Any]], title: str, month: str,
                progress: Progress | None = None) -> None:
    """A sheet of the spec: its headers, its columns' formats (IDs as text), the rows."""
    ws = wb.add_worksheet(sheet.name)
    fields = list(sheet.fields)
    formats = [f.num_format or DEFAULT_FORMATS[f.type] for f in fields]
    widths = _widths(fields, formats, rows)
    wraps = [f.type == "text" and not f.code for f in fields]        # free text; codes never wrap
    cells = [fmts.get(num_format=n, border=1, valign="top", text_wrap=w) for w, n in zip(wraps, formats)]
    head = fmts.header()
    ws.set_row(0, row_height(max(wrapped_lines(f.header, w) for f, w in zip(fields, widths))))
    for c, (f, w) in enumerate(zip(fields, widths)):
        ws.set_column(c, c, w)
        ws.write_string(0, c, f.header, head)
    for r, row in enumerate(rows, start=1):
        if progress and r % PROGRESS_EVERY == 0:
            progress(r, len(rows), "")
        lines = 1
        for c, f in enumerate(fields):
            value = row.get(f.id)
            if value is None:
                ws.write_blank(r, c, None, cells[c])
            elif isinstance(value, str):
                ws.write_string(r, c, value, cells[c])
                if wraps[c] and excel_width(value) > widths[c] - 1:     # only text wider than its column wraps
                    lines = max(lines, wrapped_lines(value, widths[c]))
            else:
                ws.write_number(r, c, value, cells[c])
        if lines > 1:
            ws.set_row(r, row_height(lines))
    if progress:
        progress(len(rows), len(rows), "")
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(rows), 1), len(fields) - 1)
    keep = 1 + max(sheet.ids.index(i) for i in (*sheet.key, sheet.label) if i in sheet.ids)
    print_setup(ws, widths=widths, repeat=0, margins=MARGINS, keep=keep,
                header=page_header(left=f"{title} {month}", right=sheet.name))


def _summaries(result: AllocationResult) -> list[Table]:
    """按客户汇总, 按客户经理汇总 and, when rows were left out, 未计入的行."""
    total_note = f"合计 {len(result.stores)} 个卖场，{result.total} 条；占总量 = 分配数量 ÷ 分配总量 {result.total} 条。"
    customers = Table(BY_CUSTOMER, [Col("客户编码", 10), Col("客户名称", 30), Col("卖场数", 8, "int"),
                                    Col("分配数量(条)", 12, "int"), Col("占总量", 9, "pct")], note=total_note)
    for g in result.summary("customer"):
        customers.add([g["key"], g["name"], g["stores"], g["quantity"], g["share"]])
    managers = Table(BY_MANAGER, [Col("客户经理", 12), Col("客户数", 8, "int"), Col("卖场数", 8, "int"),
                                  Col("分配数量(条)", 12, "int"), Col("占总量", 9, "pct")], note=total_note)
    for g in result.summary("manager"):
        managers.add([g["key"], g["customers"], g["stores"], g["quantity"], g["share"]])
    share = 1.0 if result.total else None
    customers.add(["合计", "", len(result.stores), result.total, share])
    managers.add(["合计", len({s.customer for s in result.stores}), len(result.stores), result.total, share])
    out = [customers, managers]
    if result.not_eligible:
        left = Table(NOT_TAKING_PART, [Col("专卖证号", 14), Col("卖场名称", 24), Col("客户编码", 10), Col("客户名称", 24),
                                       Col("客户经理", 10), Col("原因", 20)])
        for x in result.not_eligible:
            left.add([x.licence, x.name, x.customer, x.customer_name, x.manager, x.why])
        out.append(left)
    if result.excluded:
        out.append(left_out_table(result.excluded))
    return out


def explanation(result: AllocationResult) -> list[str]:
    """The rule in words with this allocation's numbers: the paragraphs of 分配说明."""
    rule, n, total = result.rule, len(result.stores), result.total
    stores = result.stores
    basis_total = sum(s.basis_volume for s in stores)
    if result.basis_used == "sales":
        basis = f"上月（{result.source_month}）该规格在各卖场的销量，合计 {basis_total:g} 条"
    elif rule.basis == "sales":
        basis = (f"卖场明细表的月销量，合计 {basis_total:g} 条（上月 {result.source_month} 没有可用的该规格销量，"
                 "见文末的说明）")
    else:
        basis = f"卖场明细表的月销量，合计 {basis_total:g} 条"
    weight = ("每个卖场的权重 = 它的依据数量 ÷ 全部参与卖场的依据数量合计。" if basis_total else
              "全部参与卖场的依据数量都是 0，每个卖场的权重相同（平均分配）。")
    whole = sum(math.floor(s.share) for s in stores)
    cap = (f"上限：每个卖场最多 {rule.cap} 条；超过上限的卖场按上限分，多出的部分再按权重分给其他卖场，"
           f"反复直到没有卖场超过上限（这次有 {result.capped} 个卖场按上限分配）。" if rule.cap is not None
           else "上限：不设上限。")
    quantities = [s.quantity for s in stores]
    out = [
        f"规格：{result.sku}，批发价 {result.wholesale_price:,.2f} 元/条，零售指导价 {result.retail_guide:,.2f} 元/条；"
        f"{result.month} 分配总量 {total} 条。",
        f"参与分配的卖场：{n} 个（卖场状态和所属总部状态都是“正常”）"
        + (f"；另有 {len(result.not_eligible)} 个卖场或其总部状态不是正常，不参与，见“{NOT_TAKING_PART}”"
           if result.not_eligible else "")
        + (f"；{len(result.excluded)} 行有错误没有计入，见“{LEFT_OUT}”" if result.excluded else "") + "。",
        f"依据：{basis}。{weight}",
        f"规则（版本 {rule.version}）：",
        f"1. 保底：每个卖场先分 {rule.floor} 条，共 {rule.floor * n} 条。",
        f"2. 按比例：其余 {total - rule.floor * n} 条按权重分给各卖场。",
        f"3. {cap}",
        f"4. 取整（最大余数法）：各卖场的精确份额先取整数部分，合计 {whole} 条；余下 {total - whole} 条依次给小数部分"
        "最大的卖场，小数部分相同时给权重大的，再相同时给专卖证号小的。",
        f"结果：{n} 个卖场共分配 {sum(quantities)} 条，每个卖场 {min(quantities)}–{max(quantities)} 条。"
        f"每个卖场的依据、权重、精确份额和分配数量见“分配明细”，汇总见“{BY_CUSTOMER}”“{BY_MANAGER}”。",
        "计算全程用分数（精确值），同样的文件和参数再算一次，结果完全相同。",
        f"输入文件：{'、'.join(result.inputs) or '—'}；规则：{rule.source}。",
    ]
    out += [f"注意：{w}" for w in result.warnings]
    out += [f"说明：{n}" for n in result.notes]
    return out


def _notes(wb, fmts: Formats, result: AllocationResult, title: str) -> None:
    ws = wb.add_worksheet(ALLOCATION_NOTES)
    ws.set_column(0, 0, NOTE_WIDTH)
    ws.write_string(0, 0, f"{title}（{result.month}）", fmts.get(bold=True, font_size=14))
    ws.set_row(0, row_height(1, 14))
    text = fmts.get(text_wrap=True, valign="top")
    for r, line in enumerate(explanation(result), start=2):
        ws.write_string(r, 0, line, text)
        ws.set_row(r, row_height(wrapped_lines(line, NOTE_WIDTH)))
    print_setup(ws, widths=[NOTE_WIDTH], margins=MARGINS,
                header=page_header(left=f"{title} {result.month}", right=ALLOCATION_NOTES))
