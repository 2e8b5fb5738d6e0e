"""Build the standard workbooks from the specs with XlsxWriter.

One builder serves the empty templates (`gcs templates`) and filled workbooks (demo data,
plans): header row bold, filled, frozen, filtered; widths; text format on every text
column so Excel never turns codes into numbers; dropdowns and input messages from the
spec; date formats; print setup; a 填表说明 sheet. Values are written by their Python
type, and text always as text (never as a formula, whatever it starts with).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from .a1 import col_letter
from .checks.identifiers import LENGTHS
from .describe import input_message, rule_text, type_text
from .livesheet import add_live_sheets
from .textwidth import display_width
from .rules import Rules, load_rules
from .sheetnames import INSTRUCTIONS, LISTS, reference_sheet
from .spec import Field, SheetSpec, Specs, TemplateSpec, load_specs
from .writing import atomic_output
from .xlsx_style import DATE_FORMAT, FONT, HEADER_FILL, Formats, header_row, new_workbook, print_setup

MAX_ROW = 1_048_575           # last 0-based row of a sheet
DEFAULT_FORMATS = {"text": "@", "enum": "@", "month": "@", "int": "0", "number": "General",
                   "date": DATE_FORMAT}
HEADER_REQUIRED = HEADER_FILL
HEADER_OPTIONAL = "#5B9BD5"


@dataclass(frozen=True)
class Formula:
    """A formula with its cached result (for tests and demo files that need one)."""
    text: str
    value: Any = None


def bundled_catalogue(specs: Specs | None = None) -> list[dict[str, str]]:
    """The sample catalogue shipped with the package (a CSV in the catalogue template's
    own format), as rows keyed by field id."""
    spec = (specs or load_specs()).sheet("catalogue")
    ids = {f.header: f.id for f in spec.fields}
    text = resources.files("gcs_excel.data").joinpath("catalogue.csv").read_text("utf-8")
    return [{ids[h]: v for h, v in row.items()} for row in csv.DictReader(text.splitlines())]


def default_lists(specs: Specs) -> dict[str, list[str]]:
    """Lists behind reference dropdowns, by "sheet.field": the bundled catalogue."""
    return {"catalogue.sku": [row["sku"] for row in bundled_catalogue(specs)]}


def list_name(ref: str, specs: Specs) -> str:
    """Defined name of a dropdown list, e.g. 卷烟规格列表."""
    return specs.describe_target(ref)[1] + "列表"


class _Formats(Formats):
    def column(self, f: Field):
        return self.get(num_format=f.num_format or DEFAULT_FORMATS[f.type])


def write_workbook(template: TemplateSpec, path: str | Path, *,
                   data: Mapping[str, Iterable[Mapping[str, Any]]] | None = None,   # sheet id -> rows by field id
                   merges: Mapping[str, Sequence[tuple[int, int, int, int, Any]]] | None = None,
                   lists: Mapping[str, list[str]] | None = None,
                   headers: Mapping[str, Mapping[str, str]] | None = None,
                   references: Mapping[str, Iterable[Mapping[str, Any]]] | None = None,
                   month: str | None = None, rules: Rules | None = None,
                   specs: Specs | None = None, inputs: Iterable[str | Path] = ()) -> Path:
    """Write one template workbook, empty or with rows (dicts keyed by field id);
    merges are (first_row, first_col, last_row, last_col, value), 0-based, per sheet id;
    headers replaces header texts (sheet id -> field id -> text), for test and demo files.
    A template with a live 指标 sheet also gets its 参照-* sheets (rows from references,
    by sheet id) and, when given, the month to show."""
    specs = specs or load_specs()
    lists = default_lists(specs) if lists is None else lists
    path = Path(path)
    with atomic_output(path, inputs) as tmp:
        wb = new_workbook(tmp)
        fmt = _Formats(wb)
        used_lists = _dropdown_lists(template, lists)
        for sheet in template.sheets:
            ws = wb.add_worksheet(sheet.name)
            _layout(ws, sheet, fmt, used_lists, specs, (headers or {}).get(sheet.id, {}))
            rows = list((data or {}).get(sheet.id, ()))
            _write_rows(ws, sheet, rows, fmt)
            for r1, c1, r2, c2, value in (merges or {}).get(sheet.id, ()):
                ws.merge_range(r1, c1, r2, c2, None)
                _write_value(ws, r1, c1, value, sheet.fields[c1] if c1 < len(sheet.fields) else None, fmt)
            _print_setup(ws, sheet)
        if template.live_quotas:
            add_live_sheets(wb, fmt.get, specs, rules or load_rules(), month)
        for ref in template.references:
            sheet = specs.sheet(ref)
            ws = wb.add_worksheet(reference_sheet(sheet.name))
            _layout(ws, sheet, fmt, used_lists, specs, {})
            _write_rows(ws, sheet, list((references or {}).get(ref, ())), fmt)
            _print_setup(ws, sheet)
        _instructions(wb, template, fmt, specs)
        if used_lists:
            _lists_sheet(wb, used_lists, specs)
        wb.worksheets()[0].activate()
        wb.close()
    return path


def _dropdown_lists(template: TemplateSpec, lists: Mapping[str, list[str]]) -> dict[str, list[str]]:
    refs = {f.ref for s in template.sheets for f in s.fields if f.dropdown}
    return {r: lists[r] for r in sorted(refs) if lists.get(r)}


def _layout(ws, sheet: SheetSpec, fmt: _Formats, lists: Mapping[str, list[str]], specs: Specs,
            headers: Mapping[str, str]) -> None:
    ws.set_row(0, 32)
    for c, f in enumerate(sheet.fields):
        ws.set_column(c, c, f.width, fmt.column(f))
        ws.write_string(0, c, headers.get(f.id, f.header),
                        fmt.header(HEADER_REQUIRED if f.required else HEADER_OPTIONAL))
        ws.data_validation(1, c, MAX_ROW, c, _validation(f, lists, specs))
    last = len(sheet.fields) - 1
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, 0, last)


def _validation(f: Field, lists: Mapping[str, list[str]], specs: Specs) -> dict:
    v: dict[str, Any] = {
        "input_title": f.header[:32],
        "input_message": input_message(f),
        "error_title": f"{f.header}填写有误"[:32],
    }
    rule = None
    if f.type == "enum":
        rule = {"validate": "list", "source": list(f.values), "error_type": "stop",
                "error_message": "请从下拉列表中选择：" + "、".join(f.values)}
    elif f.dropdown and f.ref in lists:
        sheet_name, header = specs.describe_target(f.ref)
        rule = {"validate": "list", "source": "=" + list_name(f.ref, specs), "error_type": "warning",
                "error_message": f"不在「{sheet_name}」的「{header}」中，请核对写法（仍可继续填写）"}
    elif f.type in ("int", "number"):
        low = f.gt if f.gt is not None else f.min
        if low is not None:
            rule = {"validate": "integer" if f.type == "int" else "decimal",
                    "criteria": ">" if f.gt is not None else ">=", "value": low,
                    "error_type": "stop",
                    "error_message": f"请填{'整数' if f.type == 'int' else '数字'}，"
                                     f"{'大于' if f.gt is not None else '不小于'} {low:g}"}
        else:
            rule = {"validate": "integer" if f.type == "int" else "decimal",
                    "criteria": "between", "minimum": -1e15, "maximum": 1e15,
                    "error_type": "stop", "error_message": "请填数字"}
    elif f.type == "date":
        rule = {"validate": "date", "criteria": "between",
                "minimum": dt.date(2000, 1, 1), "maximum": dt.date(2099, 12, 31),
                "error_type": "stop", "error_message": "请填日期，如 2026-03-05"}
        if f.not_future:
            rule.update(criteria="between", maximum="=TODAY()",
                        error_message="请填日期（如 2026-03-05），不能晚于今天")
    elif f.check in LENGTHS:
        n = LENGTHS[f.check]
        rule = {"validate": "length", "criteria": "==", "value": n, "error_type": "warning",
                "error_message": f"应为 {n} 位，请核对（仍可继续填写）"}
    if rule is None:
        rule = {"validate": "any"}
        v.pop("error_title")
    v.update(rule)
    return v


def _write_value(ws, r: int, c: int, value: Any, f: Field | None, fmt: _Formats) -> None:
    if value is None or value == "":
        return
    cell_fmt = fmt.column(f) if f is not None else None
    if isinstance(value, Formula):
        ws.write_formula(r, c, value.text, cell_fmt, value.value)
    elif isinstance(value, str):
        ws.write_string(r, c, value, cell_fmt)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, cell_fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(r, c, value, cell_fmt)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(r, c, value, fmt.get(num_format=DATE_FORMAT if value.time() == dt.time() else "yyyy-mm-dd hh:mm"))
    elif isinstance(value, dt.date):
        ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), fmt.get(num_format=DATE_FORMAT))
    else:
        ws.write_string(r, c, str(value), cell_fmt)


def _write_rows(ws, sheet: SheetSpec, rows: list[Mapping[str, Any]], fmt: _Formats) -> None:
    fields = list(sheet.fields)
    for r, row in enumerate(rows, start=1):
        for c, f in enumerate(fields):
            if f.id in row:
                _write_value(ws, r, c, row[f.id], f, fmt)


def _print_setup(ws, sheet: SheetSpec) -> None:
    print_setup(ws, repeat=0, margins={"left": 0.4, "right": 0.4, "top": 0.7, "bottom": 0.7},
                header=f"&C&\"{FONT},Bold\"{sheet.name}")


def _instructions(wb, template: TemplateSpec, fmt: _Formats, specs: Specs) -> None:
    ws = wb.add_worksheet(INSTRUCTIONS)
    title = fmt.get(bold=True, font_size=14)
    wrap = fmt.get(text_wrap=True, valign="top", border=1, num_format="@")
    head = fmt.get(bold=True, font_color="#FFFFFF", bg_color=HEADER_REQUIRED, border=1, align="center")
    ws.write_string(0, 0, f"{template.workbook} 填表说明", title)
    notes = [
        template.description,
        "深蓝色表头为必填列，浅蓝色为选填列。列名和顺序不能改，需要的话只能在最后追加列。",
        "编号、证号、电话、帐号等列已设为文本格式：请直接输入，不要改成数字格式，否则长号码的后几位会丢失。",
        "日期请填真实日期（如 2026-03-05），不要写成“2026年3月5日”这样的文字。数据区不要合并单元格，不要用公式。",
        "填好后可用 gcs validate 检查，或点工作簿里的“校验”按钮。",
    ]
    for i, note in enumerate(notes, start=1):
        ws.write_string(i, 0, note)
    top = len(notes) + 2
    columns = ("工作表", "列", "字段", "必填", "类型", "规则", "示例", "说明")
    widths = (12, 5, 18, 6, 14, 60, 22, 40)
    header_row(ws, top, zip(columns, widths), head)
    r = top
    for sheet in template.sheets:
        for c, f in enumerate(sheet.fields):
            r += 1
            cells = (sheet.name, col_letter(c), f.header, "是" if f.required else "", type_text(f),
                     rule_text(f, sheet, specs), f.example, f.hint)
            for k, text in enumerate(cells):
                ws.write_string(r, k, text, wrap)
            ws.set_row(r, 15 * max(_lines(t, w) for t, w in zip(cells, widths)))
    ws.freeze_panes(top + 1, 0)
    print_setup(ws, repeat=top)


def _lines(text: str, columns: float) -> int:
    """Wrapped line count, counting a CJK character as two columns (row heights are not
    recomputed by every client on open)."""
    return max(1, -(-display_width(text) // int(columns)))


def _lists_sheet(wb, lists: Mapping[str, list[str]], specs: Specs) -> None:
    ws = wb.add_worksheet(LISTS)
    for c, (ref, values) in enumerate(lists.items()):
        ws.write_string(0, c, specs.describe_target(ref)[1])
        for r, v in enumerate(values, start=1):
            ws.write_string(r, c, v)
        col = col_letter(c)
        wb.define_name(list_name(ref, specs), f"='{LISTS}'!${col}$2:${col}${len(values) + 1}")
    ws.hide()


def build_templates(out_dir: str | Path, *, catalogue: str | Path | None = None,
                    specs: Specs | None = None) -> list[Path]:
    """Every template of the specs as DIR/<workbook>.xlsx; reference dropdowns list the
    bundled catalogue, or the SKUs of a department's own catalogue file."""
    specs = specs or load_specs()
    lists = default_lists(specs) if catalogue is None else catalogue_lists(catalogue)
    out = Path(out_dir)
    return [write_workbook(t, out / t.filename, lists=lists, specs=specs) for t in specs.templates]


def catalogue_lists(path: str | Path) -> dict[str, list[str]]:
    from .errors import ConfigError
    from .validate import validate_readable

    v = validate_readable([path])
    skus = [r["sku"] for t in v.tables_of("catalogue") for r in t.records() if r.get("sku")]
    if not skus:
        raise ConfigError(f"{path} 里没有可用的卷烟规格（需要一个“卷烟规格”工作表，且规格没有错误）")
    return {"catalogue.sku": list(dict.fromkeys(skus))}
