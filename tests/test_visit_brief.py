"""gcs brief: a page per visit planned on a day. Every number against plain Python over the
same generated rows (tests/briefs.py); a customer manager's store visit, an HQ visit, a
market manager's store visit; with and without allocations, notices and a previous
catalogue; nothing planned, an unknown name, a read-only folder; every page one A4 page."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

import pytest
from click.testing import CliRunner
from hypothesis import given, strategies as st

from gcs_excel.allocation import allocate
from gcs_excel.visit_brief import MonthSales, PriceChange, brief, busiest_day, price_changes, trend_words
from gcs_excel.cli import cli
from gcs_excel.errors import ConfigError
from gcs_excel.notice_issue import issue_notices
from gcs_excel.reporting.analysis import Sku
from gcs_excel.xlsx_style import MIN_SCALE

from .briefs import DAY, LONG, TODAY, write_brief_department
from .conftest import digest
from .faults import one_line_error, read_only

WINDOW = ["2026-07", "2026-08", "2026-09"]


@pytest.fixture(scope="module")
def dept(tmp_path_factory):
    """The department with the month's allocation of 甲(硬) and its notices."""
    d = write_brief_department(tmp_path_factory.mktemp("brief"))
    alloc = allocate(d.files, "甲(硬)", 30, "2026-10", out=d.folder / "分配.xlsx", today=TODAY)
    notices = issue_notices([d.folder / "分配.xlsx"], d.folder / "告知", pdf=False, today=TODAY)
    d.extra = [alloc.output, notices.months[0].workbook]
    d.allotted = {a["licence"]: a["quantity"] for a in alloc.as_dict()["allocations"]}
    d.numbers = {n.licence: n.number for n in notices.months[0].notices}
    return d


@pytest.fixture(scope="module")
def full(dept, tmp_path_factory):
    """Everyone's briefs of the day with every file, written."""
    out = tmp_path_factory.mktemp("out")
    return brief([*dept.files, *dept.extra], DAY, everyone=True, out=out, previous_catalogue=dept.previous,
                 today=TODAY)


def page(result, person, code):
    return next(b for b in result.briefs if b.person == person and b.code == code)


# --- the independent computations -------------------------------------------------------------
def sums(rows, key, code):
    """(month, sku) -> [volume, amount] of one store (key licence) or HQ (key customer)."""
    out = defaultdict(lambda: [0.0, 0.0])
    for r in rows:
        if r[key] == code:
            out[(r["month"], r["sku"])][0] += r["volume"]
            out[(r["month"], r["sku"])][1] += r["amount"]
    return out


def expected_months(rows, key, code):
    s = sums(rows, key, code)
    return [(m, sum(v for (mm, _), (v, _a) in s.items() if mm == m), sum(a for (mm, _), (_v, a) in s.items() if mm == m))
            for m in WINDOW]


def expected_skus(rows, key, code):
    s = sums(rows, key, code)
    skus = {k for _, k in s}
    last = {k: s.get(("2026-09", k), [0.0, 0.0]) for k in skus}
    prev = {k: s.get(("2026-08", k), [0.0, 0.0]) for k in skus}
    top = sorted(((k, last[k][0], last[k][1]) for k in skus if last[k][0] > 0), key=lambda t: (-t[1], t[0]))
    fallen = sorted(((k, last[k][0] - prev[k][0]) for k in skus if last[k][0] < prev[k][0]), key=lambda t: (t[1], t[0]))
    return top, fallen


def rounded(rows):
    """Tuples with their floats to the cent (sums of cents in another order differ in the 12th digit)."""
    return [tuple(round(x, 6) if isinstance(x, float) else x for x in row) for row in rows]


def check_numbers(b, rows, key):
    assert rounded((m.month, m.volume, m.amount) for m in b.sales) == rounded(expected_months(rows, key, b.code))
    top, fallen = expected_skus(rows, key, b.code)
    assert rounded((s.sku, s.volume, s.amount) for s in b.top) == rounded(top)
    assert rounded((s.sku, s.change) for s in b.fallen) == rounded(fallen)
    assert b.top


# --- the three kinds of page ------------------------------------------------------------------
def test_a_customer_managers_store_visit(full, dept):
    b = page(full, "刘洋", "430102200001")
    assert (b.role, b.kind, b.name) == ("cm", "store", LONG)
    facts = dict(b.facts)
    assert (facts["专卖证号"], facts["联系人"], facts["联系电话"], facts["客户经理"], facts["市场经理"]) == (
        "430102200001", "江娜英", "13807315678", "刘洋", "王建国")
    assert full.sales_months == WINDOW                # 2026-10 is the visit's month: not in its window
    check_numbers(b, dept.sales, "licence")
    supply = {s.sku: s for s in b.supply}
    assert list(supply) == ["甲(硬)", "新(中支)"]      # scarce first, then new
    last = sums(dept.sales, "licence", b.code)
    assert supply["甲(硬)"].allotted == dept.allotted["430102200001"] and supply["甲(硬)"].scarce
    assert supply["甲(硬)"].last_volume == pytest.approx(last[("2026-09", "甲(硬)")][0])
    assert (supply["新(中支)"].new, supply["新(中支)"].allotted, supply["新(中支)"].notice) == (True, 0, "")
    assert supply["甲(硬)"].notice == dept.numbers["430102200001"]
    assert b.notice == f"{dept.numbers['430102200001']}，10月12日由刘洋递交"
    # the last visit with a problem and every visit after it (not the one after the day)
    assert (b.problem.date, b.problem.issues) == (dt.date(2026, 10, 8), "价签未及时更新")
    assert [(x.date, x.person, x.content) for x in b.follow_ups] == [
        (dt.date(2026, 10, 12), "刘洋", "复查价签，递交告知"), (dt.date(2026, 10, 13), "王建国", "抽查服务")]
    assert b.last_visit.date == dt.date(2026, 10, 13) and b.cm_visits is None
    assert b.purpose == "复查价签，递交告知书"


def test_an_hq_visit_sums_its_stores(full, dept):
    b = page(full, "刘洋", "JT0001")
    assert (b.kind, b.name, dict(b.facts)["购销负责人"]) == ("hq", "湖南步步高连锁超市有限公司", "李晓梅")
    check_numbers(b, dept.sales, "customer")
    scarce = next(s for s in b.supply if s.sku == "甲(硬)")
    assert scarce.allotted == dept.allotted["430102200001"] + dept.allotted["430102200002"]
    assert b.notice == "本月 2 个卖场有书面告知，已递交 1 个，未递交 1 个"
    assert (b.problem.issues, b.follow_ups) == ("订货频率偏低", [])


def test_a_market_managers_store_visit(full):
    b = page(full, "王建国", "430102200001")
    assert b.market_manager_store
    assert [(x.date, x.person, x.notice) for x in b.cm_visits] == [
        (dt.date(2026, 10, 8), "刘洋", ""), (dt.date(2026, 10, 12), "刘洋", "是")]


def test_a_store_not_handed_its_notice_and_not_followed_up(full, dept):
    b = page(full, "陈静", "430102200003")
    assert b.notice == f"{dept.numbers['430102200003']}，尚未递交——本次拜访请递交并请卖场签收"
    assert (b.problem.issues, b.follow_ups) == ("乙(软)断货", [])


def test_plan_order_sheets_and_the_workbook(full):
    import openpyxl

    assert [(b.person, b.code) for b in full.briefs] == [
        ("刘洋", "430102200001"), ("刘洋", "JT0001"), ("王建国", "430102200001"), ("陈静", "430102200003")]
    names = [b.sheet for b in full.briefs]
    assert len(set(names)) == 4 and all(len(n) <= 31 for n in names) and names[0].startswith("1 刘洋-")
    wb = openpyxl.load_workbook(full.output)
    assert wb.sheetnames == ["拜访目录", *names] and full.output.name == "拜访准备_2026-10-20.xlsx"
    text = lambda ws: "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)  # noqa: E731
    mm, cm = text(wb[names[2]]), text(wb[names[0]])
    assert "客户意见" in mm and "客户经理服务检查（见附表）" in mm and "明码标价、按零售指导价销售的情况" in mm
    assert "客户意见" not in cm and "□ 笔" in cm and "□ 品牌手册" in cm
    assert "调价" in cm and "95.00 → 100.00" in cm and "停供" in cm
    ws = wb[names[0]]
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.orientation == "portrait"
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight in (None, 1)    # None: the default 1


# --- prices, trend ----------------------------------------------------------------------------
def sku(name, wholesale, guide):
    return Sku(name, name[0], "二类", 1, wholesale, guide, False, False)


def test_price_changes():
    old = {"甲": sku("甲", 95, 120), "乙": sku("乙", 80, 88), "丙": sku("丙", 60, 70), "戊": sku("戊", 30, 35)}
    new = {"甲": sku("甲", 100, 120), "乙": sku("乙", 80, 90), "丙": sku("丙", 60.001, 70), "新": sku("新", 200, 240)}
    assert price_changes(old, new) == [
        PriceChange("乙", "changed", 80, 80, 88, 90), PriceChange("甲", "changed", 95, 100, 120, 120),
        PriceChange("新", "new", None, 200, None, 240), PriceChange("戊", "withdrawn", 30, None, 35, None)]
    assert price_changes(old, old) == []


@pytest.mark.parametrize("volumes, words", [
    ((10, 20, 30), "连续两个月上升，9月环比 +50.0%"),
    ((30, 20, 10), "连续两个月下降，9月环比 −50.0%"),
    ((30, 10, 20), "9月回升，环比 +100.0%"),
    ((10, 30, 20), "9月回落，环比 −33.3%"),
    ((20, 20, 30), "9月环比 +50.0%"),
    ((5, 20, 20), "9月与上月持平"),
    ((10, 0, 30), "8月没有销量，9月销售 30 条"),
    ((10, 5, 0), "9月没有销量（上月 5 条）"),
    ((0, 0, 0), "近 3 个月都没有销量"),
    ((None, 10, 20), "9月环比 +100.0%"),
    ((None, 10, 10), "9月与上月持平"),
    ((10, None, 20), "销售数据里没有8月，无法算环比；9月销售 20 条"),
    ((10, 20, None), "销售数据里没有9月，无法判断趋势"),
])
def test_trend_words_are_true_of_the_numbers(volumes, words):
    assert trend_words([MonthSales(m, v, None if v is None else v * 10) for m, v in zip(WINDOW, volumes)]) == words


volume = st.one_of(st.none(), st.integers(0, 500), st.floats(0, 500, allow_nan=False).map(lambda x: round(x, 1)))


@given(st.tuples(volume, volume, volume))
def test_trend_words_never_say_what_the_numbers_do_not(volumes):
    """Up-words only when the last known month sold more than the one before it, down-words
    only when less, 持平 only when the change rounds to nothing, and a percent as the numbers give it."""
    words = trend_words([MonthSales(m, v, None) for m, v in zip(WINDOW, volumes)])
    first, prev, last = volumes
    if prev is None or last is None:
        assert "销售数据里没有" in words and "环比 " not in words
        return
    known = [v for v in volumes if v is not None]
    assert ("上升" in words or "回升" in words) <= (last > prev)
    assert ("下降" in words or "回落" in words) <= (last < prev)
    assert ("持平" in words) <= (prev > 0 and abs(last - prev) / prev < 0.0005)
    if "连续两个月" in words:
        assert len(known) == 3 and (known[0] < prev < last or known[0] > prev > last)
    if prev > 0 and last > 0 and "%" in words:
        assert f"{abs(last - prev) / prev:.1%}" in words


# --- without the optional files ------------------------------------------------------------------
def test_without_allocations_notices_or_previous_catalogue(dept, tmp_path):
    r = brief(dept.files, DAY, person="刘洋", out=tmp_path, today=TODAY)
    b = page(r, "刘洋", "430102200001")
    assert r.prices is None and all(s.allotted is None and s.notice == "" for s in b.supply)
    assert b.notice == "本月已于10月12日由刘洋递交"
    assert page(r, "刘洋", "JT0001").notice == "没有给出告知登记（紧俏货源告知工作簿），各卖场的告知未核对"
    assert r.output == tmp_path / "拜访准备_2026-10-20_刘洋.xlsx"
    assert [b.person for b in r.briefs] == ["刘洋", "刘洋"] and r.exit_code == 0


def test_a_month_the_sales_data_lack_is_unknown_not_zero(dept, tmp_path):
    from gcs_excel.demo import write_sales_csv

    rows = [r for r in dept.sales if r["month"] != "2026-08"]
    csv = write_sales_csv(rows, tmp_path / "销售数据.csv")            # GBK this time
    files = [p for p in dept.files if p.suffix != ".csv"] + [csv]
    b = page(brief(files, DAY, person="刘洋", today=TODAY), "刘洋", "JT0001")
    assert [(m.month, m.volume is None) for m in b.sales] == [("2026-07", False), ("2026-08", True), ("2026-09", False)]
    assert b.trend.startswith("销售数据里没有8月，无法算环比；9月销售") and not b.fallen   # no September against July


def test_config_overrides_the_tools(dept, tmp_path):
    config = tmp_path / "准备.toml"
    config.write_text('tools = ["笔", "工牌"]\n[limits]\ntop_skus = 2\n', "utf-8")
    r = brief(dept.files, DAY, person="刘洋", config=config, today=TODAY)
    assert r.settings["tools"] == ["笔", "工牌"] and r.settings["limits"]["top_skus"] == 2
    assert r.settings["limits"]["fallen_skus"] == 5


# --- nothing to do, mistakes, faults --------------------------------------------------------------
def test_nothing_planned_is_one_line_and_exit_1(dept, tmp_path):
    r = CliRunner().invoke(cli, ["brief", "--date", "2026-10-21", "--person", "刘洋", "--out", str(tmp_path),
                                 "--today", "2026-11-27", *map(str, dept.files)])
    assert r.exit_code == 1
    assert r.output == "2026-10-21 刘洋没有计划拜访，没有写出工作簿（10月计划拜访的日子：8日、20日）\n"
    assert list(tmp_path.iterdir()) == []
    r = CliRunner().invoke(cli, ["brief", "--date", "2026-10-21", "--all", "--out", str(tmp_path),
                                 *map(str, dept.files)])
    assert (r.exit_code, r.output) == (1, "2026-10-21 拜访计划里这一天没有人计划拜访，没有写出工作簿\n")


def test_an_unknown_person_gets_did_you_mean(dept):
    with pytest.raises(ConfigError, match="人员名单里没有「刘阳」，是不是「刘洋」？"):
        brief(dept.files, DAY, person="刘阳", today=TODAY)
    r = CliRunner().invoke(cli, ["brief", "--date", "2026-10-20", "--person", "刘阳", "--out", "x.xlsx",
                                 *map(str, dept.files)])
    assert r.exit_code == 2 and one_line_error(r.output), r.output



@pytest.mark.parametrize("typed", ["刘洋 ", " 刘洋", "刘洋\u3000"])
def test_a_name_pasted_with_a_space_is_the_name(dept, tmp_path, typed):
    """Copied from a cell or a chat, the name often brings a space: it is still 刘洋 (not
    "人员名单里没有「刘洋 」，是不是「刘洋」？"), and the workbook is named without it."""
    r = brief(dept.files, DAY, person=typed, out=tmp_path, today=TODAY)
    plain = brief(dept.files, DAY, person="刘洋", today=TODAY)
    assert r.person == "刘洋" and len(r.briefs) == len(plain.briefs) > 0
    assert r.output.name == f"拜访准备_{DAY.isoformat()}_刘洋.xlsx"
    with pytest.raises(ConfigError, match="请给出 --person"):
        brief(dept.files, DAY, person="  ", today=TODAY)


@pytest.mark.parametrize("args, message", [
    (["--person", "刘洋", "--all"], "请给出 --person（一个人）或 --all"),
    ([], "请给出 --person（一个人）或 --all"),
])
def test_person_or_all(dept, args, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        brief(dept.files, DAY, person="刘洋" if "--person" in args else None, everyone="--all" in args)


def test_a_read_only_folder_is_one_clear_line(dept, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with read_only(out) as how:
        r = CliRunner().invoke(cli, ["brief", "--date", "2026-10-20", "--all", "--out", str(out),
                                     *map(str, dept.files)])
    assert r.exit_code == 2 and one_line_error(r.output), r.output
    assert ("只读" if how == "mount" else "没有权限") in r.output
    assert list(out.iterdir()) == []


def test_json_and_inputs_untouched(dept, tmp_path):
    before = digest([*dept.files, *dept.extra])
    r = CliRunner().invoke(cli, ["brief", "--date", "2026-10-20", "--all", "--json", "--out", str(tmp_path / "b.xlsx"),
                                 "--previous-catalogue", str(dept.previous), *map(str, [*dept.files, *dept.extra])])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert [b["code"] for b in data["briefs"]] == ["430102200001", "JT0001", "430102200001", "430102200003"]
    assert {p["kind"] for p in data["price_changes"]} == {"changed", "new", "withdrawn"}
    assert data["briefs"][0]["problem"]["issues"] == "价签未及时更新" and data["output"].endswith("b.xlsx")
    assert digest([*dept.files, *dept.extra]) == before


# --- on paper -------------------------------------------------------------------------------------
@pytest.mark.libreoffice
def test_every_page_is_one_a4_page_even_crowded(soffice, dept, tmp_path):
    """Long names, many SKUs, many problems and visits: still one portrait page each, readable."""
    import subprocess

    from gcs_excel.templates import write_workbook
    from gcs_excel.spec import load_specs

    from .briefs import SKUS, VISITS, visit
    from .printcheck import LibreOffice, print_sheets

    tpl = load_specs().template
    many = [{"sku": k, "brand": k[0], "price_class": "二类", "wholesale_price": w, "retail_guide": g, "scarce": sc,
             "new": n} for k, (w, g, sc, n) in SKUS.items()]
    many += [{"sku": f"超长规格名称的卷烟{k:02d}(硬盒细支爆珠版)", "brand": "长", "price_class": "二类",
             "wholesale_price": 50.0 + k, "retail_guide": 60.0 + k, "scarce": "是" if k % 2 else "否",
             "new": "是" if k % 3 == 0 else "否"} for k in range(20)]
    crowded = VISITS + [visit(dt.date(2026, 10, 9 + k), "刘洋", "客户经理", "卖场", "430102200001", notice="是",
                              content="很长的拜访内容：" + "核对库存、检查价签、了解动销、宣传新品。" * 6,
                              issues="发现的问题：" + "价签不全、断货、未按指导价销售。" * 8) for k in range(8)]
    folder = tmp_path / "crowded"
    folder.mkdir()
    files = [p for p in dept.files if p.stem not in ("卷烟规格", "拜访记录")] + [
        write_workbook(tpl("catalogue"), folder / "卷烟规格.xlsx", data={"catalogue": many}),
        write_workbook(tpl("visits"), folder / "拜访记录.xlsx", data={"visits": crowded})]
    r = brief([*files, *dept.extra], DAY, everyone=True, out=tmp_path / "b.xlsx", previous_catalogue=dept.previous,
              today=TODAY)
    assert len(r.briefs) == 4 and len(r.briefs[0].supply) > r.settings["limits"]["supply"]
    (tmp_path / "lo").mkdir()
    printed = print_sheets(LibreOffice(soffice, tmp_path / "lo"), [r.output], tmp_path / "printed")
    pages = {p.sheet: p for p in printed}
    assert set(pages) == {"拜访目录", *(b.sheet for b in r.briefs)}
    for b in r.briefs:
        p = pages[b.sheet]
        assert (p.pages, p.landscape) == (1, False), str(p)
        assert p.scale is None or p.scale >= MIN_SCALE, str(p)
    text = subprocess.run(["pdftotext", "-layout", pages[r.briefs[0].sheet].pdf, "-"], capture_output=True,
                          text=True).stdout
    assert "另有" in text and "□ 品牌手册" in text and "430102200001" in text


@pytest.mark.parametrize("days, expected", [
    ([(20, "下"), (20, "下"), (8, "上"), (8, "上"), (8, "上"), (25, "下"), (25, "下")], dt.date(2026, 10, 20)),
    ([(8, "上"), (9, "上"), (9, "上")], dt.date(2026, 10, 9)),
    ([], None),
])
def test_busiest_day_of_the_second_half(days, expected):
    from gcs_excel.dept import PlanRow

    plans = [PlanRow(dt.date(2026, 10, d), "刘洋", "cm", "store", "430102200001", f"2026-10{h}", False) for d, h in days]
    plans.append(PlanRow(dt.date(2026, 11, 20), "刘洋", "cm", "store", "430102200001", "2026-11下", False))
    assert busiest_day(plans, "2026-10") == expected


def test_the_public_name_is_the_commands_core_function():
    """gcs_excel.brief is the function the command calls, even once its module is imported
    (a module named brief would shadow it)."""
    import gcs_excel
    import gcs_excel.visit_brief

    assert gcs_excel.brief is gcs_excel.visit_brief.brief is brief


def test_without_the_visit_log_nothing_is_said_about_past_visits(dept, tmp_path):
    """No 拜访记录 among the files: the notice is "不知本月是否已递交" (not "尚未递交", a
    guess), and the page's history and the market manager's 客户经理拜访 say 不详 instead of
    "no visit before this one" / "the manager has not been yet"."""
    import openpyxl

    files = [p for p in [*dept.files, *dept.extra] if p.name != "拜访记录.xlsx"]
    r = brief(files, DAY, everyone=True, out=tmp_path, today=TODAY)
    assert "没有给出拜访记录：上次拜访、发现的问题、本月是否已递交告知都不详" in r.notes
    store = page(r, "刘洋", "430102200001")
    assert store.notice == f"{dept.numbers['430102200001']}，没有给出拜访记录，不知本月是否已递交"
    assert page(r, "刘洋", "JT0001").notice == "没有给出拜访记录，不知本月是否已递交"
    wb = openpyxl.load_workbook(r.output)
    text = {ws.title: {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)} for ws in wb}
    mm = text[page(r, "王建国", "430102200001").sheet]
    assert {"没有给出拜访记录：上次拜访和发现的问题不详", "没有给出拜访记录：客户经理本月的拜访不详"} <= mm
    assert not any("拜访记录里没有这次以前对它的拜访" in t or "还没有拜访过本店" in t for ts in text.values() for t in ts)
