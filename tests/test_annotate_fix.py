"""--annotate and fix: outputs read back; inputs never touched; text never becomes a formula."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest
from click.testing import CliRunner

from gcs_excel.annotate import FILLS
from gcs_excel.cli import cli
from gcs_excel.validation import validate_files
from gcs_excel.errors import WriteError
from gcs_excel.fix import fix_file
from gcs_excel.sheetnames import CHANGES, RESULTS

from .conftest import TODAY, codes, digest
from .test_validate import stores


def test_every_input_gets_a_marked_copy(annotated_mistakes, mistake_files):
    assert [a.file for a in annotated_mistakes.annotated] == [str(p) for p in mistake_files]
    assert all(a.output and a.output.exists() for a in annotated_mistakes.annotated)
    csv_copy = next(a.output for a in annotated_mistakes.annotated if a.file.endswith(".csv"))
    assert csv_copy.suffix == ".xlsx"


def test_results_sheet_lists_every_problem_with_links(annotated_mistakes):
    report = annotated_mistakes.validation.report
    for a in annotated_mistakes.annotated:
        wb = openpyxl.load_workbook(a.output)
        assert wb.sheetnames[0] == RESULTS and wb.active.title == RESULTS
        ws = wb[RESULTS]
        mine = [p for p in report.problems if p.file == a.file]
        rows = list(ws.iter_rows(min_row=2, values_only=True))
        assert [(r[2], r[5] or None) for r in rows] == [(p.code, p.cell) for p in mine]
        for r, p in zip(ws.iter_rows(min_row=2), mine):
            if p.cell:
                assert r[5].hyperlink.location == f"'{p.sheet}'!{p.cell}"


def test_problem_cells_are_filled_and_commented(annotated_mistakes):
    report = annotated_mistakes.validation.report
    a = next(a for a in annotated_mistakes.annotated if a.file.endswith("卖场明细表.xlsx"))
    wb = openpyxl.load_workbook(a.output)
    for p in (p for p in report.problems if p.file == a.file and p.cell):
        cell = wb[p.sheet][p.cell]
        assert cell.fill.fgColor.rgb == FILLS[p.severity].fgColor.rgb, p.cell
        assert p.message in cell.comment.text


def test_related_cells_of_a_grouped_reference_are_marked(tmp_path, write):
    from .test_validate import STAFF, _hq
    files = [write("hq", [_hq("JT0001")]), write("stores", stores(3, r1={"customer": "JT0009"},
                                                                  r2={"customer": "JT0009"})),
             write("staff", STAFF)]
    run = validate_files(files, annotate_dir=tmp_path / "out")
    ws = openpyxl.load_workbook(tmp_path / "out" / "卖场明细表.xlsx")["卖场明细表"]
    assert ws["B3"].comment and ws["B4"].comment and not ws["B2"].comment
    assert codes(run.validation.report) == ["ref_missing"]


def test_text_that_looks_like_a_formula_stays_text(tmp_path, write):
    p = write("stores", stores(2, r0={"name": "=HYPERLINK(\"x\")", "status": "关"}))
    run = validate_files([p], annotate_dir=tmp_path / "out")
    out = tmp_path / "out" / p.name
    with zipfile.ZipFile(out) as z:
        xml = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in xml            # no formula anywhere in the copy
    ws = openpyxl.load_workbook(out)["卖场明细表"]
    assert ws["C2"].value == '=HYPERLINK("x")' and ws["C2"].data_type == "s"
    assert codes(run.validation.report) == ["formula_like_text", "enum_invalid"]   # warned, kept as text


def test_annotate_refuses_to_overwrite_an_input(write):
    p = write("stores", stores(1))
    with pytest.raises(WriteError):
        validate_files([p], annotate_dir=p.parent)


def test_annotate_refuses_a_file_excel_holds_open(tmp_path, write):
    p = write("stores", stores(1))
    out = tmp_path / "out"
    out.mkdir()
    (out / p.name).write_bytes(b"old")
    (out / ("~$" + p.name)).write_bytes(b"lock")
    with pytest.raises(WriteError, match="打开"):
        validate_files([p], annotate_dir=out)
    assert (out / p.name).read_bytes() == b"old"


def test_unreadable_input_is_listed_not_annotated(tmp_path, write):
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"\x00\x01garbage")
    run = validate_files([bad, write("stores", stores(1))], annotate_dir=tmp_path / "out")
    assert run.annotated[0].output is None and run.annotated[0].error
    assert run.annotated[1].output.exists()


# --- fix -----------------------------------------------------------------------------------
def test_fix_applies_only_safe_changes(mistake_files, tmp_path):
    src = next(p for p in mistake_files if p.name == "卖场明细表.xlsx")
    before = digest([src])
    result = fix_file(src, tmp_path / "fixed.xlsx", today=TODAY)
    assert digest([src]) == before
    fixed = {c.code for c in result.before.problems if c.fixable}
    assert fixed == {"stored_as_number", "fullwidth_chars", "number_as_text", "line_break"}
    assert len(result.changes) == 4
    left = sorted(codes(result.after))
    # what needs a person stays: lost digits and zeros are never guessed
    assert "scientific_notation_text" in left and "leading_zeros_lost" in left
    assert not set(left) & fixed
    wb = openpyxl.load_workbook(result.output)
    log = [r for r in wb[CHANGES].iter_rows(min_row=2, values_only=True)]
    assert [(r[1], r[4]) for r in log] == [(c.cell, str(c.new)) for c in result.changes]
    assert wb["卖场明细表"]["A2"].value == result.changes[0].new
    assert wb["卖场明细表"]["A2"].data_type == "s"
    assert wb["卖场明细表"]["I14"].value == 1200


def test_fix_dates_become_dates(tmp_path, write):
    import datetime as dt
    row = {"date": "2026年10月9日", "person": "刘洋", "role": "客户经理", "target_type": "卖场",
           "target_code": "４３０１０２２０００４５ "}
    src = write("visits", [row])
    result = fix_file(src, tmp_path / "fixed.xlsx", today=TODAY)
    ws = openpyxl.load_workbook(result.output)["拜访记录"]
    assert ws["A2"].value == dt.datetime(2026, 10, 9) and ws["A2"].number_format == "yyyy-mm-dd"
    assert ws["E2"].value == "430102200045"
    assert codes(result.after) == []


def test_fix_csv_keeps_encoding_and_writes_a_change_log(tmp_path):
    src = tmp_path / "销售数据.csv"
    src.write_bytes("月份,客户编码,专卖证号,卷烟规格,销量(条),销售额(元)\n2026/10,ＪＴ0001,430102200045,中华(硬),10,3816\n"
                    .encode("gbk"))
    result = fix_file(src, tmp_path / "销售数据_修正.csv")
    assert (tmp_path / "销售数据_修正.csv").read_bytes().decode("gbk").splitlines()[1] == \
        "2026/10,JT0001,430102200045,中华(硬),10,3816"
    log = result.change_log.read_text("utf-8-sig").splitlines()
    assert log[1].startswith("销售数据,B2,客户编码,ＪＴ0001,JT0001")


def test_fix_refuses_its_input_as_output(write):
    p = write("stores", stores(1))
    with pytest.raises(WriteError):
        fix_file(p, p)


def test_strict_workbook_is_not_copied_without_its_sheets(tmp_path):
    """openpyxl opens Strict OOXML with no sheets: no copy rather than an empty one."""
    from .test_readers import strict
    run = validate_files([strict(tmp_path)], annotate_dir=tmp_path / "out")
    assert run.annotated[0].output is None and "Strict" in run.annotated[0].error
    assert not (tmp_path / "out" / "strict.xlsx").exists()


def test_what_the_copy_lacks_is_said(tmp_path):
    import xlsxwriter
    p = tmp_path / "卖场明细表.xlsx"
    wb = xlsxwriter.Workbook(str(p))
    ws = wb.add_worksheet("卖场明细表")
    ws.write_row(0, 0, ["专卖证号", "状态"])
    ws.write_row(1, 0, ["430102200045", "关"])
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"values": "='卖场明细表'!$A$2:$A$2"})
    ws.insert_chart("D2", chart)
    wb.close()
    run = validate_files([p], annotate_dir=tmp_path / "out")
    assert run.annotated[0].lacks == ["图片、图表或形状"]


def test_annotating_a_cell_under_a_merge_marks_the_merge(tmp_path, write):
    rows = stores(3, r1={"customer": "JT9999"})
    p = write("stores", rows, merges=[(2, 1, 3, 1, "JT9999")])
    run = validate_files([p], annotate_dir=tmp_path / "out")
    ws = openpyxl.load_workbook(run.annotated[0].output)["卖场明细表"]
    assert ws["B3"].comment is not None and ws["B3"].fill.fgColor.rgb == FILLS["error"].fgColor.rgb


def test_csv_whose_name_excel_refuses_as_a_sheet_title(tmp_path):
    p = tmp_path / "销售[10月].csv"
    p.write_text("月份,客户编码,专卖证号,卷烟规格,销量(条),销售额(元)\n2026-10,JT0001,430102200045,中华(软),10,abc\n",
                 "utf-8")
    run = validate_files([p], annotate_dir=tmp_path / "out")
    wb = openpyxl.load_workbook(run.annotated[0].output)
    assert wb.sheetnames == [RESULTS, "销售_10月_"]
    assert wb["销售_10月_"]["F2"].comment is not None
    link = wb[RESULTS]["F2"].hyperlink.location
    assert link == "'销售_10月_'!F2"


def test_annotate_replaces_its_own_copy_but_no_other_file(tmp_path, write):
    p = write("stores", stores(1, r0={"status": "关"}))
    out = tmp_path / "out"
    validate_files([p], annotate_dir=out)
    validate_files([p], annotate_dir=out)       # a second run replaces the first copy
    other = tmp_path / "other"
    other.mkdir()
    (other / p.name).write_bytes(b"someone's own workbook")
    with pytest.raises(WriteError, match="已经存在"):
        validate_files([p], annotate_dir=other)
    assert (other / p.name).read_bytes() == b"someone's own workbook"


def test_fix_keeps_a_macro_workbook_a_macro_workbook(tmp_path, write):
    from gcs_excel.errors import ConfigError
    src = tmp_path / "卖场明细表.xlsm"
    write("stores", stores(1)).rename(src)
    with pytest.raises(ConfigError, match=".xlsm"):
        fix_file(src, tmp_path / "fixed.xlsx")


def test_fix_keeps_the_zeros_a_number_format_showed(tmp_path, write):
    p = write("stores", stores(1))
    wb = openpyxl.load_workbook(p)
    cell = wb["卖场明细表"]["H2"]
    cell.value, cell.number_format = 7318888888, "00000000000"    # shown as 07318888888
    wb.save(p)
    result = fix_file(p, tmp_path / "fixed.xlsx", today=TODAY)
    assert openpyxl.load_workbook(result.output)["卖场明细表"]["H2"].value == "07318888888"
    assert [(c.cell, c.new) for c in result.changes] == [("H2", "07318888888")]


def test_fix_csv_keeps_blank_lines(tmp_path):
    src = tmp_path / "销售数据.csv"
    src.write_text("月份,客户编码,专卖证号,卷烟规格,销量(条),销售额(元)\n\n2026-10,ＪＴ0001,430102200045,中华(硬),10,3816\n",
                   "utf-8")
    fix_file(src, tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_text("utf-8-sig").splitlines() == [
        "月份,客户编码,专卖证号,卷烟规格,销量(条),销售额(元)", "", "2026-10,JT0001,430102200045,中华(硬),10,3816"]


# --- CSV: text stays text in what a spreadsheet opens (OWASP's CSV injection) ---------------------
CSV_HEAD = "专卖证号,客户编码,卖场名称,客户类别,卖场地址,所属片区,联系人,联系电话,月销量(条),客户经理,状态\n"


def test_fix_csv_never_turns_text_into_a_formula(tmp_path):
    import csv
    src = tmp_path / "卖场明细表.csv"
    rows = [' =HYPERLINK("http://evil.example","点这里")', "\t=1+1", "=cmd|'/c calc'!A1", "@SUM(A1)", "+86 1380"]
    src.write_text(CSV_HEAD + "".join(
        f'43010220000{k},JT0001,"{name.replace(chr(34), chr(34) * 2)}",便利店,长沙市八一路{k}号,芙蓉片区,陈,13807315678,'
        f"{-5 if k == 0 else 10},刘洋,正常\n" for k, name in enumerate(rows)), "utf-8")
    result = fix_file(src, tmp_path / "out.csv", today=TODAY)
    with open(tmp_path / "out.csv", encoding="utf-8-sig", newline="") as fh:
        out = list(csv.reader(fh))
    names = [r[2] for r in out[1:]]
    # the space that keeps " =HYPERLINK" text is not trimmed; what would run gets an apostrophe
    assert names == [' =HYPERLINK("http://evil.example","点这里")', "'\t=1+1", "'=cmd|'/c calc'!A1",
                     "'@SUM(A1)", "'+86 1380"]
    assert [r[8] for r in out[1:]] == ["-5", "10", "10", "10", "10"]        # numbers stay numbers
    assert any("C2 没有改" in n and "公式" in n for n in result.notes)
    escaped = [(c.cell, c.column) for c in result.changes if "加了 '" in "、".join(c.reasons)]
    assert escaped == [("C3", "卖场名称"), ("C4", "卖场名称"), ("C5", "卖场名称"), ("C6", "卖场名称")]
    with open(result.change_log, encoding="utf-8-sig", newline="") as fh:
        log = list(csv.reader(fh))
    for field in (f for row in log for f in row):       # no cell of the change log runs either
        assert not field.startswith(("=", "+", "-", "@", "\t", "\r")), field


# --- the copy of a workbook openpyxl cannot load, and a million formatted rows --------------------
def test_a_doctype_with_entities_gives_a_chinese_line_not_openpyxls_english(tmp_path, write):
    src = write("stores", stores(1, r0={"status": "关"}))
    doctype = tmp_path / "doctype.xlsx"
    with zipfile.ZipFile(src) as zi, zipfile.ZipFile(doctype, "w") as zo:
        for info in zi.infolist():
            data = zi.read(info)
            if info.filename == "xl/styles.xml":
                head, sep, rest = data.partition(b"?>")
                data = head + sep + b'<!DOCTYPE x [<!ENTITY nbsp "&#160;">]>' + rest
            zo.writestr(info, data)
    for reason in (validate_files([doctype], annotate_dir=tmp_path / "out").annotated[0].error,
                   CliRunner().invoke(cli, ["fix", str(doctype), "--out", str(tmp_path / "f.xlsx")]).output):
        assert "声明了实体" in reason and "openpyxl" not in reason and "Unable" not in reason


def test_a_real_xlsx_renamed_xls_gets_a_chinese_line(tmp_path, write):
    renamed = tmp_path / "卖场明细表.xls"
    renamed.write_bytes(write("stores", stores(1)).read_bytes())
    r = CliRunner().invoke(cli, ["fix", str(renamed), "--out", str(tmp_path / "f.xlsx")])
    assert r.exit_code == 2 and "扩展名是 .xls，内容却是 .xlsx 工作簿" in r.output
    assert "openpyxl" not in r.output and "xlrd" not in r.output


def test_an_edited_copy_keeps_a_million_formatted_rows_without_loading_them(tmp_path):
    """Rows 4..1,048,576 are formatted and empty: openpyxl holds two data rows, and the
    copy has every formatted row again."""
    from gcs_excel.readers import Sheet, Workbook
    from gcs_excel.xlsx_edit import open_copy

    from .faults import sheet_rows, styled_rows_workbook
    src = styled_rows_workbook(tmp_path / "卖场明细表.xlsx")
    copy = open_copy(Workbook(str(src), "xlsx", [Sheet("卖场明细表")]))   # what validate read, without its rows
    assert len(copy.wb["卖场明细表"].row_dimensions) < 10 and [(r.first, r.last) for r in copy.runs] == [(4, 1048576)]
    copy.save(tmp_path / "copy.xlsx")
    before, after = sheet_rows(src, "卖场明细表"), sheet_rows(tmp_path / "copy.xlsx", "卖场明细表")
    assert len(after) == len(before) == 1048576
    assert after[-1].startswith(b'<row r="1048576"') and b'customFormat="1"' in after[-1]
    assert len({row.split(b'"', 2)[2].rstrip(b"/>") for row in after[3:]}) == 1    # alike but for the number


def test_fix_and_annotate_keep_formatted_rows_and_rows_added_among_them(tmp_path):
    from .faults import sheet_rows, styled_rows_workbook
    src = styled_rows_workbook(tmp_path / "卖场明细表.xlsx", rows=30_000)
    result = fix_file(src, tmp_path / "fixed.xlsx", today=TODAY)
    assert [int(row.split(b'"')[1]) for row in sheet_rows(result.output, "卖场明细表")] == list(range(1, 30_001))
    run = validate_files([src], annotate_dir=tmp_path / "out")
    copy = sheet_rows(run.annotated[0].output, "卖场明细表")
    assert len(copy) == 30_000 and run.annotated[0].marked > 0
    # rows written into the set-aside range (a plan appended under the data) merge in order
    from gcs_excel.readers import read
    from gcs_excel.xlsx_edit import open_copy, set_text
    c = open_copy(read(src))
    set_text(c.wb["卖场明细表"].cell(row=5, column=1), "新行")
    c.save(tmp_path / "added.xlsx")
    rows = sheet_rows(tmp_path / "added.xlsx", "卖场明细表")
    assert [int(row.split(b'"')[1]) for row in rows] == list(range(1, 30_001))
    assert openpyxl.load_workbook(tmp_path / "added.xlsx")["卖场明细表"]["A5"].value == "新行"
