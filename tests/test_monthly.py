"""Monthly reviews: every number against an independent, hand-made computation on the fixed
small department (tests/conftest.py: a year boundary, a customer with no sales last year, a
zero target, partial store surveys, a store without sales data, a paused customer with
sales), the prose, the department report and its reconciliation, and what may never reach
a customer."""

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
from gcs_excel.reporting.analysis import ratio
from gcs_excel.reporting.run import manifest_name, monthly, report_name
from gcs_excel.render import render_monthly

from .conftest import MONTHLY_MONTH, MONTHLY_TODAY, SALES

DAYS = 31                                   # in 2026-01


def volume(rows, month, customer=None, licence=None):
    """The independent computation: plain sums over the fixed rows."""
    return sum(r[4] for r in rows if r[0] == month and customer in (None, r[1]) and licence in (None, r[2]))


def amount(rows, month, customer=None):
    return sum(r[5] for r in rows if r[0] == month and customer in (None, r[1]))


def row(result, code):
    return next(r for r in result.customers if r["customer"] == code)


def sheet(path, name):
    return pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def review_of(result, code):
    return next(r.path for r in result.reviews if r.customer == code)


def texts(result, code):
    return row(result, code)["texts"]


# --- the numbers --------------------------------------------------------------------------------
def test_market_numbers(monthly_result):
    m = monthly_result.market
    v, vp, vy = (volume(SALES, x) for x in (MONTHLY_MONTH, "2025-12", "2025-01"))
    assert (m["volume"], m["amount"]) == (v, amount(SALES, MONTHLY_MONTH)) == (63, 6160)
    assert m["boxes"] == pytest.approx(63 / 250)
    assert m["mom"] == pytest.approx((v - vp) / vp) and m["yoy"] == pytest.approx((v - vy) / vy)
    assert [t["month"] for t in m["trend"]][0] == "2025-01" and m["trend"][-1]["volume"] == 63
    classes = {c["price_class"]: c for c in m["classes"]}
    assert classes["一类"]["volume"] == 46 and classes["一类"]["share"] == pytest.approx(46 / 63)
    assert classes["二类"]["share_prev"] == pytest.approx(6 / 45)
    new = m["new_products"]
    assert new == [{"sku": "新(中支)", "first_month": MONTHLY_MONTH, "months_on_sale": 1, "volume": 2,
                    "trend": [{"month": MONTHLY_MONTH, "volume": 2}]}]


def test_months_without_data_and_skus_before_launch_are_blank_not_zero(monthly_result):
    m = monthly_result.market
    given = {"2025-01", "2025-12", "2026-01"}
    assert [t["month"] for t in m["trend"] if t["volume"] is not None] == sorted(given)
    trends = {s["sku"]: s["trend"] for s in m["top_skus"]}
    assert trends["新(中支)"] == [None] * 12 + [2]                  # first sold 2026-01
    assert trends["甲(硬)"][0] == 18 and trends["甲(硬)"][1] is None and trends["甲(硬)"][11] == 39
    rows = sheet(review_of(monthly_result, "JT0001"), "市场概况")
    head = next(k for k, r in enumerate(rows) if r[0] == "月份" and r[1] == "甲(硬)")
    months = {r[0]: r[1:4] for r in rows[head + 1: head + 14]}
    assert months["2025-02"] == ["", "", ""]                        # blank cells: a gap in the chart, not 0
    assert months["2025-12"][:2] == [39.0, 6.0] and months["2025-12"][2] == ""


@pytest.mark.parametrize("code", ["JT0001", "JT0002", "JT0003", "JT0004"])
def test_customer_numbers(monthly_result, code):
    s = row(monthly_result, code)
    v, vp, vy = (volume(SALES, x, code) for x in (MONTHLY_MONTH, "2025-12", "2025-01"))
    a, ap, ay = (amount(SALES, x, code) for x in (MONTHLY_MONTH, "2025-12", "2025-01"))
    assert (s["volume"], s["amount"]) == (v, a)
    assert s["mom"] == ratio(v, vp) and s["yoy"] == ratio(v, vy)
    assert s["amount_mom"] == ratio(a, ap) and s["amount_yoy"] == ratio(a, ay)
    assert s["avg_price"] == pytest.approx(a / v)
    assert s["ytd"] == v                                            # January: the year so far is the month


def test_no_sales_last_year_and_zero_or_missing_targets(monthly_result):
    assert row(monthly_result, "JT0003")["yoy"] is None                  # not "inf", not an error
    assert row(monthly_result, "JT0001")["attainment"] == pytest.approx(40 / 20)
    assert row(monthly_result, "JT0002")["attainment"] is None           # target 0
    assert row(monthly_result, "JT0003")["target"] is None               # no target


def test_year_to_date_against_the_annual_target(monthly_result):
    jt1 = row(monthly_result, "JT0001")
    assert (jt1["ytd"], jt1["year_target"]) == (40, 240) and jt1["progress"] == pytest.approx(40 / 240)
    assert row(monthly_result, "JT0002")["year_target"] is None          # targets not given for all 12 months


def test_ranks(monthly_result):
    assert {r["customer"]: r["rank"] for r in monthly_result.customers} == \
        {"JT0001": 1, "JT0002": 2, "JT0003": 3, "JT0004": 3}             # equal volumes share a rank


# --- 铺货率, 动销率, 可销天数 and prices from what was observed ---------------------------------------
def test_distribution_counts_only_the_stores_that_were_observed(monthly_result):
    # 甲(硬) observed in stores 1, 2, 5, 6, 7, 8 (not 9), on the shelf in 1, 5, 8: 3 of 6, not 3 of 7
    # 乙(软) observed in 3 stores, on the shelf in all 3: below the minimum base of 5, no rate at all
    assert row(monthly_result, "JT0001")["distribution"] == [
        {"sku": "乙(软)", "on_shelf": 3, "surveyed": 3, "rate": None},
        {"sku": "甲(硬)", "on_shelf": 3, "surveyed": 6, "rate": 0.5}]
    rows = {}
    for r in sheet(review_of(monthly_result, "JT0001"), "终端情况"):       # the first table: 铺货与动销
        rows.setdefault(r[0], r)
    assert rows["甲(硬)"][1:4] == [6.0, 3.0, 0.5]                       # the denominator shown beside the rate
    assert rows["乙(软)"][1:4] == [3.0, 3.0, "—"]


def test_selling_rate_from_sales_over_active_stores(monthly_result):
    jt1 = row(monthly_result, "JT0001")
    # active stores 1, 2, 5, 6, 7, 8, 9; stores 1, 2, 5, 6, 7, 8 sold something
    assert (jt1["selling_stores"], jt1["active_stores"]) == (6, 7) and jt1["sell_rate"] == pytest.approx(6 / 7)
    skus = {s["sku"]: s for s in jt1["data"]["top_skus"]}
    assert (skus["甲(硬)"]["selling"], skus["甲(硬)"]["sell_rate"]) == (5, pytest.approx(5 / 7))
    assert (skus["乙(软)"]["selling"], skus["乙(软)"]["sell_rate"]) == (3, pytest.approx(3 / 7))
    jt2 = row(monthly_result, "JT0002")
    assert (jt2["selling_stores"], jt2["active_stores"], jt2["sell_rate"]) == (1, 1, None)   # base 1 < 5
    assert jt1["store_avg"] == pytest.approx(40 / 6)


def test_days_of_cover_use_only_stores_with_known_stock_and_sales(monthly_result):
    t = {s["sku"]: s for s in row(monthly_result, "JT0001")["terminal"]["skus"]}
    # 甲(硬): store 8's stock was not recorded; stores 1, 2, 5, 6, 7: stock 40+0+60+0+0, sold 15+2+6+4+3
    a = t["甲(硬)"]
    assert (a["cover_base"], a["stock"], a["sales"]) == (5, 100, 30)
    assert a["days_of_cover"] == pytest.approx(100 / (30 / DAYS)) and a["stock_to_sales"] == pytest.approx(100 / 30)
    # 乙(软): store 9 is not in the month's sales data (unknown, not 0): base 2, nothing stated
    b = t["乙(软)"]
    assert (b["cover_base"], b["days_of_cover"], b["stock_to_sales"]) == (2, None, None)


def test_prices_are_judged_one_observation_at_a_time(monthly_result):
    t = row(monthly_result, "JT0001")["terminal"]
    skus = {s["sku"]: s for s in t["skus"]}
    # 126 is exactly 5% over 120 (within); 135 is 12.5% over; 100 is 11.1% over 90; 90 and 92 within
    assert [(o["licence"], o["price"]) for o in skus["甲(硬)"]["off"]] == [("430102200005", 135.0)]
    assert [(o["licence"], o["price"]) for o in skus["乙(软)"]["off"]] == [("430102200001", 100.0)]
    assert (t["observations"], t["off"]) == (6, 2) and t["compliance"] == pytest.approx(4 / 6)
    assert skus["甲(硬)"]["compliance"] is None                          # 3 observations < 5
    assert t["price_index"] is None and t["index_base"] == 4             # 4 store × SKU pairs < 5


# --- the prose ---------------------------------------------------------------------------------------------
def test_prose_is_built_from_the_numbers(monthly_result):
    joined = "\n".join(texts(monthly_result, "JT0001"))
    assert "甲连锁有限公司2026年1月销量 40 条" in joined
    assert "环比+11.1%，同比+166.7%" in joined
    assert "完成 200.0%（超出 20 条）" in joined
    assert "新品 新(中支) 自 2026-01 起有销量，本月 2 条（上市第 1 个月）" in joined
    assert "7 家正常营业的门店里 6 家有销量（动销率 85.7%）" in joined
    assert "价格执行率 66.7%（4/6 次与指导价相差不超过 5%）" in joined
    assert "零售价格指数" not in joined                                    # its base is 4 pairs
    assert "店5（20 → 9 条，环比−55.0%；减少最多的是 甲(硬) 20 → 6 条）" in joined
    assert ("有 2 次与零售指导价相差超过 5%：乙(软) 1/3 次、甲(硬) 1/3 次；相差最多的是店5的 甲(硬) 135.00 元"
            "（+12.5%）、店1的 乙(软) 100.00 元（+11.1%）") in joined
    third = texts(monthly_result, "JT0003")
    assert any("去年同月没有销量，无法算同比" in t for t in third)


def test_two_findings_on_one_sku_are_said_as_one(monthly_result):
    """甲(硬) is overstocked where it is on the shelf and missing from three observed stores:
    one sentence moves the stock, none says 控制进货 or 补上 on its own."""
    advice = dict(row(monthly_result, "JT0001")["parts"])["三、建议"]
    about = [t for t in advice if "甲(硬)：" in t or t.startswith("甲(硬) ")]
    assert about == ["甲(硬)：店5（310 天）、店1（82.7 天）库存偏高（按 5 家门店的库存和本月销量算，可销 103 天），"
                     "而店2、店6、店7采集时没有上柜（铺货率 50.0%，3/6 家）。建议把库存从前者调剂到后者，暂不增加进货。"]
    joined = "\n".join(advice)
    assert "控制进货" not in joined and "建议在" not in joined and "补货" not in joined


def test_below_the_minimum_base_nothing_is_stated_or_advised(monthly_files, tmp_path):
    """乙(软) was observed in 3 stores (on the shelf in all 3): no 铺货率, no advice on it. With the
    department's minimum raised to 7, 甲(硬)'s 6 stores are too few as well: the combined advice goes."""
    config = tmp_path / "我们的设置.toml"
    config.write_text("[thresholds]\nmin_base = 7\n", "utf-8")
    r = monthly(monthly_files, MONTHLY_MONTH, tmp_path / "out", today=MONTHLY_TODAY, config=config)
    assert r.config == str(config)
    jt1 = row(r, "JT0001")
    assert [d["rate"] for d in jt1["distribution"]] == [None, None]
    assert jt1["sell_rate"] == pytest.approx(6 / 7)                      # 7 active stores: exactly the minimum
    advice = "\n".join(dict(jt1["parts"])["三、建议"])
    assert "甲(硬)：" not in advice and "铺货率" not in advice and "可销" not in advice
    assert "价格执行率" not in "\n".join(jt1["texts"])                   # 6 observations < 7


def test_spring_festival_is_named_where_the_data_show_it(monthly_result):
    """January 2025 held the Spring Festival (01-29), January 2026 does not (02-17). JT0002
    fell 35.7% against it: said. JT0001 and the department grew: nothing to say."""
    jt2 = texts(monthly_result, "JT0002")
    assert "同比−35.7%里有春节的因素：去年同月有春节（2025年1月29日），本月没有（今年春节在2月17日）。" in jt2
    for code in ("JT0001", "JT0003"):
        assert not any("春节" in t for t in texts(monthly_result, code))


def test_a_sku_sold_last_month_is_not_advised_to_be_introduced(monthly_result):
    jt2 = "\n".join(texts(monthly_result, "JT0002"))
    assert "乙(软) 在全部门环比+183.3%，贵公司上月卖了 6 条、本月没有销量，请核对是否断货。" in jt2
    assert "可考虑引进" not in jt2
    assert "乙(软) 在全部门环比+183.3%，贵公司本月还没有销售，可考虑引进。" in texts(monthly_result, "JT0003")


def test_review_workbook_shows_the_numbers(monthly_result):
    path = review_of(monthly_result, "JT0001")
    assert path.name == "销售回顾_甲连锁有限公司_2026-01.xlsx"
    wb = pc.CalamineWorkbook.from_path(str(path))
    assert wb.sheet_names == ["市场概况", "客户销售", "终端情况", "分析与建议"]
    cust = wb.get_sheet_by_name("客户销售").to_python()
    kpi = next(r for r in cust if r[0] == "销量(条)")
    assert kpi[1:6] == [40.0, 36.0, 15.0, pytest.approx(4 / 36), pytest.approx(25 / 15)]
    assert next(r for r in cust if r[0] == "销售额(万元)")[1] == pytest.approx(0.38)
    assert next(r for r in cust if r[0] == "目标达成率")[1] == pytest.approx(2.0)
    assert next(r for r in cust if r[0] == "动销门店/正常门店")[1] == "6/7"
    ranking = [r for r in cust if r[0] in ("店1", "店2", "店5") and isinstance(r[5], float)]
    assert [(r[0], r[1], r[2], r[3], r[5], r[6]) for r in ranking] == \
        [("店1", 20.0, 12.0, 8.0, 1.0, 2.0), ("店5", 9.0, 20.0, -11.0, 2.0, 1.0), ("店2", 2.0, 4.0, -2.0, 5.0, 3.0)]
    market = wb.get_sheet_by_name("市场概况").to_python()
    assert next(r for r in market if r[0] == "销量(条)")[1:4] == [63.0, 45.0, 29.0]
    row3 = next(r for r in sheet(review_of(monthly_result, "JT0003"), "客户销售") if r[0] == "销量(条)")
    assert row3[5] == "—"                                                 # YoY without a base


# --- the department report ----------------------------------------------------------------------------
def _report(result):
    return sheet(result.report, "客户汇总")


def test_department_report_reconciles_with_the_reviews_and_the_console(monthly_result):
    """Every customer with sales appears with its status; the total = the reviews + the paused
    customer's 7 条 = the department's volume in every review = the console = --json."""
    rows = _report(monthly_result)
    customers = {r[2]: r for r in rows if re.fullmatch(r"JT\d{4}", str(r[2]))}
    assert {c: r[4] for c, r in customers.items()} == {"JT0001": "正常", "JT0002": "正常", "JT0003": "正常",
                                                       "JT0004": "暂停"}
    total = next(r for r in rows if r[3] == "合计")
    reviews = sum(volume(SALES, MONTHLY_MONTH, r.customer) for r in monthly_result.reviews)
    assert reviews == 56 and total[5] == 63 == reviews + 7 == monthly_result.market["volume"]
    assert sum(customers[c][5] for c in customers) == total[5]
    for r in monthly_result.reviews:                  # each review says the same department total
        market = next(x for x in sheet(r.path, "市场概况") if x[0] == "销量(条)")
        assert market[1] == total[5]
    assert monthly_result.department == {"volume": 63, "amount": 6160, "customers": 4}
    text = render_monthly(monthly_result)
    assert "全部门销量 63 条" in text and "合计 63 条 = 3 本销售回顾 56 条 + 其他 1 个客户 7 条" in text
    assert "JT0004" in text and "暂停" in text
    summary = sheet(monthly_result.report, "概要")
    assert any("1 个“暂停”客户没有写销售回顾，本月销量 7 条：丁商贸有限公司" in str(r[0]) for r in summary)


def test_subtotals_only_for_managers_with_more_than_one_customer(monthly_result):
    rows = _report(monthly_result)
    labels = [(r[0], r[1], r[2], r[3]) for r in rows if r[3] in ("客户经理小计", "市场经理小计", "合计")]
    # 陈静 has JT0002, JT0003, JT0004; 刘洋 only JT0001; 王建国 is the only market manager (his subtotal
    # would repeat the total)
    assert labels == [("王建国", "陈静", "3 个", "客户经理小计"), ("", "", "4 个", "合计")]
    chen = next(r for r in rows if r[3] == "客户经理小计")
    assert chen[5] == 9 + 7 + 7 and chen[9] == pytest.approx(ratio(23, 6 + 3)) and chen[10] == pytest.approx(ratio(23, 14))
    assert chen[11] == "—"                                          # not every customer has a target


def test_the_filter_covers_the_customers_only(monthly_result):
    with zipfile.ZipFile(monthly_result.report) as z:
        names = re.findall(r'<sheet name="([^"]+)"', z.read("xl/workbook.xml").decode())
        xml = z.read(f"xl/worksheets/sheet{names.index('客户汇总') + 1}.xml").decode()
    first, last = re.search(r'<autoFilter ref="A(\d+):[A-Z]+(\d+)"', xml).groups()
    rows = _report(monthly_result)
    assert rows[int(first) - 1][0] == "市场经理"
    assert [r[2] for r in rows[int(first):int(last)]] == ["JT0001", "JT0002", "JT0003", "JT0004"]


def test_report_opens_on_a_summary_and_ends_with_a_sign_off(monthly_result):
    wb = pc.CalamineWorkbook.from_path(str(monthly_result.report))
    assert wb.sheet_names == ["概要", "客户汇总", "价类结构", "月度走势", "内部提示"]
    summary = {r[0]: r[1] for r in wb.get_sheet_by_name("概要").to_python() if r and r[0]}
    assert summary["销量(条)"] == 63 and summary["年累计销量(条)"] == 63
    assert summary["时间进度"] == pytest.approx(1 / 12)
    assert summary["年度目标(条)"] == "—"                                # not every customer has 12 targets
    assert monthly_result.layout[monthly_result.report.name]["概要"][1] == 1        # one page
    last = [r for r in wb.get_sheet_by_name("内部提示").to_python() if any(x != "" for x in r)][-2:]
    assert last[0][:4] == ["编制", "日期", "审核", "日期 "]           # the sign-off block ends the report
    assert last[1][:4] == ["", MONTHLY_TODAY.isoformat(), "", ""]
    classes = {r[0]: r for r in wb.get_sheet_by_name("价类结构").to_python() if r[0] in ("JT0001", "JT0004")}
    assert classes["JT0001"][2:6] == [30.0, pytest.approx(30 / 40), 10.0, pytest.approx(10 / 40)]
    trend = wb.get_sheet_by_name("月度走势").to_python()
    assert [r[1] for r in trend if r[0] in ("2025-01", "2025-02", "2026-01")] == [29.0, "", 63.0]


def test_internal_findings_go_to_the_report_only(monthly_result):
    notes = {(n.customer, n.kind) for n in monthly_result.internal}
    assert {("JT0002", "未拜访门店"), ("JT0003", "未拜访门店"), ("JT0001", "没有销售数据"), ("JT0001", "采集不足"),
            ("JT0004", "客户状态")} <= notes
    internal = sheet(monthly_result.report, "内部提示")
    assert any("店3（430102200003，长沙市芙蓉区八一路3号）本月没有拜访记录" in str(r[4]) for r in internal)
    for r in monthly_result.reviews:
        text = _strings(r.path)
        assert "拜访" not in text and "客户经理" not in text and "内部" not in text, r.customer
        for n in monthly_result.internal:
            assert n.detail not in text


def test_manifest_lists_every_review(monthly_result):
    data = json.loads((monthly_result.folder / manifest_name(MONTHLY_MONTH)).read_text("utf-8"))
    assert [(r["customer"], r["file"]) for r in data["reviews"]] == \
        [(r.customer, r.path.name) for r in monthly_result.reviews]
    assert "JT0004" not in {r["customer"] for r in data["reviews"]}      # paused: in the report, not mailed


# --- what reaches a customer ----------------------------------------------------------------------
def _text_of(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))


def _strings(path: Path) -> str:
    """The text a reader of the workbook sees: cells, chart titles, headers and footers."""
    text = _text_of(path)
    return " ".join(re.findall(r"<(?:t|a:t|c:v|oddHeader|oddFooter)[^>]*>([^<]*)</", text))


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


def test_no_suggestion_is_the_same_sentence_in_two_reviews(demo_reviews):
    seen: dict[str, str] = {}
    for r in demo_reviews.reviews:
        for sentence in dict(r.summary["parts"])["三、建议"]:
            assert sentence not in seen, (sentence, seen.get(sentence), r.customer)
            seen[sentence] = r.customer
    assert not any("缺货、陈列、周边竞争" in s for s in seen)


def test_demo_report_reconciles(demo_reviews):
    rows = sheet(demo_reviews.report, "客户汇总")
    total = next(r for r in rows if r[3] == "合计")
    reviewed = sum(r.summary["volume"] for r in demo_reviews.reviews)
    paused = [r for r in demo_reviews.customers if r["status"] != "正常"]
    assert paused and all(r["volume"] > 0 for r in paused)          # the demo's paused customer sells
    assert total[5] == demo_reviews.market["volume"] == reviewed + sum(r["volume"] for r in paused)


# --- the command --------------------------------------------------------------------------------------
def test_cli_json_and_text(monthly_files, tmp_path):
    r = CliRunner().invoke(cli, ["monthly", "--month", MONTHLY_MONTH, "--out", str(tmp_path), "--json",
                                 *map(str, monthly_files)])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    first = data["customers"][0]
    assert set(first) >= {"customer", "name", "status", "volume", "amount", "mom", "yoy", "target", "attainment",
                          "distribution", "selling_stores", "active_stores", "review"}
    assert (first["customer"], first["volume"], first["selling_stores"], first["active_stores"]) == ("JT0001", 40, 6, 7)
    assert first["distribution"] == [{"sku": "乙(软)", "on_shelf": 3, "surveyed": 3, "rate": None},
                                     {"sku": "甲(硬)", "on_shelf": 3, "surveyed": 6, "rate": 0.5}]
    third = next(c for c in data["customers"] if c["customer"] == "JT0003")
    assert third["yoy"] is None and third["attainment"] is None and third["distribution"] == []
    paused = next(c for c in data["customers"] if c["customer"] == "JT0004")
    assert (paused["status"], paused["volume"], paused["review"]) == ("暂停", 7, None)
    dept = data["department"]
    assert dept == {"volume": sum(c["volume"] for c in data["customers"]),
                    "amount": sum(c["amount"] for c in data["customers"]), "customers": len(data["customers"])}
    assert dept["volume"] == data["market"]["volume"] == 63
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
    from gcs_excel.reporting.run import file_names
    names = file_names({"JT0001": "甲/乙连锁", "JT0002": "甲:乙连锁", "JT0003": "丙"}, MONTHLY_MONTH)
    assert names == {"JT0001": "销售回顾_甲_乙连锁_JT0001_2026-01.xlsx", "JT0002": "销售回顾_甲_乙连锁_JT0002_2026-01.xlsx",
                     "JT0003": "销售回顾_丙_2026-01.xlsx"}


def test_some_customers_keep_the_others_and_the_full_report(monthly_files, tmp_path):
    monthly(monthly_files, MONTHLY_MONTH, tmp_path, today=MONTHLY_TODAY)
    part = monthly(monthly_files, MONTHLY_MONTH, tmp_path, customers=["JT0002"], today=MONTHLY_TODAY)
    data = json.loads((tmp_path / manifest_name(MONTHLY_MONTH)).read_text("utf-8"))
    assert [r["customer"] for r in data["reviews"]] == ["JT0001", "JT0002", "JT0003"]
    rows = sheet(part.report, "客户汇总")
    assert {r[2] for r in rows if str(r[2]).startswith("JT")} == {"JT0001", "JT0002", "JT0003", "JT0004"}
    assert part.report.name == report_name(MONTHLY_MONTH)


def test_without_a_visit_log_nothing_is_said_about_visits(monthly_files, write, tmp_path):
    obs_only = write("observations", [
        {"date": dt.date(2026, 1, 9), "person": "刘洋", "licence": "430102200001", "sku": "甲(硬)", "on_shelf": "是",
         "retail_price": 120.0, "stock": 5}])
    r = monthly([*monthly_files[:6], obs_only], MONTHLY_MONTH, tmp_path / "out", today=MONTHLY_TODAY)
    assert "采集了 1 家门店" in "\n".join(row(r, "JT0001")["texts"])
    assert not any(n.kind == "未拜访门店" for n in r.internal)


def test_each_review_ends_with_next_months_forecast_from_gcs_forecast(monthly_files, monthly_result):
    """The suggestions close with next month's demand, the very numbers gcs forecast gives
    for the customer (its SKUs summed, with the 80 % range)."""
    import gcs_excel
    from gcs_excel.values import shift_month

    table = gcs_excel.forecast(monthly_files, shift_month(MONTHLY_MONTH, 1))
    for c in table.customers():
        reviewed = [r for r in monthly_result.customers if r["customer"] == c["customer"] and r["parts"]]
        if not reviewed or not c["forecast"]:
            continue
        last = dict(reviewed[0]["parts"])["三、建议"][-1]
        assert f"需求约 {c['forecast']:,} 条" in last and "可据此安排订货" in last
        if c["high"] > c["low"]:
            assert f"大致在 {c['low']:,}–{c['high']:,} 条之间" in last


def test_without_the_month_before_there_is_no_forecast_line_and_a_note_says_why(monthly_files, tmp_path):
    """Reviewing a month whose sales are the last on file works as before; reviewing with
    sales that stop short of the month leaves the line out and says so."""
    from gcs_excel.values import shift_month

    early = shift_month(MONTHLY_MONTH, -20)
    r = monthly(monthly_files, early, tmp_path / "out", today=MONTHLY_TODAY)
    assert any("销售回顾里没有写下月预测" in n for n in r.notes)
    assert not any("可据此安排订货" in t for c in r.customers for t in c["texts"])
