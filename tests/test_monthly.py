"""Monthly reviews: every number against an independent computation on fixed data (a year
boundary, a customer with no sales last year, a zero target), the prose, the department
report, and what may never reach a customer."""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from pathlib import Path

import pytest
import python_calamine as pc
from click.testing import CliRunner

from gcs_excel.cli import cli
from gcs_excel.demo import write_sales_csv
from gcs_excel.monthly.analysis import ratio
from gcs_excel.monthly.run import manifest_name, monthly, report_name
from gcs_excel.spec import load_specs
from gcs_excel.templates import write_workbook

MONTH = "2026-01"       # previous month 2025-12, same month last year 2025-01
SALES = [  # month, customer, licence, sku, volume, amount
    ("2025-01", "JT0001", "430102200001", "甲(硬)", 10, 1000), ("2025-01", "JT0001", "430102200001", "乙(软)", 5, 400),
    ("2025-01", "JT0002", "430102200003", "甲(硬)", 8, 800),
    ("2025-12", "JT0001", "430102200001", "甲(硬)", 12, 1200), ("2025-12", "JT0001", "430102200002", "甲(硬)", 4, 400),
    ("2025-12", "JT0002", "430102200003", "乙(软)", 6, 480), ("2025-12", "JT0003", "430102200004", "甲(硬)", 3, 300),
    ("2026-01", "JT0001", "430102200001", "甲(硬)", 15, 1500), ("2026-01", "JT0001", "430102200001", "乙(软)", 5, 400),
    ("2026-01", "JT0001", "430102200002", "甲(硬)", 2, 200), ("2026-01", "JT0002", "430102200003", "甲(硬)", 9, 900),
    ("2026-01", "JT0003", "430102200004", "甲(硬)", 5, 500), ("2026-01", "JT0003", "430102200004", "新(中支)", 2, 400),
]
CATALOGUE = [
    {"sku": "甲(硬)", "brand": "甲", "price_class": "一类", "wholesale_price": 100.0, "retail_guide": 120.0,
     "scarce": "是", "new": "否"},
    {"sku": "乙(软)", "brand": "乙", "price_class": "二类", "wholesale_price": 80.0, "retail_guide": 90.0,
     "scarce": "否", "new": "否"},
    {"sku": "新(中支)", "brand": "新", "price_class": "一类", "wholesale_price": 200.0, "retail_guide": 240.0,
     "scarce": "否", "new": "是"},
]
HQ = {"uscc": "91350200776049653A", "legal_rep": "张建华", "legal_rep_id": "11010519491231002X",
      "address": "长沙市芙蓉区五一大道1号", "order_phone": "0731-84561234", "order_frequency": "每周一次",
      "bank": "工行", "bank_account": "1901002309024512345", "planned_volume": 100, "buyer": "李晓梅",
      "buyer_phone": "13907311234", "mm": "王建国", "status": "正常"}


def volume(rows, month, customer=None, licence=None):
    """The independent computation: plain sums over the fixed rows."""
    return sum(r[4] for r in rows if r[0] == month and customer in (None, r[1]) and licence in (None, r[2]))


def amount(rows, month, customer=None):
    return sum(r[5] for r in rows if r[0] == month and customer in (None, r[1]))


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("monthly")
    specs = load_specs()
    tpl = specs.template
    sales = write_sales_csv([dict(zip(("month", "customer", "licence", "sku", "volume", "amount"), r))
                             for r in SALES], d / "销售数据.csv")
    hq = [dict(HQ, code=f"JT000{k}", name=name, cm=cm, buyer_email=f"buyer{k}@example.cn")
          for k, name, cm in ((1, "甲连锁有限公司", "刘洋"), (2, "乙超市有限公司", "陈静"), (3, "丙便利有限公司", "陈静"))]
    stores = [{"licence": f"43010220000{k}", "customer": c, "name": f"店{k}", "category": "便利店",
               "address": f"长沙市芙蓉区八一路{k}号", "area": "芙蓉片区", "contact": "陈", "phone": "13807315678",
               "monthly_volume": 10, "cm": cm, "status": "正常"}
              for k, c, cm in ((1, "JT0001", "刘洋"), (2, "JT0001", "刘洋"), (3, "JT0002", "陈静"), (4, "JT0003", "陈静"))]
    staff = [{"staff_no": "01", "name": "王建国", "role": "市场经理", "email": "wjg@cs-tobacco.cn"},
             {"staff_no": "02", "name": "刘洋", "role": "客户经理", "email": "ly@cs-tobacco.cn"},
             {"staff_no": "03", "name": "陈静", "role": "客户经理", "email": "cj@cs-tobacco.cn"}]
    targets = [{"month": MONTH, "customer": "JT0001", "target_volume": 20},
               {"month": MONTH, "customer": "JT0002", "target_volume": 0}]
    visits = [{"date": dt.date(2026, 1, 9), "person": "刘洋", "role": "客户经理", "target_type": "卖场",
               "target_code": "430102200001", "scarce_notice": "是"}]
    obs = [{"date": dt.date(2026, 1, 9), "person": "刘洋", "licence": "430102200001", "sku": "甲(硬)",
            "on_shelf": "是", "retail_price": 126.0, "stock": 10},
           {"date": dt.date(2026, 1, 9), "person": "刘洋", "licence": "430102200001", "sku": "乙(软)",
            "on_shelf": "是", "retail_price": 100.0, "stock": 4},
           {"date": dt.date(2026, 1, 12), "person": "刘洋", "licence": "430102200002", "sku": "甲(硬)",
            "on_shelf": "否", "stock": 0}]
    return [sales,
            write_workbook(tpl("catalogue"), d / "卷烟规格.xlsx", data={"catalogue": CATALOGUE}),
            write_workbook(tpl("hq"), d / "总部档案.xlsx", data={"hq": hq}),
            write_workbook(tpl("stores"), d / "卖场明细表.xlsx", data={"stores": stores}),
            write_workbook(tpl("staff"), d / "人员名单.xlsx", data={"staff": staff}),
            write_workbook(tpl("targets"), d / "销售目标.xlsx", data={"targets": targets}),
            write_workbook(tpl("visits"), d / "拜访记录.xlsx", data={"visits": visits, "observations": obs})]


@pytest.fixture(scope="module")
def result(files, tmp_path_factory):
    r = monthly(files, MONTH, tmp_path_factory.mktemp("out"), today=dt.date(2026, 2, 10))
    assert r.validation.problems == [] and r.exit_code == 0
    return r


def summary(result, code):
    return next(r.summary for r in result.reviews if r.customer == code)


# --- the numbers --------------------------------------------------------------------------------
def test_market_numbers(result):
    m = result.market
    v, vp, vy = (volume(SALES, x) for x in (MONTH, "2025-12", "2025-01"))
    assert (m["volume"], m["amount"]) == (v, amount(SALES, MONTH)) == (38, 3900)
    assert m["boxes"] == pytest.approx(38 / 250)
    assert m["mom"] == pytest.approx((v - vp) / vp) and m["yoy"] == pytest.approx((v - vy) / vy)
    assert [t["month"] for t in m["trend"]][0] == "2025-01" and m["trend"][-1]["volume"] == 38
    classes = {c["price_class"]: c for c in m["classes"]}
    assert classes["一类"]["volume"] == 33 and classes["一类"]["share"] == pytest.approx(33 / 38)
    assert classes["二类"]["share_prev"] == pytest.approx(6 / 25)
    new = m["new_products"]
    assert new == [{"sku": "新(中支)", "first_month": MONTH, "months_on_sale": 1, "volume": 2,
                    "trend": [{"month": MONTH, "volume": 2}]}]


@pytest.mark.parametrize("code", ["JT0001", "JT0002", "JT0003"])
def test_customer_numbers(result, code):
    s = summary(result, code)
    v, vp, vy = (volume(SALES, x, code) for x in (MONTH, "2025-12", "2025-01"))
    a, ap, ay = (amount(SALES, x, code) for x in (MONTH, "2025-12", "2025-01"))
    assert (s["volume"], s["amount"]) == (v, a)
    assert s["mom"] == ratio(v, vp) and s["yoy"] == ratio(v, vy)
    assert s["amount_mom"] == ratio(a, ap) and s["amount_yoy"] == ratio(a, ay)
    assert s["avg_price"] == pytest.approx(a / v)


def test_no_sales_last_year_and_zero_or_missing_targets(result):
    assert summary(result, "JT0003")["yoy"] is None                   # not "inf", not an error
    assert summary(result, "JT0001")["attainment"] == pytest.approx(22 / 20)
    assert summary(result, "JT0002")["attainment"] is None             # target 0
    assert summary(result, "JT0003")["target"] is None                 # no target


def test_ranks(result):
    assert {r.customer: r.summary["rank"] for r in result.reviews} == {"JT0001": 1, "JT0002": 2, "JT0003": 3}


def test_review_workbook_shows_the_numbers(result):
    path = next(r.path for r in result.reviews if r.customer == "JT0001")
    assert path.name == "销售回顾_甲连锁有限公司_2026-01.xlsx"
    wb = pc.CalamineWorkbook.from_path(str(path))
    assert wb.sheet_names == ["市场概况", "客户销售", "终端情况", "分析与建议"]
    cust = wb.get_sheet_by_name("客户销售").to_python()
    kpi = next(r for r in cust if r[0] == "销量(条)")
    assert kpi[1:6] == [22.0, 16.0, 15.0, pytest.approx(6 / 16), pytest.approx(7 / 15)]
    assert next(r for r in cust if r[0] == "目标达成率")[1] == pytest.approx(1.1)
    ranking = [r for r in cust if r[2] in ("430102200001", "430102200002") and r[0] in (1.0, 2.0)]
    assert [(r[0], r[1], r[4], r[5], r[6]) for r in ranking] == [(1.0, 1.0, 20.0, 12.0, 8.0), (2.0, 2.0, 2.0, 4.0, -2.0)]
    market = wb.get_sheet_by_name("市场概况").to_python()
    assert next(r for r in market if r[0] == "销量(条)")[1:4] == [38.0, 25.0, 23.0]
    jt3 = pc.CalamineWorkbook.from_path(str(next(r.path for r in result.reviews if r.customer == "JT0003")))
    row = next(r for r in jt3.get_sheet_by_name("客户销售").to_python() if r[0] == "销量(条)")
    assert row[5] == "—"                                                # YoY without a base


def test_terminal_numbers(result):
    wb = pc.CalamineWorkbook.from_path(str(next(r.path for r in result.reviews if r.customer == "JT0001")))
    rows = wb.get_sheet_by_name("终端情况").to_python()
    facts = {r[0]: r[1] for r in rows if r[0] in ("采集门店数", "价格执行率", "零售价格指数")}
    assert facts["采集门店数"] == 2 and facts["价格执行率"] == pytest.approx(1 / 2)
    assert facts["零售价格指数"] == pytest.approx((126 * 15 + 100 * 5) / (120 * 15 + 90 * 5) * 100)
    a = next(r for r in rows if r[0] == "甲(硬)")
    # 铺货率 1 of 2 stores; compliance 1/1 (126 is exactly 5% over 120); stock 10 vs sales 15+2
    assert (a[1], a[2], a[3], a[7], a[8]) == (0.5, "1/2", 1.0, 10.0, 17.0)
    assert a[9] == pytest.approx(10 / 17) and a[10] == pytest.approx(10 / (17 / 31))
    b = next(r for r in rows if r[0] == "乙(软)")
    assert b[3] == 0.0 and b[6] == pytest.approx(100 / 90 - 1)
    not_visited = [r[0] for r in rows if r[0] == "430102200002"]
    assert not_visited == ["430102200002"]


def test_prose_is_built_from_the_numbers(result):
    texts = summary(result, "JT0001")["texts"]
    joined = "\n".join(texts)
    assert "甲连锁有限公司2026年1月销量 22 条" in joined
    assert "环比+37.5%" in joined and "同比+46.7%" in joined
    assert "完成 110.0%（超出 2 条）" in joined
    assert "新品 新(中支) 自 2026-01 起有销量，本月 2 条（上市第 1 个月）" in joined
    assert "紧俏规格 甲(硬) 铺货率只有 50.0%（1/2 家调查门店上柜）" in joined
    assert "乙(软) 1 次（平均 100.00 元，指导价 90.00 元）" in joined
    assert "1 家门店本月没有拜访记录" in joined
    third = summary(result, "JT0003")["texts"]
    assert any("去年同月没有销量，无法算同比" in t for t in third)


def test_department_report_with_subtotals(result):
    assert result.report.name == report_name(MONTH)
    rows = pc.CalamineWorkbook.from_path(str(result.report)).get_sheet_by_name("客户汇总").to_python()
    body = [r for r in rows[4:] if any(x != "" for x in r)]
    labels = [(r[0], r[1], r[2]) for r in body]
    assert labels == [("王建国", "刘洋", "JT0001"), ("", "刘洋 小计", ""),
                      ("王建国", "陈静", "JT0002"), ("王建国", "陈静", "JT0003"), ("", "陈静 小计", ""),
                      ("王建国 小计", "", ""), ("合计", "", "")]
    chen = body[4]
    assert chen[4] == 9 + 7 and chen[7] == pytest.approx(ratio(16, 9)) and chen[8] == pytest.approx(ratio(16, 8))
    assert body[-1][4] == 38 and body[-1][7] == pytest.approx(ratio(38, 25))
    assert chen[10] == "—"                                       # one of them has no target


def test_manifest_lists_every_review(result):
    data = json.loads((result.folder / manifest_name(MONTH)).read_text("utf-8"))
    assert [(r["customer"], r["file"]) for r in data["reviews"]] == [(r.customer, r.path.name) for r in result.reviews]


# --- what reaches a customer ----------------------------------------------------------------------
def _text_of(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))


def test_reviews_hold_no_personal_data_and_no_other_customer(department, clean_files, tmp_path):
    r = monthly(clean_files, "2026-10", tmp_path, today=dt.date(2026, 11, 27))
    assert len(r.reviews) == sum(1 for h in department["hq"] if h["status"] == "正常")
    secrets = [h[k] for h in department["hq"] for k in ("legal_rep_id", "bank_account", "uscc")]
    for review in r.reviews:
        text = _text_of(review.path)
        for s in secrets:
            assert s not in text, (review.name, s)
        others = [h for h in department["hq"] if h["code"] != review.customer]
        for h in others:
            assert h["name"] not in text and h["code"] not in text, (review.name, h["name"])
        for s in department["stores"]:
            if s["customer"] != review.customer:
                assert s["licence"] not in text and s["name"] not in text, (review.name, s["name"])
        strings = " ".join(re.findall(r"<t[^>]*>([^<]*)</t>", text))      # the text a reader sees
        assert not re.search(r"(?<!\d)\d{17}[\dXx](?!\d)", strings)     # nothing shaped like an ID


# --- the command --------------------------------------------------------------------------------------
def test_cli_json_and_text(files, tmp_path):
    r = CliRunner().invoke(cli, ["monthly", "--month", MONTH, "--out", str(tmp_path), "--json", *map(str, files)])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    first = data["customers"][0]
    assert set(first) >= {"customer", "name", "volume", "amount", "mom", "yoy", "target", "attainment"}
    assert (first["customer"], first["volume"], first["mom"]) == ("JT0001", 22, 0.375)
    third = next(c for c in data["customers"] if c["customer"] == "JT0003")
    assert third["yoy"] is None and third["attainment"] is None
    r = CliRunner().invoke(cli, ["monthly", "--month", MONTH, "--out", str(tmp_path), "--customer", "JT0002",
                                 *map(str, files)])
    assert r.exit_code == 0 and "1 个集团客户" in r.output and "—" in r.output


def test_cli_errors(files, tmp_path):
    r = CliRunner().invoke(cli, ["monthly", "--month", MONTH, "--out", str(tmp_path), "--customer", "JT0099",
                                 *map(str, files)])
    assert r.exit_code == 2 and "JT0099" in r.output
    r = CliRunner().invoke(cli, ["monthly", "--month", MONTH, "--out", str(tmp_path), str(files[2])])
    assert r.exit_code == 2 and "销售数据" in r.output


def test_two_customers_never_share_a_review_file(files, tmp_path):
    from gcs_excel.monthly.run import file_names
    names = file_names({"JT0001": "甲/乙连锁", "JT0002": "甲:乙连锁", "JT0003": "丙"}, MONTH)
    assert names == {"JT0001": "销售回顾_甲_乙连锁_JT0001_2026-01.xlsx", "JT0002": "销售回顾_甲_乙连锁_JT0002_2026-01.xlsx",
                     "JT0003": "销售回顾_丙_2026-01.xlsx"}


def test_some_customers_keep_the_others_and_the_full_report(files, tmp_path):
    monthly(files, MONTH, tmp_path, today=dt.date(2026, 2, 10))
    part = monthly(files, MONTH, tmp_path, customers=["JT0002"], today=dt.date(2026, 2, 10))
    data = json.loads((tmp_path / manifest_name(MONTH)).read_text("utf-8"))
    assert [r["customer"] for r in data["reviews"]] == ["JT0001", "JT0002", "JT0003"]
    rows = pc.CalamineWorkbook.from_path(str(part.report)).get_sheet_by_name("客户汇总").to_python()
    assert {r[2] for r in rows if r[2] in ("JT0001", "JT0002", "JT0003")} == {"JT0001", "JT0002", "JT0003"}


def test_without_a_visit_log_nothing_is_said_about_visits(files, tmp_path):
    from gcs_excel.templates import write_workbook
    obs_only = write_workbook(load_specs().template("visits"), tmp_path / "品牌采集.xlsx", data={"observations": [
        {"date": dt.date(2026, 1, 9), "person": "刘洋", "licence": "430102200001", "sku": "甲(硬)", "on_shelf": "是",
         "retail_price": 120.0, "stock": 5}]})
    r = monthly([*files[:6], obs_only], MONTH, tmp_path / "out", today=dt.date(2026, 2, 10))
    texts = "\n".join(summary(r, "JT0001")["texts"])
    assert "采集了 1 家门店" in texts and "没有拜访记录" not in texts
