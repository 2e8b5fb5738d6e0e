"""Text on its way out: its width on screen and paper, and that it stays text in every
place we write it (cells, chart and axis titles, headers, sheet names, CSV)."""

from __future__ import annotations

import zipfile

import pytest

from gcs_excel.textsafe import (
    csv_cell, header_footer, looks_like_formula, set_axis, set_chart_title, sheet_name,
)
from gcs_excel.textwidth import display_width, fit_width, pad, row_height, wrapped_lines
from gcs_excel.xlsx_style import layout, new_workbook, page_header


@pytest.mark.parametrize("text, expected", [
    ("abc", 3), ("步步高", 6), ("步步高 A1", 9), ("４３０１", 8), ("", 0), ("甲\n乙乙乙", 6),
    ("e\u0301", 1),     # a combining accent takes no column
])
def test_display_width(text, expected):
    assert display_width(text) == expected


def test_pad_shortens_with_an_ellipsis_by_display_width():
    assert pad("步步高超市五一广场店", 10) == "步步高超… "
    assert pad("12", 5, right=True) == "   12"


@pytest.mark.parametrize("texts, expected", [
    ([], 6), (["ab"], 6), (["步步高超市五一广场店"], 20.0), (["x" * 100], 50), (["甲乙\n丙"], 6),
])
def test_fit_width_from_content(texts, expected):
    assert fit_width(texts) == expected


@pytest.mark.parametrize("text, width, lines", [
    ("短", 10, 1), ("一二三四五六七八九十", 10, 2), ("一二三四五六七八九十", 9, 2), ("一二三四五六七八九十", 8.9, 3),
    ("甲\n乙", 10, 2), ("abcdefghij", 6, 2), ("0123456789", 10, 1),
])
def test_wrapped_lines(text, width, lines):
    assert wrapped_lines(text, width) == lines


WRAPPED = ["步步高超市香樟路分店13号", "芙蓉兴盛连锁超市（长沙）有限公司", "中国石化销售股份有限公司湖南长沙石油分公司",
           "长沙市芙蓉区五一大道389号", "甲" * 10, "abcdefghij" * 3, "0123456789" * 3]
COLUMN_WIDTHS = (10, 15, 20, 25, 30)


@pytest.mark.libreoffice
def test_wrapped_lines_are_the_lines_libreoffice_prints(soffice, tmp_path):
    """The text model against the real client: each text in columns of five widths, wrapped,
    printed at 100%; the lines each cell takes on paper are the lines wrapped_lines counts
    (so row heights fit, and no column is wider than its content needs)."""
    import re
    import subprocess

    from .printcheck import LibreOffice

    book = tmp_path / "wrap.xlsx"
    wb = new_workbook(book)
    ws = wb.add_worksheet("wrap")
    cell = wb.add_format({"text_wrap": True, "valign": "top"})
    for c, w in enumerate(COLUMN_WIDTHS):
        ws.set_column(c, c, w)
    for r, text in enumerate(WRAPPED):
        ws.set_row(r, 80)
        ws.write_row(r, 0, [text] * len(COLUMN_WIDTHS), cell)
    ws.set_landscape()
    ws.set_paper(9)
    ws.set_print_scale(100)
    wb.close()
    (pdf,) = LibreOffice(soffice, tmp_path).convert([book], tmp_path / "pdf", "pdf", recalc=False)
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    cells: dict[tuple[int, int], int] = {}
    row = -1
    for body in re.findall(r"<page [^>]*>(.*?)</page>", html, re.S):
        words = [(float(x), float(y)) for x, y in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"', body)]
        lefts = sorted({round(x) for x, _ in words})
        tops: list[float] = []
        for x, y in sorted(words, key=lambda w: w[1]):
            if not tops or y - tops[-1] > 72:           # rows are 80 points apart, lines 16
                tops.append(y)
            key = (row + len(tops), lefts.index(round(x)))
            cells[key] = cells.get(key, 0) + 1
        row += len(tops)
    printed = [[cells[(r, c)] for c in range(len(COLUMN_WIDTHS))] for r in range(len(WRAPPED))]
    assert printed == [[wrapped_lines(t, w) for w in COLUMN_WIDTHS] for t in WRAPPED]


def test_row_height_grows_with_lines():
    assert row_height(1) < row_height(2) < row_height(3)
    assert row_height(1000) == 409.0          # Excel's tallest row


@pytest.mark.parametrize("text, formula", [
    ("=市场概况!A1", True), ("=cmd|'/c calc'!A1", True), (" =HYPERLINK(\"x\")", True), ("+SUM(A1)", True),
    ("@SUM(A1)", True), ("-2+3", True), ("\t=1+1", True),
    ("-5", False), ("+86", False), ("13907311234", False), ("步步高", False), ("=", False), ("", False),
    (None, False), (12, False),
])
def test_looks_like_formula(text, formula):
    assert looks_like_formula(text) is formula


@pytest.mark.parametrize("value, out", [
    ("=1+1", "'=1+1"), ("+SUM(A1)", "'+SUM(A1)"), ("@x", "'@x"), ("\t=1", "'\t=1"), ("-2+3", "'-2+3"),
    ("-5", "-5"), ("步步高", "步步高"), (5, 5), (None, None),
])
def test_csv_cell_escapes_what_would_run(value, out):
    assert csv_cell(value) == out


def test_header_footer_keeps_ampersands_as_text():
    assert header_footer("A&B 超市") == "A&&B 超市"
    assert page_header(left="A&B", right="市场概况") == '&L&"等线"A&&B&R&"等线"市场概况'


@pytest.mark.parametrize("name, out", [
    ("总部档案", "总部档案"), ("a/b:c", "a_b_c"), ("'x'", "x"), ("长" * 40, "长" * 31), ("", "Sheet1"),
])
def test_sheet_name(name, out):
    assert sheet_name(name) == out


def test_chart_and_axis_titles_stay_text(tmp_path):
    """XlsxWriter reads a title like Sheet!A1 as a reference; ours never are."""
    path = tmp_path / "c.xlsx"
    wb = new_workbook(path)
    ws = wb.add_worksheet("市场概况")
    ws.write_column(0, 0, [1, 2, 3])
    chart = wb.add_chart({"type": "line"})
    chart.add_series({"values": ["市场概况", 0, 0, 2, 0]})
    set_chart_title(chart, "=市场概况!A1")
    set_axis(chart, "y", {"name": "市场概况!B2"})
    ws.insert_chart(0, 2, chart)
    wb.close()
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/charts/chart1.xml").decode()
    assert "<c:f>" not in xml.split("<c:ser>")[0]          # no reference in the title
    assert "=市场概况!A1" in xml and "市场概况!B2" in xml
    assert xml.count("<c:f>") == 1                          # only the series values


@pytest.mark.parametrize("widths, expected", [
    ([10] * 5, (False, 100)),       # fits portrait
    ([10] * 11, (True, 100)),       # needs landscape
    ([10] * 30, (True, 38)),        # too wide even then: the writer must split it
])
def test_layout_from_column_widths(widths, expected):
    assert layout(widths) == expected
