"""gcs plan: working days, balance, grouping, --into, and the promise that matters —
a plan followed passes gcs quotas."""

from __future__ import annotations

import collections
import datetime as dt

import openpyxl
import pytest
from click.testing import CliRunner

from gcs_excel.cli import cli
from gcs_excel.dept import department_from_rows
from gcs_excel.errors import ConfigError
from gcs_excel.planner import Planner, make_plan, road_of
from gcs_excel.quota_check import QuotaReport, compute
from gcs_excel.rules import load_rules
from gcs_excel.validation import validate
from gcs_excel.workdays import working_days

from .conftest import MONTH, TODAY


def follow(rows):
    """Visits made exactly as planned (HQ by appointment, CM store visits with the notice)."""
    return [{"date": r["date"], "person": r["person"], "role": r["role"], "target_type": r["target_type"],
             "target_code": r["target_code"], "appointment": "是" if r["target_type"] == "总部" else None,
             "scarce_notice": "是" if r["target_type"] == "卖场" and r["role"] == "客户经理" else None}
            for r in rows]


def planned(department, month=MONTH, rules=None):
    base = {k: department[k] for k in ("staff", "hq", "stores")}
    d = department_from_rows(base)
    planner = Planner(d, month, rules or load_rules())
    people = sorted(d.staff.values(), key=lambda p: p.name)
    return base, [r for p in people for r in planner.plan(p)], planner


@pytest.mark.parametrize("month", ["2026-10", "2026-02", "2026-05", "2025-12"])
def test_a_plan_followed_passes_the_quotas(department, month):
    base, rows, planner = planned(department, month)
    report = _followed(base, rows, month)
    assert [(r.person, r.rule) for r in report.results if not r.ok] == []
    assert report.warnings == [] and planner.notes == []


def test_only_working_days(department):
    _, rows, _ = planned(department)
    days = {r["date"] for r in rows}
    assert not days & {dt.date(2026, 10, d) for d in range(1, 8)}      # National Day holiday
    workdays = set(working_days(MONTH, load_rules()))
    assert dt.date(2026, 10, 10) in workdays   # a Saturday 调休 workday
    assert all(d in workdays for d in days)


def test_period_follows_the_date(department):
    _, rows, _ = planned(department)
    assert all(r["period"] == f"2026-10{'上' if r['date'].day <= 15 else '下'}" for r in rows)


def test_days_are_balanced_and_capped(department):
    _, rows, _ = planned(department)
    cm_rows = [r for r in rows if r["role"] == "客户经理" and r["target_type"] == "卖场"]
    per_day = collections.Counter((r["person"], r["date"]) for r in cm_rows)
    assert max(per_day.values()) <= load_rules()["plan"]["max_stores_per_day"]


def test_busy_stores_twice_in_different_halves(department):
    _, rows, _ = planned(department)
    busy = {s["licence"] for s in department["stores"] if s["monthly_volume"] >= 500 and s["status"] == "正常"}
    assert busy
    for code in busy:
        halves = sorted(r["period"][-1] for r in rows if r["target_code"] == code and r["role"] == "客户经理")
        assert halves == ["上", "下"], code


def test_hq_visits_by_appointment_once_per_half(department):
    _, rows, _ = planned(department)
    cm_hq = [r for r in rows if r["role"] == "客户经理" and r["target_type"] == "总部"]
    assert cm_hq and all(r["appointment"] == "是" for r in cm_hq)
    per_hq = collections.defaultdict(list)
    for r in cm_hq:
        per_hq[r["target_code"]].append(r["period"][-1])
    assert all(sorted(v) == ["上", "下"] for v in per_hq.values())


def test_stores_on_one_road_share_a_day(department):
    _, rows, _ = planned(department)
    stores = {s["licence"]: s for s in department["stores"]}
    groups = collections.defaultdict(set)
    for r in rows:
        if r["role"] == "客户经理" and r["target_type"] == "卖场":
            s = stores[r["target_code"]]
            groups[(r["person"], s["area"], road_of(s["address"]), r["period"])].add(r["date"])
    spread = [len(days) for days in groups.values()]
    assert sum(1 for n in spread if n == 1) / len(spread) > 0.6     # most roads in one day


def test_road_of():
    assert road_of("长沙市芙蓉区五一大道389号") == "五一大道"
    assert road_of("长沙市岳麓区桐梓坡路 318 号") == "桐梓坡路"


def test_market_manager_trips_rotate_month_by_month(department):
    _, oct_rows, _ = planned(department, "2026-10")
    _, nov_rows, _ = planned(department, "2026-11")
    def stores_of(rows):
        return {r["target_code"] for r in rows if r["person"] == "王建国" and r["target_type"] == "卖场"}
    assert stores_of(oct_rows) != stores_of(nov_rows)
    seen = set()
    for m in range(1, 13):
        seen |= stores_of(planned(department, f"2025-{m:02d}")[1])
    pool = {s["licence"] for s in department["stores"] if s["status"] == "正常" and
            any(h["code"] == s["customer"] and h["mm"] == "王建国" and h["status"] == "正常" for h in department["hq"])}
    assert seen == pool      # within a year every store of his HQs is on a trip


def test_years_without_holiday_data_fail_clearly_or_use_the_rules_file(tmp_path):
    with pytest.raises(ConfigError, match="2027"):
        working_days("2027-01", load_rules())
    f = tmp_path / "规则.toml"
    f.write_text('[calendar]\nextra_holidays = ["2027-01-01"]\nextra_workdays = []\n', "utf-8")
    days = working_days("2027-01", load_rules(f))
    assert dt.date(2027, 1, 1) not in days and dt.date(2027, 1, 4) in days and dt.date(2027, 1, 2) not in days


def test_a_crowded_month_is_said(department):
    rules = load_rules()
    rules.data["plan"]["max_stores_per_day"] = 1
    _, _, planner = planned(department, rules=rules)
    assert any("上限" in n for n in planner.notes)


# --- the command ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def base_files(clean_files):
    return [p for p in clean_files if p.name in ("人员名单.xlsx", "总部档案.xlsx", "卖场明细表.xlsx")]


def test_plan_all_writes_a_valid_plan(base_files, tmp_path):
    out = tmp_path / "计划.xlsx"
    r = CliRunner().invoke(cli, ["plan", "--month", "2026-11", "--all", "--out", str(out), *map(str, base_files)])
    assert r.exit_code == 0, r.output
    report = validate([out, *base_files]).report
    assert report.problems == []
    assert report.files[0].sheets[0].rows > 250


def test_plan_into_keeps_existing_rows_and_fills_around_them(base_files, tmp_path, department):
    first = make_plan(base_files, "2026-11", person="刘洋", out=tmp_path / "a.xlsx")
    wb = openpyxl.load_workbook(first.output)
    ws = wb["拜访计划"]
    keep = [[c.value for c in row] for row in ws.iter_rows(min_row=2, max_row=6)]
    for row in ws.iter_rows(min_row=7):          # keep five rows: the planner must fill the rest
        for c in row:
            c.value = None
    wb.save(tmp_path / "mine.xlsx")
    result = make_plan(base_files, "2026-11", person="刘洋", into=tmp_path / "mine.xlsx", out=tmp_path / "b.xlsx")
    assert result.kept == 5
    ws = openpyxl.load_workbook(result.output)["拜访计划"]
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=2, max_row=6)] == keep
    assert len(result.rows) == len(first.rows) - 5
    volume = {s["licence"]: s["monthly_volume"] for s in department["stores"]}
    once = {row[4] for row in keep if row[3] == "卖场" and volume[row[4]] < 500}
    assert once and not once & {r["target_code"] for r in result.rows}     # not planned twice


@pytest.mark.parametrize("args, message", [
    (["--all", "--person", "刘洋"], "二选一"), ([], "二选一"), (["--person", "无名氏"], "没有「无名氏」"),
])
def test_plan_arguments(base_files, args, message):
    r = CliRunner().invoke(cli, ["plan", "--month", "2026-11", *args, *map(str, base_files)])
    assert r.exit_code == 2 and message in r.output


def test_plan_needs_the_department_files(base_files):
    r = CliRunner().invoke(cli, ["plan", "--month", "2026-11", "--all", str(base_files[0])])
    assert r.exit_code == 2 and "总部档案" in r.output


# --- edge cases found in review --------------------------------------------------------------------
def _small(stores=1, hq=False, volume=100, **status):
    from .test_quotas import hqs, staff
    from .test_quotas import stores as make_stores
    rows = [dict(s, monthly_volume=volume) for s in make_stores(stores, **status)]
    return {"staff": staff(), "hq": hqs(1) if hq else [dict(h, status="暂停") for h in hqs(1)], "stores": rows}


def _followed(base, rows, month=MONTH, rules=None):
    rules = rules or load_rules()
    d = department_from_rows({**base, "plan": rows, "visits": follow(rows)})
    return compute(d, month, rules, TODAY, QuotaReport(month, rules))


def test_a_manager_with_one_store_still_plans_both_halves():
    base = _small(stores=1, hq=True)
    base["hq"] = [dict(h, cm="陈静") for h in base["hq"]]      # 刘洋 has one store and no HQ
    d = department_from_rows(base)
    rows = Planner(d, MONTH, load_rules()).plan(d.staff["刘洋"])
    assert sorted({r["period"] for r in rows}) == ["2026-10上", "2026-10下"]
    report = _followed(base, rows)
    assert all(r.ok for r in report.results if r.person == "刘洋")


def test_visits_per_store_follow_the_coverage_rule_when_it_asks_more(tmp_path):
    f = tmp_path / "规则.toml"
    f.write_text("[cm_store_coverage]\nvisits = 2\n[plan]\nhigh_volume_visits = 1\n", "utf-8")
    rules = load_rules(f)
    base = _small(stores=3, hq=True, volume=900)
    base["hq"] = [dict(h, cm="陈静") for h in base["hq"]]
    d = department_from_rows(base)
    rows = Planner(d, MONTH, rules).plan(d.staff["刘洋"])
    assert collections.Counter(r["target_code"] for r in rows) == {c: 2 for c in {s["licence"] for s in base["stores"]}}


def test_existing_rows_count_only_when_they_would_count_for_the_quotas():
    from gcs_excel.dept import PlanRow
    base = _small(stores=2, hq=True)
    d = department_from_rows(base)
    d.plans.append(PlanRow(dt.date(2026, 10, 9), "刘洋", "cm", "hq", "JT0001", "2026-10上", False))
    rows = Planner(d, MONTH, load_rules()).plan(d.staff["刘洋"])
    assert sum(1 for r in rows if r["target_code"] == "JT0001") == 2     # the unappointed one does not count


# --- what each visit is for (拜访事项) ---------------------------------------------------------------
SCARCE = [{"sku": "中华(硬)", "scarce": "是", "new": "否"}, {"sku": "芙蓉王(硬)", "scarce": "是", "new": "否"},
          {"sku": "芙蓉王(硬中支)", "scarce": "否", "new": "是"}, {"sku": "白沙(软)", "scarce": "否", "new": "否"}]


def _logged(visits, catalogue=SCARCE, month=MONTH):
    """The small department's plan for month, with these visits (date, person, code, issues) in its log."""
    from .test_quotas import visit
    base = _small(stores=3, hq=True)
    base["hq"] = [dict(h, buyer="李晓梅") for h in base["hq"]]
    log = [dict(visit(day, person, code, kind="总部" if code.startswith("JT") else "卖场",
                      appointment="是" if code.startswith("JT") else None), issues=issues)
           for day, person, code, issues in visits]
    d = department_from_rows({**base, "visits": log})
    planner = Planner(d, month, load_rules(), catalogue)
    rows = [r for p in sorted(d.staff.values(), key=lambda p: p.name) for r in planner.plan(p)]
    return rows


def _purposes(rows, person, code):
    return [r["purpose"] for r in sorted(rows, key=lambda r: r["date"]) if r["person"] == person and r["target_code"] == code]


STORE1, STORE2 = "430102200001", "430102200002"
NOTICE = "递交紧俏货源书面告知（中华(硬)、芙蓉王(硬)）；采集上摊、动销、价格、库存"


@pytest.mark.parametrize("visits, person, code, expected", [
    # the last visit found a problem: the next one follows it up, once
    ([(dt.date(2026, 9, 9), "刘洋", STORE1, "中华(硬)断货 3 天")], "刘洋", STORE1,
     ["跟进上次发现的问题：中华(硬)断货 3 天（9月9日）；" + NOTICE]),
    # a later visit found nothing: the problem is not followed up
    ([(dt.date(2026, 9, 9), "刘洋", STORE1, "价签未及时更新"), (dt.date(2026, 9, 20), "刘洋", STORE1, None)],
     "刘洋", STORE1, [NOTICE]),
    # the log ends last month and the store was not visited then
    ([(dt.date(2026, 9, 9), "刘洋", STORE1, None)], "刘洋", STORE2, ["上月未拜访；" + NOTICE]),
    # the log reaches into the month: stores not visited yet this month
    ([(dt.date(2026, 10, 9), "刘洋", STORE1, None)], "刘洋", STORE2, ["本月尚未拜访；" + NOTICE]),
    ([(dt.date(2026, 10, 1), "刘洋", STORE1, None)], "刘洋", STORE1, [NOTICE]),
    # a market manager spot-checks: whether the store's customer manager has been there
    ([(dt.date(2026, 9, 9), "刘洋", STORE1, None)], "王建国", STORE2,
     ["上月客户经理未拜访；抽查客户经理服务和紧俏货源告知，听取卖场意见"]),
    # no visit log: only the task
    ([], "刘洋", STORE1, [NOTICE]),
])
def test_each_visit_says_what_it_is_for(visits, person, code, expected):
    assert _purposes(_logged(visits), person, code)[:len(expected)] == expected


def test_hq_visits_say_what_each_half_is_for_and_whom_to_see():
    rows = _logged([(dt.date(2026, 9, 28), "刘洋", "JT0001", "要求增加芙蓉王(硬)货源")])
    assert _purposes(rows, "刘洋", "JT0001") == [
        "跟进上次发现的问题：要求增加芙蓉王(硬)货源（9月28日）；预约拜访购销负责人李晓梅：商定本月订货计划，介绍新品芙蓉王(硬中支)",
        "预约拜访购销负责人李晓梅：回顾本月销售，预测下月需求"]
    assert _purposes(rows, "王建国", "JT0001") == [
        "跟进上次发现的问题：要求增加芙蓉王(硬)货源（9月28日）；预约拜访购销负责人李晓梅：听取客户对服务的意见，了解客户经理工作情况"]


def test_a_busy_store_s_second_visit_checks_instead_of_handing_the_notice_again():
    from .test_quotas import staff, stores
    base = {"staff": staff(), "hq": [], "stores": [dict(s, monthly_volume=900) for s in stores(2)]}
    d = department_from_rows(base)
    rows = Planner(d, MONTH, load_rules()).plan(d.staff["刘洋"])
    assert _purposes(rows, "刘洋", stores(1)[0]["licence"]) == [
        "递交紧俏货源书面告知；采集上摊、动销、价格、库存", "复查库存、动销和价格执行"]


def test_long_problems_are_quoted_short_on_one_line():
    issue = "中华(硬)断货三天，\n店长说总部配送延误，要求下次提前告知配送时间并增加芙蓉王(硬)的货源"
    (purpose,) = _purposes(_logged([(dt.date(2026, 9, 9), "刘洋", STORE1, issue)]), "刘洋", STORE1)
    quoted = purpose.split("：", 1)[1].split("（9月9日）")[0]
    assert "\n" not in quoted and len(quoted) == 30 and quoted.endswith("…")


def test_plan_command_reads_the_visit_log_and_catalogue_for_the_purposes(base_files, clean_files, tmp_path):
    extra = [p for p in clean_files if p.name.startswith(("拜访记录", "卷烟规格"))]
    out = make_plan([*base_files, *extra], "2026-11", everyone=True, out=tmp_path / "计划.xlsx").output
    ws = openpyxl.load_workbook(out)["拜访计划"]
    head = [c.value for c in ws[1]]
    purposes = [r[head.index("拜访事项")] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert len(set(purposes)) > 20                       # not one constant
    assert any(p.startswith("跟进上次发现的问题：") for p in purposes)
    assert any("上月未拜访" in p for p in purposes)         # the demo's one store missed in October
    assert all("紧俏货源书面告知（中华(硬)" in p for p in purposes if "递交" in p)
    assert validate([out, *base_files]).report.problems == []
