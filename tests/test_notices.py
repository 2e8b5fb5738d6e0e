"""`gcs notices`: a numbered notice per store and month, the register read back, numbers
that never move to another store, the same bytes for the same inputs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from gcs_excel.checks.identifiers import notice_number, parse_notice_number
from gcs_excel.cli import cli
from gcs_excel.errors import ConfigError
from gcs_excel.notice_issue import issue_notices, load_texts, workbook_name
from gcs_excel.sheetnames import is_auxiliary
from gcs_excel.validation import validate

from .allocations import MONTH, STORES, WORKED, write_allocation
from .conftest import flat
from .faults import gcs, one_line_error, read_only, tiny_disk

LICENCES = list(STORES)


def _run(allocations, out: Path, **kw):
    return issue_notices(allocations, out, pdf=False, **kw)


def _register(path: Path) -> list[tuple]:
    """The register read back through validation: (number, licence, sku, quantity, status)."""
    v = validate([path])
    assert flat(v.report) == []
    (t,) = v.tables_of("notice_register")
    return [(r["number"], r["licence"], r["sku"], r["quantity"], r["status"]) for r in t.records()]


def _cells(path: Path, sheet: str) -> list:
    ws = openpyxl.load_workbook(path)[sheet]
    return [c.value for row in ws.iter_rows() for c in row if c.value is not None]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- numbers ------------------------------------------------------------------------------
@pytest.mark.parametrize("text, ok, suggestion", [
    ("GX202612-0001", True, None),
    ("GX202601-9999", True, None),
    ("gx202612-1", False, "GX202612-0001"),
    ("GX 2026 12-0007", False, "GX202612-0007"),
    ("GX202613-0001", False, None),          # no 13th month
    ("GX202612-00001", False, None),
    ("XG202612-0001", False, None),
])
def test_notice_numbers(text, ok, suggestion):
    found = notice_number(text)
    assert (found is None) == ok
    assert (found.suggestion if found else None) == suggestion


def test_notice_sheets_are_never_taken_for_data():
    assert is_auxiliary("GX202612-0001")
    assert not is_auxiliary("GX202612")


def test_the_register_is_an_output_read_back_not_a_template():
    from gcs_excel.spec import load_specs

    specs = load_specs()
    assert specs.template("notices").kind == "output" and "notices" not in {t.id for t in specs.templates}
    assert specs.by_name["告知登记"].id == "notice_register"


# --- the worked example -----------------------------------------------------------------------
def test_the_worked_example_gives_four_numbered_notices(tmp_path):
    alloc = write_allocation(tmp_path / "分配.xlsx")
    result = _run([alloc], tmp_path / "out")
    (m,) = result.months
    assert result.exit_code == 0 and result.excluded == []
    assert m.workbook == tmp_path / "out" / workbook_name(MONTH) and m.pdf is None
    assert [(n.number, n.licence, n.quantity) for n in m.notices] == [
        ("GX202612-0001", LICENCES[0], 20), ("GX202612-0002", LICENCES[1], 18),
        ("GX202612-0003", LICENCES[2], 9), ("GX202612-0004", LICENCES[3], 3)]
    assert m.issued == [n.number for n in m.notices] and m.kept == m.voided == []
    assert _register(m.workbook) == [(f"GX202612-000{k + 1}", LICENCES[k], "中华(硬)", q, "有效")
                                     for k, (_, q) in enumerate(WORKED)]
    assert openpyxl.load_workbook(m.workbook).sheetnames == ["告知登记", *m.issued]


def test_a_notice_says_what_the_store_must_know(tmp_path):
    m = _run([write_allocation(tmp_path / "分配.xlsx")], tmp_path / "out").months[0]
    cells = _cells(m.workbook, "GX202612-0001")
    texts = load_texts()
    for expected in ("GX202612-0001", "2026年12月", "步步高商业连锁（JT0001）", "步步高超市五一广场店",
                     LICENCES[0], "李娜", "中华(硬)", 381.6, 450, 20, "上月销量", 120, "GX-2026.1",
                     texts["signatures"]["store"] + "_" * 14, texts["copies"]):
        assert expected in cells, expected
    joined = "".join(str(c) for c in cells)
    assert "12313" in joined and "12月1日 至 12月3日" in joined      # 2026-12: the 1st to the 3rd are working days
    assert all(duty in joined for duty in texts["obligations"])


def test_one_notice_per_store_lists_every_sku_of_the_month(tmp_path):
    a = write_allocation(tmp_path / "a.xlsx")
    b = write_allocation(tmp_path / "b.xlsx", "黄鹤楼(软蓝)", [(30, 5), (20, 3), (0, 0), (10, 2)])
    m = _run([a, b], tmp_path / "out").months[0]
    assert [(n.licence, [(x.sku, x.quantity) for x in n.lines]) for n in m.notices] == [
        (LICENCES[0], [("中华(硬)", 20), ("黄鹤楼(软蓝)", 5)]), (LICENCES[1], [("中华(硬)", 18), ("黄鹤楼(软蓝)", 3)]),
        (LICENCES[2], [("中华(硬)", 9)]), (LICENCES[3], [("中华(硬)", 3), ("黄鹤楼(软蓝)", 2)])]
    assert "合计" in _cells(m.workbook, m.notices[0].number) and 25 in _cells(m.workbook, m.notices[0].number)
    assert "合计" not in _cells(m.workbook, m.notices[2].number)


def test_stores_allotted_nothing_get_no_notice_and_are_listed(tmp_path):
    m = _run([write_allocation(tmp_path / "a.xlsx", split=[(50, 10), (0, 0), (3, 0)])], tmp_path / "out").months[0]
    assert [n.licence for n in m.notices] == [LICENCES[0]]
    assert [(u.licence, u.name) for u in m.unallotted] == [(LICENCES[1], STORES[LICENCES[1]][0]),
                                                           (LICENCES[2], STORES[LICENCES[2]][0])]


# --- numbers kept, continued, never moved -------------------------------------------------------
def test_the_same_inputs_give_the_same_numbers_and_bytes(tmp_path):
    alloc = write_allocation(tmp_path / "分配.xlsx")
    first = _run([alloc], tmp_path / "one").months[0]
    again = _run([alloc], tmp_path / "one").months[0]            # the register is read back
    elsewhere = _run([alloc], tmp_path / "two").months[0]        # a fresh folder
    assert again.kept == first.issued and again.issued == again.voided == []
    assert _digest(first.workbook) == _digest(elsewhere.workbook)
    assert _digest(tmp_path / "one" / workbook_name(MONTH)) == _digest(elsewhere.workbook)


def test_a_changed_notice_gets_the_next_number_and_the_old_one_is_void(tmp_path):
    out = tmp_path / "out"
    _run([write_allocation(tmp_path / "a.xlsx")], out)
    b = write_allocation(tmp_path / "b.xlsx", "黄鹤楼(软蓝)", [(30, 5), (20, 0), (0, 0), (10, 2)])
    m = _run([b], out).months[0]        # only the new SKU: 中华(硬)'s lines stay on the notices
    assert m.kept == ["GX202612-0002", "GX202612-0003"]
    assert m.issued == ["GX202612-0005", "GX202612-0006"] and m.voided == ["GX202612-0001", "GX202612-0004"]
    owners = {n.number: n.licence for n in m.register}
    assert owners == {"GX202612-0001": LICENCES[0], "GX202612-0002": LICENCES[1], "GX202612-0003": LICENCES[2],
                      "GX202612-0004": LICENCES[3], "GX202612-0005": LICENCES[0], "GX202612-0006": LICENCES[3]}
    void = {n.number: n.note for n in m.register if n.status == "void"}
    assert void == {"GX202612-0001": "改发 GX202612-0005", "GX202612-0004": "改发 GX202612-0006"}
    assert [(x.sku, x.quantity) for x in m.notices[-1].lines] == [("中华(硬)", 3), ("黄鹤楼(软蓝)", 2)]
    assert openpyxl.load_workbook(m.workbook).sheetnames == ["告知登记", *(n.number for n in m.notices)]


def test_a_store_no_longer_allotted_has_its_notice_voided(tmp_path):
    out = tmp_path / "out"
    _run([write_allocation(tmp_path / "a.xlsx")], out)
    m = _run([write_allocation(tmp_path / "b.xlsx", split=[(120, 21), (80, 20), (40, 9), (10, 0)])], out).months[0]
    assert m.kept == ["GX202612-0003"] and m.issued == ["GX202612-0005", "GX202612-0006"]
    assert m.voided == ["GX202612-0001", "GX202612-0002", "GX202612-0004"]
    assert {n.number: n.note for n in m.register if n.status == "void"}["GX202612-0004"] == "本月不再分配"
    assert [u.licence for u in m.unallotted] == [LICENCES[3]]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.integers(0, 3), min_size=5, max_size=5), min_size=1, max_size=4))
def test_a_number_never_names_another_store(tmp_path_factory, runs):
    """Whatever is re-allocated, run after run into one folder: each number names one store
    for good, a store holds at most one valid notice, numbers run 1..N without a gap."""
    folder = tmp_path_factory.mktemp("runs")
    owners: dict[str, str] = {}
    for k, split in enumerate(runs):
        alloc = write_allocation(folder / f"a{k}.xlsx", split=[(10, q) for q in split], licences=LICENCES)
        m = _run([alloc], folder / "out").months[0]
        for n in m.register:
            assert owners.setdefault(n.number, n.licence) == n.licence
        valid = [n.licence for n in m.notices]
        assert len(valid) == len(set(valid)) == sum(1 for q in split if q)
        assert sorted(parse_notice_number(n)[1] for n in owners) == list(range(1, len(owners) + 1))


# --- refusals and faults ---------------------------------------------------------------------------
def test_one_sku_of_a_month_in_two_files_is_refused(tmp_path):
    a = write_allocation(tmp_path / "a.xlsx")
    b = write_allocation(tmp_path / "b.xlsx", split=[(1, 1)])
    with pytest.raises(ConfigError, match="有两份分配"):
        _run([a, b], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_register_that_does_not_read_back_is_not_continued(tmp_path):
    out = tmp_path / "out"
    path = _run([write_allocation(tmp_path / "a.xlsx")], out).months[0].workbook
    wb = openpyxl.load_workbook(path)
    wb["告知登记"]["C3"] = "4301022000"            # a licence number cut short
    wb.save(path)
    before = _digest(path)
    with pytest.raises(ConfigError, match="告知登记读不出来"):
        _run([write_allocation(tmp_path / "a.xlsx")], out)
    assert _digest(path) == before


def test_rows_with_errors_get_no_notice_and_are_listed(tmp_path):
    alloc = write_allocation(tmp_path / "a.xlsx", split=[(120, 20), (80, 18)])
    wb = openpyxl.load_workbook(alloc)
    wb["分配明细"]["L3"] = "十八"
    wb.save(alloc)
    result = _run([alloc], tmp_path / "out")
    assert [n.licence for n in result.months[0].notices] == [LICENCES[0]]
    assert [(x.sheet, x.row) for x in result.excluded] == [("分配明细", 3)] and result.exit_code == 1


def test_without_libreoffice_the_workbook_is_written_and_the_pdf_explained(tmp_path, monkeypatch):
    import gcs_excel.office_pdf as office_pdf

    monkeypatch.setattr(office_pdf, "find_soffice", lambda: None)
    m = issue_notices([write_allocation(tmp_path / "a.xlsx")], tmp_path / "out").months[0]
    assert m.pdf is None and m.workbook.exists()
    assert [n for n in m.notes if "LibreOffice" in n] == ["没有找到 LibreOffice（soffice），只写了工作簿；PDF 要装 LibreOffice 后再运行"]
    old_pdf = m.workbook.with_suffix(".pdf")
    old_pdf.write_bytes(b"%PDF-1.4 an earlier print")
    same = issue_notices([write_allocation(tmp_path / "a.xlsx")], tmp_path / "out").months[0]
    assert not [n for n in same.notes if "上次打印" in n]                 # nothing changed: the print still holds
    changed = issue_notices([write_allocation(tmp_path / "b.xlsx", split=[(1, 1)])], tmp_path / "out").months[0]
    assert f"{old_pdf} 是上次打印的，和这次的工作簿不一致，请重新转 PDF" in changed.notes
    assert old_pdf.read_bytes() == b"%PDF-1.4 an earlier print"


def test_a_read_only_folder_keeps_its_register_and_says_why(tmp_path):
    out = tmp_path / "out"
    path = _run([write_allocation(tmp_path / "a.xlsx")], out).months[0].workbook
    before = _digest(path)
    changed = write_allocation(tmp_path / "b.xlsx", split=[(1, 1)])
    with read_only(out):
        r = gcs("notices", "--allocation", changed, "--out", out, "--no-pdf")
    assert r.returncode == 2 and one_line_error(r.stderr) and "无法写入" in r.stderr, r.stderr
    assert _digest(path) == before and sorted(p.name for p in out.iterdir()) == [path.name]


def test_a_full_disk_leaves_nothing_half_written(tmp_path):
    alloc = write_allocation(tmp_path / "a.xlsx", split=[(10, 1)] * 5, licences=LICENCES)
    with tiny_disk(tmp_path / "disk", "12k") as disk:
        r = gcs("notices", "--allocation", alloc, "--out", disk, "--no-pdf")
        assert r.returncode == 2 and one_line_error(r.stderr) and "磁盘" in r.stderr, r.stderr
        assert list(disk.iterdir()) == []


def test_a_department_config_changes_the_order_window(tmp_path):
    config = tmp_path / "告知书.toml"
    config.write_text('complaint_line = "12313-1"\n[order_window]\nworking_days = 5\n', "utf-8")
    m = _run([write_allocation(tmp_path / "a.xlsx")], tmp_path / "out", config=config).months[0]
    assert [d.isoformat() for d in m.window] == ["2026-12-01", "2026-12-07"]
    assert any("12313-1" in str(c) for c in _cells(m.workbook, m.notices[0].number))
    config.write_text("[order_window]\nworking_days = 0\n", "utf-8")
    with pytest.raises(ConfigError, match="至少是 1"):
        _run([write_allocation(tmp_path / "a.xlsx")], tmp_path / "out", config=config)


# --- the command ---------------------------------------------------------------------------------
def test_the_command_writes_the_notices_and_says_what_it_did(tmp_path):
    alloc = write_allocation(tmp_path / "分配.xlsx", split=[(120, 20), (80, 0)])
    r = CliRunner().invoke(cli, ["notices", "--allocation", str(alloc), "--out", str(tmp_path / "out"), "--no-pdf"])
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == [
        "2026-12 紧俏货源告知：1 份有效（新编 1，沿用 0，作废 0），订货窗口 2026-12-01 至 2026-12-03",
        "  新编号：GX202612-0001",
        f"  分到 0 条、没有告知书的卖场（1）：{LICENCES[1]} {STORES[LICENCES[1]][0]}",
        f"已写出 {tmp_path / 'out' / workbook_name(MONTH)}"]
    r = CliRunner().invoke(cli, ["notices", "--allocation", str(alloc), "--out", str(tmp_path / "out"), "--no-pdf",
                                 "--json"])
    data = json.loads(r.output)
    assert r.exit_code == 0 and data["months"][0]["kept"] == ["GX202612-0001"] and data["excluded"] == []
    assert [(n["number"], n["licence"], n["quantity"], n["lines"][0]["sku"]) for n in data["months"][0]["notices"]] == \
        [("GX202612-0001", LICENCES[0], 20, "中华(硬)")]
    r = CliRunner().invoke(cli, ["notices", "--allocation", str(tmp_path / "无.xlsx"), "--out", str(tmp_path / "o")])
    assert r.exit_code == 2 and r.output.count("\n") == 1 and "无.xlsx" in r.output


def test_the_public_api_is_the_commands_core_function():
    import gcs_excel

    assert gcs_excel.issue_notices is issue_notices


def test_gcs_fix_writes_a_loosely_typed_number_as_issued(tmp_path, write):
    import datetime as dt

    from gcs_excel.fix import fix_file

    log = write("visits", [{"date": dt.date(2026, 10, 9), "person": "刘洋", "role": "客户经理", "target_type": "卖场",
                            "target_code": LICENCES[0], "scarce_notice": "gx202610-3"}])
    today = dt.date(2026, 11, 1)
    assert [p.code for p in validate([log], today=today).report.problems] == ["notice_number_invalid"]
    fixed = fix_file(log, tmp_path / "fixed.xlsx", today=today)
    assert [(c.cell, c.old, c.new) for c in fixed.changes] == [("G2", "gx202610-3", "GX202610-0003")]
    assert validate([fixed.output], today=today).report.problems == []
