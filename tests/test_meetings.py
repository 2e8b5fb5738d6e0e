"""The meeting register (会议记录) and its cadence check in gcs quotas (issue 12, section 1):
every rule with passing and failing cases, overrides, overdue action items, the terminal,
JSON and workbook outputs. Expected days and weeks are computed here from chinesecalendar
and the calendar directly, not through workdays.py or meeting_check.py."""

from __future__ import annotations

import datetime as dt
import json

import chinese_calendar
import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given, strategies as st

from gcs_excel.cli import cli
from gcs_excel.dept import HQ, Person
from gcs_excel.errors import ConfigError
from gcs_excel.meeting_check import ActionItem, Meeting, Register, check_meetings
from gcs_excel.quota_check import quotas
from gcs_excel.quota_workbook import write_quota_workbook
from gcs_excel.render import render_quotas
from gcs_excel.rules import load_rules
from gcs_excel.values import split_many

from .conftest import MONTH, TODAY
from .handtyped import write_department

D = dt.date
AREA, OTHER = "芙蓉片区", "天心片区"
STAFF = [Person("王建国", "mm", area=AREA), Person("刘洋", "cm", area=AREA), Person("陈静", "cm", area=OTHER)]


def hq(code: str, active: bool = True) -> HQ:
    return HQ(code, f"客户{code}", "长沙市", "13907311234", "王建国", "刘洋", active)


HQS = {c.code: c for c in (hq("JT0001"), hq("JT0002"), hq("JT0009", active=False))}


def workdays(year: int, month: int) -> list[dt.date]:
    """Working days straight from chinesecalendar (independent of workdays.py)."""
    first = D(year, month, 1)
    days = [first + dt.timedelta(days=k) for k in range(31)]
    return [d for d in days if d.month == month and chinese_calendar.is_workday(d)]


def weeks_of(year: int, month: int) -> list[tuple[str, dt.date]]:
    """(label, monday) of the ISO weeks whose Thursday lies in the month."""
    out = []
    for k in range(31):
        d = D(year, month, 1) + dt.timedelta(days=k)
        if d.month == month and d.weekday() == 3:
            y, w, _ = d.isocalendar()
            out.append((f"{y}-W{w:02d}", d - dt.timedelta(days=3)))
    return out


def daily(days, area=AREA):
    return [Meeting(d, "daily", area) for d in days]


def weekly(mondays, area=AREA, monopoly=True, offset=1):
    return [Meeting(m + dt.timedelta(days=offset), "weekly", area, monopoly=monopoly) for m in mondays]


def run(meetings=(), items=(), month="2026-10", today=TODAY, rules=None, staff=STAFF, hqs=HQS):
    return check_meetings(Register(tuple(meetings), tuple(items)), month, rules or load_rules(), today, staff, hqs)


def result(report, rule, area=AREA):
    return next(r for r in report.results if r.rule == rule and r.area == area)


# --- the list of names or codes in one cell ----------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("JT0001、JT0002", ["JT0001", "JT0002"]),
    ("JT0001，JT0002; JT0003", ["JT0001", "JT0002", "JT0003"]),
    ("王建国 刘洋,陈静；赵立新", ["王建国", "刘洋", "陈静", "赵立新"]),
    ("王建国　刘洋\n陈静", ["王建国", "刘洋", "陈静"]),
    (" 、JT0001、、JT0001 ", ["JT0001"]),
    (None, []),
])
def test_split_many(text, expected):
    assert split_many(text) == expected


# --- meeting_daily ---------------------------------------------------------------------------
def test_daily_meeting_on_every_working_day_passes():
    days = workdays(2026, 10)
    r = result(run(daily(days) + weekly(m for _, m in weeks_of(2026, 10))), "meeting_daily")
    assert (r.status, r.required, r.actual, r.details["missing"]) == ("ok", len(days), len(days), [])


def test_missing_working_days_fail_and_are_named():
    days = workdays(2026, 10)
    gone = [days[2], days[7]]
    r = result(run(daily(d for d in days if d not in gone)), "meeting_daily")
    assert r.status == "failed" and r.details["missing"] == [d.isoformat() for d in gone]
    assert r.actual == len(days) - 2 and r.codes == ("meeting_daily_missing",)
    assert f"{gone[0].month}月{gone[0].day}日" in r.message and "2 个工作日" in r.message


def test_a_meeting_on_a_holiday_does_not_stand_for_a_working_day():
    days = workdays(2026, 10)
    holiday = next(d for d in (D(2026, 10, k) for k in range(1, 8)) if not chinese_calendar.is_workday(d))
    r = result(run(daily([holiday] + days[1:])), "meeting_daily")
    assert r.details["missing"] == [days[0].isoformat()]


def test_only_days_before_today_are_due_and_today_counts_when_held():
    days = workdays(2026, 10)
    today = days[10]
    r = result(run(daily(days[:10]), today=today), "meeting_daily")
    assert (r.status, r.required, r.details["not_yet_due"][0]) == ("ok", 10, today.isoformat())
    r = result(run(daily(days[:11]), today=today), "meeting_daily")
    assert (r.required, r.actual) == (11, 11)


def test_allowed_missing_days_override(tmp_path):
    rules = tmp_path / "规则.toml"
    rules.write_text("[meeting_daily]\nallowed_missing = 2\n", "utf-8")
    days = workdays(2026, 10)
    r = result(run(daily(days[2:]), rules=load_rules(rules)), "meeting_daily")
    assert r.status == "ok" and len(r.details["missing"]) == 2       # still listed
    assert result(run(daily(days[3:]), rules=load_rules(rules)), "meeting_daily").status == "failed"


# --- meeting_weekly --------------------------------------------------------------------------
def test_weekly_meeting_with_monopoly_every_week_passes_across_the_month_edge():
    weeks = weeks_of(2026, 10)
    assert weeks[0][1] == D(2026, 9, 28)        # Thursday 1 October: the week is October's
    r = result(run(weekly([m for _, m in weeks])), "meeting_weekly")
    assert r.status == "ok" and r.actual == r.required == len(weeks) == 5
    assert [w["week"] for w in r.details["weeks"]] == [label for label, _ in weeks]


def test_a_week_without_a_weekly_meeting_fails():
    weeks = weeks_of(2026, 10)
    r = result(run(weekly([m for label, m in weeks if label != "2026-W42"])), "meeting_weekly")
    assert r.status == "failed" and r.details["missing"] == ["2026-W42"] and r.actual == 4
    assert r.codes == ("meeting_weekly_missing",)
    assert "2026-W42（10月12日–10月18日）" in r.message


def test_a_weekly_meeting_without_monopoly_staff_fails_unless_the_rules_say_otherwise(tmp_path):
    weeks = [m for _, m in weeks_of(2026, 10)]
    meetings = weekly(weeks[1:]) + weekly(weeks[:1], monopoly=False)
    r = result(run(meetings), "meeting_weekly")
    assert r.status == "failed" and r.details["no_monopoly"] == ["2026-W40"] and r.details["missing"] == []
    assert "专卖人员没有参加" in r.message and r.codes == ("meeting_weekly_no_monopoly",)
    rules = tmp_path / "规则.toml"
    rules.write_text("[meeting_weekly]\nmonopoly = false\n", "utf-8")
    assert result(run(meetings, rules=load_rules(rules)), "meeting_weekly").status == "ok"


def test_the_week_in_progress_is_not_yet_due():
    weeks = weeks_of(2026, 11)
    today = weeks[2][1] + dt.timedelta(days=2)          # Wednesday of the third week
    r = result(run(weekly([m for _, m in weeks[:2]]), month="2026-11", today=today), "meeting_weekly")
    assert r.status == "ok" and r.required == 2
    assert [w["status"] for w in r.details["weeks"]][2:] == ["not_yet_due"] * (len(weeks) - 2)


def test_a_week_that_is_all_holiday_needs_no_weekly_meeting():
    weeks = weeks_of(2026, 2)
    idle = [label for label, m in weeks
            if not any(chinese_calendar.is_workday(m + dt.timedelta(days=k)) for k in range(7))]
    assert idle, "the Spring Festival week of 2026 has no working day"
    r = result(run(weekly([m for label, m in weeks if label not in idle]), month="2026-02", today=D(2026, 3, 10)),
               "meeting_weekly")
    assert r.status == "ok" and r.required == len(weeks) - len(idle)
    assert {w["week"] for w in r.details["weeks"] if w["status"] == "holiday"} == set(idle)


# --- meeting_symposium -----------------------------------------------------------------------
@pytest.mark.parametrize("month, today, held, status, missing", [
    ("2026-10", TODAY, [], "not_due", ["JT0001", "JT0002"]),            # H2, before December: not yet due
    ("2026-12", D(2026, 12, 20), [], "failed", ["JT0001", "JT0002"]),   # the half's last month
    ("2026-12", D(2026, 12, 20), [("JT0001",)], "failed", ["JT0002"]),  # one active HQ not there
    ("2026-12", D(2026, 12, 20), [("JT0001",), ("JT0002", "JT0009")], "ok", []),   # two symposia together
    ("2026-10", TODAY, [("JT0001", "JT0002")], "ok", []),              # held early: met
    ("2026-12", D(2026, 12, 20), [("JT0001", "JT0002", "JT0005")], "ok", []),   # a guest code is no harm
])
def test_symposium_each_half_year_with_every_active_hq(month, today, held, status, missing):
    meetings = [Meeting(D(2026, 9, 20 + k), "symposium", "集团客户部", customers=c) for k, c in enumerate(held)]
    r = result(run(meetings, month=month, today=today), "meeting_symposium", "全部门")
    assert r.status == status and [m["code"] for m in r.details["missing"]] == missing
    assert r.required == 2 and r.details["half"] == "2026-H2"       # JT0009 is not 正常: not required
    assert r.ok == (status != "failed") and r.codes == (("meeting_symposium_missing",) if missing else ())


def test_a_symposium_of_the_last_half_does_not_count():
    r = result(run([Meeting(D(2026, 6, 20), "symposium", "部", customers=("JT0001", "JT0002"))], month="2026-12",
                   today=D(2026, 12, 20)), "meeting_symposium", "全部门")
    assert r.status == "failed" and r.details["meetings"] == []
    assert "还没有开" in r.message


def test_symposium_period_override(tmp_path):
    rules = tmp_path / "规则.toml"
    rules.write_text("[meeting_symposium]\nevery_months = 3\n", "utf-8")
    r = result(run(month="2026-12", today=D(2026, 12, 20), rules=load_rules(rules)), "meeting_symposium", "全部门")
    assert (r.details["half"], r.details["due_by"], r.status) == ("2026-Q4", "2026-12-31", "failed")
    rules.write_text("[meeting_symposium]\nevery_months = 5\n", "utf-8")
    with pytest.raises(ConfigError, match="整除 12"):
        run(rules=load_rules(rules))


def test_rules_can_be_switched_off(tmp_path):
    rules = tmp_path / "规则.toml"
    rules.write_text("[meeting_daily]\ncheck = false\n[meeting_symposium]\ncheck = false\n", "utf-8")
    assert {r.rule for r in run(rules=load_rules(rules)).results} == {"meeting_weekly"}


# --- which areas -----------------------------------------------------------------------------
def test_areas_from_staff_then_register_then_rules(tmp_path):
    assert run().areas == sorted([AREA, OTHER])
    no_area = [Person("刘洋", "cm")]
    r = run(daily([D(2026, 10, 9)], "雨花片区"), staff=no_area)
    assert (r.areas, r.area_source) == (["雨花片区"], "会议记录里写的片区")
    rules = tmp_path / "规则.toml"
    rules.write_text('[meetings]\nareas = ["芙蓉片区"]\n', "utf-8")
    r = run(daily([D(2026, 10, 9)], "芙蓉区"), rules=load_rules(rules))
    assert r.areas == [AREA] and {x.area for x in r.results} == {AREA, "全部门"}
    assert r.notes == ["会议记录里的片区「芙蓉区」不在检查的片区（规则文件 [meetings] areas）里，"
                       "那里的 1 次会议没有计入，是不是「芙蓉片区」？"]


def test_meetings_of_an_area_not_checked_are_counted_and_the_area_meant_is_named():
    """A register typed with short area names: how many meetings went uncounted, and the
    area a name most likely means; a name like none of them gets no guess."""
    r = run(daily([D(2026, 10, 8), D(2026, 10, 9)], "芙蓉") + daily([D(2026, 10, 9)], "城东组"))
    assert r.notes == ["会议记录里的片区「芙蓉」不在检查的片区（人员名单的所属片区）里，那里的 2 次会议没有计入，"
                       "是不是「芙蓉片区」？",
                       "会议记录里的片区「城东组」不在检查的片区（人员名单的所属片区）里，那里的 1 次会议没有计入"]


# --- overdue action items --------------------------------------------------------------------
@pytest.mark.parametrize("due, done, listed", [
    (D(2026, 11, 20), False, True),          # past due, not done
    (D(2026, 11, 20), True, False),          # done
    (TODAY, False, False),                   # due today: not yet overdue
    (D(2026, 12, 5), False, False),          # due later
])
def test_overdue_action_items(due, done, listed):
    item = ActionItem(D(2026, 11, 2), "周会", AREA, "价签整改回访", "刘洋", due, done, "会议记录.xlsx", 3)
    report = run(items=[item])
    assert (report.overdue == [item]) == listed
    if listed:
        listed = report.as_dict()["overdue_items"][0]
        assert (listed["overdue_days"], listed["code"]) == (7, "meeting_item_overdue")
        assert listed["message"] == "刘洋 的事项「价签整改回访」期限 2026-11-20，已逾期 7 天，还没有标为完成。"


# --- gcs quotas with the register --------------------------------------------------------------
@pytest.fixture
def files(tmp_path):
    return write_department(tmp_path, {})


def test_quotas_without_a_register_say_meetings_were_not_checked(files):
    plain = [p for p in files if "会议记录" not in p.name]
    report = quotas(plain, "2026-10", today=TODAY)
    assert report.meetings is None and report.as_dict()["meetings"] is None
    note = "没有提供「会议记录」，没有检查会议（日例会、周会、座谈会）和会议事项"
    assert note in report.notes and note in render_quotas(report)


def test_quotas_check_the_register_in_every_output(files, tmp_path):
    report = quotas(files, "2026-10", today=TODAY)
    m = report.meetings
    assert m is not None and m.areas == ["天心片区", "芙蓉片区"]
    # the small department's register: one daily meeting, one weekly meeting, a full symposium
    fu = result(m, "meeting_weekly", "芙蓉片区")
    assert fu.actual == 1 and fu.required == len(weeks_of(2026, 10))
    assert result(m, "meeting_symposium", "全部门").status == "ok"
    assert report.exit_code == 1 and m.failures == 4
    data = json.loads(json.dumps(report.as_dict()))
    assert [r["rule"] for r in data["meetings"]["results"]] == ["meeting_daily"] * 2 + ["meeting_weekly"] * 2 + [
        "meeting_symposium"]
    text = render_quotas(report)
    assert "✗ 片区周会 芙蓉片区  1/5" in text and "✓ 集团客户座谈会 全部门  3/3" in text
    book = write_quota_workbook(report, tmp_path / "指标.xlsx", inputs=files)
    wb = openpyxl.load_workbook(book)
    rows = list(wb["会议检查"].iter_rows(min_row=2, max_row=6, values_only=True))
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("片区日例会", "天心片区", f"0/{len(workdays(2026, 10))}"),
        ("片区日例会", "芙蓉片区", f"1/{len(workdays(2026, 10))}"),
        ("片区周会", "天心片区", "0/5"), ("片区周会", "芙蓉片区", "1/5"), ("集团客户座谈会", "全部门", "3/3")]
    assert wb["逾期会议事项"]["A2"].value == "没有过了期限还没完成的会议事项。"
    # the days overdue are as of the check's day: a sheet printed and read next week says which day
    notes = [c for row in wb["逾期会议事项"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(n.startswith(f"逾期天数算到 {report.meetings.today.isoformat()}") for n in notes)


def test_quotas_list_an_overdue_item_and_exit_code_follows_the_meeting_rules(tmp_path):
    def change(t):
        t["meeting_items"][1]["due"] = dt.datetime(2026, 11, 20)
    files = write_department(tmp_path, {}, change)
    rules = tmp_path / "规则.toml"
    rules.write_text("[meeting_daily]\ncheck = false\n[meeting_weekly]\ncheck = false\n", "utf-8")
    r = CliRunner().invoke(cli, ["quotas", "--month", "2026-10", "--today", TODAY.isoformat(), "--rules", str(rules),
                                 "--json", *map(str, files)])
    data = json.loads(r.output)
    assert [x["item"] for x in data["meetings"]["overdue_items"]] == ["紧俏货源提前一周告知各总部"]
    assert data["meetings"]["overdue_items"][0]["overdue_days"] == 7
    assert all(x["ok"] for x in data["meetings"]["results"])
    person_ok = all(x["ok"] for x in data["results"])
    assert r.exit_code == (0 if person_ok else 1)
    r = CliRunner().invoke(cli, ["quotas", "--month", "2026-10", "--today", TODAY.isoformat(), *map(str, files)])
    assert r.exit_code == 1 and "逾期未完成的会议事项（1）：\n  陈静 的事项「紧俏货源提前一周告知各总部」期限 2026-11-20" in r.output


# --- the demo department's register (gcs_excel/demo/meetings.py) --------------------------------
def test_demo_register_has_one_missing_weekly_meeting_and_one_overdue_item(department, tmp_path):
    from gcs_excel.demo import write_department as write_demo
    from gcs_excel.demo.department import Department
    from gcs_excel.demo.meetings import meeting_register

    register = meeting_register(department, today=TODAY)
    areas = sorted({p["area"] for p in department["staff"]})
    days = workdays(2026, 10)
    weeks = weeks_of(2026, 10)
    kinds = [r["type"] for r in register["meetings"]]
    assert kinds.count("日例会") == len(areas) * len(days)
    assert kinds.count("周会") == len(areas) * len(weeks) - 1 and kinds.count("座谈会") == 1
    symposium = next(r for r in register["meetings"] if r["type"] == "座谈会")
    assert set(split_many(symposium["customers"])) == {h["code"] for h in department["hq"] if h["status"] == "正常"}
    dep = Department(department.month, {**department.tables, **register})
    files = write_demo(dep.tables, tmp_path, MONTH)
    report = quotas([p for p in files if p.suffix == ".xlsx"], MONTH, today=TODAY)
    assert report.validation.problems == []
    m = report.meetings
    failed = [(r.rule, r.area, r.details["missing"]) for r in m.results if not r.ok]
    assert failed == [("meeting_weekly", areas[0], [weeks[1][0]])]
    assert [(x.area, x.due) for x in m.overdue] == [(areas[0], weeks[2][1] + dt.timedelta(days=7))]



def test_register_rows_with_errors_are_left_out_and_listed_and_a_mistyped_code_costs_only_itself(tmp_path):
    def change(t):
        t["meetings"][0]["type"] = "例会"                            # not a meeting type: the row is left out
        t["meetings"][2]["customers"] = "JT0001、JT0020、JT0003"     # one code mistyped
    files = write_department(tmp_path, {}, change)
    report = quotas(files, "2026-10", today=TODAY)
    assert [(x.sheet, x.row) for x in report.excluded] == [("会议记录", 2)]
    assert {p.code for p in report.validation.problems if p.sheet == "会议记录"} == {"enum_invalid", "ref_missing"}
    fu = result(report.meetings, "meeting_daily", "芙蓉片区")
    assert fu.actual == 0                                             # its one daily meeting was the row left out
    symposium = result(report.meetings, "meeting_symposium", "全部门")
    assert [m["code"] for m in symposium.details["missing"]] == ["JT0002"]


def test_a_wrong_override_is_one_clear_error(tmp_path):
    rules = tmp_path / "规则.toml"
    rules.write_text('[meeting_weekly]\nmonopoly = "是"\n', "utf-8")
    with pytest.raises(ConfigError, match="meeting_weekly.monopoly」应是true 或 false"):
        load_rules(rules)
    rules.write_text('[meeting_weekly]\nweeks = 2\n', "utf-8")
    with pytest.raises(ConfigError, match="不是已知的规则或设置"):
        load_rules(rules)


@given(st.lists(st.text(alphabet="王建国刘洋陈静JT0123", min_size=1, max_size=6), min_size=1, max_size=6, unique=True),
       st.lists(st.sampled_from(["、", "，", ",", ";", "；", " ", "\u3000", "\n", " , "]), min_size=6, max_size=6))
def test_split_many_gives_back_the_names_whatever_the_separators(names, seps):
    text = "".join(name + sep for name, sep in zip(names, seps))
    assert split_many(text) == names


@pytest.mark.libreoffice
def test_the_meeting_sheets_print_on_a4(soffice, tmp_path):
    """会议检查 and 逾期会议事项 as their reader sees them: one page wide, 70 % or more, every
    missing week on paper."""
    import subprocess

    from .printcheck import LibreOffice, print_sheets

    def change(t):
        t["meeting_items"][1]["due"] = dt.datetime(2026, 11, 20)
    (tmp_path / "d").mkdir()
    (tmp_path / "lo").mkdir()
    files = write_department(tmp_path / "d", {}, change)
    book = write_quota_workbook(quotas(files, "2026-10", today=TODAY), tmp_path / "指标.xlsx")
    printed = {p.sheet: p for p in print_sheets(LibreOffice(soffice, tmp_path / "lo"), [book], tmp_path / "printed",
                                                {book: {"会议检查", "逾期会议事项"}})}
    for p in printed.values():
        assert p.one_page_wide and p.pages == 1 and p.scale is not None and p.scale >= 70, str(p)
    text = subprocess.run(["pdftotext", "-layout", printed["会议检查"].pdf, "-"], capture_output=True, text=True).stdout
    squeezed = "".join(text.split())
    assert all(label in squeezed for label, _ in weeks_of(2026, 10))
    overdue = subprocess.run(["pdftotext", printed["逾期会议事项"].pdf, "-"], capture_output=True, text=True).stdout
    assert "紧俏货源提前一周告知各总部" in "".join(overdue.split())


@pytest.mark.parametrize("monopoly, staff, attended", [("是", "赵立新", True), (None, "赵立新", True),
                                                       ("否", "赵立新", False), (None, None, False), ("是", None, True)])
def test_monopoly_staff_named_but_yes_left_blank_counts_as_attended(tmp_path, monopoly, staff, attended):
    """A clerk who writes the 专卖 officer's name and leaves 专卖人员参加 blank recorded an
    attendance: "专卖人员没有参加" would be untrue. An explicit 否 stands."""
    def change(t):
        t["meetings"][1].update(monopoly=monopoly, monopoly_staff=staff)
    files = write_department(tmp_path, {}, change)
    report = quotas(files, "2026-10", today=TODAY)
    week = next(w for w in result(report.meetings, "meeting_weekly").details["weeks"] if w["dates"] == ["2026-10-09"])
    assert week["status"] == ("ok" if attended else "no_monopoly")


@pytest.mark.parametrize("done, done_date, overdue, said", [
    ("否", None, True, False), ("是", None, False, False), (None, dt.datetime(2026, 11, 18), False, False),
    ("否", dt.datetime(2026, 11, 18), False, True)])     # contradicts itself: read as done, and said
def test_an_item_marked_not_done_but_with_a_done_date_is_said(tmp_path, done, done_date, overdue, said):
    def change(t):
        t["meeting_items"][1].update(due=dt.datetime(2026, 11, 20), done=done, done_date=done_date)
    files = write_department(tmp_path, {}, change)
    m = quotas(files, "2026-10", today=TODAY).meetings
    assert bool(m.overdue) == overdue
    notes = [n for n in m.notes if "却填了完成日期" in n]
    assert notes == (["会议事项第 3 行「紧俏货源提前一周告知各总部」的是否完成写的是否，却填了完成日期 2026-11-18："
                      "按已完成算，不列为逾期；没办完的请删去完成日期"] if said else [])
