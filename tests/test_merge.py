"""gcs merge: nothing lost (the conservation rule over generated cases, every input row
traced), conflicts under each policy, the diff against a base, what staff files hold,
text that looks like a formula, and the refusals."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gcs_excel.errors import ConfigError, WriteError
from gcs_excel.merging import merge

from .conftest import ROOT, TODAY

HEADERS = ["专卖证号", "客户编码", "卖场名称", "客户类别", "卖场地址", "所属片区", "联系人", "联系电话",
           "月销量(条)", "客户经理", "状态"]


def store(i: int, **changes) -> dict:
    """A valid store row by field id; i makes the licence (the key) and the name."""
    row = {"licence": f"4301022{i:05d}", "customer": "JT0001", "name": f"步步高超市{i}号店",
           "category": "便利店", "address": f"长沙市芙蓉区五一大道{i}号", "area": "芙蓉片区",
           "contact": "王芳", "phone": "13907311234", "monthly_volume": 100 + i, "cm": "刘洋",
           "status": "正常"}
    row.update(changes)
    return row


def write_csv(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        for r in rows:
            w.writerow([r["licence"], r["customer"], r["name"], r["category"], r["address"], r["area"],
                        r["contact"], r["phone"], r["monthly_volume"], r["cm"], r["status"]])
    return path


def master_rows(path: Path, sheet: str = "卖场明细表") -> list[dict]:
    ws = openpyxl.load_workbook(path)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


# --- the conservation rule -------------------------------------------------------------
# Each file: some stores (a few keys shared), some rows copied within the file, some
# shared rows edited (a conflict) -- every input row must be in the master, removed as an
# exact copy of a row in the master, or a candidate of a listed conflict.
files_strategy = st.lists(
    st.lists(st.tuples(st.integers(0, 12), st.sampled_from(["", "13907310000", "0731-85123456"]),
                       st.integers(0, 2)), min_size=0, max_size=12),
    min_size=1, max_size=4)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=files_strategy, policy=st.sampled_from(["flag", "newest"]))
def test_conservation_and_every_row_traced(tmp_path_factory, files, policy):
    folder = tmp_path_factory.mktemp("merge")
    paths = []
    for n, spec in enumerate(files):
        rows = []
        for key, phone, copies in spec:
            row = store(key, phone=phone) if phone else store(key)
            rows += [row] * (copies + 1)
        paths.append(write_csv(folder / f"f{n}.csv", rows))
    result = merge(paths, folder / "总表.xlsx", policy=policy, today=TODAY)
    total_in = sum(len(s) + sum(c for _, _, c in s) for s in files)
    (t,) = result.templates
    assert t.balanced
    assert t.rows_in == total_in == t.rows_out + t.duplicates + t.conflicts_resolved
    master = master_rows(folder / "总表.xlsx")
    assert len(master) == t.master_rows == len({k for s in files for k, _, _ in s})
    in_master = {(r["来源文件"], r["来源行"]) for r in master}
    assert len(in_master) == len(master)
    by_licence = {r["专卖证号"]: r for r in master}
    candidates = {(c.key.split("=")[1], r.cells[7]) for c in result.conflicts for r in c.candidates}
    for n, spec in enumerate(files):          # every input row: in the master, a copy, or a candidate
        row_no = 1
        for key, phone, copies in spec:
            for _ in range(copies + 1):
                row_no += 1
                where = (f"f{n}.csv", row_no)
                licence, phone = store(key)["licence"], phone or "13907311234"
                same = by_licence[licence]["联系电话"] == phone
                assert where in in_master or same or (licence, phone) in candidates, where
    assert sum(f.rows_in for f in result.files) == t.rows_in
    assert sum(f.rows_out for f in result.files) == t.rows_out


# --- conflicts under each policy -------------------------------------------------------
@pytest.fixture
def two_copies(tmp_path):
    """刘洋's copy and 陈静's: store 2's phone differs; 陈静's file is the newer."""
    a = write_csv(tmp_path / "刘洋.csv", [store(1), store(2), store(3)])
    b = write_csv(tmp_path / "陈静.csv", [store(2, phone="13907310000"), store(3), store(4)])
    os.utime(a, (1_700_000_000, 1_700_000_000))
    os.utime(b, (1_700_100_000, 1_700_100_000))
    return tmp_path, a, b


def conflict_rows(result) -> list[tuple]:
    return [(c.number, c.key, c.status, c.fields, Path(c.kept.source.file).name, c.kept.source.row)
            for c in result.conflicts]


@pytest.mark.parametrize("policy, order, kept, status, exit_code", [
    ("flag", "ab", ("刘洋.csv", 3), "待定", 1),         # the first given, flagged
    ("flag", "ba", ("陈静.csv", 2), "待定", 1),
    ("newest", "ab", ("陈静.csv", 2), "已按最新", 0),     # the file saved last, whatever the order
    ("newest", "ba", ("陈静.csv", 2), "已按最新", 0),
])
def test_conflicts_without_a_base(two_copies, policy, order, kept, status, exit_code):
    folder, a, b = two_copies
    files = [a, b] if order == "ab" else [b, a]
    result = merge(files, folder / "总表.xlsx", policy=policy, today=TODAY)
    assert conflict_rows(result) == [(1, "专卖证号=430102200002", status, ["联系电话"], *kept)]
    (t,) = result.templates
    assert (t.rows_in, t.rows_out, t.duplicates, t.conflicts_resolved, t.master_rows) == (6, 4, 1, 1, 4)
    assert result.exit_code == exit_code
    master = master_rows(folder / "总表.xlsx")
    row = next(r for r in master if r["专卖证号"] == "430102200002")
    assert (row["来源文件"], row["来源行"]) == kept
    assert row["合并标记"] == f"冲突 1（{status}，见「冲突」表）"
    sheet = openpyxl.load_workbook(folder / "总表.xlsx")["冲突"]
    lines = [r for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted((r[3].split("（")[0], r[5], r[6]) for r in lines) == sorted([
        ("采用" if kept[0] == "刘洋.csv" else "未采用", "联系电话=13907311234", "刘洋.csv"),
        ("采用" if kept[0] == "陈静.csv" else "未采用", "联系电话=13907310000", "陈静.csv")])


@pytest.mark.parametrize("policy, status", [("flag", "待定"), ("base", "已按基准")])
def test_with_a_base(two_copies, policy, status):
    folder, a, b = two_copies
    # only 陈静 changed store 2 since the base: his change stands, under either policy
    base = write_csv(folder / "上周总表.csv", [store(1), store(2), store(3)])
    result = merge([b, a], folder / "总表.xlsx", base=base, policy=policy, today=TODAY)
    assert conflict_rows(result) == [(1, "专卖证号=430102200002", "只有一份改过，已采用", ["联系电话"], "陈静.csv", 2)]
    assert result.exit_code == 0
    # 张伟 changed it too, his own way: a real conflict, the base's row (刘洋's copy) stays
    c = write_csv(folder / "张伟.csv", [store(2, phone="0731-85123456")])
    result = merge([b, a, c], folder / "总表.xlsx", base=base, policy=policy, today=TODAY)
    assert conflict_rows(result) == [(1, "专卖证号=430102200002", status, ["联系电话"], "刘洋.csv", 3)]
    assert result.exit_code == (1 if policy == "flag" else 0)
    # the base's row differs from every copy: it is kept from the base, counted apart
    base2 = write_csv(folder / "更早.csv", [store(1), store(2, phone="0731-88888888"), store(3)])
    result = merge([b, a], folder / "总表2.xlsx", base=base2, policy=policy, today=TODAY)
    (t,) = result.templates
    assert (t.rows_in, t.rows_out, t.conflicts_resolved, t.from_base, t.master_rows) == (6, 3, 2, 1, 4)
    assert t.balanced
    row = next(r for r in master_rows(folder / "总表2.xlsx") if r["专卖证号"] == "430102200002")
    assert (row["来源文件"], row["联系电话"]) == ("更早.csv", "0731-88888888")


def test_policy_base_needs_a_base(two_copies):
    folder, a, b = two_copies
    with pytest.raises(ConfigError, match="--base"):
        merge([a, b], folder / "总表.xlsx", policy="base")
    with pytest.raises(ConfigError, match="latest"):
        merge([a, b], folder / "总表.xlsx", policy="latest")


# --- the diff against a base -----------------------------------------------------------
def test_base_diff_lists_added_changed_removed(tmp_path):
    base = write_csv(tmp_path / "上周.csv", [store(1), store(2), store(3)])
    new = write_csv(tmp_path / "本周.csv", [store(1), store(2, phone="13907310000", monthly_volume=250), store(4)])
    result = merge([new], tmp_path / "总表.xlsx", base=base, today=TODAY)
    assert [(c.kind, c.key, c.field, c.old, c.new) for c in result.changes] == [
        ("修改", "专卖证号=430102200002", "联系电话", "13907311234", "13907310000"),
        ("修改", "专卖证号=430102200002", "月销量(条)", 102, 250),
        ("新增", "专卖证号=430102200004", "", None, None),
        ("删除", "专卖证号=430102200003", "", None, None),
    ]
    sheet = openpyxl.load_workbook(tmp_path / "总表.xlsx")["变更"]
    lines = [r for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert [r[:6] for r in lines] == [
        ("卖场明细表", "修改", "专卖证号=430102200002", "联系电话", "13907311234", "13907310000"),
        ("卖场明细表", "修改", "专卖证号=430102200002", "月销量(条)", "102", "250"),
        ("卖场明细表", "新增", "专卖证号=430102200004", None, None, None),
        ("卖场明细表", "删除", "专卖证号=430102200003", None, None, None),
    ]
    same = merge([base], tmp_path / "总表2.xlsx", base=base, today=TODAY)
    assert same.changes == []


# --- what staff files hold ---------------------------------------------------------------
def test_formula_looking_text_stays_text(tmp_path):
    a = write_csv(tmp_path / "a.csv", [store(1, name="=HYPERLINK(\"http://x\",\"点我\")"), store(2)])
    b = write_csv(tmp_path / "b.csv", [store(1), store(3, name="+86 老店"), store(4, contact="@王芳")])
    merge([a, b], tmp_path / "总表.xlsx", today=TODAY)
    wb = openpyxl.load_workbook(tmp_path / "总表.xlsx")
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)
             and c.value.lstrip().startswith(("=", "+", "@"))]
    assert {c.value for c in cells} >= {'=HYPERLINK("http://x","点我")', "+86 老店", "@王芳"}
    assert all(c.data_type == "s" for c in cells)
    conflict = "\n".join(str(v) for row in wb["冲突"].iter_rows(values_only=True) for v in row if v)
    assert '卖场名称==HYPERLINK("http://x","点我")' in conflict and "卖场名称=步步高超市1号店" in conflict


def test_what_staff_files_hold(tmp_path, write):
    """A title row, headers written another way in another order, an extra column, a totals
    row, two sheets, hidden rows, rows with errors, a file open in Excel."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "我的卖场"
    ws.append(["刘洋 负责的卖场（2026 年 11 月）"])
    ws.append(["客户编码", " 专卖证号 ", "卖场名称", "客户类别", "卖场地址", "所属片区", "联系人", "联系电话",
               "月销量（条）", "客户经理", "状态", "备注"])
    for i in (1, 2, 3):
        r = store(i)
        ws.append([r["customer"], r["licence"], r["name"], r["category"], r["address"], r["area"], r["contact"],
                   r["phone"], r["monthly_volume"], r["cm"], r["status"], f"备注{i}"])
    ws.append(["JT0001", "43010220000X", "坏证号店", "便利店", "长沙", "芙蓉片区", "王芳", "13907311234", 5,
               "刘洋", "正常", None])
    ws.append(["合计", None, None, None, None, None, None, None, 311, None, None, None])
    ws.row_dimensions[4].hidden = True                        # store 2
    hq = wb.create_sheet("总部档案")
    hq.append(["客户编码", "客户名称"])
    hq.append(["JT0001", "步步高"])
    path = tmp_path / "刘洋.xlsx"
    wb.save(path)
    (tmp_path / "~$刘洋.xlsx").write_bytes(b"\x0bliuyang   ")     # Excel's lock file: open there
    result = merge([path], tmp_path / "总表.xlsx", today=TODAY)
    counts = {(f.sheet, f.template): (f.rows_in, f.errors, f.hidden, f.rows_out) for f in result.files}
    assert counts == {("我的卖场", "卖场明细表"): (4, 1, 1, 4), ("总部档案", "总部档案"): (1, 0, 0, 1)}
    master = master_rows(tmp_path / "总表.xlsx")
    assert list(master[0])[:len(HEADERS)] == HEADERS
    assert list(master[0])[len(HEADERS):] == ["备注", "来源文件", "来源工作表", "来源行", "合并标记"]
    assert [(r["专卖证号"], r["备注"], r["来源行"], r["合并标记"]) for r in master] == [
        ("430102200001", "备注1", 3, None),
        ("430102200002", "备注2", 4, "原表中是隐藏行"),
        ("430102200003", "备注3", 5, None),
        ("43010220000X", None, 6, "校验有错误：专卖证号"),
    ]
    assert any("正在被 Excel 或 WPS 打开" in n for n in result.notes)
    assert result.exit_code == 1


def test_a_lock_file_given_as_input_is_skipped_with_a_note(tmp_path):
    a = write_csv(tmp_path / "a.csv", [store(1)])
    lock = tmp_path / "~$卖场.xlsx"
    lock.write_bytes(b"\x0bliuyang   ")
    result = merge([a, lock], tmp_path / "总表.xlsx", today=TODAY)
    assert result.templates[0].rows_in == 1
    assert any("锁文件" in n for n in result.notes)


# --- refusals ----------------------------------------------------------------------------
def test_refuses_to_write_over_an_input_or_an_open_file(tmp_path):
    a = write_csv(tmp_path / "a.csv", [store(1)])
    with pytest.raises(WriteError, match="输入文件"):
        merge([a], a)
    out = tmp_path / "总表.xlsx"
    out.write_bytes(b"old")
    (tmp_path / "~$总表.xlsx").write_bytes(b"x")
    with pytest.raises(WriteError, match="正在被 Excel"):
        merge([a], out)
    assert out.read_bytes() == b"old"


def test_an_unreadable_input_stops_the_merge(tmp_path):
    a = write_csv(tmp_path / "a.csv", [store(1)])
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(ConfigError, match="坏.xlsx"):
        merge([a, bad], tmp_path / "总表.xlsx")
    assert not (tmp_path / "总表.xlsx").exists()


def test_the_command_prints_the_conservation_check(two_copies):
    folder, a, b = two_copies
    r = subprocess.run([sys.executable, "-m", "gcs_excel", "merge", "--out", str(folder / "总表.xlsx"),
                        "--policy", "newest", str(a), str(b)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "卖场明细表：读入 6 = 进入总表 4 + 重复删除 1 + 冲突未采用 1 ✓（总表 4 行）" in r.stdout
    assert "1. 卖场明细表 专卖证号=430102200002：联系电话 不同" in r.stdout


# --- on paper ----------------------------------------------------------------------------
@pytest.mark.libreoffice
def test_the_master_prints_readable_on_a4(soffice, two_copies, tmp_path_factory):
    from gcs_excel.xlsx_style import MIN_SCALE

    from .printcheck import LibreOffice, print_sheets

    folder, a, b = two_copies
    base = write_csv(folder / "上周总表.csv", [store(1), store(2, phone="0731-88888888"), store(5)])
    c = write_csv(folder / "张伟.csv", [store(2, phone="0731-85123456", name="步步高超市2号店（芙蓉中路与五一大道交叉口东北角）")])
    merge([a, b, c], folder / "总表.xlsx", base=base, today=TODAY)
    work = tmp_path_factory.mktemp("merge-print")
    prints = {p.sheet: p for p in print_sheets(LibreOffice(soffice, tmp_path_factory.mktemp("lo")), [folder / "总表.xlsx"], work)}
    assert set(prints) == {"卖场明细表", "冲突", "合并说明", "变更"}
    for p in prints.values():
        assert p.pages >= 1 and p.landscape and p.scale is not None and p.scale >= MIN_SCALE, str(p)


def test_worker_processes_give_the_same_merge(two_copies, monkeypatch):
    """Big inputs are read in worker processes: the same counts, conflicts and master."""
    import gcs_excel.merging as merging

    folder, a, b = two_copies
    c = write_csv(folder / "张伟.csv", [store(5), store(1)])
    here = merge([a, b, c], folder / "总表1.xlsx", policy="newest", today=TODAY)
    monkeypatch.setattr(merging, "PARALLEL_FROM", 0)
    there = merge([a, b, c], folder / "总表2.xlsx", policy="newest", today=TODAY)
    assert there.templates == here.templates and conflict_rows(there) == conflict_rows(here)
    assert [(f.file, f.rows_in, f.duplicates) for f in there.files] == [(f.file, f.rows_in, f.duplicates) for f in here.files]
    assert master_rows(folder / "总表1.xlsx") == master_rows(folder / "总表2.xlsx")
