"""gcs weekly: the weekly area meeting's pack. Every number is checked against a plain
computation over the same generated rows in this file, never against the code's helpers."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import defaultdict

import chinese_calendar
import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from gcs_excel.cli import cli
from gcs_excel.demo import write_sales_csv
from gcs_excel.errors import ConfigError
from gcs_excel.templates import write_workbook
from gcs_excel.weekly_pack import meeting_week, parse_week, week_of, weekly

from .conftest import HQ, TODAY

WEEK = "2026-W43"                                   # 2026-10-19 .. 2026-10-25, reviews October
MON, SUN = dt.date(2026, 10, 19), dt.date(2026, 10, 25)
STAFF = [("01", "王建国", "市场经理", "东片"), ("02", "刘洋", "客户经理", "东片"), ("03", "陈静", "客户经理", "西片")]
# licence suffix, customer, area, customer manager, status
STORES = [(1, "JT0001", "东片", "刘洋", "正常"), (2, "JT0001", "西片", "刘洋", "正常"), (3, "JT0001", "东片", "刘洋", "正常"),
          (4, "JT0002", "西片", "陈静", "正常"), (5, "JT0002", "西片", "陈静", "正常"), (6, "JT0002", "东片", "陈静", "暂停")]
PROBLEMS = ["", "", "价签未及时更新", "发现疑似假烟两条", "中华(硬)断货", "未明码标价", "店员说有人上门推销私烟"]


def lic(k: int) -> str:
    return f"4301022000{k:02d}"


def make_rows(seed: int):
    """A department of 3 people, 2 customers and 6 stores, with visits over three weeks of
    October (and one in November), next week's plans, two months of sales and targets."""
    rng = random.Random(seed)
    visits = []
    for day in (dt.date(2026, 10, 1) + dt.timedelta(days=n) for n in range(32)):
        if day.weekday() >= 5 or rng.random() < 0.2:
            continue
        for k, _, _, cm, _ in STORES:
            if rng.random() < 0.6:
                visits.append({"date": day, "person": cm, "role": "客户经理", "target_type": "卖场", "target_code": lic(k),
                               "scarce_notice": rng.choice(["是", "否"]), "issues": rng.choice(PROBLEMS)})
        if rng.random() < 0.3:
            visits.append({"date": day, "person": "王建国", "role": "市场经理", "target_type": "总部",
                           "target_code": rng.choice(["JT0001", "JT0002"]), "appointment": "是",
                           "scarce_notice": "否", "issues": rng.choice(PROBLEMS)})
    plans = [{"date": dt.date(2026, 10, 26) + dt.timedelta(days=n % 7), "person": cm, "role": "客户经理",
              "target_type": "卖场", "target_code": lic(k), "purpose": f"复查{n}",
              "period": "2026-10下" if n % 7 < 6 else "2026-11上"}
             for n, (k, _, _, cm, _) in enumerate(STORES * 2)]
    plans.append({"date": dt.date(2026, 10, 20), "person": "刘洋", "role": "客户经理", "target_type": "卖场",
                  "target_code": lic(1), "period": "2026-10下"})          # last week's: not in next week's list
    sales = [{"month": m, "customer": c, "licence": lic(k), "sku": sku, "volume": rng.randint(0, 50),
              "amount": 100.0} for m in ("2026-09", "2026-10") for k, c, *_ in STORES for sku in ("甲(硬)", "乙(软)")]
    targets = [{"month": "2026-10", "customer": "JT0001", "target_volume": 300}]    # JT0002: no target
    return visits, plans, sales, targets


@pytest.fixture
def dept(tmp_path, specs):
    """The department's files, the visit log dated as people type (text dates) and the sales
    as a UTF-8 CSV with the short headers (销量, 销售额) — unlike the demo's."""
    visits, plans, sales, targets = make_rows(7)
    tpl = specs.template
    typed = [{**v, "date": f"{v['date'].year}年{v['date'].month}月{v['date'].day}日"} for v in visits]
    csv = write_sales_csv(sales, tmp_path / "销售.csv", encoding="utf-8")
    text = csv.read_text("utf-8").replace("销量(条)", "销量").replace("销售额(元)", "销售额")
    csv.write_text(text, "utf-8")
    hq = [dict(HQ, code=c, name=n, cm=cm) for c, n, cm in (("JT0001", "甲连锁", "刘洋"), ("JT0002", "乙超市", "陈静"))]
    stores = [{"licence": lic(k), "customer": c, "name": f"店{k}", "category": "便利店", "address": f"路{k}号",
               "area": area, "contact": "陈", "phone": "13807315678", "monthly_volume": 10, "cm": cm, "status": st}
              for k, c, area, cm, st in STORES]
    staff = [{"staff_no": no, "name": n, "role": r, "area": a} for no, n, r, a in STAFF]
    catalogue = [{"sku": s, "brand": s[0], "price_class": "一类", "wholesale_price": 100.0, "retail_guide": 120.0}
                 for s in ("甲(硬)", "乙(软)")]
    files = [write_workbook(tpl("staff"), tmp_path / "人员.xlsx", data={"staff": staff}),
             write_workbook(tpl("hq"), tmp_path / "总部.xlsx", data={"hq": hq}),
             write_workbook(tpl("stores"), tmp_path / "卖场.xlsx", data={"stores": stores}),
             write_workbook(tpl("catalogue"), tmp_path / "规格.xlsx", data={"catalogue": catalogue}),
             write_workbook(tpl("visits"), tmp_path / "拜访.xlsx", data={"visits": typed}),
             write_workbook(tpl("plan"), tmp_path / "计划.xlsx", data={"plan": plans}),
             write_workbook(tpl("targets"), tmp_path / "目标.xlsx", data={"targets": targets}), csv]
    return files, (visits, plans, sales, targets)


def workdays(first: dt.date, last: dt.date) -> int:
    return sum(chinese_calendar.is_workday(first + dt.timedelta(days=n)) for n in range((last - first).days + 1))


def test_sales_against_the_pace_of_the_target(dept):
    files, (_, _, sales, targets) = dept
    r = weekly(files, WEEK, today=TODAY)
    # the text dates and the short headers are read, each with a warning
    assert {p.code for p in r.validation.problems} == {"date_as_text", "header_renamed"} and r.excluded == []
    oct_days, done = workdays(dt.date(2026, 10, 1), dt.date(2026, 10, 31)), workdays(dt.date(2026, 10, 1), SUN)
    assert r.workdays == (done, oct_days)
    sold = defaultdict(float)
    for s in sales:
        sold[(s["customer"], s["month"])] += s["volume"]
    c1, c2 = r.customers
    assert (c1.code, c1.month_to_date, c1.last_month, c1.target) == ("JT0001", sold["JT0001", "2026-10"],
                                                                    sold["JT0001", "2026-09"], 300)
    assert c1.pace == pytest.approx(300 * done / oct_days)
    assert c1.gap == pytest.approx(sold["JT0001", "2026-10"] - 300 * done / oct_days)
    assert c1.per_day == pytest.approx(max(300 - sold["JT0001", "2026-10"], 0) / (oct_days - done))
    assert c1.status == ("behind" if c1.gap < 0 else "on_pace")
    assert (c2.code, c2.target, c2.pace, c2.status) == ("JT0002", None, None, "no_target")
    assert c2.month_to_date == sold["JT0002", "2026-10"]
    assert any("只有月份" in n for n in r.notes)


def test_problems_and_compliance_of_the_week(dept):
    files, (visits, *_) = dept
    r = weekly(files, WEEK, today=TODAY)
    customer = {lic(k): c for k, c, *_ in STORES}
    expected = sorted((customer.get(v["target_code"], v["target_code"]), v["date"], v["person"], v["target_code"],
                       v["issues"]) for v in visits if MON <= v["date"] <= SUN and v["issues"])
    assert expected and [(f.customer, f.date, f.person, f.code, f.text) for f in r.findings] == expected
    words = ("假烟", "私烟", "未明码标价")
    assert [(f.date, f.code, f.text) for f in r.compliance] == [
        (d, code, text) for _, d, _, code, text in expected if any(w in text for w in words)]
    assert all(f.licence == (f.code if f.kind == "store" else "") for f in r.compliance)


def test_quotas_so_far_and_next_week(dept):
    files, (visits, plans, *_) = dept
    r = weekly(files, WEEK, today=TODAY)
    for cm in ("刘洋", "陈静"):
        mine = [lic(k) for k, _, _, m, st in STORES if m == cm and st == "正常"]
        seen = {v["target_code"] for v in visits if v["person"] == cm and v["date"] <= SUN}
        (cov,) = [x for x in r.quotas.results if x.person == cm and x.rule == "cm_store_coverage"]
        assert (cov.required, cov.actual) == (len(mine), sum(s in seen for s in mine))
        assert sorted(s["licence"] for s in cov.details["short"]) == sorted(s for s in mine if s not in seen)
    nxt = sorted((p["person"], p["date"], p["target_code"]) for p in plans
                 if dt.date(2026, 10, 26) <= p["date"] <= dt.date(2026, 11, 1))
    assert [(p.person, p.date, p.code) for p in r.next_week] == nxt
    assert r.next_week[0].purpose.startswith("复查")


def test_area_filter(dept):
    files, (visits, plans, *_) = dept
    r = weekly(files, WEEK, area="西片", today=TODAY)
    assert [p.name for p in r.attendees] == ["陈静"]
    assert {x.person for x in r.quotas.results} == {"陈静"}
    west = {lic(k) for k, _, a, *_ in STORES if a == "西片"}
    assert [c.code for c in r.customers] == ["JT0001", "JT0002"]          # both have a store in 西片
    assert {f.code for f in r.findings if f.kind == "store"} <= west
    assert [(p.date, p.code) for p in r.next_week] == sorted(
        (p["date"], p["target_code"]) for p in plans if p["target_code"] in west
        and dt.date(2026, 10, 26) <= p["date"] <= dt.date(2026, 11, 1))
    with pytest.raises(ConfigError, match="片区「北片」.*东片、西片"):
        weekly(files, WEEK, area="北片", today=TODAY)


def test_a_week_across_two_months(dept):
    """2026-W44 runs 26 October to 1 November: its Thursday is in October, so it reviews
    October, the quotas up to 31 October, and the November visit is among its problems."""
    files, (visits, *_) = dept
    r = weekly(files, "2026-W44", today=TODAY)
    assert r.month == "2026-10" and r.workdays[0] == r.workdays[1]
    assert any("跨两个月" in n for n in r.notes)
    assert {f.date for f in r.findings} == {v["date"] for v in visits if v["issues"]
                                            and dt.date(2026, 10, 26) <= v["date"] <= dt.date(2026, 11, 1)}


def test_an_empty_week(dept):
    """A week with no visits, plans or sales: every section empty, said so, nothing fails."""
    files, _ = dept
    r = weekly(files, "2026-W30", today=TODAY)
    assert r.findings == [] and r.next_week == [] and r.compliance == []
    assert all(c.month_to_date is None and c.target is None for c in r.customers)
    assert any("没有 2026-07 的数据" in w for w in r.warnings)


@pytest.mark.parametrize("text, monday", [("2026-W43", dt.date(2026, 10, 19)), ("2026w43", dt.date(2026, 10, 19)),
                                          ("２０２６－Ｗ０１", dt.date(2025, 12, 29)), ("2025-W53", None),
                                          ("2020-W53", dt.date(2020, 12, 28)), ("2026-43", None), ("2026-W00", None),
                                          ("", None), ("W43", None)])
def test_parse_week(text, monday):
    if monday is None:
        with pytest.raises(ConfigError, match="YYYY-Www"):
            parse_week(text)
    else:
        assert parse_week(text).monday == monday


def test_the_workbook(dept, tmp_path):
    files, (visits, plans, *_) = dept
    r = weekly(files, WEEK, out=tmp_path / "周会材料_2026-W43.xlsx", today=TODAY)
    wb = openpyxl.load_workbook(r.output)
    assert wb.sheetnames == ["会议纪要", "客户销售", "拜访发现问题", "指标进度", "指标待办", "下周拜访安排", "专卖事项"]
    minutes = [[c for c in row if c not in (None, "")] for row in wb["会议纪要"].iter_rows(values_only=True)]
    assert ["会议日期", "2026-10-26（星期一）", "地点"] in minutes              # the Monday after the week
    names = [row[1] for row in minutes if len(row) >= 3 and row[0].isdigit() and row[2] in ("市场经理", "客户经理")]
    assert names == ["王建国", "刘洋", "陈静"]
    assert sum(row[1:] == ["专卖人员"] for row in minutes) == 2             # two lines for the 专卖 staff to sign
    assert any(row and str(row[-1]).startswith(f"专卖事项：{len(r.compliance)} 条") for row in minutes)
    sales = list(wb["客户销售"].iter_rows(min_row=2, max_row=3, values_only=True))
    assert sales[0][:5] == ("JT0001", "甲连锁", "刘洋", 300, round(r.customers[0].month_to_date))
    assert sales[1][3] is None and sales[1][-1] == "无目标"
    problems = list(wb["拜访发现问题"].iter_rows(min_row=2, values_only=True))
    assert [(p[0], p[2], p[7]) for p in problems if p[2]] == [(f.customer, f.date.isoformat(), f.text)
                                                             for f in r.findings]
    compliance = [row for row in wb["专卖事项"].iter_rows(min_row=2, values_only=True) if row[1]]
    assert r.compliance and [(row[0], row[1]) for row in compliance] == [
        (f.date.isoformat(), f.licence or f"（总部 {f.code}）") for f in r.compliance]
    assert wb["专卖事项"].column_dimensions["I"].width >= 20     # 处理情况: room for the 专卖 staff's hand
    planned = [row for row in wb["下周拜访安排"].iter_rows(min_row=2, values_only=True) if row[1]]
    assert len(planned) == len(r.next_week) and planned[0][2].startswith("星期")


def test_out_may_be_a_folder(dept, tmp_path):
    files, _ = dept
    assert weekly(files, WEEK, area="西片", out=tmp_path, today=TODAY).output == tmp_path / "周会材料_2026-W43_西片.xlsx"
    assert weekly(files, WEEK, out=tmp_path, today=TODAY).output.name == "周会材料_2026-W43.xlsx"


@pytest.mark.parametrize("month, week", [("2026-10", "2026-W43"), ("2026-11", "2026-W48"), ("2026-08", "2026-W35"),
                                         ("2027-02", "2027-W07")])
def test_the_week_a_months_last_monday_reviews(month, week):
    """2026-10's last Monday is the 26th: it reviews 19–25 October; 2026-11 ends on Monday the
    30th: that meeting reviews 23–29 November."""
    assert meeting_week(month) == week


@given(st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31)))
def test_a_day_is_in_the_week_its_label_names(day):
    week = week_of(day)
    assert day in week and week.monday.weekday() == 0 and parse_week(week.label) == week
    assert week.next.monday == week.sunday + dt.timedelta(days=1)
    assert week.month == f"{(week.monday + dt.timedelta(days=3)):%Y-%m}"


def test_an_empty_week_still_makes_a_pack(dept, tmp_path):
    files, _ = dept
    r = weekly(files, "2026-W30", out=tmp_path / "w.xlsx", today=TODAY)
    wb = openpyxl.load_workbook(r.output)
    assert wb["拜访发现问题"]["A2"].value == "2026-W30 的拜访记录里没有写发现问题。"
    assert wb["下周拜访安排"]["A2"].value.startswith("拜访计划里没有 2026-W31")


def test_keywords_come_from_the_config(dept, tmp_path):
    files, (visits, *_) = dept
    config = tmp_path / "周会.toml"
    config.write_text('[compliance]\nkeywords = ["中华（硬）"]\n', "utf-8")     # full-width brackets
    r = weekly(files, WEEK, config=config, today=TODAY)
    assert [f.text for f in r.compliance] == [f.text for f in r.findings if "中华(硬)" in f.text]
    assert r.compliance and all(f.keywords == ("中华（硬）",) for f in r.compliance)
    config.write_text('[compliance]\nkeywords = []\n', "utf-8")
    with pytest.raises(ConfigError, match="keywords"):
        weekly(files, WEEK, config=config, today=TODAY)


def test_rows_with_errors_are_left_out_and_listed(dept, tmp_path, specs):
    files, (visits, *_) = dept
    bad = [{**visits[0], "date": dt.date(2026, 10, 20), "person": "查无此人", "issues": "假烟"}]
    extra = write_workbook(specs.template("visits"), tmp_path / "拜访_补.xlsx", data={"visits": bad})
    r = weekly([*files, extra], WEEK, today=TODAY)
    assert [(x.sheet, x.row) for x in r.excluded] == [("拜访记录", 2)]
    assert all(f.person != "查无此人" for f in r.findings) and r.exit_code == 1


def test_cli(dept, tmp_path):
    files, _ = dept
    run = CliRunner().invoke(cli, ["weekly", "--week", WEEK, "--json", "--today", "2026-11-27", *map(str, files)])
    assert run.exit_code == 0, run.output
    d = json.loads(run.output)
    assert (d["week"], d["month"], d["meeting_date"], d["sales_basis"]) == ("2026-W43", "2026-10", "2026-10-26",
                                                                             "month_to_date")
    assert d["customers"][0]["target"] == 300 and d["customers"][1]["status"] == "no_target"
    assert len(d["compliance"]) == sum(bool(p["keywords"]) for p in d["problems"])
    run = CliRunner().invoke(cli, ["weekly", "--week", "2026-43", *map(str, files)])
    assert run.exit_code == 2 and run.output.count("\n") == 1 and "YYYY-Www" in run.output
    run = CliRunner().invoke(cli, ["weekly", "--week", WEEK, "--today", "2026-11-27", *map(str, files)])
    assert "专卖事项" in run.output and "下周拜访安排（2026-W44" in run.output


def test_a_read_only_folder_or_a_full_disk_is_one_line(dept, tmp_path):
    from .faults import gcs, one_line_error, read_only, tiny_disk

    files, _ = dept
    folder = tmp_path / "ro"
    folder.mkdir()
    with read_only(folder):
        run = gcs("weekly", "--week", WEEK, "--out", folder / "周会材料_2026-W43.xlsx", *files)
        assert run.returncode == 2 and one_line_error(run.stderr), run.stderr
        assert list(folder.iterdir()) == []
    with tiny_disk(tmp_path / "full") as full:
        run = gcs("weekly", "--week", WEEK, "--out", full / "周会材料_2026-W43.xlsx", *files)
        assert run.returncode == 2 and one_line_error(run.stderr), run.stderr
        assert list(full.iterdir()) == []


@pytest.mark.libreoffice
def test_every_page_fits_a4(soffice, clean_files, tmp_path):
    """The demo department's W43 as its reader prints it: every sheet one page wide at 70 %
    or more; 会议纪要 on two portrait pages at full size (attendees and agenda; decisions
    and action items)."""
    from .printcheck import LibreOffice, print_sheets

    r = weekly(clean_files, WEEK, out=tmp_path / "周会材料_2026-W43.xlsx", today=TODAY)
    assert r.findings and r.next_week and r.customers
    (tmp_path / "lo").mkdir()
    printed = {p.sheet: p for p in print_sheets(LibreOffice(soffice, tmp_path / "lo"), [r.output], tmp_path / "pdf")}
    assert set(printed) == {"会议纪要", "客户销售", "拜访发现问题", "指标进度", "指标待办", "下周拜访安排", "专卖事项"}
    for p in printed.values():
        assert p.one_page_wide and (p.scale is None or p.scale >= 70), str(p)
    minutes = printed["会议纪要"]
    assert not minutes.landscape and minutes.pages == 2 and (minutes.scale is None or minutes.scale >= 95), str(minutes)


@pytest.mark.parametrize("week, today, word, warning", [
    (WEEK, TODAY, "未完成", None),                                     # five working days of October still to come
    ("2026-W44", TODAY, "未达标", None),                               # reviewed to 31 October: the month is over
    (WEEK, dt.date(2026, 10, 22), "未完成", "2026-W43 还没有过完（今天是 2026-10-22）"),
    (WEEK, dt.date(2026, 10, 10), "未完成", "2026-W43 还没有到（今天是 2026-10-10）")])
def test_a_quota_short_while_the_month_runs_is_not_called_failed(dept, tmp_path, week, today, word, warning):
    """At a week's end the month's quotas may still be met: the pack says 未完成 (the
    terminal, the agenda, the 指标进度 sheet), 未达标 only once the month is over; a week not
    over yet, or still to come (a mistyped week), is said."""
    from gcs_excel.render import render_weekly
    files, _ = dept
    r = weekly(files, week, out=tmp_path / "周会.xlsx", today=today)
    short = sum(not x.ok for x in r.quotas.results)
    assert short and f"{word} {short} 项" in render_weekly(r)
    wb = openpyxl.load_workbook(r.output)
    agenda = [row[1] for row in wb["会议纪要"].iter_rows(values_only=True) if row[1] and "拜访指标进度" in str(row[1])]
    assert agenda == [f"本月拜访指标进度：{short} 项{word}（见“指标进度”“指标待办”）"]
    marks = [row[4] for row in wb["指标进度"].iter_rows(min_row=2, values_only=True) if row[4] not in (None, "达标")]
    assert marks[:short] == [word] * short
    said = [w for w in r.warnings if w.startswith(week)]
    assert len(said) == (warning is not None) and all(w.startswith(warning) for w in said)


def test_a_file_not_given_is_said_on_paper_not_taken_for_an_empty_week(dept, tmp_path):
    """Without the visit log, plans or sales the printed pack says which file is missing
    (agenda, the empty sections, the notes) instead of "the visits noted no problems"."""
    files, _ = dept
    staff, hq, stores = files[:3]
    r = weekly([staff, hq, stores], WEEK, out=tmp_path / "周会.xlsx", today=TODAY)
    wb = openpyxl.load_workbook(r.output)
    agenda = [row[1] for row in wb["会议纪要"].iter_rows(values_only=True) if row[1] and "（见“" in str(row[1])]
    assert agenda[:3] == ["上周客户销售：2 个客户，没有给出「销售数据」（见“客户销售”）",
                          "上周拜访发现的问题：没有给出「拜访记录」（见“拜访发现问题”）",
                          "专卖事项：没有给出「拜访记录」（见“专卖事项”）"]
    assert agenda[4] == "下周工作安排：2026-W44 没有给出「拜访计划」（见“下周拜访安排”）"

    def texts(sheet):
        return [c for row in wb[sheet].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "没有给出「拜访记录」：没有 2026-W43 的拜访可以回顾。" in texts("拜访发现问题")
    assert "没有给出「拜访记录」：没有 2026-W43 的拜访可以回顾。" in texts("专卖事项")
    assert "没有给出「拜访计划」：2026-W44 的拜访安排不详。" in texts("下周拜访安排")
    assert any(t.startswith("没有给出「拜访记录」，实际拜访都按 0 计。") for t in texts("指标进度"))
    assert any(t.endswith("没有给出「销售数据」。没有给出「销售目标」。") for t in texts("客户销售"))
    full = weekly(files, WEEK, out=tmp_path / "全.xlsx", today=TODAY)     # all given: nothing said missing
    assert not any("没有给出" in t for ws in openpyxl.load_workbook(full.output) for row in ws.iter_rows(values_only=True)
                   for t in row if isinstance(t, str))
