"""gcs allocate: the rule (worked example, tables, invariants under hypothesis), the inputs
(eligibility, fallback, refusals), the workbook (read back by validation with zero issues,
byte-identical on a re-run, printable on A4) and the command line."""

from __future__ import annotations

import json
import random
import subprocess
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from gcs_excel.allocation import allocate, load_rule
from gcs_excel.allocation_rule import feasibility, split
from gcs_excel.allocation_workbook import explanation
from gcs_excel.cli import cli
from gcs_excel.errors import ConfigError, WriteError
from gcs_excel.validation import validate

from .conftest import CATALOGUE, HQ, MONTHLY_TODAY, digest
from .faults import gcs, one_line_error, read_only, tiny_disk

MONTH = "2026-02"            # the fixed department's sales of 2026-01 are the weights
LIC = "4301022000{:02d}".format


def quantities(parts) -> dict[str, int]:
    return {k: p.quantity for k, p in parts.items()}


# --- the rule ------------------------------------------------------------------------------
def test_the_worked_example_of_the_domain():
    """DOMAIN.md: T = 50, sales 120/80/40/10, cap 20, floor 1 → 20/18/9/3."""
    parts = split({"A": 120, "B": 80, "C": 40, "D": 10}, 50, floor=1, cap=20)
    assert quantities(parts) == {"A": 20, "B": 18, "C": 9, "D": 3}
    # A is held at the cap; the other 30 are 3 floors and 27 in proportion to 80/40/10
    assert [p.share for p in parts.values()] == [20, 1 + Fraction(27 * 80, 130), 1 + Fraction(27 * 40, 130),
                                                 1 + Fraction(27 * 10, 130)]
    assert [p.weight for p in parts.values()] == [Fraction(120, 250), Fraction(80, 250), Fraction(40, 250),
                                                  Fraction(10, 250)]


@pytest.mark.parametrize("weights, total, floor, cap, expected", [
    ({"A": 1, "B": 1, "C": 1}, 10, 0, None, {"A": 4, "B": 3, "C": 3}),        # equal: the smaller licence first
    ({"A": 0, "B": 0}, 5, 0, None, {"A": 3, "B": 2}),                          # all zero: equal parts
    ({"A": 2, "B": 1, "C": 1}, 5, 0, None, {"A": 3, "B": 1, "C": 1}),          # 2.5/1.25/1.25: A's .5 wins
    ({"A": 1, "B": 2}, 3, 1, None, {"A": 1, "B": 2}),                          # 1.33/1.67: B's remainder
    ({"A": 10, "B": 0, "C": 0}, 9, 1, 3, {"A": 3, "B": 3, "C": 3}),            # zero weights fill after the cap
    ({"A": 10, "B": 0, "C": 0}, 7, 1, 3, {"A": 3, "B": 2, "C": 2}),            # ... in equal parts
    ({"A": 5, "B": 5}, 2, 1, 1, {"A": 1, "B": 1}),                             # floor = cap
    ({"A": 3}, 0, 0, None, {"A": 0}),                                          # nothing to share
    ({"A": 1.5, "B": 0.5}, 4, 0, None, {"A": 3, "B": 1}),                      # decimal weights, exactly
    ({"B": 1, "A": 1}, 1, 0, None, {"A": 1, "B": 0}),                          # a tie: the smaller licence
    ({"A": 1, "B": 3}, 1, 0, None, {"A": 0, "B": 1}),
    ({"A": 6, "B": 4}, 5, 0, None, {"A": 3, "B": 2}),
    ({"A": 1, "B": 1, "C": 2}, 2, 0, None, {"A": 1, "B": 0, "C": 1}),          # .5/.5/1: the tie to A
    ({"A": 1, "B": 1, "C": 2}, 3, 0, None, {"A": 1, "B": 1, "C": 1}),          # .75/.75/1.5: .75 before .5
    ({"A": 1, "B": 2, "C": 1}, 2, 0, None, {"A": 1, "B": 1, "C": 0}),          # .5/1/.5: tie by licence, A
])
def test_split_table(weights, total, floor, cap, expected):
    assert quantities(split(weights, total, floor, cap)) == expected


def test_a_tie_on_remainder_goes_to_the_higher_weight_before_the_licence():
    # shares 1.5 (weight 3, capped at... no cap) — built so two remainders tie, weights differ
    parts = split({"A": 1, "B": 3}, 3, floor=1, cap=None)     # 1 + 1/4 = 1.25, 1 + 3/4 = 1.75
    assert quantities(parts) == {"A": 1, "B": 2}
    parts = split({"A": 1, "B": 1, "C": 2}, 5, floor=1, cap=2)   # C capped at 2, A and B 1.5 each: tie → A
    assert quantities(parts) == {"A": 2, "B": 1, "C": 2}
    parts = split({"A": 1, "B": 2, "C": 5}, 5, floor=1, cap=2)   # C at 2; A 1 + 1/3, B 1 + 2/3 → B
    assert quantities(parts) == {"A": 1, "B": 2, "C": 2}


@pytest.mark.parametrize("stores, total, floor, cap, says", [
    (4, 50, 1, 20, None),
    (4, 4, 1, None, None),                      # exactly the floors
    (4, 80, 1, 20, None),                       # exactly the caps
    (4, 3, 1, None, "不够保底：4 个卖场 × 保底 1 条 = 4 条"),
    (4, 81, 1, 20, "超过上限：4 个卖场 × 上限 20 条 = 80 条"),
    (4, 10, 3, 2, "上限 2 条小于保底 3 条"),
    (0, 10, 0, None, "没有参与分配的卖场"),
    (4, -1, 0, None, "不能是负数"),
])
def test_feasibility(stores, total, floor, cap, says):
    why = feasibility(stores, total, floor, cap)
    assert (why is None) if says is None else (says in why)


def test_an_impossible_split_raises():
    with pytest.raises(ValueError, match="不够保底"):
        split({"A": 1, "B": 1}, 1, floor=1)


@st.composite
def cases(draw):
    n = draw(st.integers(1, 12))
    weights = draw(st.lists(st.integers(0, 300) | st.sampled_from([0, 0.5, 2.25]), min_size=n, max_size=n))
    floor = draw(st.integers(0, 3))
    cap = draw(st.none() | st.integers(max(floor, 1), 40))
    high = cap * n if cap is not None else floor * n + 200
    total = draw(st.integers(floor * n, high))
    return {f"4301{k:08d}": w for k, w in enumerate(weights)}, total, floor, cap


@settings(max_examples=300, deadline=None)
@given(cases())
def test_split_invariants(case):
    """The total exactly; floor ≤ q ≤ cap; every quantity within one of its exact share; a
    larger weight never gets less (the caps allowing); the order of the rows changes
    nothing; the same input gives the same result."""
    weights, total, floor, cap = case
    parts = split(weights, total, floor, cap)
    q = quantities(parts)
    assert sum(q.values()) == total
    assert sum(p.share for p in parts.values()) == total
    assert all(floor <= x and (cap is None or x <= cap) for x in q.values())
    assert all(abs(p.quantity - p.share) < 1 for p in parts.values())
    for a in weights:
        for b in weights:
            if weights[a] > weights[b]:
                assert q[a] >= q[b], (a, b)
    keys = list(weights)
    random.Random(total).shuffle(keys)
    assert quantities(split({k: weights[k] for k in keys}, total, floor, cap)) == q
    assert split(weights, total, floor, cap) == parts


# --- the command on the fixed department -----------------------------------------------------
def test_allocation_of_the_fixed_department(monthly_files, tmp_path):
    before = digest(monthly_files)
    r = allocate(monthly_files, "甲(硬)", 40, MONTH, cap=10, out=tmp_path / "分配.xlsx", today=MONTHLY_TODAY)
    assert digest(monthly_files) == before                      # inputs untouched
    # store 11 is 暂停 (its HQ JT0004 too): 9 stores; weights = their 2026-01 sales of 甲(硬)
    got = [(s.licence[-2:], s.customer, s.basis_volume, s.quantity) for s in r.stores]
    assert got == [("01", "JT0001", 15, 10), ("02", "JT0001", 2, 2), ("05", "JT0001", 6, 6), ("06", "JT0001", 4, 4),
                   ("07", "JT0001", 3, 3), ("08", "JT0001", 0, 1), ("09", "JT0001", 0, 1),
                   ("03", "JT0002", 9, 8), ("04", "JT0003", 5, 5)]
    assert r.stores[0].share == 10 and r.stores[1].share == Fraction(73, 29)     # 1 + 30 · 2/29 once 01 is capped
    assert (r.basis_used, r.capped, r.exit_code, r.excluded, r.warnings) == ("sales", 1, 0, [], [])
    assert [s.licence for s in r.not_eligible] == [LIC(11)]
    assert (r.wholesale_price, r.retail_guide, r.rule.version) == (100.0, 120.0, "GX-2026.1")
    assert [(g["key"], g["stores"], g["quantity"]) for g in r.summary("manager")] == [("刘洋", 7, 27), ("陈静", 2, 13)]


def test_the_json_is_exactly_the_contract(monthly_files):
    r = allocate(monthly_files, "甲(硬)", 40, MONTH, today=MONTHLY_TODAY)
    data = r.as_dict()
    assert list(data) == ["sku", "month", "total", "allocations"]
    assert all(list(a) == ["licence", "customer", "weight", "share", "quantity"] for a in data["allocations"])
    first = data["allocations"][0]
    assert first == {"licence": LIC(1), "customer": "JT0001", "weight": 0.340909, "share": 11.5682, "quantity": 12}
    assert sum(a["quantity"] for a in data["allocations"]) == 40


def test_without_sales_of_the_sku_last_month_the_monthly_volume_is_the_basis(monthly_files):
    # 新(中支) sold nothing in 2025-12: the stores' 月销量 (10 each) share 2026-01's supply
    r = allocate(monthly_files, "新(中支)", 20, "2026-01", today=MONTHLY_TODAY)
    assert r.basis_used == "monthly_volume" and r.rule.basis == "sales"
    assert any("都没有「新(中支)」的销量，改按卖场明细表的月销量分配" in n for n in r.notes)
    assert [s.quantity for s in r.stores] == [3, 3, 2, 2, 2, 2, 2, 2, 2]      # 20 / 9: two more, by licence
    assert any("月销量，合计 90 条" in line for line in explanation(r))


def test_sales_of_another_month_are_said_to_be_so(monthly_files):
    r = allocate(monthly_files, "甲(硬)", 20, "2025-06", today=MONTHLY_TODAY)
    assert r.basis_used == "monthly_volume"
    assert "上月（2025-05）销售数据里没有这个月的数据（给出的是 2025-01、2025-12、2026-01），改按卖场明细表的月销量分配" in r.notes


def test_progress_is_told_while_files_are_read_and_rows_written(monthly_files, tmp_path):
    calls = []
    allocate(monthly_files, "甲(硬)", 40, MONTH, out=tmp_path / "a.xlsx", today=MONTHLY_TODAY,
             progress=lambda done, total, name: calls.append((done, total)))
    assert calls[-1] == (9, 9) and (len(monthly_files), len(monthly_files)) in calls


def test_monthly_volume_on_request_and_the_scarce_warning(monthly_files):
    r = allocate(monthly_files, "乙(软)", 18, MONTH, basis="monthly_volume", today=MONTHLY_TODAY)
    assert r.basis_used == "monthly_volume" and [s.quantity for s in r.stores] == [2] * 9
    assert r.warnings == ["卷烟规格里「乙(软)」没有标为紧俏（是否紧俏 = 是），请确认它确实需要分配"]


def test_a_sku_written_with_full_width_brackets_is_the_catalogue_s(monthly_files):
    r = allocate(monthly_files, "甲（硬）", 40, MONTH, today=MONTHLY_TODAY)
    assert r.sku == "甲(硬)" and "卷烟规格按目录写作「甲(硬)」" in r.notes


@pytest.mark.parametrize("kwargs, says", [
    ({"sku": "甲硬"}, "卷烟规格里没有「甲硬」，是不是「甲(硬)」？"),
    ({"sku": "丙"}, "卷烟规格里没有「丙」（标为紧俏的有：甲(硬)）"),
    ({"total": 8}, "无法分配「甲(硬)」8 条：分配总量 8 条不够保底：9 个卖场 × 保底 1 条 = 9 条"),
    ({"total": 91, "cap": 10}, "超过上限：9 个卖场 × 上限 10 条 = 90 条，总量必须全部分出去"),
    ({"floor": 5, "cap": 4}, "上限 4 条小于保底 5 条"),
    ({"month": "2026-2"}, "月份「2026-2」请写成 YYYY-MM"),
    ({"basis": "visits"}, "分配依据「visits」不对"),
])
def test_refusals_are_one_line(monthly_files, kwargs, says):
    args = {"sku": "甲(硬)", "total": 40, "month": MONTH, **kwargs}
    with pytest.raises(ConfigError) as e:
        allocate(monthly_files, args.pop("sku"), args.pop("total"), args.pop("month"), today=MONTHLY_TODAY, **args)
    assert says in str(e.value) and "\n" not in str(e.value)


def test_refused_without_the_files_it_needs(monthly_files):
    stores_only = [p for p in monthly_files if Path(p).name in ("卖场明细表.xlsx", "卷烟规格.xlsx")]
    with pytest.raises(ConfigError, match="分配紧俏货源需要销售数据.*--basis monthly_volume"):
        allocate(stores_only, "甲(硬)", 40, MONTH)
    assert allocate(stores_only, "甲(硬)", 18, MONTH, basis="monthly_volume").exit_code == 0


def _small(write, stores, hqs=None):
    """A store list (and HQ file) beside the catalogue, with no sales: 月销量 decides."""
    files = [write("stores", stores), write("catalogue", CATALOGUE)]
    if hqs is not None:
        files.append(write("hq", hqs))
    return files


def _store(k, status="正常", customer="JT0001", volume=10, **more):
    return {"licence": LIC(k), "customer": customer, "name": f"店{k}", "category": "便利店",
            "address": f"长沙市芙蓉区八一路{k}号", "area": "芙蓉片区", "contact": "陈", "phone": "13807315678",
            "monthly_volume": volume, "cm": "刘洋", "status": status, **more}


def test_only_stores_and_hqs_that_are_active_take_part(write):
    hqs = [dict(HQ, code="JT0001", name="甲连锁", cm="刘洋"), dict(HQ, code="JT0002", name="乙连锁", cm="刘洋", status="暂停")]
    files = _small(write, [_store(1), _store(2, "暂停"), _store(3, customer="JT0002"), _store(4, "退出"), _store(5)], hqs)
    r = allocate(files, "甲(硬)", 10, MONTH, basis="monthly_volume")
    assert [(s.licence, s.customer_name, s.quantity) for s in r.stores] == [(LIC(1), "甲连锁", 5), (LIC(5), "甲连锁", 5)]
    assert [(s.licence, s.why) for s in r.not_eligible] == [
        (LIC(2), "卖场状态为暂停"), (LIC(4), "卖场状态为退出"), (LIC(3), "所属总部状态为暂停")]


def test_no_eligible_store_is_refused(write):
    files = _small(write, [_store(1, "暂停"), _store(2, "退出")])
    with pytest.raises(ConfigError, match="没有参与分配的卖场"):
        allocate(files, "甲(硬)", 10, MONTH, basis="monthly_volume")


def test_rows_with_errors_are_left_out_and_listed(write, tmp_path):
    files = _small(write, [_store(1), _store(2, status="正长"), _store(3, volume="很多"), _store(4)])
    r = allocate(files, "甲(硬)", 10, MONTH, basis="monthly_volume", out=tmp_path / "a.xlsx")
    assert [s.licence for s in r.stores] == [LIC(1), LIC(4)]
    assert sorted(x.row for x in r.excluded) == [3, 4] and all(x.reasons for x in r.excluded)
    assert r.exit_code == 1
    left = openpyxl.load_workbook(tmp_path / "a.xlsx")["未计入的行"]
    assert [c.value for c in left["C"]][1:] == [3, 4]


def test_a_bad_monthly_volume_only_matters_when_it_is_the_weight(write, tmp_path):
    sales = write("sales", [{"month": "2026-01", "customer": "JT0001", "licence": LIC(1), "sku": "甲(硬)",
                             "volume": 5, "amount": 500}])
    files = _small(write, [_store(1), _store(2, volume="很多")]) + [sales]
    r = allocate(files, "甲(硬)", 10, MONTH)
    assert [(s.licence, s.quantity) for s in r.stores] == [(LIC(1), 9), (LIC(2), 1)] and r.excluded == []


# --- the workbook ----------------------------------------------------------------------------
def test_the_workbook_reads_back_with_zero_issues(monthly_files, tmp_path):
    """The contract with gcs notices: validation recognises 分配明细 and 分配参数 and finds nothing."""
    out = tmp_path / "紧俏货源分配.xlsx"
    r = allocate(monthly_files, "甲(硬)", 40, MONTH, cap=10, out=out, today=MONTHLY_TODAY)
    v = validate([out], today=MONTHLY_TODAY)
    assert v.report.problems == []
    (detail,) = v.tables_of("allocation")
    (params,) = v.tables_of("allocation_params")
    rows = list(detail.records())
    assert [(x["licence"], x["quantity"]) for x in rows] == [(s.licence, s.quantity) for s in r.stores]
    assert rows[0] | {"row": 0} == {
        "month": MONTH, "sku": "甲(硬)", "licence": LIC(1), "name": "店1", "customer": "JT0001",
        "customer_name": "甲连锁有限公司", "manager": "刘洋", "basis": "上月销量", "basis_volume": 15,
        "weight": pytest.approx(15 / 44), "share": 10, "quantity": 10, "wholesale_price": 100,
        "retail_guide": 120, "rule_version": "GX-2026.1", "row": 0}
    assert list(params.records())[0] | {"row": 0} == {
        "month": MONTH, "sku": "甲(硬)", "total": 40, "floor": 1, "cap": 10, "basis": "上月销量", "stores": 9,
        "rule_version": "GX-2026.1", "row": 0}
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["分配说明", "分配明细", "分配参数", "按客户汇总", "按客户经理汇总", "不参与的卖场"]
    assert list(wb["不参与的卖场"].values)[1] == (LIC(11), "店11", "JT0004", "丁商贸有限公司", "陈静", "卖场状态为暂停")
    ws = wb["分配明细"]
    assert ws["C2"].number_format == "@" and ws["C2"].data_type == "s"       # licence numbers as text
    assert ws.page_setup.paperSize == 9 and ws.print_title_rows == "$1:$1"


def test_the_same_allocation_gives_the_same_bytes(monthly_files, tmp_path):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    allocate(monthly_files, "甲(硬)", 40, MONTH, cap=10, out=a, today=MONTHLY_TODAY)
    allocate(list(reversed(monthly_files)), "甲(硬)", 40, MONTH, cap=10, out=b, today=MONTHLY_TODAY)
    c = tmp_path / "c.xlsx"
    allocate(monthly_files, "甲(硬)", 40, MONTH, cap=10, out=c, today=MONTHLY_TODAY)
    assert a.read_bytes() == c.read_bytes()
    assert list(openpyxl.load_workbook(b)["分配明细"].values) == list(openpyxl.load_workbook(a)["分配明细"].values)


def test_the_rule_in_words_uses_the_numbers(monthly_files):
    r = allocate(monthly_files, "甲(硬)", 40, MONTH, cap=10, today=MONTHLY_TODAY)
    text = "\n".join(explanation(r))
    for phrase in ("分配总量 40 条", "参与分配的卖场：9 个", "另有 1 个卖场或其总部状态不是正常，不参与，见“不参与的卖场”",
                   "上月（2026-01）该规格在各卖场的销量，合计 44 条",
                   "每个卖场先分 1 条，共 9 条", "其余 31 条按权重", "最多 10 条", "这次有 1 个卖场按上限分配",
                   "合计 37 条；余下 3 条", "9 个卖场共分配 40 条，每个卖场 1–10 条", "版本 GX-2026.1"):
        assert phrase in text, phrase


def test_outputs_are_refused_where_they_cannot_be_written(monthly_files, tmp_path):
    with pytest.raises(WriteError, match="它是输入文件"):
        allocate(monthly_files, "甲(硬)", 40, MONTH, out=monthly_files[1])
    locked = tmp_path / "a.xlsx"
    locked.write_bytes(b"old")
    (tmp_path / "~$a.xlsx").write_bytes(b"")
    with pytest.raises(WriteError, match="正在被 Excel 或 WPS 打开"):
        allocate(monthly_files, "甲(硬)", 40, MONTH, out=locked)
    assert locked.read_bytes() == b"old"


def test_a_read_only_folder_is_one_line_and_leaves_nothing(monthly_files, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    with read_only(folder):
        r = gcs("allocate", "--sku", "甲(硬)", "--total", 40, "--month", MONTH, "--out", folder / "a.xlsx",
                *monthly_files)
    assert r.returncode == 2 and one_line_error(r.stdout + r.stderr), r.stdout + r.stderr
    assert "无法写入" in r.stderr and list(folder.iterdir()) == []


def test_a_full_disk_is_one_line_and_keeps_the_old_file(monthly_files, tmp_path):
    with tiny_disk(tmp_path / "disk", "8k") as disk:
        old = disk / "a.xlsx"
        old.write_bytes(b"the previous version")
        r = gcs("allocate", "--sku", "甲(硬)", "--total", 40, "--month", MONTH, "--out", old, *monthly_files)
        left = sorted(p.name for p in disk.iterdir())
        kept = old.read_bytes()
    assert r.returncode == 2 and one_line_error(r.stdout + r.stderr), r.stdout + r.stderr
    assert "磁盘空间不够" in r.stderr and "没有改动" in r.stderr
    assert left == ["a.xlsx"] and kept == b"the previous version"


def test_rule_file_overrides(tmp_path):
    f = tmp_path / "规则.toml"
    f.write_text('floor = 2\ncap = 30\n', "utf-8")
    assert (load_rule(f).floor, load_rule(f).cap, load_rule(f, cap=5).cap) == (2, 30, 5)
    assert load_rule().cap is None
    f.write_text('flor = 2\n', "utf-8")
    with pytest.raises(ConfigError, match="「flor」不是已知的"):
        load_rule(f)


@pytest.mark.libreoffice
def test_the_workbook_prints_readable_on_a4(soffice, department, clean_files, tmp_path):
    """As its reader sees it: every sheet one page wide at 70 % or more, licence numbers whole."""
    from .printcheck import LibreOffice, print_sheets

    out = allocate(clean_files, "中华(硬)", 600, "2026-11", cap=12, out=tmp_path / "紧俏货源分配.xlsx").output
    (tmp_path / "lo").mkdir()
    printed = {p.sheet: p for p in print_sheets(LibreOffice(soffice, tmp_path / "lo"), [out], tmp_path / "printed")}
    for p in printed.values():
        print(p)
        assert p.one_page_wide and (p.scale is None or p.scale >= 70), str(p)
    assert not printed["分配说明"].landscape and printed["分配说明"].pages == 1
    text = subprocess.run(["pdftotext", "-layout", printed["分配明细"].pdf, "-"], capture_output=True, text=True).stdout
    active = [s for s in department["stores"] if s["status"] == "正常"]
    assert sum(s["licence"] in text for s in active) >= len(active) - 12 and "E+" not in text   # HQ-paused ones out


# --- the command line -------------------------------------------------------------------------
def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_cli_json_and_exit_codes(monthly_files, tmp_path):
    r = run("allocate", "--sku", "甲(硬)", "--total", 40, "--month", MONTH, "--cap", 10, "--out", tmp_path / "a.xlsx",
            "--json", *monthly_files)
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert [a["quantity"] for a in data["allocations"]] == [10, 2, 6, 4, 3, 1, 1, 8, 5]
    r = run("allocate", "--sku", "甲(硬)", "--total", 40, "--month", MONTH, "--out", tmp_path / "b.xlsx", *monthly_files)
    assert r.exit_code == 0 and "9 个卖场共 40 条" in r.output and "已写出" in r.output
    r = run("allocate", "--sku", "甲(硬)", "--total", 5, "--month", MONTH, "--out", tmp_path / "c.xlsx", *monthly_files)
    assert r.exit_code == 2 and r.output.count("\n") == 1 and r.output.startswith("错误：无法分配")
    assert not (tmp_path / "c.xlsx").exists()


def test_cli_help_has_an_example():
    r = run("allocate", "--help")
    assert r.exit_code == 0 and "示例：gcs allocate" in r.output


def test_the_allocation_is_in_the_public_api():
    import gcs_excel

    assert gcs_excel.allocate is allocate
