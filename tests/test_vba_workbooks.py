"""`gcs build-workbooks`: each .xlsm is its template plus the 操作 sheet, the lists behind its
dropdowns, the VBA project (olevba reads back exactly macros/) and the sheet buttons bound
to Subs that exist; it rebuilds byte for byte, the committed ones are current, and
LibreOffice opens every one with its data and its Basic library."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from click.testing import CliRunner
from oletools.olevba import VBA_Parser
from python_calamine import CalamineWorkbook

from gcs_excel.buttons import load_buttons
from gcs_excel.cli import cli
from gcs_excel.errors import ConfigError
from gcs_excel.sheetnames import LISTS
from gcs_excel.spec import load_specs
from gcs_excel.templates import LIST_ROOM
from gcs_excel.validation import validate
from gcs_excel.vba.ribbon import public_subs
from gcs_excel.vba.vba_project import crlf
from gcs_excel.vba.workbooks import (CUSTOMER_LIST, STAFF_LIST, WORKBOOKS, build_workbooks, department_lists,
                                     load_sources)

from .conftest import ROOT
from .faults import one_line_error, read_only, tiny_disk
from .xlsx_compare import differences

BUTTONS = load_buttons()
OPS = BUTTONS.operations
COMMITTED = ROOT / "workbook_templates"


def template_of(path: Path):
    return next(t for t in load_specs().templates if Path(t.filename).stem == path.stem)


def sheets(path: Path) -> dict[str, list[list]]:
    wb = CalamineWorkbook.from_path(str(path))
    return {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in wb.sheet_names}


def olevba_modules(path: Path) -> dict[str, str]:
    return {s.split("/")[-1]: code for _, s, _, code in VBA_Parser(str(path)).extract_macros()}


def test_one_xlsm_per_template_named_like_it(xlsm_build):
    specs = load_specs()
    assert [p.name for p in xlsm_build.workbooks] == [f"{specs.template(t).workbook}.xlsm" for t in WORKBOOKS]
    assert (xlsm_build.staff, xlsm_build.customers) == (0, 0)


def test_olevba_reads_back_exactly_the_macros(xlsm_build):
    sources = load_sources()
    for path in xlsm_build.workbooks:
        got = olevba_modules(path)
        n = len(sheets(path))
        assert set(got) == {m.name for m in sources.modules} | {"ThisWorkbook"} | {f"Sheet{i}" for i in range(1, n + 1)}
        for m in sources.modules:
            assert got[m.name] == crlf(m.source), (path.name, m.name)
        assert 'Attribute VB_Base = "0{00020819-0000-0000-C000-000000000046}"' in got["ThisWorkbook"]


def test_code_names_match_the_document_modules(xlsm_build):
    for path in xlsm_build.workbooks:
        with zipfile.ZipFile(path) as z:
            assert 'codeName="ThisWorkbook"' in z.read("xl/workbook.xml").decode()
            n = len([x for x in z.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", x)])
            for i in range(1, n + 1):
                assert f'codeName="Sheet{i}"' in z.read(f"xl/worksheets/sheet{i}.xml").decode()


def test_every_sheet_button_runs_a_public_sub_of_its_workbooks_jobs(xlsm_build):
    subs: dict[str, str] = {}
    for m in load_sources().modules:
        subs.update(public_subs(m.name, m.source))
    for path in xlsm_build.workbooks:
        with zipfile.ZipFile(path) as z:
            vml = z.read("xl/drawings/vmlDrawing1.vml").decode()
        macros = re.findall(r"<x:FmlaMacro>\[0\]!([\w.]+)</x:FmlaMacro>", vml)
        jobs = BUTTONS.for_workbook(template_of(path).id)
        assert macros == [f"GcsMain.{j.macro}" for j in jobs], path.name
        assert all(subs[m] == "" for m in macros)             # a button's macro takes no arguments
        captions = re.findall(r"<font[^>]*>([^<]+)</font>", vml)
        assert captions == [j.label for j in jobs], path.name


def test_the_operations_sheet(xlsm_build):
    for path in xlsm_build.workbooks:
        data = sheets(path)
        assert list(data)[0] == OPS.sheet
        ops = data[OPS.sheet]
        assert [ops[r][1] for r in range(3)] == list(OPS.lines)
        for cell, label in ((OPS.month_cell, "月份"), (OPS.person_cell, "人员"), (OPS.customer_cell, "客户")):
            col, row = ord(cell[0]) - 65, int(cell[1:]) - 1
            assert (ops[row][col - 1], ops[row][col]) == (label, "")
        tips = [r[3] for r in ops[7:] if len(r) > 3 and r[3]]
        assert tips == [j.tip for j in BUTTONS.for_workbook(template_of(path).id)]
        with zipfile.ZipFile(path) as z:
            sheet1 = z.read("xl/worksheets/sheet1.xml").decode()
        assert '<dataValidation type="list"' in sheet1
        assert f"<formula1>{STAFF_LIST[1]}</formula1>" in sheet1 and f"<formula1>{CUSTOMER_LIST[1]}</formula1>" in sheet1
        assert f'<c r="{OPS.month_cell}" s=' in sheet1                    # formatted (as text), empty


def test_the_dropdown_lists_are_named_columns_of_the_list_sheet(xlsm_build):
    for path in xlsm_build.workbooks:
        lists = sheets(path)[LISTS]
        header = lists[0]
        staff, customers = header.index(STAFF_LIST[0]), header.index(CUSTOMER_LIST[0])
        assert [r[customers] for r in lists[1:] if r[customers]] == [OPS.all_customers] == [lists[1][customers]]
        assert all(r[staff] == "" for r in lists[1:])
        with zipfile.ZipFile(path) as z:
            book = z.read("xl/workbook.xml").decode()
        for name, col in ((STAFF_LIST[1], staff), (CUSTOMER_LIST[1], customers)):
            letter = chr(65 + col)
            assert (f'<definedName name="{name}">OFFSET(\'{LISTS}\'!${letter}$2,0,0,'
                    f"MAX(1,COUNTA('{LISTS}'!${letter}$2:${letter}${LIST_ROOM + 1})),1)</definedName>") in book


def test_the_template_sheets_are_the_xlsx_templates(xlsm_build):
    """Nothing of the .xlsx template is lost: every sheet holds the same cells."""
    for path in xlsm_build.workbooks:
        xlsm, xlsx = sheets(path), sheets(COMMITTED / f"{path.stem}.xlsx")
        assert list(xlsm) == [OPS.sheet, *xlsx] or list(xlsm) == [OPS.sheet, *xlsx, LISTS]
        for name, rows in xlsx.items():
            got = xlsm[name]
            if name == LISTS:
                got = [r[:len(rows[0])] for r in got[:len(rows)]]
            assert got == rows, (path.name, name)


def macros_copy(folder: Path) -> Path:
    """A copy of macros/, so that a build never rewrites the repository's generated files."""
    return Path(shutil.copytree(ROOT / "macros", folder / "macros"))


def test_rebuild_is_byte_for_byte(xlsm_build, tmp_path):
    again = build_workbooks(tmp_path / "out", macros=macros_copy(tmp_path))
    assert again.regenerated == []
    assert [p.read_bytes() for p in again.workbooks] == [p.read_bytes() for p in xlsm_build.workbooks]


def test_committed_workbooks_are_the_build(xlsm_build):
    """Regenerate with: gcs build-workbooks --out workbook_templates"""
    assert sorted(p.name for p in COMMITTED.glob("*.xlsm")) == sorted(p.name for p in xlsm_build.workbooks)
    for p in xlsm_build.workbooks:
        assert differences(p, COMMITTED / p.name) == [], p.name


def test_from_a_department_folder_the_dropdowns_list_its_people_and_customers(clean_files, department, tmp_path):
    folder = clean_files[0].parent
    staff, customers, read = department_lists(folder, load_specs())
    assert staff == [p["name"] for p in department.tables["staff"]]
    assert customers == [h["code"] for h in department.tables["hq"]]
    assert sorted(p.name for p in read) == ["人员名单.xlsx", "总部档案.xlsx"]
    result = build_workbooks(tmp_path / "out", folder, macros=macros_copy(tmp_path))
    assert (result.staff, result.customers) == (len(staff), len(customers))
    lists = sheets(result.workbooks[0])[LISTS]
    col = lists[0].index(STAFF_LIST[0])
    assert [r[col] for r in lists[1:len(staff) + 1]] == staff
    col = lists[0].index(CUSTOMER_LIST[0])
    assert [r[col] for r in lists[1:len(customers) + 2]] == [OPS.all_customers, *customers]


def test_a_folder_without_the_files_is_one_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="没有人员名单、总部档案"):
        department_lists(tmp_path, load_specs())
    r = CliRunner().invoke(cli, ["build-workbooks", "--out", str(tmp_path / "out"), "--from", str(tmp_path)])
    assert r.exit_code == 2 and r.output.startswith("错误：") and r.output.count("\n") == 1


def test_the_command_is_one_core_call(tmp_path, monkeypatch):
    from gcs_excel.vba import workbooks

    calls = []
    monkeypatch.setattr(workbooks, "build_workbooks", lambda out, src: calls.append((out, src)) or
                        workbooks.WorkbooksResult([Path(out) / "a.xlsm"], [], 3, 4))
    r = CliRunner().invoke(cli, ["build-workbooks", "--out", str(tmp_path), "--from", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert calls == [(tmp_path, tmp_path)]
    assert r.output.splitlines() == [f"已生成 {tmp_path / 'a.xlsm'}", "下拉列表：3 名人员，4 个客户"]


def test_a_read_only_folder_or_a_full_disk_is_one_clear_line(tmp_path):
    out = tmp_path / "ro"
    out.mkdir()
    with read_only(out):
        r = CliRunner().invoke(cli, ["build-workbooks", "--out", str(out)])
    assert r.exit_code == 2 and one_line_error(r.output), r.output
    assert list(out.iterdir()) == []
    with tiny_disk(tmp_path / "full", "64k") as full:
        r = CliRunner().invoke(cli, ["build-workbooks", "--out", str(full)])
        assert r.exit_code == 2 and one_line_error(r.output), r.output
        assert not [p for p in full.iterdir() if p.name.startswith(".")]      # no temporary file left


@pytest.mark.libreoffice
def test_libreoffice_opens_every_workbook_with_its_data_and_macros(xlsm_build, tmp_path, soffice):
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "ods",
                    "--outdir", str(tmp_path), *map(str, xlsm_build.workbooks)],
                   check=True, capture_output=True, timeout=300)
    sources = load_sources()
    for path in xlsm_build.workbooks:
        ods = tmp_path / f"{path.stem}.ods"
        with zipfile.ZipFile(ods) as z:
            content = z.read("content.xml").decode()
            basic = {n.split("/")[-1][:-4]: z.read(n).decode() for n in z.namelist()
                     if n.startswith("Basic/VBAProject/") and not n.endswith("script-lb.xml")}
        n = len(sheets(path))
        assert set(basic) == {"GcsMain", "GcsText", "ThisWorkbook", *(f"Sheet{i}" for i in range(1, n + 1))}
        for m in sources.modules:
            for line in m.source.splitlines():
                if not line.startswith("Attribute "):
                    assert escape(line, {'"': "&quot;", "'": "&apos;"}) in basic[m.name], (path.name, line)
            assert 'script:moduleType="normal"' in basic[m.name]
        assert all('script:moduleType="document"' in basic[d] for d in ("ThisWorkbook", "Sheet1"))
        for job in BUTTONS.for_workbook(template_of(path).id):
            assert f"vnd.sun.star.script:VBAProject.GcsMain.{job.macro}?language=Basic" in content
        # nothing lost: every text cell of the .xlsm reads the same from LibreOffice's copy
        theirs = sheets(ods)
        for name, rows in sheets(path).items():
            texts = {(r, c, v) for r, row in enumerate(rows) for c, v in enumerate(row) if isinstance(v, str) and v}
            got = {(r, c, v) for r, row in enumerate(theirs[name]) for c, v in enumerate(row) if isinstance(v, str) and v}
            assert texts <= got, (path.name, name, sorted(texts - got)[:3])


def test_gcs_validate_reads_the_workbooks_as_their_templates(xlsm_build):
    """The 操作 and 下拉列表 sheets are the toolkit's own: validating the empty workbooks finds
    nothing and notes nothing."""
    report = validate(xlsm_build.workbooks).report
    assert report.problems == [] and report.unreadable == []
    assert {Path(f.file).name for f in report.files} == {p.name for p in xlsm_build.workbooks}


def test_the_month_cell_is_text_and_the_vba_calls_the_agreed_python(xlsm_build):
    import openpyxl

    ws = openpyxl.load_workbook(xlsm_build.workbooks[0], keep_vba=True)[OPS.sheet]
    assert ws[OPS.month_cell].number_format == "@" and ws[OPS.month_cell].value is None
    main = next(m.source for m in load_sources().modules if m.name == "GcsMain")
    for agreed in ('Application.Run "\'" & ADDIN_FILE & "\'!Main.RunPython"',
                   '"import gcs_excel.xl.entry as e; e.run(\'" & job & "\')"',
                   '""" -c ""import gcs_excel.xl"""',
                   'Private Const ADDIN_FILE As String = "xlwings.xlam"'):
        assert agreed in main, agreed
