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
import functools
import math
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping, Protocol, Sequence

from .a1 import col_letter
from .checks.identifiers import LENGTHS
from .describe import input_message, rule_text, type_text
from .livesheet import add_live_sheets
from .textwidth import excel_width, fit_width, row_height, wrapped_lines
from .rules import Rules, load_rules
from .sheetnames import INSTRUCTIONS, LISTS, reference_sheet
from .spec import Field, SheetSpec, Specs, TemplateSpec, load_specs
from .writing import atomic_output
from .xlsx_style import (DATE_FORMAT, HEADER_FILL, Formats, header_row, layout, new_workbook, page_header,
                         print_setup)

MAX_ROW = 1_048_575           # last 0-based row of a sheet
DEFAULT_FORMATS = {"text": "@", "enum": "@", "month": "@", "int": "0", "number": "General",
                   "date": DATE_FORMAT}
HEADER_REQUIRED = HEADER_FILL
HEADER_OPTIONAL = "#5B9BD5"
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.7, "bottom": 0.7}
FILL_SCALE = 80               # filled sheets narrow their free text (it wraps) to print at this scale


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


LIST_ROOM = 1000             # rows a list filled after the build (Extras.lists) may grow to


class Extras(Protocol):
    """What a macro workbook adds to a template (gcs_excel.vba.workbooks): sheets before
    the template's, lists on the hidden list sheet, and steps before and after saving."""
    lists: Sequence[tuple[str, str, Sequence[str]]]   # (header, defined name, values)

    def first(self, wb, fmt: Formats) -> None:
        """Add the sheets that come before the template's own."""

    def last(self, wb) -> None:
        """Called once every sheet is there, before the workbook is saved."""

    def saved(self, path: Path) -> None:
        """Called on the saved (still temporary) file."""


class _Formats(Formats):
    def column(self, f: Field, wrap: bool = False):
        """The field's cell format, top-aligned (a row's wrapped text starts level with
        its other cells); wrap for text wider than its column."""
        if wrap:
            return self.get(num_format=f.num_format or DEFAULT_FORMATS[f.type], valign="top", text_wrap=True)
        return self.get(num_format=f.num_format or DEFAULT_FORMATS[f.type], valign="top")


def write_workbook(template: TemplateSpec, path: str | Path, *,
                   data: Mapping[str, Iterable[Mapping[str, Any]]] | None = None,   # sheet id -> rows by field id
                   merges: Mapping[str, Sequence[tuple[int, int, int, int, Any]]] | None = None,
                   lists: Mapping[str, list[str]] | None = None,
                   headers: Mapping[str, Mapping[str, str]] | None = None,
                   references: Mapping[str, Iterable[Mapping[str, Any]]] | None = None,
                   month: str | None = None, rules: Rules | None = None,
                   specs: Specs | None = None, inputs: Iterable[str | Path] = (),
                   extras: Extras | None = None) -> Path:
    """Write one template workbook, empty or with rows (dicts keyed by field id);
    merges are (first_row, first_col, last_row, last_col, value), 0-based, per sheet id;
    headers replaces header texts (sheet id -> field id -> text), for test and demo files.
    A template with a live 指标 sheet also gets its 参照-* sheets (rows from references,
    by sheet id) and, when given, the month to show. extras makes it a macro workbook."""
    specs = specs or load_specs()
    lists = default_lists(specs) if lists is None else lists
    path = Path(path)
    with atomic_output(path, inputs) as tmp:
        wb = new_workbook(tmp)
        fmt = _Formats(wb)
        if extras:
            extras.first(wb, fmt)
        used_lists = _dropdown_lists(template, lists)
        for sheet in template.sheets:
            ws = wb.add_worksheet(sheet.name)
            rows = list((data or {}).get(sheet.id, ()))
            widths = column_widths(sheet, rows)
            _layout(ws, sheet, widths, fmt, used_lists, specs, (headers or {}).get(sheet.id, {}))
            _write_rows(ws, sheet, rows, widths, fmt)
            for r1, c1, r2, c2, value in (merges or {}).get(sheet.id, ()):
                ws.merge_range(r1, c1, r2, c2, None)
                _write_value(ws, r1, c1, value, sheet.fields[c1] if c1 < len(sheet.fields) else None, fmt)
            _print_setup(ws, sheet, widths)
        refs = {ref: list((references or {}).get(ref, ())) for ref in template.references}
        if template.live_quotas:
            add_live_sheets(wb, fmt.get, specs, rules or load_rules(), month, people=len(refs.get("staff", ())))
        for ref, rows in refs.items():
            sheet = specs.sheet(ref)
            ws = wb.add_worksheet(reference_sheet(sheet.name))
            widths = column_widths(sheet, rows)
            _layout(ws, sheet, widths, fmt, used_lists, specs, {})
            _write_rows(ws, sheet, rows, widths, fmt)
            _print_setup(ws, sheet, widths)
        _instructions(wb, template, fmt, specs)
        more_lists = extras.lists if extras else ()
        if used_lists or more_lists:
            _lists_sheet(wb, used_lists, specs, more_lists)
        wb.worksheets()[0].activate()
        if extras:
            extras.last(wb)
        wb.close()
        if extras:
            extras.saved(tmp)
    return path


def _dropdown_lists(template: TemplateSpec, lists: Mapping[str, list[str]]) -> dict[str, list[str]]:
    refs = {f.ref for s in template.sheets for f in s.fields if f.dropdown}
    return {r: lists[r] for r in sorted(refs) if lists.get(r)}


def column_widths(sheet: SheetSpec, rows: Sequence[Mapping[str, Any]]) -> list[float]:
    """Each column's width: the spec's, or wider for the longest value written into it.
    Codes, numbers and dates never wrap. Free text (names, addresses, notes) wraps: its
    column fits nine values in ten, and while the sheet would print below FILL_SCALE the
    widest text column gives up room, down to its spec width at the least."""
    widths, free = [], []
    for c, f in enumerate(sheet.fields):
        texts = [v if isinstance(v, str) else _shown(v) for r in rows if (v := r.get(f.id)) not in (None, "")]
        counts = Counter(texts)                     # measure each distinct text once
        if f.type == "text" and not f.code:
            free.append(c)
            # wide enough for nine texts in ten on one line: a few long names wrap instead
            by_width = sorted(counts, key=_width)
            keep, seen = math.ceil(len(texts) * 0.9), 0
            for n, text in enumerate(by_width):
                seen += counts[text]
                if seen >= keep:
                    by_width = by_width[:n + 1]
                    break
            counts = Counter(by_width)
        widths.append(max(f.width, fit_width(counts, maximum=60)))
    while layout(widths, MARGINS)[1] < FILL_SCALE:
        room = [c for c in free if widths[c] > sheet.fields[c].width]
        if not room:
            break
        c = max(room, key=lambda c: widths[c])
        widths[c] = max(sheet.fields[c].width, widths[c] - 1)
    return widths


# Filled sheets repeat their texts (names, labels, purposes): each is measured once.
_width = functools.lru_cache(maxsize=1 << 16)(excel_width)
_lines = functools.lru_cache(maxsize=1 << 16)(wrapped_lines)


def _shown(value: Any) -> str:
    """A value as a cell shows it, for its width."""
    if isinstance(value, Formula):
        return _shown(value.value)
    if isinstance(value, (dt.date, dt.datetime)):
        return DATE_FORMAT
    return "" if value is None else str(value)


def _layout(ws, sheet: SheetSpec, widths: Sequence[float], fmt: _Formats, lists: Mapping[str, list[str]],
            specs: Specs, headers: Mapping[str, str]) -> None:
    titles = [headers.get(f.id, f.header) for f in sheet.fields]
    ws.set_row(0, row_height(max(2, *(wrapped_lines(t, w) for t, w in zip(titles, widths)))))
    for c, f in enumerate(sheet.fields):
        ws.set_column(c, c, widths[c], fmt.column(f))
        ws.write_string(0, c, titles[c], fmt.header(HEADER_REQUIRED if f.required else HEADER_OPTIONAL))
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
    if f.type == "enum" and f.or_check:      # the list offers the labels; a typed value gets in
        rule = {"validate": "list", "source": list(f.values), "error_type": "warning",
                "error_message": f"请从下拉列表中选择{'、'.join(f.values)}，或填{specs.check_rules[f.or_check]}（仍可继续填写）"}
    elif f.type == "enum":
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


def _write_value(ws, r: int, c: int, value: Any, f: Field | None, fmt: _Formats, wrap: bool = False) -> None:
    if value is None or value == "":
        return
    cell_fmt = fmt.column(f, wrap) if f is not None else None
    if isinstance(value, Formula):
        ws.write_formula(r, c, value.text, cell_fmt, value.value)
    elif isinstance(value, str):
        ws.write_string(r, c, value, cell_fmt)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, cell_fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(r, c, value, cell_fmt)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(r, c, value, fmt.get(num_format=DATE_FORMAT if value.time() == dt.time() else "yyyy-mm-dd hh:mm",
                                               valign="top"))
    elif isinstance(value, dt.date):
        ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), fmt.get(num_format=DATE_FORMAT, valign="top"))
    else:
        ws.write_string(r, c, str(value), cell_fmt)


def _write_rows(ws, sheet: SheetSpec, rows: list[Mapping[str, Any]], widths: Sequence[float],
                fmt: _Formats) -> None:
    """Write the rows; text wider than its column wraps, and its row is made as tall as
    its lines (clients do not recompute row heights on open)."""
    fields = list(sheet.fields)
    for r, row in enumerate(rows, start=1):
        lines = 1
        for c, f in enumerate(fields):
            value = row.get(f.id)
            wrap = isinstance(value, str) and _width(value) > widths[c] - 1
            if wrap:
                lines = max(lines, _lines(value, widths[c]))
            _write_value(ws, r, c, value, f, fmt, wrap)
        if lines > 1:
            ws.set_row(r, row_height(lines))


def _keep(sheet: SheetSpec) -> int:
    """Columns repeated on every page when a sheet is printed on pages side by side: up to
    the key and the name of a row."""
    ids = sheet.ids
    return 1 + max((ids.index(i) for i in (*sheet.key, sheet.label) if i in ids), default=0)


def _print_setup(ws, sheet: SheetSpec, widths: Sequence[float]) -> int:
    return print_setup(ws, widths=widths, repeat=0, margins=MARGINS, keep=_keep(sheet),
                       header=page_header(center=sheet.name, bold_center=True))


INSTRUCTION_COLUMNS = (("工作表", 14), ("列", 5), ("字段", 20), ("必填", 6), ("类型", 16), ("规则", 50),
                       ("示例", 24), ("说明", 40))      # (title, widest; longer text wraps)


def _instructions(wb, template: TemplateSpec, fmt: _Formats, specs: Specs) -> int:
    ws = wb.add_worksheet(INSTRUCTIONS)
    title = fmt.get(bold=True, font_size=14)
    wrap = fmt.get(text_wrap=True, valign="top", border=1, num_format="@")
    note = fmt.get(text_wrap=True, valign="top")
    head = fmt.get(bold=True, font_color="#FFFFFF", bg_color=HEADER_REQUIRED, border=1, align="center")
    ws.write_string(0, 0, f"{template.workbook} 填表说明", title)
    notes = [
        template.description,
        "深蓝色表头为必填列，浅蓝色为选填列。列名和顺序不能改，需要的话只能在最后追加列。",
        "编号、证号、电话、帐号等列已设为文本格式：请直接输入，不要改成数字格式，否则长号码的后几位会丢失。",
        "日期请填真实日期（如 2026-03-05），不要写成“2026年3月5日”这样的文字。数据区不要合并单元格，不要用公式。",
        f"填好后可用 {template.command or 'gcs validate'} 检查：它列出每一处填错的地方和改法。",
    ]
    table = [(sheet.name, col_letter(c), f.header, "是" if f.required else "", type_text(f),
              rule_text(f, sheet, specs), f.example, f.hint)
             for sheet in template.sheets for c, f in enumerate(sheet.fields)]
    widths = [fit_width([t, *(row[k] for row in table)], maximum=most)
              for k, (t, most) in enumerate(INSTRUCTION_COLUMNS)]
    for i, text in enumerate(notes, start=1):      # across the table's width, never past the print edge
        ws.merge_range(i, 0, i, len(widths) - 1, text, note)
        ws.set_row(i, row_height(wrapped_lines(text, sum(widths))))
    top = len(notes) + 2
    header_row(ws, top, zip((t for t, _ in INSTRUCTION_COLUMNS), widths), head)
    for r, cells in enumerate(table, start=top + 1):
        for k, text in enumerate(cells):
            ws.write_string(r, k, text, wrap)
        ws.set_row(r, row_height(max(wrapped_lines(t, w) for t, w in zip(cells, widths))))
    ws.freeze_panes(top + 1, 0)
    return print_setup(ws, widths=widths, repeat=top, margins=MARGINS,
                       header=page_header(left=template.workbook, right=INSTRUCTIONS))


def _lists_sheet(wb, lists: Mapping[str, list[str]], specs: Specs,
                 more: Sequence[tuple[str, str, Sequence[str]]] = ()) -> None:
    """The hidden list sheet: a column per reference dropdown (its defined name covers its
    values), then the columns of `more`, whose names cover the filled rows of LIST_ROOM
    (so that a list refilled later needs no new name, and shows no blank entries)."""
    ws = wb.add_worksheet(LISTS)
    columns = [(specs.describe_target(ref)[1], list_name(ref, specs), values, False) for ref, values in lists.items()]
    columns += [(header, name, values, True) for header, name, values in more]
    for c, (header, name, values, room) in enumerate(columns):
        ws.write_string(0, c, header)
        for r, v in enumerate(values, start=1):
            ws.write_string(r, c, v)
        col = col_letter(c)
        if room:    # the values from row 2 down, without gaps, up to LIST_ROOM of them
            filled = f"COUNTA('{LISTS}'!${col}$2:${col}${LIST_ROOM + 1})"
            wb.define_name(name, f"=OFFSET('{LISTS}'!${col}$2,0,0,MAX(1,{filled}),1)")
        else:
            wb.define_name(name, f"='{LISTS}'!${col}$2:${col}${len(values) + 1}")
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
    """The dropdown list of SKUs from a department's own catalogue file."""
    from .errors import ConfigError
    from .validation import validate_readable

    v = validate_readable([path])
    skus = [r["sku"] for t in v.tables_of("catalogue") for r in t.records() if r.get("sku")]
    if not skus:
        raise ConfigError(f"{path} 里没有可用的卷烟规格（需要一个“卷烟规格”工作表，且规格没有错误）")
    return {"catalogue.sku": list(dict.fromkeys(skus))}
