"""gcs symposium: the half's numbers against an independent pandas computation over
generated sales, the forms written then filled in code (two shapes, hand-typed scores)
and tallied exactly, every printed page on A4 through LibreOffice, faults as one line."""

from __future__ import annotations

import random
import shutil
import statistics
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gcs_excel.cli import cli
from gcs_excel.demo import write_sales_csv
from gcs_excel.errors import ConfigError
from gcs_excel.symposium_pack import Half, load_settings, parse_half, symposium
from gcs_excel.symposium_tally import read_score, tally_symposium
from gcs_excel.templates import write_workbook

from .conftest import HQ
from .faults import gcs, one_line_error, read_only, tiny_disk
from .printcheck import LibreOffice, print_sheets

# price classes by SKU: 甲 and 新 一类 (新 is 新品 from 2026-02), 乙 二类, 丙 四类 (stops after 2025-09),
# 丁 一类 and 紧俏
CATALOGUE = [("甲(硬)", "一类", 100.0, "否", "否"), ("乙(软)", "二类", 80.0, "否", "否"),
             ("丙(软)", "四类", 20.0, "否", "否"), ("丁(硬)", "一类", 300.0, "是", "否"),
             ("新(中支)", "一类", 200.0, "否", "是")]
MONTHS = [f"{y}-{m:02d}" for y in (2024, 2025, 2026) for m in range(1, 13)]
MONTHS = [m for m in MONTHS if "2024-07" <= m <= "2026-04"]      # 2026-H1 has 4 months of data
STORES = {"430102200101": "JT0001", "430102200102": "JT0001", "430102200103": "JT0002", "430102200104": "JT0003"}


def generated_sales(seed: int = 12) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for month in MONTHS:
        for licence, customer in STORES.items():
            for sku, _, price, _, _ in CATALOGUE:
                if sku == "丙(软)" and month > "2025-09" or sku == "新(中支)" and month < "2026-02":
                    continue
                if sku == "乙(软)" and customer == "JT0002":
                    continue                    # JT0002 never sells 乙
                volume = rng.randint(0, 40)
                rows.append({"month": month, "customer": customer, "licence": licence, "sku": sku,
                             "volume": volume, "amount": round(volume * price * rng.uniform(0.98, 1.02), 2)})
    return rows


@pytest.fixture(scope="module")
def dept(specs, tmp_path_factory):
    d = tmp_path_factory.mktemp("symposium")
    tpl = specs.template
    hq = [dict(HQ, code=code, name=name, cm=cm, buyer_email=f"b{k}@example.cn", status=status)
          for k, (code, name, cm, status) in enumerate((
              ("JT0001", "甲连锁有限公司", "刘洋", "正常"), ("JT0002", "乙超市有限公司", "陈静", "正常"),
              ("JT0003", "丙便利有限公司", "陈静", "暂停"), ("JT0004", "丁商贸有限公司", "陈静", "暂停")))]
    stores = [{"licence": lic, "customer": c, "name": f"店{lic[-1]}", "category": "便利店", "address": "长沙市芙蓉区八一路1号",
               "area": "芙蓉片区", "contact": "陈", "phone": "13807315678", "monthly_volume": 10,
               "cm": "刘洋" if c == "JT0001" else "陈静", "status": "正常"} for lic, c in STORES.items()]
    staff = [{"staff_no": "01", "name": "王建国", "role": "市场经理"}, {"staff_no": "02", "name": "刘洋", "role": "客户经理"},
             {"staff_no": "03", "name": "陈静", "role": "客户经理"}]
    catalogue = [{"sku": s, "brand": s[0], "price_class": pc, "wholesale_price": p, "retail_guide": p * 1.2,
                  "scarce": sc, "new": new} for s, pc, p, sc, new in CATALOGUE]
    # JT0001 has targets for three of the half's four months: attainment over those three
    targets = [{"month": m, "customer": "JT0001", "target_volume": 300} for m in ("2026-01", "2026-02", "2026-03")]
    sales = generated_sales()
    return sales, [write_sales_csv(sales, d / "销售数据.csv"),
                   write_workbook(tpl("catalogue"), d / "卷烟规格.xlsx", data={"catalogue": catalogue}),
                   write_workbook(tpl("hq"), d / "总部档案.xlsx", data={"hq": hq}),
                   write_workbook(tpl("stores"), d / "卖场明细表.xlsx", data={"stores": stores}),
                   write_workbook(tpl("staff"), d / "人员名单.xlsx", data={"staff": staff}),
                   write_workbook(tpl("targets"), d / "销售目标.xlsx", data={"targets": targets})]


@pytest.fixture(scope="module")
def pack(dept, tmp_path_factory):
    out = tmp_path_factory.mktemp("pack")
    return symposium(dept[1], "2026-H1", out)


@pytest.mark.parametrize("text, half", [("2026-H1", Half(2026, 1)), ("2025-h2", Half(2025, 2)), (" 2027-H1 ", Half(2027, 1))])
def test_a_half_is_read(text, half):
    assert parse_half(text) == half


@pytest.mark.parametrize("text", ["2026-H3", "2026H1", "2026-1", "26-H1", "1999-H1", ""])
def test_a_malformed_half_is_refused_in_one_line(text):
    with pytest.raises(ConfigError, match="YYYY-H1"):
        parse_half(text)


def test_halves_around_them():
    assert Half(2026, 1).previous == Half(2025, 2) and Half(2026, 2).previous == Half(2026, 1)
    assert Half(2026, 2).last_year == Half(2025, 2) and Half(2026, 2).months[0] == "2026-07"


def test_the_incomplete_half_is_compared_like_for_like(pack):
    assert pack.months == ["2026-01", "2026-02", "2026-03", "2026-04"] and not pack.complete
    assert pack.previous_months == ["2025-07", "2025-08", "2025-09", "2025-10"]
    assert pack.last_year_months == ["2025-01", "2025-02", "2025-03", "2025-04"]
    assert any("只有 4 个月" in n for n in pack.notes)


def test_who_gets_a_page_and_who_is_invited(pack):
    # JT0003 is paused but sold in the half: a page, no invitation; JT0004 paused and silent: neither
    assert [c.code for c in pack.customers] == ["JT0001", "JT0002", "JT0003"]
    assert [i.code for i in pack.invitees] == ["JT0001", "JT0002"]
    assert pack.invitees[0].legal_rep == HQ["legal_rep"] and pack.invitees[0].order_phone == HQ["order_phone"]
    assert pack.exit_code == 0 and pack.excluded == []
    from gcs_excel.render import render_symposium          # the terminal says why 3 pages but 2 invitations
    assert render_symposium(pack).splitlines()[0] == ("2026年上半年集团客户座谈会：3 个客户的小结，邀请 2 家总部"
                                                      "（JT0003 状态不是正常，有小结、不邀请、不发调查表）")


def test_every_number_against_pandas(dept, pack):
    sales = pd.DataFrame(dept[0])
    cls = {s: pc for s, pc, *_ in CATALOGUE}
    sales["class"] = sales["sku"].map(cls)

    def of(code, months):
        return sales[(sales.customer == code) & sales.month.isin(months)]

    for c in pack.customers:
        this, prev, ly = of(c.code, pack.months), of(c.code, pack.previous_months), of(c.code, pack.last_year_months)
        assert c.volume.this == this.volume.sum() and c.volume.previous == prev.volume.sum()
        assert c.volume.last_year == ly.volume.sum()
        assert c.amount.this == pytest.approx(this.amount.sum()) and c.amount.last_year == pytest.approx(ly.amount.sum())
        assert c.volume.vs_previous == pytest.approx(this.volume.sum() / prev.volume.sum() - 1)
        shares = this.groupby("class").volume.sum() / this.volume.sum()
        ly_shares = ly.groupby("class").volume.sum() / ly.volume.sum()
        for s in c.classes:
            assert s.share == pytest.approx(shares.get(s.price_class, 0.0))
            assert s.share_last_year == pytest.approx(ly_shares.get(s.price_class, 0.0))
            assert s.volume == this[this["class"] == s.price_class].volume.sum()
        whole_prev = of(c.code, [f"2025-{m:02d}" for m in range(7, 13)])
        sold_now = set(this[this.volume > 0].sku)
        sold_before = set(whole_prev[whole_prev.volume > 0].sku)
        assert set(c.new_supplied) == sold_now - sold_before
        assert set(c.stopped) == sold_before - sold_now
        assert [(s.sku, s.volume, s.previous) for s in c.scarce] == [
            ("丁(硬)", this[this.sku == "丁(硬)"].volume.sum(), prev[prev.sku == "丁(硬)"].volume.sum())]
        assert [s.sku for s in c.new_products] == (["新(中支)"] if "新(中支)" in sold_now else [])
    jt1 = pack.customers[0]
    assert "丙(软)" in jt1.stopped and "新(中支)" in jt1.new_supplied     # as generated
    three = of("JT0001", ["2026-01", "2026-02", "2026-03"]).volume.sum()
    assert jt1.target == 900 and jt1.attainment == pytest.approx(three / 900)
    assert pack.customers[1].target is None                                  # no target: said so, no rate


def test_a_half_before_the_data_is_refused(dept, tmp_path):
    with pytest.raises(ConfigError, match="没有 2027年上半年"):
        symposium(dept[1], "2027-H1")


def test_the_pack_on_disk(pack):
    book = openpyxl.load_workbook(pack.files[0])
    assert book.sheetnames == ["邀请名单", "JT0001", "JT0002", "JT0003"]
    assert len(book["JT0001"]._charts) == 1
    forms = pack.files[1:]
    assert [p.name for p in forms] == ["满意度调查表_JT0001_甲连锁有限公司.xlsx", "满意度调查表_JT0002_乙超市有限公司.xlsx"]
    ws = openpyxl.load_workbook(forms[0]).active
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert len(lists) == len(load_settings().scored) and lists[0].formula1 == '"1,2,3,4,5"'
    # printed and filled by hand at the symposium: the scale stands above the questions, and the
    # instruction does not send a pen to a drop-down list
    texts = [(c.row, c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    scale = next(r for r, v in texts if v.startswith("评分：5 很满意"))
    assert scale < next(r for r, v in texts if v == "序号")
    assert not any("下拉" in v for _, v in texts)


# --- the tally -----------------------------------------------------------------------------
@pytest.mark.parametrize("typed, score", [(4, 4), (4.0, 4), ("4", 4), ("４", 4), ("4分", 4), (" 5 分", 5), ("4.0", 4),
                                          (None, None), ("", None), ("  ", None),
                                          (4.5, ""), (6, ""), (0, ""), ("很满意", ""), (True, ""), ("4-5", "")])
def test_what_counts_as_a_score(typed, score):
    q = load_settings().scored[0]
    assert read_score(typed, q) == score


def fill_form(path: Path, dst: Path, scores: list, comment: str | None = None, code: str | None = "keep") -> Path:
    """A form filled as a customer would: each score in the cell right of its question."""
    settings = load_settings()
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    where = {ws.cell(r, c).value: (r, c) for r in range(1, ws.max_row + 1) for c in range(1, 4) if ws.cell(r, c).value}
    for q, s in zip(settings.scored, scores):
        r, c = where[q.text]
        ws.cell(r, c + 1).value = s
    if comment is not None:
        r, _ = where[next(q.text for q in settings.questions if q.open)]
        ws.cell(r + 1, 1).value = comment
    if code != "keep":
        r, c = where["客户编码"]
        ws.cell(r, c + 1).value = code
    wb.save(dst)
    return dst


def test_forms_tallied_exactly(pack, tmp_path):
    a, b = pack.files[1:]
    one = fill_form(a, tmp_path / "a.xlsx", [5, "4分", "４", 3.0, 4], "希望多供应新品")
    two = fill_form(b, tmp_path / "b.xlsx", [3, 2, None, "很好", 5])
    # the row-per-form shape, headed by the labels, from a clerk who typed them in
    sheet = tmp_path / "收回.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    labels = [q.label for q in load_settings().questions]
    labels[0] = load_settings().questions[0].text          # a question by its full text, not its label
    ws.append(["客户 编码", "客户名称 ", "客户经理", *labels])    # headers as typed: a space inside, one after
    ws.append(["JT0003", "丙便利有限公司", "陈静", 4, 4, 5, 5, "5", "送货再早一点"])
    ws.append(["JT0001", "甲连锁有限公司", "刘洋", 1, 1, 1, 1, 1, None])      # JT0001 again: named, not counted
    ws.append([None, None, "陈静", 3, 3, 3, 3, 3, None])                       # no code: named, not counted
    wb.save(sheet)
    t = tally_symposium([one, two, sheet], tmp_path / "汇总.xlsx")
    assert [f.customer for f in t.forms] == ["JT0001", "JT0002", "JT0003"]
    q = {k: t.by_question[k] for k in ("service", "fairness", "delivery", "information", "overall")}
    assert (q["service"].count, q["service"].mean, q["service"].distribution) == (3, 4.0, {1: 0, 2: 0, 3: 1, 4: 1, 5: 1})
    assert (q["delivery"].count, q["delivery"].mean, q["delivery"].blank) == (2, 4.5, 1)
    assert (q["information"].count, q["information"].invalid, q["information"].mean) == (2, 1, 4.0)
    assert q["overall"].mean == pytest.approx(14 / 3)
    assert t.by_manager["陈静"]["service"].mean == 3.5 and t.by_manager["刘洋"]["service"].count == 1
    assert t.comments == [("JT0001", "甲连锁有限公司", "刘洋", "希望多供应新品"),
                          ("JT0003", "丙便利有限公司", "陈静", "送货再早一点")]
    found = [(p.file, p.cell, p.code) for p in t.problems]
    assert found == [("b.xlsx", "C13", "survey_score_blank"), ("b.xlsx", "C14", "survey_score_invalid"),
                     ("收回.xlsx", "A3", "survey_duplicate"), ("收回.xlsx", "A4", "survey_customer_missing")]
    assert t.exit_code == 1
    assert openpyxl.load_workbook(t.output).sheetnames == ["按问题", "按客户经理", "意见和建议", "逐份评分", "汇总问题"]


def test_a_file_without_a_form_is_named(pack, tmp_path):
    one = fill_form(pack.files[1], tmp_path / "a.xlsx", [5, 5, 5, 5, 5])
    t = tally_symposium([one, pack.files[0]])
    assert [(p.file, p.code) for p in t.problems] == [(pack.files[0].name, "survey_not_found")]
    with pytest.raises(ConfigError, match="没有找到满意度调查表"):
        tally_symposium([pack.files[0]])


def test_questions_from_a_department_file(pack, tmp_path):
    config = tmp_path / "座谈会.toml"
    config.write_text('[[questions]]\nid = "s"\nlabel = "服务"\ntext = "服务怎么样"\nmax = 10\n', "utf-8")
    assert [(q.id, q.max) for q in load_settings(config).questions] == [("s", 10)]
    config.write_text('[[questions]]\nid = "s"\nlabel = "服务"\ntext = "服务"\nopen = true\n', "utf-8")
    with pytest.raises(ConfigError, match="至少要有一个打分的问题"):
        load_settings(config)


# --- the command line, faults and paper ----------------------------------------------------
def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_cli_one_line_for_a_bad_half_and_a_read_only_folder(dept, tmp_path):
    r = run("symposium", "--half", "2026-H3", "--out", tmp_path, *dept[1])
    assert r.exit_code == 2 and one_line_error(r.output), r.output
    out = tmp_path / "ro"
    out.mkdir()
    with read_only(out):
        r = run("symposium", "--half", "2026-H1", "--out", out, *dept[1])
    assert r.exit_code == 2 and one_line_error(r.output), r.output
    assert list(out.iterdir()) == []


def test_cli_json(dept, tmp_path):
    import json
    r = run("symposium", "--half", "2026-H1", "--out", tmp_path, "--json", *dept[1])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["months"] == ["2026-01", "2026-02", "2026-03", "2026-04"] and len(data["customers"]) == 3


def crowded_pack(out: Path) -> Path:
    """A customer with the longest name and lists a page can get: 30 long SKU names in every list."""
    from gcs_excel.symposium_pack import ClassShare, Comparison, CustomerSummary, SkuLine, SymposiumResult
    from gcs_excel.symposium_workbook import write_pack

    names = tuple(f"品规名称很长的规格{k}(硬中支新版)" for k in range(30))
    lines = tuple(SkuLine(n, 100, 90, 80) for n in names)
    classes = tuple(ClassShare(pc, 1000, 1e5, 0.2, 0.2) for pc in ("一类", "二类", "三类", "四类", "五类", "未分类"))
    c = CustomerSummary("JT0009", "中国石油天然气股份有限公司湖南长沙销售分公司便利店事业部", "王建国", "刘洋", True,
                        Comparison(1e6, 9e5, 8e5), Comparison(1e8, 9e7, 8e7), 1.1e6, ("2026-01",), classes,
                        names, names, lines, lines, {"2026-01": 1e6})
    r = SymposiumResult(Half(2026, 1), load_settings(), months=["2026-01"], previous_months=["2025-07"],
                        last_year_months=["2025-01"], customers=[c], has_targets=True)
    write_pack(r, out)
    return r.files[0]


def test_every_page_fits_a4(pack, soffice, tmp_path):
    (tmp_path / "lo").mkdir()
    office = LibreOffice(soffice, tmp_path / "lo")
    crowded = crowded_pack(tmp_path / "crowded")
    a = fill_form(pack.files[1], tmp_path / "a.xlsx", [5, "4分", None, "很好", 4], "希望多供应新品" * 12)
    tally = tally_symposium([a, fill_form(pack.files[2], tmp_path / "b.xlsx", [3, 2, 4, 4, 5])], tmp_path / "汇总.xlsx")
    printed = print_sheets(office, [pack.files[0], pack.files[1], crowded, tally.output], tmp_path / "printed")
    assert len(printed) == 4 + 1 + 2 + 5
    for p in printed:
        assert p.pages == 1 and p.one_page_wide, p
        assert p.scale is None or p.scale >= 70, p
    by = {p.sheet: p for p in printed}
    assert not by["JT0001"].landscape and not by["满意度调查表"].landscape and by["邀请名单"].landscape
    assert by["JT0009"].scale >= 70                     # the crowded page: lists cut at list_skus, still legible
    shutil.rmtree(tmp_path / "lo", ignore_errors=True)


def test_the_demo_forms_generator_gives_the_tally_one_blank(pack, tmp_path):
    from gcs_excel.demo.symposium_forms import filled_forms

    forms = filled_forms(pack, tmp_path / "收回")
    t = tally_symposium(forms)
    assert len(t.forms) == len(pack.invitees) and [p.code for p in t.problems] == ["survey_score_blank"]
    scored = len(t.settings.scored)
    assert sum(s.count for s in t.by_question.values()) == len(forms) * scored - 1
    assert all(openpyxl.load_workbook(p).active["C11"].value is None for p in pack.files[1:])   # originals blank


def test_rows_with_errors_are_left_out_and_listed(dept, tmp_path):
    sales = generated_sales()
    sales.append({"month": "2026-02", "customer": "JT0001", "licence": "430102200101", "sku": "无此规格",
                  "volume": 999, "amount": 1.0})
    files = [write_sales_csv(sales, tmp_path / "销售数据.csv"), *dept[1][1:]]
    r = symposium(files, "2026-H1", tmp_path / "out")
    assert r.exit_code == 1 and [(x.sheet, x.row) for x in r.excluded] == [("销售数据", len(sales) + 1)]
    assert r.customers[0].volume.this == sum(s["volume"] for s in dept[0]
                                             if s["customer"] == "JT0001" and s["month"] in r.months)
    assert openpyxl.load_workbook(r.files[0]).sheetnames[-1] == "未计入的行"


def test_a_department_form_is_written_and_tallied_with_its_own_questions(dept, tmp_path):
    config = tmp_path / "座谈会.toml"
    config.write_text('title = "客户意见表"\n[[questions]]\nid = "s"\nlabel = "服务"\ntext = "服务怎么样"\nmax = 10\n'
                      '[[questions]]\nid = "c"\nlabel = "意见"\ntext = "还有什么意见"\nopen = true\n', "utf-8")
    r = symposium(dept[1], "2026-H1", tmp_path / "out", config=config)
    form = r.files[1]
    wb = openpyxl.load_workbook(form)
    ws = wb.active
    (dv,) = ws.data_validations.dataValidation
    assert dv.formula1 == '"1,2,3,4,5,6,7,8,9,10"' and ws["A1"].value == "客户意见表"
    ws[str(dv.sqref)] = "９分"
    wb.save(tmp_path / "filled.xlsx")
    t = tally_symposium([tmp_path / "filled.xlsx"], config=config)
    assert (t.by_question["s"].count, t.by_question["s"].mean, t.problems) == (1, 9.0, [])
    with pytest.raises(ConfigError, match="没有找到满意度调查表.*默认设置"):     # the default questions are not on it
        tally_symposium([tmp_path / "filled.xlsx"])


def test_cli_tally_exit_codes_and_json(pack, tmp_path):
    import json
    good = fill_form(pack.files[1], tmp_path / "a.xlsx", [5, 5, 4, 4, 5])
    r = run("symposium", "--tally", "--json", good)
    assert r.exit_code == 0 and json.loads(r.output)["questions"][0]["mean"] == 5.0, r.output
    half = fill_form(pack.files[2], tmp_path / "b.xlsx", [5, None, 4, 4, 5])
    r = run("symposium", "--tally", "--out", tmp_path / "汇总.xlsx", good, half)
    assert r.exit_code == 1 and "b.xlsx 满意度调查表!C12" in r.output and (tmp_path / "汇总.xlsx").exists()
    (tmp_path / "坏.xlsx").write_bytes(b"not a workbook")
    r = run("symposium", "--tally", good, tmp_path / "坏.xlsx")
    assert r.exit_code == 2 and "无法读取：坏.xlsx" in r.output
    r = run("symposium", "--tally", "--half", "2026-H1", good)       # not silently ignored
    assert r.exit_code == 2 and "--tally）不用 --half" in r.output


def test_a_comparison_the_data_do_not_reach_is_left_blank(dept):
    r = symposium(dept[1], "2025-H1")                 # the sales start 2024-07: no 2024-H1 to compare with
    assert r.complete and r.last_year_months == [f"2024-{m:02d}" for m in range(1, 7)]
    c = r.customers[0]
    assert c.volume.last_year is None and c.volume.vs_last_year is None and c.volume.previous is not None
    assert all(s.share_last_year is None for s in c.classes)
    assert any("不够比去年同期" in w for w in r.warnings)


@pytest.mark.parametrize("size", ["8k", "24k"])         # the pack cannot be written / the forms run out of room
def test_a_full_disk_is_one_line_and_leaves_no_half_file(dept, tmp_path, size):
    with tiny_disk(tmp_path / "disk", size) as disk:
        r = gcs("symposium", "--half", "2026-H1", "--out", disk, *dept[1])
        left = sorted(p.name for p in disk.rglob("*"))
    assert r.returncode == 2 and "磁盘空间不够" in r.stderr and one_line_error(r.stderr), r.stderr
    assert not any(name.endswith(".tmp") for name in left)


@pytest.mark.parametrize("month, half", [("2026-10", "2026-H1"), ("2026-12", "2026-H2"), ("2026-06", "2026-H1"),
                                         ("2026-05", "2025-H2"), ("2027-01", "2026-H2")])
def test_the_demo_takes_the_last_whole_half(month, half):
    from gcs_excel.demo.symposium_forms import last_complete_half

    assert str(last_complete_half(month)) == half


def test_the_demo_call(dept, tmp_path):
    from gcs_excel.demo.symposium_forms import demo_symposium

    pack, tally = demo_symposium(dept[1], tmp_path, "2026-05")          # the test data end in 2026-04
    assert str(pack.half) == "2025-H2" and pack.complete
    assert tally.output == tmp_path / "座谈会_2025-H2" / "满意度汇总_2025-H2.xlsx" and tally.output.exists()
    assert len(tally.forms) == len(pack.invitees) and tally.exit_code == 1      # the one blank score


@pytest.mark.parametrize("style", ["utf8_csv", "xlsx_text_numbers"])
def test_sales_in_other_styles_give_the_same_pack(dept, pack, tmp_path, style):
    sales = pd.DataFrame(generated_sales()).rename(columns={"month": "月份", "customer": "客户编码", "licence": "专卖证号",
                                                            "sku": "卷烟规格", "volume": "销量(条)", "amount": "销售额(元)"})
    if style == "utf8_csv":
        path = tmp_path / "销售.csv"
        sales.to_csv(path, index=False, encoding="utf-8")
    else:                                                  # an export whose numbers are text, on a sheet named otherwise
        path = tmp_path / "订货系统导出.xlsx"
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "销售数据"
        ws.append(list(sales.columns))
        for row in sales.itertuples(index=False):
            ws.append([row[0], row[1], row[2], row[3], str(row[4]), str(row[5])])
        wb.save(path)
    r = symposium([path, *dept[1][1:]], "2026-H1")
    assert [(c.code, c.volume.this, c.amount.this) for c in r.customers] == \
        [(c.code, c.volume.this, c.amount.this) for c in pack.customers]


def test_a_csv_with_a_row_per_form(tmp_path):
    labels = [q.label for q in load_settings().questions]
    path = tmp_path / "录入.csv"
    path.write_text("客户编码,客户经理," + ",".join(labels) + "\nJT0001,刘洋,5,4分,４,3,5,很好\nJT0002,陈静,4,4,4,4,,\n",
                    encoding="gbk")
    t = tally_symposium([path])
    assert [(f.customer, f.scores["fairness"], f.scores["delivery"]) for f in t.forms] == [("JT0001", 4, 4),
                                                                                          ("JT0002", 4, 4)]
    assert [(p.cell, p.code) for p in t.problems] == [("G3", "survey_score_blank")]     # 总体满意度 of JT0002
    assert t.comments == [("JT0001", "", "刘洋", "很好")]


TYPED = st.one_of(st.none(), st.integers(-1, 7), st.sampled_from(["4", "４", "4分", "5 分", "3.0", "很好", "4.5", "", " "]),
                  st.floats(0, 6, allow_nan=False))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(TYPED, min_size=5, max_size=5), min_size=1, max_size=8))
def test_every_answer_is_counted_once(tmp_path, rows):
    """Whatever is typed: valid + unanswered + invalid = forms, for every question and manager;
    the distribution sums to the valid scores, the mean is theirs."""
    scored = load_settings().scored
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["客户编码", "客户经理", *(q.label for q in scored)])
    for k, row in enumerate(rows):
        ws.append([f"JT{k:04d}", "刘洋" if k % 2 else "陈静", *row])
    path = tmp_path / "录入.xlsx"
    wb.save(path)
    t = tally_symposium([path])
    assert len(t.forms) == len(rows)
    groups = [t.by_question] + list(t.by_manager.values())
    for q in scored:
        for g in groups:
            s = g[q.id]
            assert sum(s.distribution.values()) == s.count
            assert s.mean is None or q.min <= s.mean <= q.max
        whole = t.by_question[q.id]
        assert whole.count + whole.blank + whole.invalid == len(rows)
        assert sum(m[q.id].count for m in t.by_manager.values()) == whole.count
        valid = [read_score(row[scored.index(q)], q) for row in rows]
        valid = [v for v in valid if isinstance(v, int)]
        assert whole.mean == (statistics.fmean(valid) if valid else None)
    assert len(t.problems) == sum(s.blank + s.invalid for s in t.by_question.values())


def test_a_month_missing_from_the_sales_is_said(dept, tmp_path):
    sales = [r for r in generated_sales() if r["month"] != "2025-08"]
    r = symposium([write_sales_csv(sales, tmp_path / "销售数据.csv"), *dept[1][1:]], "2026-H1")
    assert r.warnings == ["销售数据里没有 2025-08 的行：上期这几个月按 0 条算"]


def test_a_question_under_another_column_name_is_said_not_called_unanswered(tmp_path):
    """A clerk's sheet with 总体 for 总体满意度 and a 备注 column: the missing question is one
    error at the header (not "没有打分" on every row, untrue: they scored it), and every
    column with values that is no question is named with how many values it holds."""
    labels = [q.label for q in load_settings().scored]
    path = tmp_path / "录入.csv"
    path.write_text("客户编码,客户经理," + ",".join(labels[:-1]) + ",总体,意见和建议,备注\n"
                    "JT0001,刘洋,5,4,4,5,5,很好,电话回访\nJT0002,陈静,4,4,3,,4,,\n", encoding="gbk")
    t = tally_symposium([path])
    assert [(p.code, p.cell, p.column) for p in t.problems] == [
        ("survey_column_missing", "A1", "总体满意度"), ("survey_column_unknown", "G1", "总体"),
        ("survey_column_unknown", "I1", "备注"), ("survey_score_blank", "F3", "信息传递")]
    assert "2 个值没有汇总" in t.problems[1].message and "1 个值没有汇总" in t.problems[2].message
    assert t.by_question["overall"].count == 0 and t.by_question["overall"].blank == 2
    assert t.by_question["service"].mean == 4.5


def test_an_earlier_tally_among_the_forms_is_not_read_as_forms(pack, tmp_path):
    """The clerk writes the tally into the forms' folder, corrects a form and re-runs over
    *.xlsx: the old tally is named and skipped, so the corrected score counts (read first,
    the old 逐份评分 row won and the corrected form was called a duplicate)."""
    a, b = pack.files[1:]
    one = fill_form(a, tmp_path / "a.xlsx", [5, "很好", 4, 4, 4])
    fill_form(b, tmp_path / "b.xlsx", [3, 3, 3, 3, 3])
    first = tally_symposium(sorted(tmp_path.glob("*.xlsx")), tmp_path / "0汇总.xlsx")   # sorts before the forms
    assert first.by_question["fairness"].invalid == 1
    fill_form(a, one, [5, 5, 4, 4, 4])                                                  # corrected
    again = tally_symposium(sorted(tmp_path.glob("*.xlsx")))
    assert [(p.file, p.code) for p in again.problems] == [("0汇总.xlsx", "survey_tally_output")]
    assert (again.by_question["fairness"].count, again.by_question["fairness"].mean) == (2, 4.0)
    assert [f.file for f in again.forms] == ["a.xlsx", "b.xlsx"]


def test_a_file_that_is_no_form_is_not_said_to_be_a_department_form(dept):
    """Given the HQ list by mistake: the one line does not claim the forms were written with
    the department's own settings (it may be so: then say what to do)."""
    with pytest.raises(ConfigError) as e:
        tally_symposium([dept[1][2]])                       # 总部档案.xlsx
    assert "给出的文件里没有找到满意度调查表（按默认设置的问题认；如果调查表是用部门自己的设置" in str(e.value)
