"""Templates: the committed workbooks are exactly the build, and each has what the spec
promises (headers, widths, text format, dropdowns, hints, print setup, 填表说明)."""

from __future__ import annotations

import openpyxl
import pytest

from gcs_excel.describe import input_message
from gcs_excel.sheetnames import INSTRUCTIONS, LISTS, LIVE, LIVE_CALC, reference_sheet
from gcs_excel.spec import load_specs
from gcs_excel.templates import MARGINS, _keep, build_templates, write_workbook
from gcs_excel.textwidth import row_height, wrapped_lines
from gcs_excel.xlsx_style import MIN_SCALE, column_pages, layout

from .conftest import ROOT
from .xlsx_compare import differences

COMMITTED = ROOT / "workbook_templates"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_templates(tmp_path_factory.mktemp("templates"))


def test_committed_templates_are_the_build(built):
    """Regenerate with: gcs templates --out workbook_templates"""
    names = sorted(p.name for p in built)
    assert sorted(p.name for p in COMMITTED.glob("*.xlsx")) == names
    for p in built:
        assert differences(p, COMMITTED / p.name) == [], p.name


def test_build_is_repeatable(built, tmp_path):
    again = build_templates(tmp_path)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in built]


TEMPLATES = [t.id for t in load_specs().templates]


@pytest.mark.parametrize("template_id", TEMPLATES)
def test_template_layout(template_id, built):
    t = load_specs().template(template_id)
    wb = openpyxl.load_workbook(next(p for p in built if p.name == t.filename))
    live = [LIVE, LIVE_CALC] if t.live_quotas else []
    refs = [reference_sheet(load_specs().sheet(r).name) for r in t.references]
    expected = [s.name for s in t.sheets] + live + refs + [INSTRUCTIONS]
    assert [n for n in wb.sheetnames if n != LISTS] == expected
    assert wb.active.title == t.sheets[0].name
    for sheet in t.sheets:
        ws = wb[sheet.name]
        assert [c.value for c in ws[1]] == list(sheet.headers)
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, len(sheet.fields)).column_letter}1"
        _assert_printed_readable(ws, sheet)
        validations = {next(iter(dv.sqref.ranges)).min_col: dv for dv in ws.data_validations.dataValidation}
        for c, f in enumerate(sheet.fields, start=1):
            head = ws.cell(1, c)
            assert head.font.b
            col = head.column_letter
            dim = _column(ws, c)
            assert dim.width == pytest.approx(f.width + 0.71, abs=0.01)
            if f.type in ("text", "month", "enum"):
                assert dim.number_format == "@", f.header
            if f.type == "date":
                assert dim.number_format == "yyyy-mm-dd"
            dv = validations[c]
            assert str(dv.sqref) == f"{col}2:{col}1048576"
            assert dv.promptTitle == f.header and dv.prompt == input_message(f)
            if f.type == "enum":
                assert dv.type == "list" and dv.formula1 == '"' + ",".join(f.values) + '"'
                # a field that also takes a named check's value (a notice number) lets it in
                assert dv.errorStyle == "warning" if f.or_check else dv.errorStyle in (None, "stop")


def _assert_printed_readable(ws, sheet):
    """A4 at MIN_SCALE or more: one page wide, or (too wide for that) pages side by side
    with the key and name columns repeated."""
    widths = [f.width for f in sheet.fields]
    landscape, scale = layout(widths, MARGINS)
    assert ws.page_setup.paperSize == 9 and ws.print_title_rows == "$1:$1"
    if scale >= MIN_SCALE:
        assert ws.page_setup.orientation == ("landscape" if landscape else "portrait")
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
        return
    split_scale, breaks = column_pages(widths, _keep(sheet), MARGINS)
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.scale == split_scale >= MIN_SCALE
    assert [b.id for b in ws.col_breaks.brk] == breaks
    assert ws.print_title_cols == f"$A:${ws.cell(1, _keep(sheet)).column_letter}"


def test_a_wide_template_prints_on_pages_side_by_side_keeping_key_and_name(built):
    ws = openpyxl.load_workbook(next(p for p in built if p.name == "总部档案.xlsx"))["总部档案"]
    assert ws.print_title_cols == "$A:$B"                   # 客户编码, 客户名称 on every page
    assert len(ws.col_breaks.brk) == 1 and ws.page_setup.scale >= MIN_SCALE


@pytest.mark.parametrize("widths, keep, expected", [
    ([20] * 10, 1, (96, [6])),              # two pages, the first column on both
    ([30] * 12, 2, (78, [5, 8, 11])),       # the fewest pages (4) at the largest scale that gives them
    ([100, 100, 30], 2, None),              # the repeated columns leave no room: fit to width instead
])
def test_column_pages(widths, keep, expected):
    assert layout(widths)[1] < MIN_SCALE
    assert column_pages(widths, keep) == expected


def _column(ws, c: int):
    """The <col> element covering column c (adjacent equal columns share one)."""
    return next(d for d in ws.column_dimensions.values() if d.min <= c <= d.max)


def test_instructions_sheet_lists_every_field(built):
    specs = load_specs()
    for t in specs.templates:
        wb = openpyxl.load_workbook(next(p for p in built if p.name == t.filename))
        rows = [[c.value for c in r] for r in wb[INSTRUCTIONS].iter_rows()]
        table = [r for r in rows if r[1] and r[0] in {s.name for s in t.sheets}]
        assert [(r[0], r[2]) for r in table] == [(s.name, f.header) for s in t.sheets for f in s.fields]
        required = {(r[0], r[2]) for r in table if r[3] == "是"}
        assert required == {(s.name, f.header) for s in t.sheets for f in s.fields if f.required}


def test_catalogue_dropdown_is_a_hidden_named_list(built):
    wb = openpyxl.load_workbook(next(p for p in built if p.name == "拜访记录.xlsx"))
    assert wb[LISTS].sheet_state == "hidden"
    name = wb.defined_names["卷烟规格列表"]
    assert name.attr_text == f"'{LISTS}'!$A$2:$A$10"
    ws = wb["品牌采集"]
    sku = next(dv for dv in ws.data_validations.dataValidation if str(dv.sqref).startswith("D2"))
    assert sku.type == "list" and sku.formula1 == "卷烟规格列表" and sku.errorStyle == "warning"


def test_input_messages_fit_excel_limits():
    for sheet in load_specs().sheets.values():
        for f in sheet.fields:
            assert len(f.header) <= 32 and len(input_message(f)) <= 255, f.header


def test_department_catalogue_feeds_the_dropdown(tmp_path, write):
    cat = write("catalogue", [{"sku": "白沙(硬精品三代)", "brand": "白沙", "price_class": "二类",
                               "wholesale_price": 90.0, "retail_guide": 100.0}])
    built = build_templates(tmp_path / "out", catalogue=cat)
    wb = openpyxl.load_workbook(next(p for p in built if p.name == "拜访记录.xlsx"))
    assert [c.value for c in wb[LISTS]["A"]][1:] == ["白沙(硬精品三代)"]


def test_filled_workbook_keeps_text_as_text(write):
    p = write("stores", [{"licence": "030102200045", "name": "=SUM(A1)", "monthly_volume": 5}])
    ws = openpyxl.load_workbook(p)["卖场明细表"]
    assert ws["A2"].value == "030102200045" and ws["A2"].data_type == "s"
    assert ws["C2"].value == "=SUM(A1)" and ws["C2"].data_type == "s"
    assert ws["I2"].value == 5


def test_instructions_promise_no_button_that_does_not_exist(built):
    """The buttons (gcs_excel/xl) live in the .xlsm workbooks only: the .xlsx templates,
    for people without macros, never promise one."""
    for p in built:
        texts = [c.value for row in openpyxl.load_workbook(p)[INSTRUCTIONS].iter_rows() for c in row]
        assert not any(isinstance(t, str) and "按钮" in t for t in texts), p.name


def _rows_fit(ws, first: int, last: int) -> None:
    """Every row holds its wrapped lines: its height is at least that many lines."""
    for r in range(first, last + 1):
        lines = {c: wrapped_lines(c.value, _column(ws, c.column).width - 0.71)
                 for c in ws[r] if isinstance(c.value, str)}
        assert all(c.alignment.wrap_text for c, n in lines.items() if n > 1)
        if max(lines.values()) > 1:
            assert ws.row_dimensions[r].height >= row_height(max(lines.values())), (ws.title, r)


def test_instructions_rows_are_as_tall_as_their_wrapped_text(built):
    for p in built:
        ws = openpyxl.load_workbook(p)[INSTRUCTIONS]
        top = next(r for r in range(1, 20) if ws.cell(r, 1).value == "工作表")
        _rows_fit(ws, top + 1, ws.max_row)
        assert any((ws.row_dimensions[r].height or 0) >= row_height(2) for r in range(top + 1, ws.max_row + 1))
        assert ws.page_setup.paperSize == 9 and ws.sheet_properties.pageSetUpPr.fitToPage


def test_header_row_fits_its_wrapped_headers(built):
    for p in built:
        wb = openpyxl.load_workbook(p)
        for ws in wb.worksheets:
            if ws.title in (INSTRUCTIONS, LISTS, LIVE, LIVE_CALC):
                continue
            lines = max(wrapped_lines(c.value, _column(ws, c.column).width - 0.71) for c in ws[1] if c.value)
            assert ws.row_dimensions[1].height >= row_height(max(lines, 2)), (p.name, ws.title)


def test_a_filled_workbook_widens_columns_to_content_and_wraps_long_text(tmp_path, specs):
    long_name = "中国石油天然气股份有限公司湖南长沙销售分公司第一加油站便利店"
    purpose = "递交紧俏货源书面告知（中华(硬)、芙蓉王(硬)）；跟进上次发现的问题：价签缺失，玉溪(软)断货三天"
    rows = [{"date": __import__("datetime").date(2026, 11, 2), "person": "刘洋", "role": "客户经理",
             "target_type": "卖场", "target_code": "430102200045", "target_name": long_name,
             "purpose": purpose, "period": "2026-11上"}]
    path = write_workbook(specs.template("plan"), tmp_path / "计划.xlsx", data={"plan": rows})
    ws = openpyxl.load_workbook(path)["拜访计划"]
    sheet = specs.sheet("plan")
    head = [c.value for c in ws[1]]
    name_col = head.index("对象名称") + 1
    assert _column(ws, name_col).width - 0.71 > sheet.field("target_name").width     # widened to the name
    purpose_cell = ws.cell(2, head.index("拜访事项") + 1)
    assert purpose_cell.alignment.wrap_text                                          # too long: wraps
    _rows_fit(ws, 2, 2)
    assert ws.row_dimensions[2].height >= row_height(2)
    code = ws.cell(2, head.index("对象编码") + 1)
    assert not code.alignment.wrap_text and code.value == "430102200045"
