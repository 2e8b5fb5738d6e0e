"""The sheets gcs adds to a user's workbook — 校验结果 of an annotated copy, 修改记录 of a fixed
one, and the sheet a CSV becomes — read back: columns, the Chinese name of each problem type,
wrapped text in rows that fit, and a page setup that prints them on A4 one page wide."""

from __future__ import annotations

import openpyxl
import pytest

from gcs_excel.annotate import RESULT_COLUMNS
from gcs_excel.validation import validate_files
from gcs_excel.fix import CHANGE_COLUMNS, fix_file
from gcs_excel.problems import problem_types
from gcs_excel.sheetnames import CHANGES, RESULTS
from gcs_excel.textwidth import row_height, wrapped_lines
from gcs_excel.xlsx_edit import PRINT_MARGINS
from gcs_excel.xlsx_style import MIN_SCALE, layout

from .conftest import TODAY


def _width(ws, c: int) -> float:
    """A column's width as written (the file's width less its padding)."""
    return ws.column_dimensions[ws.cell(1, c).column_letter].width - 0.71


def assert_prints_readable(ws, columns=None) -> None:
    """A4, one page wide, orientation from the widths, header row repeated, page numbers,
    at MIN_SCALE or more even at the columns' widest."""
    widths = [_width(ws, c) for c in range(1, ws.max_column + 1)]
    landscape, scale = layout(widths, PRINT_MARGINS)
    assert scale >= MIN_SCALE
    if columns is not None:
        assert layout([most for _, most in columns], PRINT_MARGINS)[1] >= MIN_SCALE
    assert ws.page_setup.paperSize == 9
    assert ws.page_setup.orientation == ("landscape" if landscape else "portrait")
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$1:$1"
    assert "&P" in ws.oddFooter.center.text and ws.oddHeader.right.text == ws.title


def assert_rows_fit(ws) -> None:
    for row in ws.iter_rows(min_row=2):
        lines = max((wrapped_lines(c.value, _width(ws, c.column)) for c in row if isinstance(c.value, str)),
                    default=1)
        if lines > 1:
            assert ws.row_dimensions[row[0].row].height >= row_height(lines), row[0].row
            assert all(c.alignment.wrap_text for c in row if c.value)


def test_results_sheet_names_each_problem_type_and_prints_on_a4(annotated_mistakes):
    report = annotated_mistakes.validation.report
    kinds = problem_types()
    a = next(a for a in annotated_mistakes.annotated if a.file.endswith("卖场明细表.xlsx"))
    ws = openpyxl.load_workbook(a.output)[RESULTS]
    assert [c.value for c in ws[1]] == ["序号", "级别", "代码", "问题类型", "工作表", "单元格", "行", "列", "问题", "建议改为"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    mine = [p for p in report.problems if p.file == a.file]
    assert [(r[2], r[3]) for r in rows] == [(p.code, kinds[p.code].title) for p in mine]
    assert ws.auto_filter.ref == f"A1:J{len(rows) + 1}"
    assert max(wrapped_lines(r[8], _width(ws, 9)) for r in rows) > 1          # long messages do wrap
    assert_rows_fit(ws)
    assert_prints_readable(ws, RESULT_COLUMNS)
    assert ws.page_setup.orientation == "landscape"


def test_results_sheet_of_a_csv_and_its_data_sheet_print_on_a4(annotated_mistakes):
    a = next(a for a in annotated_mistakes.annotated if a.file.endswith(".csv"))
    wb = openpyxl.load_workbook(a.output)
    assert_prints_readable(wb[RESULTS], RESULT_COLUMNS)
    data = wb.worksheets[1]
    assert_prints_readable(data)
    licence = [c.value for c in data[1]].index("专卖证号") + 1
    assert _width(data, licence) >= 12 + 2                     # a 12-digit licence number shows whole


def test_change_log_prints_on_a4_with_wrapped_values(tmp_path, write):
    from .test_validate import stores
    long = "长沙市芙蓉区八一路与五一大道交叉口东南角步步高广场负一楼\n（停车场入口旁）"
    src = write("stores", stores(2, r1={"address": long, "licence": "４３０１０２２００００１"}))
    result = fix_file(src, tmp_path / "已修正.xlsx", today=TODAY)
    assert len(result.changes) == 2
    ws = openpyxl.load_workbook(result.output)[CHANGES]
    assert [c.value for c in ws[1]] == [t for t, _ in CHANGE_COLUMNS]
    assert any(ws.row_dimensions[r].height for r in range(2, ws.max_row + 1))    # the address wraps
    assert_rows_fit(ws)
    assert_prints_readable(ws, CHANGE_COLUMNS)


@pytest.mark.parametrize("problems", [0, 1])
def test_an_empty_results_sheet_still_prints(tmp_path, write, problems):
    from .test_validate import stores
    rows = stores(1, r0={"status": "关门"}) if problems else stores(1)
    run = validate_files([write("stores", rows)], annotate_dir=tmp_path / "out", today=TODAY)
    ws = openpyxl.load_workbook(run.annotated[0].output)[RESULTS]
    assert ws.max_row == 2
    assert (ws["I2"].value == "没有发现问题。") == (not problems)
    assert_prints_readable(ws)
