"""What a cell shows: number formats rendered as Excel does, and the lazy lookup of a few
cells' formats and column widths in the file."""

from __future__ import annotations

import openpyxl
import pytest

from gcs_excel.readers.styles import CellFormat, cell_formats, general

ID_18 = 430104198107220011.0


@pytest.mark.parametrize("code, width, x, shown", [
    ("General", 11, ID_18, "4.30104E+17"),
    ("General", 8.43, ID_18, "4.3E+17"),                 # the default column: fewer digits
    ("General", 20, 13800138000.0, "13800138000"),      # 11 digits fit General
    ("General", 20, 430102200045.0, "4.30102E+11"),     # 12 do not, whatever the width
    ("@", 20, ID_18, "4.30104E+17"),                     # a number in a text cell shows as General
    ("0", 20, ID_18, "430104198107220000"),             # 15 significant digits, then zeros
    ("0", 8.43, ID_18, "########"),                      # too wide for the column
    ("0.00", 25, 7318888888.0, "7318888888.00"),
    ("#,##0", 25, ID_18, "430,104,198,107,220,000"),
    ("00000000000", 12, 7318888888.0, "07318888888"),
    ("0.00E+00", 12, ID_18, "4.30E+17"),
    ('"No."0', 25, 12.0, "No.12"),
    ("[$-804]0;[Red]-0", 20, 12.0, "12"),
    ("0_ ", 20, 12.0, "12 "),
    ("0%", 20, 0.5, "50%"),
    ("#,##0,", 20, 1234567.0, "1,235"),
    ("yyyy-mm-dd", 12, ID_18, "############"),           # far past 9999-12-31
    ("yyyy-mm-dd", 12, 46086.0, None),                   # a real date: not a number format
    ("# ?/?", 20, 12.0, None),                            # fractions are not rendered
])
def test_a_number_is_shown_as_excel_shows_it(code, width, x, shown):
    assert CellFormat(code, width).show(x) == shown


def test_general_never_exceeds_eleven_characters():
    assert all(len(general(float(10 ** k) + 7, 40)) <= 11 for k in range(1, 19))


def test_the_format_and_width_of_a_few_cells_are_read_from_the_file(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "A&B \"甲\" 'x'"
    ws["A1"], ws["B2"], ws["C3"] = 1.0, 2.0, 3.0
    ws["A1"].number_format = "0"
    ws["B2"].number_format = "00000000000"
    ws.column_dimensions["A"].width = 21
    p = tmp_path / "a.xlsx"
    wb.save(p)
    got = cell_formats(p, ws.title, [(0, 0), (1, 1), (2, 2), (5, 5)])
    assert got[(0, 0)].code == "0" and got[(0, 0)].width == pytest.approx(21 - 5 / 7, abs=0.01)
    assert got[(1, 1)] == CellFormat("00000000000", 8.43)
    assert got[(2, 2)].code == "General"
    assert (5, 5) not in got                           # no such cell


def test_a_file_that_cannot_be_read_again_gives_no_formats(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 broken")
    assert cell_formats(bad, "Sheet1", [(0, 0)]) == {}
    assert cell_formats(tmp_path / "gone.xlsx", "Sheet1", [(0, 0)]) == {}
