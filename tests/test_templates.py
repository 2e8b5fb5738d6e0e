"""Templates: the committed workbooks are exactly the build, and each has what the spec
promises (headers, widths, text format, dropdowns, hints, print setup, 填表说明)."""

from __future__ import annotations

import openpyxl
import pytest

from gcs_excel.describe import input_message
from gcs_excel.sheetnames import INSTRUCTIONS, LISTS, LIVE, LIVE_CALC, reference_sheet
from gcs_excel.spec import load_specs
from gcs_excel.templates import build_templates

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
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.print_title_rows == "$1:$1"
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
                assert dv.errorStyle in (None, "stop")


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
