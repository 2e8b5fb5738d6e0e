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
from gcs_excel.monthly.analysis import ratio
from gcs_excel.monthly.run import manifest_name, monthly, report_name

from .conftest import MONTHLY_MONTH, MONTHLY_TODAY, SALES


def volume(rows, month, customer=None, licence=None):
    """The independent computation: plain sums over the fixed rows."""
    return sum(r[4] for r in rows if r[0] == month and customer in (None, r[1]) and licence in (None, r[2]))


def amount(rows, month, customer=None):
    return sum(r[5] for r in rows if r[0] == month and customer in (None, r[1]))


def summary(result, code):
    return next(r.summary for r in result.reviews if r.customer == code)


# --- the numbers --------------------------------------------------------------------------------
def test_market_numbers(monthly_result):
    m = monthly_result.market
    v, vp, vy = (volume(SALES, x) for x in (MONTHLY_MONTH, "2025-12", "2025-01"))
    assert (m["volume"], m["amount"]) == (v, amount(SALES, MONTHLY_MONTH)) == (38, 3900)
    assert m["boxes"] == pytest.approx(38 / 250)
    assert m["mom"] == pytest.approx((v - vp) / vp) and m["yoy"] == pytest.approx((v - vy) / vy)
    assert [t["month"] for t in m["trend"]][0] == "2025-01" and m["trend"][-1]["volume"] == 38
    classes = {c["price_class"]: c for c in m["classes"]}
    assert classes["一类"]["volume"] == 33 and classes["一类"]["share"] == pytest.approx(33 / 38)
    assert classes["二类"]["share_prev"] == pytest.approx(6 / 25)
    new = m["new_products"]
    assert new == [{"sku": "新(中支)", "first_month": MONTHLY_MONTH, "months_on_sale": 1, "volume": 2,
                    "trend": [{"month": MONTHLY_MONTH, "volume": 2}]}]


@pytest.mark.parametrize("code", ["JT0001", "JT0002", "JT0003"])
def test_customer_numbers(monthly_result, code):
    s = summary(monthly_result, code)
    v, vp, vy = (volume(SALES, x, code) for x in (MONTHLY_MONTH, "2025-12", "2025-01"))
    a, ap, ay = (amount(SALES, x, code) for x in (MONTHLY_MONTH, "2025-12", "2025-01"))
    assert (s["volume"], s["amount"]) == (v, a)
    assert s["mom"] == ratio(v, vp) and s["yoy"] == ratio(v, vy)
    assert s["amount_mom"] == ratio(a, ap) and s["amount_yoy"] == ratio(a, ay)
    assert s["avg_price"] == pytest.approx(a / v)


def test_no_sales_last_year_and_zero_or_missing_targets(monthly_result):
    assert summary(monthly_result, "JT0003")["yoy"] is None                   # not "inf", not an error
    assert summary(monthly_result, "JT0001")["attainment"] == pytest.approx(22 / 20)
    assert summary(monthly_result, "JT0002")["attainment"] is None             # target 0
    assert summary(monthly_result, "JT0003")["target"] is None                 # no target


def test_ranks(monthly_result):
    assert {r.customer: r.summary["rank"] for r in monthly_result.reviews} == {"JT0001": 1, "JT0002": 2, "JT0003": 3}


def test_review_workbook_shows_the_numbers(monthly_result):
    path = next(r.path for r in monthly_result.reviews if r.customer == "JT0001")
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
    jt3 = pc.CalamineWorkbook.from_path(str(next(r.path for r in monthly_result.reviews if r.customer == "JT0003")))
    row = next(r for r in jt3.get_sheet_by_name("客户销售").to_python() if r[0] == "销量(条)")
    assert row[5] == "—"                                                # YoY without a base


def test_terminal_numbers(monthly_result):
    wb = pc.CalamineWorkbook.from_path(str(next(r.path for r in monthly_result.reviews if r.customer == "JT0001")))
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


def test_prose_is_built_from_the_numbers(monthly_result):
    texts = summary(monthly_result, "JT0001")["texts"]
    joined = "\n".join(texts)
    assert "甲连锁有限公司2026年1月销量 22 条" in joined
    assert "环比+37.5%" in joined and "同比+46.7%" in joined
    assert "完成 110.0%（超出 2 条）" in joined
    assert "新品 新(中支) 自 2026-01 起有销量，本月 2 条（上市第 1 个月）" in joined
    assert "紧俏规格 甲(硬) 铺货率只有 50.0%（1/2 家调查门店上柜）" in joined
    assert "乙(软) 1 次（平均 100.00 元，指导价 90.00 元）" in joined
    assert "1 家门店本月没有拜访记录" in joined
    third = summary(monthly_result, "JT0003")["texts"]
    assert any("去年同月没有销量，无法算同比" in t for t in third)


def test_department_report_with_subtotals(monthly_result):
    assert monthly_result.report.name == report_name(MONTHLY_MONTH)
    rows = pc.CalamineWorkbook.from_path(str(monthly_result.report)).get_sheet_by_name("客户汇总").to_python()
    body = [r for r in rows[4:] if any(x != "" for x in r)]
    labels = [(r[0], r[1], r[2]) for r in body]
    assert labels == [("王建国", "刘洋", "JT0001"), ("", "刘洋 小计", ""),
                      ("王建国", "陈静", "JT0002"), ("王建国", "陈静", "JT0003"), ("", "陈静 小计", ""),
                      ("王建国 小计", "", ""), ("合计", "", "")]
    chen = body[4]
    assert chen[4] == 9 + 7 and chen[7] == pytest.approx(ratio(16, 9)) and chen[8] == pytest.approx(ratio(16, 8))
    assert body[-1][4] == 38 and body[-1][7] == pytest.approx(ratio(38, 25))
    assert chen[10] == "—"                                       # one of them has no target


def test_manifest_lists_every_review(monthly_result):
    data = json.loads((monthly_result.folder / manifest_name(MONTHLY_MONTH)).read_text("utf-8"))
    assert [(r["customer"], r["file"]) for r in data["reviews"]] == \
        [(r.customer, r.path.name) for r in monthly_result.reviews]


# --- what reaches a customer ----------------------------------------------------------------------
def _text_of(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))


def test_reviews_hold_no_personal_data_and_no_other_customer(department, demo_reviews):
    assert len(demo_reviews.reviews) == sum(1 for h in department["hq"] if h["status"] == "正常")
    secrets = [h[k] for h in department["hq"] for k in ("legal_rep_id", "bank_account", "uscc")]
    for review in demo_reviews.reviews:
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
def test_cli_json_and_text(monthly_files, tmp_path):
    r = CliRunner().invoke(cli, ["monthly", "--month", MONTHLY_MONTH, "--out", str(tmp_path), "--json",
                                 *map(str, monthly_files)])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    first = data["customers"][0]
    assert set(first) >= {"customer", "name", "volume", "amount", "mom", "yoy", "target", "attainment"}
    assert (first["customer"], first["volume"], first["mom"]) == ("JT0001", 22, 0.375)
    third = next(c for c in data["customers"] if c["customer"] == "JT0003")
    assert third["yoy"] is None and third["attainment"] is None
    r = CliRunner().invoke(cli, ["monthly", "--month", MONTHLY_MONTH, "--out", str(tmp_path), "--customer", "JT0002",
                                 *map(str, monthly_files)])
    assert r.exit_code == 0 and "1 个集团客户" in r.output and "—" in r.output


def test_cli_errors(monthly_files, tmp_path):
    r = CliRunner().invoke(cli, ["monthly", "--month", MONTHLY_MONTH, "--out", str(tmp_path), "--customer", "JT0099",
                                 *map(str, monthly_files)])
    assert r.exit_code == 2 and "JT0099" in r.output
    r = CliRunner().invoke(cli, ["monthly", "--month", MONTHLY_MONTH, "--out", str(tmp_path), str(monthly_files[2])])
    assert r.exit_code == 2 and "销售数据" in r.output


def test_two_customers_never_share_a_review_file():
    from gcs_excel.monthly.run import file_names
    names = file_names({"JT0001": "甲/乙连锁", "JT0002": "甲:乙连锁", "JT0003": "丙"}, MONTHLY_MONTH)
    assert names == {"JT0001": "销售回顾_甲_乙连锁_JT0001_2026-01.xlsx", "JT0002": "销售回顾_甲_乙连锁_JT0002_2026-01.xlsx",
                     "JT0003": "销售回顾_丙_2026-01.xlsx"}


def test_some_customers_keep_the_others_and_the_full_report(monthly_files, tmp_path):
    monthly(monthly_files, MONTHLY_MONTH, tmp_path, today=MONTHLY_TODAY)
    part = monthly(monthly_files, MONTHLY_MONTH, tmp_path, customers=["JT0002"], today=MONTHLY_TODAY)
    data = json.loads((tmp_path / manifest_name(MONTHLY_MONTH)).read_text("utf-8"))
    assert [r["customer"] for r in data["reviews"]] == ["JT0001", "JT0002", "JT0003"]
    rows = pc.CalamineWorkbook.from_path(str(part.report)).get_sheet_by_name("客户汇总").to_python()
    assert {r[2] for r in rows if r[2] in ("JT0001", "JT0002", "JT0003")} == {"JT0001", "JT0002", "JT0003"}


def test_without_a_visit_log_nothing_is_said_about_visits(monthly_files, write, tmp_path):
    obs_only = write("observations", [
        {"date": dt.date(2026, 1, 9), "person": "刘洋", "licence": "430102200001", "sku": "甲(硬)", "on_shelf": "是",
         "retail_price": 120.0, "stock": 5}])
    r = monthly([*monthly_files[:6], obs_only], MONTHLY_MONTH, tmp_path / "out", today=MONTHLY_TODAY)
    texts = "\n".join(summary(r, "JT0001")["texts"])
    assert "采集了 1 家门店" in texts and "没有拜访记录" not in texts
