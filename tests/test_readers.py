"""Readers: what a file really is, the guards, and what calamine alone cannot tell.
Every hostile file is generated here, in code."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from gcs_excel.a1 import col_letter
from gcs_excel.errors import ReadError
from gcs_excel.readers import ooxml, read
from gcs_excel.readers import xlsx as xlsx_reader


def xlsx(path: Path, cells: dict[str, object], *, sheet="S", merge=None, formulas=None) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet(sheet)
    for ref, v in cells.items():
        if isinstance(v, (dt.date, dt.datetime)):
            ws.write_datetime(ref, v, wb.add_format({"num_format": "yyyy-mm-dd"}))
        else:
            ws.write(ref, v)
    for ref, (text, value) in (formulas or {}).items():
        ws.write_formula(ref, text, None, value)
    if merge:
        ws.merge_range(merge, "合并")
    wb.close()
    return path


def rewrite(src: Path, dst: Path, edit) -> Path:
    """Copy a zip, passing each member's bytes through edit(name, data)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, edit(info.filename, zin.read(info.filename)))
    return dst


def reason(path) -> str:
    with pytest.raises(ReadError) as e:
        read(path)
    return e.value.reason


# --- what the file really is ---------------------------------------------------------
def test_empty_file(tmp_path):
    (tmp_path / "a.xlsx").write_bytes(b"")
    assert "空" in reason(tmp_path / "a.xlsx")


def test_missing_file(tmp_path):
    assert "找不到" in reason(tmp_path / "nope.xlsx")


def test_html_export_named_xls(tmp_path):
    p = tmp_path / "报表.xls"
    p.write_text("<html><body><table><tr><td>客户编码</td></tr></table></body></html>", "utf-8")
    assert "HTML" in reason(p) and ".xls" in reason(p)


def test_csv_export_named_xls(tmp_path):
    p = tmp_path / "导出.xls"
    p.write_text("客户编码,客户名称\nJT0001,步步高\n", "gbk")
    r = reason(p)
    assert "CSV" in r and ".xls" in r


def test_xml_spreadsheet_2003(tmp_path):
    p = tmp_path / "a.xls"
    p.write_text('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>')
    assert "XML 电子表格 2003" in reason(p)


def _ole2(streams: list[str]) -> bytes:
    head = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    return head + b"".join(s.encode("utf-16-le") + b"\x00" * 16 for s in streams)


def test_encrypted_workbook(tmp_path):
    p = tmp_path / "加密.xlsx"
    p.write_bytes(_ole2(["EncryptionInfo", "EncryptedPackage"]))
    assert "密码" in reason(p)


def test_legacy_xls(tmp_path):
    p = tmp_path / "旧.xls"
    p.write_bytes(_ole2(["Workbook", "SummaryInformation"]))
    assert "97-2003" in reason(p)


def test_truncated_zip(tmp_path):
    good = xlsx(tmp_path / "good.xlsx", {"A1": "x"})
    data = good.read_bytes()
    p = tmp_path / "cut.xlsx"
    p.write_bytes(data[: len(data) // 2])
    assert "损坏" in reason(p)


def test_ods(tmp_path):
    p = tmp_path / "a.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<x/>")
    assert ".ods" in reason(p)


def test_xlsb(tmp_path):
    p = tmp_path / "a.xlsb"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="x" Target="xl/workbook.bin"/></Relationships>')
        z.writestr("xl/workbook.bin", b"\x00\x01")
    assert ".xlsb" in reason(p)


def test_zip_that_is_not_a_workbook(tmp_path):
    p = tmp_path / "a.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("hello.txt", "hi")
    assert "workbook.xml" in reason(p)


# --- the guards -------------------------------------------------------------------------
def padded(tmp_path: Path, mib: int) -> Path:
    """A valid workbook whose sheet XML carries mib MiB of trailing spaces (compresses ~1000:1)."""
    good = xlsx(tmp_path / "good.xlsx", {"A1": "x"})
    return rewrite(good, tmp_path / f"padded{mib}.xlsx",
                   lambda n, d: d.replace(b"</sheetData>", b"</sheetData>" + b" " * (mib << 20))
                   if n.startswith("xl/worksheets/") else d)


def test_deflate_bomb_stops_at_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(ooxml, "MAX_PART_BYTES", 4 << 20)
    bomb = padded(tmp_path, 8)
    assert bomb.stat().st_size < 100_000            # 8 MiB of spaces compress to almost nothing
    assert "MiB" in reason(bomb)


def test_deflate_bomb_is_caught_by_its_ratio(tmp_path, monkeypatch):
    monkeypatch.setattr(ooxml, "RATIO_FROM", 1 << 20)
    assert "压缩比" in reason(padded(tmp_path, 8))


def test_header_that_lies_about_the_size(tmp_path, monkeypatch):
    monkeypatch.setattr(ooxml, "MAX_PART_BYTES", 1 << 20)
    data = bytearray(padded(tmp_path, 3).read_bytes())
    # Declare every member as 10 bytes in the central directory and local headers.
    for sig in (b"PK\x01\x02", b"PK\x03\x04"):
        for m in re.finditer(re.escape(sig), bytes(data)):
            off = m.start() + (24 if sig == b"PK\x01\x02" else 22)
            data[off:off + 4] = (10).to_bytes(4, "little")
    liar = tmp_path / "liar.xlsx"
    liar.write_bytes(bytes(data))
    assert "损坏" in reason(liar) or "炸弹" in reason(liar)


def test_entity_bomb_is_refused(tmp_path):
    good = xlsx(tmp_path / "good.xlsx", {"A1": "x"})
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>')
    bomb = rewrite(good, tmp_path / "laughs.xlsx",
                   lambda n, d: laughs + d.split(b"?>", 1)[1] if n == "xl/workbook.xml" else d)
    assert "XML" in reason(bomb)


def test_a_cell_at_xfd1048576_does_not_blow_up(tmp_path):
    """calamine would allocate 17 G cells for this (and abort the process)."""
    p = xlsx(tmp_path / "far.xlsx", {"A1": "客户编码", "A2": "JT0001", "XFD1048576": "远处"})
    wb = read(p)
    rows = dict(wb.sheets[0].rows)
    assert rows[0][0] == "客户编码" and rows[1][0] == "JT0001"
    assert rows[1048575][16383] == "远处"


@pytest.mark.parametrize("far, where", [("A16777217", "16,777,217 行"), ("XFE1", "16,385 列"),
                                        ("C123456789", "123,456,789 行")])
def test_a_cell_past_excels_grid_is_refused_not_allocated(tmp_path, far, where):
    """Row numbers of eight digits and a 16,385th column (LibreOffice's
    too-many-cols-rows.xlsx): calamine would size its grid by them and abort the process."""
    good = xlsx(tmp_path / "good.xlsx", {"A1": "客户编码", "A2": "JT0001", "B9": "远处"})
    col, row = re.fullmatch(r"([A-Z]+)(\d+)", far).groups()
    bad = rewrite(good, tmp_path / "bad.xlsx", lambda n, d: d.replace(b'<row r="9"', f'<row r="{row}"'.encode())
                  .replace(b'r="B9"', f'r="{far}"'.encode()) if n.startswith("xl/worksheets/") else d)
    text = reason(bad)
    assert "超出了 Excel 的表格" in text and where in text


def test_rows_out_of_order_still_give_the_last_row():
    data = (b'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="900000"><c r="A900000">'
            b'<v>1</v></c></row><row r="3"><c r="A3"><v>1</v></c></row></sheetData></worksheet>')
    for cut in (30, 70, 110, len(data)):
        assert ooxml.scan_sheet([data[:cut], data[cut:]]).max_row == 900000


def test_lying_dimension_is_not_trusted(tmp_path):
    good = xlsx(tmp_path / "good.xlsx", {f"A{r}": f"v{r}" for r in range(1, 51)})
    liar = rewrite(good, tmp_path / "liar.xlsx",
                   lambda n, d: re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1"/>', d)
                   if n.startswith("xl/worksheets/") else d)
    assert len(read(liar).sheets[0].rows) == 50


def strict(tmp_path: Path) -> Path:
    """A small workbook in Strict OOXML (the purl.oclc.org namespaces)."""
    good = xlsx(tmp_path / "good.xlsx", {"A1": "客户编码", "A2": "JT0001"})
    return rewrite(good, tmp_path / "strict.xlsx", lambda n, d: d.replace(
        b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        b"http://purl.oclc.org/ooxml/spreadsheetml/main").replace(
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        b"http://purl.oclc.org/ooxml/officeDocument/relationships"))


def test_strict_ooxml_is_read(tmp_path):
    wb = read(strict(tmp_path))
    assert [v for _, v in wb.sheets[0].rows] == [["客户编码"], ["JT0001"]]


# --- what calamine cannot tell ------------------------------------------------------------
def test_formulas_errors_and_merges_are_found(tmp_path):
    p = xlsx(tmp_path / "a.xlsx", {"A1": "h"}, merge="B2:B4",
             formulas={"C2": ("=1+1", 2), "D2": ("=NA()", "#N/A"), "E2": ('="a"&"<b>"', "a<b>")})
    s = read(p).sheets[0]
    assert s.merged == [(1, 1, 3, 1)]
    assert s.formulas == {(1, 2): "=1+1", (1, 3): "=NA()", (1, 4): '="a"&"<b>"'}
    assert s.errors == {(1, 3): "#N/A"}


def test_text_stays_text(tmp_path):
    p = xlsx(tmp_path / "a.xlsx", {})
    wb = xlsxwriter.Workbook(str(p))
    ws = wb.add_worksheet("S")
    ws.write_string("A1", "0012345")
    ws.write_string("B1", "=SUM(A1)")
    ws.write_number("C1", 110101199003071234)
    wb.close()
    (_, row), = read(p).sheets[0].rows
    assert row[0] == "0012345" and row[1] == "=SUM(A1)" and isinstance(row[2], float)


def test_hidden_and_chart_sheets(tmp_path):
    p = tmp_path / "a.xlsx"
    wb = xlsxwriter.Workbook(str(p))
    wb.add_worksheet("看得见").write("A1", 1)
    hidden = wb.add_worksheet("藏起来")
    hidden.write("A1", 2)
    hidden.hide()
    chart = wb.add_chart({"type": "line"})
    chart.add_series({"values": "='看得见'!$A$1:$A$1"})
    wb.add_chartsheet("图").set_chart(chart)
    wb.close()
    r = read(p)
    assert [(s.name, s.hidden) for s in r.sheets] == [("看得见", False), ("藏起来", True)]
    assert any("图表" in n for n in r.notes)


# --- CSV ------------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding, bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gbk", b"")])
def test_csv_encodings(tmp_path, encoding, bom):
    p = tmp_path / "销售数据.csv"
    p.write_bytes(bom + "月份,客户编码\n2026-10,JT0001\n".encode(encoding))
    wb = read(p)
    assert wb.kind == "csv" and wb.encoding == ("gbk" if encoding == "gbk" else "utf-8")
    assert [v for _, v in wb.sheets[0].rows] == [["月份", "客户编码"], ["2026-10", "JT0001"]]


def test_csv_tab_separated_and_quoted(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text('月份\t名称\n2026-10\t"带,逗号\n和换行"\n', "utf-8")
    assert read(p).sheets[0].rows[1] == (1, ["2026-10", "带,逗号\n和换行"])


def test_utf16_unicode_text_is_read(tmp_path):
    p = tmp_path / "a.csv"
    p.write_bytes("月份\t客户编码\n2026-10\tJT0001\n".encode("utf-16"))
    wb = read(p)
    assert wb.encoding == "utf-16" and wb.sheets[0].rows[1] == (1, ["2026-10", "JT0001"])


def test_binary_named_csv(tmp_path):
    p = tmp_path / "a.csv"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "PNG 图片" in reason(p)


PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"


@pytest.mark.parametrize("name", ["报表.xlsx", "报表.csv", "报表.xls"])
def test_a_pdf_is_called_a_pdf_not_a_csv_export(tmp_path, name):
    p = tmp_path / name
    p.write_bytes(PDF)
    r = reason(p)
    assert r.startswith("这是 PDF 文件") and "CSV）导出" not in r and "文本" not in r


@pytest.mark.parametrize("magic, what", [(b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff\xe0", "JPEG"),
                                         (b"Rar!\x1a\x07\x00", "RAR"), (b"\x1f\x8b\x08", "gzip")])
def test_other_files_are_named(tmp_path, magic, what):
    p = tmp_path / "数据.csv"
    p.write_bytes(magic + b"\x00" * 64)
    assert what in reason(p)


@pytest.mark.parametrize("suffix", [".xls", ".xlsb", ".ods"])
def test_a_real_xlsx_renamed_is_told_in_chinese(tmp_path, suffix):
    p = xlsx(tmp_path / "a.xlsx", {"A1": "客户编码"}).rename(tmp_path / f"a{suffix}")
    r = reason(p)
    assert f"扩展名是 {suffix}，内容却是 .xlsx 工作簿" in r and "openpyxl" not in r


def test_office_lock_files_are_skipped_with_a_note(tmp_path):
    from gcs_excel.validation import validate

    book = xlsx(tmp_path / "卖场明细表.xlsx", {"A1": "专卖证号", "A2": "430102200045"}, sheet="卖场明细表")
    lock = tmp_path / "~$卖场明细表.xlsx"                  # what Excel keeps while the book is open
    lock.write_bytes(b"\x04jtkh" + b" " * 50 + b"\x00" * 110)
    real = tmp_path / "~$备份.xlsx"                        # a real workbook with such a name is read
    real.write_bytes(book.read_bytes())
    report = validate([book, lock, real]).report
    assert [f.file for f in report.files] == [str(book), str(real)] and not report.unreadable
    assert any("跳过了" in n and "锁文件" in n and lock.name in n for n in report.notes)
    from gcs_excel.errors import ConfigError
    from gcs_excel.fix import fix_file
    with pytest.raises(ConfigError, match="锁文件"):
        fix_file(lock, tmp_path / "out.xlsx")


def test_workbook_named_csv(tmp_path):
    p = xlsx(tmp_path / "a.xlsx", {"A1": 1})
    q = tmp_path / "a.csv"
    q.write_bytes(p.read_bytes())
    assert ".xlsx" in reason(q)


def test_scan_counts_rows_and_columns():
    data = (b'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c><c r="AB1"><v>2</v></c></row>'
            b'<row r="70000"><c r="C70000"><f>A1</f><v>1</v></c></row></sheetData>'
            b'<mergeCells><mergeCell ref="A1:B2"/></mergeCells></worksheet>')
    scan = ooxml.scan_sheet([data[:60], data[60:]])
    assert (scan.max_row, scan.max_col, scan.cells) == (70000, 28, 3)
    assert scan.formulas == {(69999, 2): "=A1"} and scan.merged == [(0, 0, 1, 1)]


def test_list_sources_after_the_data_are_not_formulas():
    """<xm:f> in extLst (data validation lists, sparklines) comes after </sheetData>."""
    data = (b'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>'
            b'<extLst><ext><x14:dataValidations><x14:dataValidation><x14:formula1>'
            b'<xm:f>Lists!$A$1:$A$3</xm:f></x14:formula1><xm:sqref>A2:A9</xm:sqref>'
            b'</x14:dataValidation></x14:dataValidations></ext></extLst></worksheet>')
    for cut in (40, 90, 130):
        scan = ooxml.scan_sheet([data[:cut], data[cut:]])
        assert scan.formulas == {} and scan.errors == {}


def sheet_xml(cells: dict[tuple[int, int], str], merges=(), prefix: str = "") -> bytes:
    """A worksheet's XML as Excel writes it: cells by 1-based (row, column) -> "v" (a
    value), "f" (a formula) or "e" (an error value), rows in order."""
    x = f"{prefix}:" if prefix else ""
    out = [f'<{x}worksheet><{x}dimension ref="A1"/><{x}sheetData>']
    for r in sorted({r for r, _ in cells}):
        out.append(f'<{x}row r="{r}" spans="1:3">')
        for c in sorted(c for rr, c in cells if rr == r):
            ref, kind = f"{col_letter(c - 1)}{r}", cells[(r, c)]
            if kind == "f":
                out.append(f'<{x}c r="{ref}"><{x}f>SUM(A1:A{r})</{x}f><{x}v>1</{x}v></{x}c>')
            elif kind == "e":
                out.append(f'<{x}c r="{ref}" t="e"><{x}v>#N/A</{x}v></{x}c>')
            else:
                out.append(f'<{x}c r="{ref}" t="inlineStr"><{x}is><{x}t>值</{x}t></{x}is></{x}c>')
        out.append(f"</{x}row>")
    out.append(f"</{x}sheetData>")
    if merges:
        out.append(f'<{x}mergeCells count="{len(merges)}">')
        out += [f'<{x}mergeCell ref="{col_letter(c1)}{r1 + 1}:{col_letter(c2)}{r2 + 1}"/>' for r1, c1, r2, c2 in merges]
        out.append(f"</{x}mergeCells>")
    out.append(f"</{x}worksheet>")
    return "".join(out).encode()


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    edges = [0, *sorted({min(c, len(data)) for c in cuts}), len(data)]
    return [data[a:b] for a, b in zip(edges, edges[1:])]


@settings(max_examples=200, deadline=None)
@given(cells=st.dictionaries(st.tuples(st.integers(1, 3000), st.integers(1, 1000)),
                             st.sampled_from("vvvfe"), min_size=1, max_size=40),
       cuts=st.lists(st.integers(0, 6000), max_size=6), prefix=st.sampled_from(["", "x"]))
def test_scan_finds_the_real_extent_however_the_xml_is_cut(cells, cuts, prefix):
    """The widest column and the last row exactly (not "Z" when nothing lies past Z),
    the cells, formulas and errors, wherever the chunks happen to end."""
    merges = [(0, 0, 1, 1)]
    scan = ooxml.scan_sheet(chunked(sheet_xml(cells, merges, prefix), cuts))
    assert (scan.max_row, scan.max_col, scan.cells) == (max(r for r, _ in cells), max(c for _, c in cells), len(cells))
    assert set(scan.formulas) == {(r - 1, c - 1) for (r, c), k in cells.items() if k == "f"}
    assert scan.errors == {(r - 1, c - 1): "#N/A" for (r, c), k in cells.items() if k == "e"}
    assert scan.merged == merges


def test_merges_of_a_sheet_without_data_are_found():
    data = b'<worksheet><sheetData/><mergeCells><mergeCell ref="A1:C1"/></mergeCells></worksheet>'
    assert ooxml.scan_sheet([data]).merged == [(0, 0, 0, 2)]


def long_narrow(path: Path, rows: int, far: str | None = None) -> Path:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("S")
    for r in range(rows):
        ws.write_row(r, 0, [f"a{r}", f"b{r}", r])
    if far:
        ws.write(far, "远处")
    wb.close()
    return path


def test_a_long_narrow_sheet_is_read_whole_by_calamine(tmp_path, monkeypatch):
    """Its size is rows x its real width: 3 columns, not 26 (the cliff at 769,231 rows:
    from there on a narrow sheet of 11 columns was sent to the slow sparse reader)."""
    monkeypatch.setattr(xlsx_reader, "DENSE_LIMIT", 3 * 400)
    monkeypatch.setattr(xlsx_reader, "_read_openpyxl", lambda *a: pytest.fail("read sparsely"))
    rows = read(long_narrow(tmp_path / "a.xlsx", 400)).sheets[0].rows
    assert len(rows) == 400 and rows[-1] == (399, ["a399", "b399", 399])


def test_a_far_cell_is_read_sparsely(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_reader, "DENSE_LIMIT", 3 * 400)
    sparse = []
    real = xlsx_reader._read_openpyxl
    monkeypatch.setattr(xlsx_reader, "_read_openpyxl", lambda *a: sparse.append(a[1]) or real(*a))
    rows = dict(read(long_narrow(tmp_path / "a.xlsx", 10, far="Z500")).sheets[0].rows)
    assert sparse == [{"S"}] and rows[499][25] == "远处" and rows[9][:3] == ["a9", "b9", 9]


def test_csv_delimiter_is_taken_from_the_data_not_a_title_line(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("销售数据 2026年10月\n月份;客户编码\n2026-10;JT0001\n", "utf-8")
    assert read(p).sheets[0].rows[2] == (2, ["2026-10", "JT0001"])
