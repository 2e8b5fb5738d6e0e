"""Visit quotas at each rule's boundaries, warnings, plan execution, rules files, and the
command's outputs (terminal, JSON, workbook)."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest
from click.testing import CliRunner

from gcs_excel.cli import cli
from gcs_excel.dept import department_from_rows
from gcs_excel.errors import ConfigError
from gcs_excel.notice_issue import issue_notices
from gcs_excel.quota_check import NOTICE_WARNINGS, WARNING_TITLES, QuotaReport, Registered, compute, quotas
from gcs_excel.rules import load_rules
from gcs_excel.validation import validate

from .allocations import write_allocation
from .conftest import MONTH, TODAY, flat

D = dt.date
# the 总部档案 columns hqs() leaves out, for an HQ file that validates
HQ_FILLER = {"uscc": "91350200776049653A", "legal_rep": "张", "order_phone": "0731-84561234",
             "order_frequency": "每周一次", "bank": "工行", "bank_account": "12345678", "planned_volume": 100,
             "buyer": "李"}


def staff():
    return [{"name": "王建国", "role": "市场经理"}, {"name": "刘洋", "role": "客户经理"},
            {"name": "陈静", "role": "客户经理"}]


def hqs(n=2, **status):
    return [{"code": f"JT{k:04d}", "name": f"总部{k}", "address": f"长沙市芙蓉区五一大道{k}号",
             "buyer_phone": "13907311234", "mm": "王建国", "cm": "刘洋",
             "status": status.get(f"h{k}", "正常")} for k in range(1, n + 1)]


def stores(n=12, **status):
    return [{"licence": f"4301022{k:05d}", "customer": "JT0001", "name": f"店{k}",
             "address": f"长沙市芙蓉区八一路{k}号", "area": "芙蓉片区", "phone": "13807315678",
             "monthly_volume": 100, "cm": "刘洋", "status": status.get(f"s{k}", "正常")}
            for k in range(1, n + 1)]


def visit(day, person, code, *, kind="卖场", appointment=None, notice=None, role=None):
    role = role or ("市场经理" if person == "王建国" else "客户经理")
    return {"date": day, "person": person, "role": role, "target_type": kind, "target_code": code,
            "appointment": appointment, "scarce_notice": notice}


def plan_row(day, person, code, *, kind="卖场", period=None):
    role = "市场经理" if person == "王建国" else "客户经理"
    from gcs_excel.checks.identifiers import period_of
    return {"date": day, "person": person, "role": role, "target_type": kind, "target_code": code,
            "period": period or period_of(day), "appointment": "是" if kind == "总部" else None}


def run(visits=(), plans=(), *, stores_=None, hqs_=None, rules=None, today=TODAY, register=None):
    tables = {"staff": staff(), "hq": hqs_ if hqs_ is not None else hqs(),
              "stores": stores_ if stores_ is not None else stores(), "visits": list(visits), "plan": list(plans)}
    rules = rules or load_rules()
    return compute(department_from_rows(tables), MONTH, rules, today, QuotaReport(MONTH, rules), register)


def result(report, person, rule):
    return next(r for r in report.results if r.person == person and r.rule == rule)


def licences(n, start=1):
    return [f"4301022{k:05d}" for k in range(start, start + n)]


# --- market managers: trips of at least 10 stores -------------------------------------------
def trip(day, n, start=1):
    return [visit(day, "王建国", c) for c in licences(n, start)]


def test_a_day_with_10_stores_is_a_trip_and_9_is_not():
    report = run(trip(D(2026, 10, 9), 10) + trip(D(2026, 10, 12), 9))
    r = result(report, "王建国", "mm_store_trips")
    assert (r.required, r.actual, r.ok) == (4, 1, False)
    assert r.details["days"] == [{"date": "2026-10-09", "stores": 10, "trip": True},
                                 {"date": "2026-10-12", "stores": 9, "trip": False}]


def test_four_trips_meet_the_rule():
    days = [D(2026, 10, d) for d in (9, 12, 20, 27)]
    r = result(run([v for d in days for v in trip(d, 10)]), "王建国", "mm_store_trips")
    assert (r.actual, r.ok) == (4, True)


def test_the_same_store_twice_on_one_day_counts_once():
    visits = trip(D(2026, 10, 9), 9) + [visit(D(2026, 10, 9), "王建国", licences(1)[0])]
    assert result(run(visits), "王建国", "mm_store_trips").details["days"][0]["stores"] == 9


def test_paused_stores_do_not_count_towards_a_trip():
    visits = trip(D(2026, 10, 9), 10)
    assert result(run(visits, stores_=stores(12, s3="暂停")), "王建国", "mm_store_trips").actual == 0


def test_visits_on_the_last_day_count_and_the_next_month_does_not():
    visits = trip(D(2026, 10, 31), 10) + trip(D(2026, 11, 1), 10) + trip(D(2026, 9, 30), 10)
    r = result(run(visits), "王建国", "mm_store_trips")
    assert r.actual == 1 and [d["date"] for d in r.details["days"]] == ["2026-10-31"]


# --- HQ visits by appointment ------------------------------------------------------------------
def test_cm_needs_two_appointed_hq_visits_per_hq():
    one = [visit(D(2026, 10, 9), "刘洋", "JT0001", kind="总部", appointment="是")]
    r = result(run(one), "刘洋", "cm_hq_visits")
    assert (r.required, r.actual, r.ok) == (2, 0, False)
    assert [(h["code"], h["visits"], h["needed"]) for h in r.details["short"]] == [("JT0001", 1, 1), ("JT0002", 0, 2)]
    two = one + [visit(D(2026, 10, 20), "刘洋", "JT0001", kind="总部", appointment="是")]
    assert result(run(two), "刘洋", "cm_hq_visits").actual == 1


def test_unappointed_hq_visit_does_not_count_and_is_a_warning():
    visits = [visit(D(2026, 10, 9), "王建国", "JT0001", kind="总部", appointment="否"),
              visit(D(2026, 10, 10), "王建国", "JT0002", kind="总部", appointment="是")]
    report = run(visits)
    r = result(report, "王建国", "mm_hq_visits")
    assert (r.required, r.actual) == (2, 1)
    assert [w.code for w in report.warnings if w.code.startswith("hq")] == ["hq_visit_without_appointment"]


def test_paused_hq_is_out_of_scope_with_its_stores():
    report = run([], hqs_=hqs(2, h1="暂停"))
    assert result(report, "王建国", "mm_hq_visits").required == 1
    assert result(report, "刘洋", "cm_store_coverage").required == 0    # all stores belong to JT0001


# --- customer managers: stores and notices ------------------------------------------------------
def test_every_store_visited_by_its_own_manager():
    visits = [visit(D(2026, 10, 9), "刘洋", c, notice="是") for c in licences(10)]
    visits.append(visit(D(2026, 10, 9), "陈静", licences(1, 11)[0], notice="是"))   # someone else's visit
    r = result(run(visits), "刘洋", "cm_store_coverage")
    assert (r.required, r.actual, r.ok) == (12, 10, False)
    assert [s["licence"] for s in r.details["short"]] == licences(2, 11)
    assert r.details["short"][0] == {"licence": licences(1, 11)[0], "name": "店11",
                                     "address": "长沙市芙蓉区八一路11号", "phone": "13807315678", "visits": 0}


def test_paused_store_is_not_required():
    visits = [visit(D(2026, 10, 9), "刘洋", c, notice="是") for c in licences(11)]
    r = result(run(visits, stores_=stores(12, s12="暂停")), "刘洋", "cm_store_coverage")
    assert (r.required, r.actual, r.ok) == (11, 11, True)


def test_scarce_notice_needs_a_yes():
    visits = [visit(D(2026, 10, 9), "刘洋", c, notice="是") for c in licences(11)]
    visits.append(visit(D(2026, 10, 9), "刘洋", licences(1, 12)[0], notice="否"))
    report = run(visits)
    assert result(report, "刘洋", "cm_store_coverage").ok
    r = result(report, "刘洋", "cm_scarce_notice")
    assert (r.actual, r.ok, r.details["short"][0]["licence"]) == (11, False, licences(1, 12)[0])


def test_plan_cadence_needs_both_halves():
    r = result(run(plans=[plan_row(D(2026, 10, 9), "刘洋", licences(1)[0])]), "刘洋", "cm_plan_cadence")
    assert (r.actual, r.ok, r.details["missing"]) == (1, False, ["2026-10下"])
    both = [plan_row(D(2026, 10, 9), "刘洋", licences(1)[0]), plan_row(D(2026, 10, 19), "刘洋", licences(1)[0])]
    assert result(run(plans=both), "刘洋", "cm_plan_cadence").ok


def test_an_empty_month():
    report = run()
    assert {(r.person, r.rule): (r.required, r.actual, r.ok) for r in report.results} == {
        ("王建国", "mm_store_trips"): (4, 0, False), ("王建国", "mm_hq_visits"): (2, 0, False),
        ("刘洋", "cm_plan_cadence"): (2, 0, False), ("刘洋", "cm_store_coverage"): (12, 0, False),
        ("刘洋", "cm_scarce_notice"): (12, 0, False), ("刘洋", "cm_hq_visits"): (2, 0, False),
        ("陈静", "cm_plan_cadence"): (2, 0, False), ("陈静", "cm_store_coverage"): (0, 0, True),
        ("陈静", "cm_scarce_notice"): (0, 0, True), ("陈静", "cm_hq_visits"): (0, 0, True),
    }
    assert report.warnings == []


# --- plan against actual ------------------------------------------------------------------------
def test_visits_outside_the_plan_and_planned_visits_not_made():
    plans = [plan_row(D(2026, 10, 9), "刘洋", c) for c in licences(3)]
    visits = [visit(D(2026, 10, 12), "刘洋", licences(1)[0], notice="是"),   # same half: in plan
              visit(D(2026, 10, 20), "刘洋", licences(1, 2)[0], notice="是")]  # other half: outside
    report = run(visits, plans)
    codes = sorted((w.code, w.target) for w in report.warnings)
    assert codes == [("planned_not_visited", licences(1, 2)[0]), ("planned_not_visited", licences(1, 3)[0]),
                     ("visit_not_in_plan", licences(1, 2)[0])]
    e = next(e for e in report.execution if e.person == "刘洋")
    assert (e.planned, e.visits, e.in_plan, e.outside_plan, e.not_visited, e.rate) == (3, 2, 1, 1, 2, 1 / 3)


def test_plans_not_yet_due_are_not_warned():
    plans = [plan_row(D(2026, 10, 28), "刘洋", licences(1)[0])]
    report = run([], plans, today=D(2026, 10, 20))
    assert report.warnings == []
    assert next(e for e in report.execution if e.person == "刘洋").not_due == 1


# --- rules files ------------------------------------------------------------------------------------
def test_rules_override_changes_the_numbers(tmp_path):
    f = tmp_path / "规则.toml"
    f.write_text("[mm_store_trips]\nstores_per_trip = 9\ntrips = 1\n", "utf-8")
    r = result(run(trip(D(2026, 10, 9), 9), rules=load_rules(f)), "王建国", "mm_store_trips")
    assert (r.required, r.actual, r.ok) == (1, 1, True)


@pytest.mark.parametrize("text, message", [
    ("[mm_store_trip]\ntrips = 3\n", "不是已知的规则"),
    ("[mm_store_trips]\ntripz = 3\n", "不是已知的规则"),
    ("[mm_store_trips]\ntrips = \"四\"\n", "整数"),
    ("[mm_store_trips]\ntrips = -1\n", "负数"),
    ("[calendar]\nextra_holidays = [\"2027-13-01\"]\n", "日期"),
    ("[mm_store_trips\n", "格式不对"),
])
def test_bad_rules_files_are_refused(tmp_path, text, message):
    f = tmp_path / "规则.toml"
    f.write_text(text, "utf-8")
    with pytest.raises(ConfigError, match=message):
        load_rules(f)


def test_every_rule_documents_its_clause():
    rules = load_rules()
    for rule in ("mm_store_trips", "mm_hq_visits", "cm_plan_cadence", "cm_store_coverage",
                 "cm_scarce_notice", "cm_hq_visits"):
        assert rules.clause(rule).startswith("三、拜访频率") and rules.title(rule)


# --- from files: validation first, then the command ----------------------------------------------------
@pytest.fixture
def files(write):
    visits = [visit(D(2026, 10, 9), "刘洋", c, notice="是") for c in licences(12)]
    visits.append(visit(D(2026, 10, 10), "刘洋", licences(1)[0], role="市场经理"))   # a row with an error
    log = write("visits", visits)
    st = [dict(r, staff_no=f"{k:04d}") for k, r in enumerate(staff())]
    return [write("staff", st), write("hq", [dict(h, **HQ_FILLER) for h in hqs()]),
            write("stores", [dict(s, contact="陈", category="便利店") for s in stores()]), log]


def test_rows_with_errors_are_left_out_and_listed(files):
    report = quotas(files, MONTH, today=TODAY)
    assert [(x.sheet, x.row) for x in report.excluded] == [("拜访记录", 14)]
    assert "岗位" in report.excluded[0].reasons[0]
    assert result(report, "刘洋", "cm_store_coverage").ok
    assert any("拜访计划" in n for n in report.notes)


def test_quotas_needs_the_staff_list(files):
    with pytest.raises(ConfigError, match="人员名单"):
        quotas(files[1:], MONTH)


def test_cli_terminal_json_and_workbook(files, tmp_path):
    out = tmp_path / "指标.xlsx"
    r = CliRunner().invoke(cli, ["quotas", "--month", MONTH, "--today", "2026-11-27", "--out", str(out), *map(str, files)])
    assert r.exit_code == 1, r.output
    assert "✗ 王建国（市场经理）" in r.output and "✓ 卖场全覆盖" in r.output and "已写出" in r.output
    r = CliRunner().invoke(cli, ["quotas", "--json", "--month", MONTH, *map(str, files)])
    data = json.loads(r.output)
    assert data["month"] == MONTH and set(data) >= {"results", "warnings"}
    first = data["results"][0]
    assert set(first) == {"person", "role", "rule", "required", "actual", "ok", "details"}
    assert first["role"] == "市场经理"
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["指标汇总", "明细", "计划执行", "拜访提醒", "会议检查", "未计入的行"]
    assert wb["会议检查"]["A2"].value == "没有提供「会议记录」，没有检查会议（日例会、周会、座谈会）和会议事项"
    summary = [[c.value for c in row] for row in wb["指标汇总"].iter_rows(min_row=2, max_row=4)]
    assert summary[0][:4] == ["王建国", "市场经理", "0/4", "0/2"]
    assert wb["指标汇总"]["C2"].fill.fgColor.rgb.endswith("FFC7CE")       # red
    details = [[c.value for c in row] for row in wb["明细"].iter_rows(min_row=2)]
    assert any(row[3] == "JT0001" and "还差 2 次" in row[5] for row in details)
    excluded = [[c.value for c in row] for row in wb["未计入的行"].iter_rows(min_row=2)]
    assert excluded[0][:3] == ["拜访记录.xlsx", "拜访记录", 14]          # the file's name, not its path


def test_cli_exit_codes(files, tmp_path):
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"\x00garbage")
    r = CliRunner().invoke(cli, ["quotas", "--month", MONTH, *map(str, files), str(bad)])
    assert r.exit_code == 2 and "无法读取" in r.output
    r = CliRunner().invoke(cli, ["quotas", "--month", "2026/10", *map(str, files)])
    assert r.exit_code == 2 and "YYYY-MM" in r.output


def test_the_same_hq_visit_entered_twice_counts_once():
    one = visit(D(2026, 10, 9), "刘洋", "JT0001", kind="总部", appointment="是")
    r = result(run([one, dict(one)]), "刘洋", "cm_hq_visits")
    assert r.details["short"][0]["visits"] == 1


def test_a_mistyped_optional_email_does_not_drop_the_hq(write, files):
    from gcs_excel.dept import load_department
    from gcs_excel.validation import validate
    hq = [dict(h, **HQ_FILLER, buyer_email="李晓梅 <x@y.cn>" if k == 0 else None) for k, h in enumerate(hqs())]
    hq_file = write("hq", hq, name="总部档案2.xlsx")
    v = validate([files[0], hq_file, files[2]])
    assert sorted(p.code for p in v.report.problems if p.file == str(hq_file)) == ["email_invalid", "stray_whitespace"]
    d = load_department(v)
    assert set(d.hqs) == {"JT0001", "JT0002"} and d.hqs["JT0001"].email is None
    assert d.excluded == []


def test_what_is_needed_is_whole_even_when_a_name_holds_a_colon(tmp_path):
    from gcs_excel.quota_workbook import write_quota_workbook
    names = [dict(h, name="步步高：五一店") if h["code"] == "JT0001" else h for h in hqs()]
    report = run(hqs_=names)
    out = write_quota_workbook(report, tmp_path / "指标.xlsx")
    details = [[c.value for c in row] for row in openpyxl.load_workbook(out)["明细"].iter_rows(min_row=2)]
    row = next(r for r in details if r[0] == "刘洋" and r[3] == "JT0001")
    assert row[4] == "步步高：五一店"
    assert row[5] == "已预约拜访 0 次，还差 2 次（长沙市芙蓉区五一大道1号，购销负责人电话 13907311234）"


# --- the workbook on paper ---------------------------------------------------------------------
def test_quotas_writes_nothing_and_the_workbook_is_a_separate_call(files, tmp_path):
    from gcs_excel.quota_workbook import write_quota_workbook
    before = sorted(tmp_path.iterdir())
    report = quotas(files, MONTH, today=TODAY)
    assert sorted(tmp_path.iterdir()) == before
    out = write_quota_workbook(report, tmp_path / "指标.xlsx", inputs=files)
    assert out.exists()


def test_quota_modules_import_without_a_circle():
    import subprocess
    import sys
    code = "import gcs_excel.quota_check, sys; print('gcs_excel.quota_workbook' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.strip() == "False", r.stderr


def _long_report():
    """Shortfalls with long names and addresses, warnings from far-away files."""
    names = [dict(h, name="中国石油天然气股份有限公司湖南长沙销售分公司第一加油站便利店") for h in hqs()]
    shops = [dict(s, name="湖南步步高连锁超市有限公司长沙市芙蓉区八一路五一广场旗舰店",
                  address="长沙市芙蓉区八一路与五一大道交叉口东南角步步高广场负一楼") for s in stores()]
    outside = [dict(visit(D(2026, 10, 9), "刘洋", c), notice="是") for c in licences(2)]
    report = run(outside, hqs_=names, stores_=shops)
    for w in report.warnings:
        object.__setattr__(w, "file", "/home/某人/很深的/文件夹/拜访记录_2026-10_刘洋_修改后_最终版.xlsx")
    return report


def test_every_table_prints_one_page_wide_at_a_readable_scale():
    from gcs_excel.quota_workbook import tables
    from gcs_excel.xlsx_style import MIN_SCALE, layout
    from gcs_excel.quota_workbook import MARGINS
    report = _long_report()
    for t in tables(report):
        widest = [c.most for c in t.columns]            # however long the content, no wider than this
        assert layout(widest, MARGINS)[1] >= MIN_SCALE, t.name
        assert all(w <= c.most for w, c in zip(t.widths(), t.columns)), t.name


def test_long_text_wraps_in_rows_tall_enough_and_files_show_their_names(tmp_path):
    from gcs_excel.quota_workbook import write_quota_workbook
    from gcs_excel.textwidth import row_height, wrapped_lines
    report = _long_report()
    wb = openpyxl.load_workbook(write_quota_workbook(report, tmp_path / "指标.xlsx"))
    ws = wb["明细"]
    assert max(wrapped_lines(str(c.value), 50) for c in ws["F"]) > 1        # the test means something
    for row in ws.iter_rows(min_row=2):
        lines = max(wrapped_lines(str(c.value), ws.column_dimensions[c.column_letter].width - 0.71)
                    for c in row if isinstance(c.value, str))
        if lines > 1:
            assert ws.row_dimensions[row[0].row].height >= row_height(lines), row[0].row
        assert all(c.alignment.wrap_text for c in row if isinstance(c.value, str))
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    warnings = wb["拜访提醒"]
    head = [c.value for c in warnings[1]]
    files = {r[head.index("文件")] for r in warnings.iter_rows(min_row=2, values_only=True)}
    assert files == {"拜访记录_2026-10_刘洋_修改后_最终版.xlsx"}


def test_plan_execution_and_warnings_each_have_their_own_columns(tmp_path):
    """The second table no longer sits under the first one's narrow columns."""
    from gcs_excel.quota_workbook import write_quota_workbook
    report = _long_report()
    wb = openpyxl.load_workbook(write_quota_workbook(report, tmp_path / "指标.xlsx"))
    assert [c.value for c in wb["计划执行"][1]][:3] == ["姓名", "岗位", "计划拜访"]
    warnings = wb["拜访提醒"]
    assert [c.value for c in warnings[1]] == ["人员", "日期", "类型", "对象编码", "对象名称", "说明", "文件", "行"]
    codes = warnings.column_dimensions["D"].width - 0.71
    assert codes >= 12 + 2                                  # a 12-digit licence number and its padding
    assert warnings.max_row == 1 + len(report.warnings) and report.warnings


# --- 紧俏货源告知 holding a notice number, checked against the register (告知登记) ------------------
L = licences(3)
NUMBER = {"GX202610-0001": Registered(L[0], "店1", MONTH, False, ""),
          "GX202610-0002": Registered(L[1], "店2", MONTH, False, ""),
          "GX202609-0001": Registered(L[2], "店3", "2026-09", False, ""),
          "GX202610-0003": Registered(L[2], "店3", MONTH, True, "改发 GX202610-0004"),
          "GX202610-0004": Registered(L[2], "店3", MONTH, False, "")}


def _notices(visits, register):
    report = run(visits, stores_=stores(3), register=register)
    r = result(report, "刘洋", "cm_scarce_notice")
    return r.actual, [(w.code, w.target) for w in report.warnings if w.code in NOTICE_WARNINGS]


@pytest.mark.parametrize("written, register, counted, warning", [
    ("是", None, 1, None),
    ("GX202610-0001", None, 1, None),                   # without a register a number counts
    ("GX202610-0001", NUMBER, 1, None),                 # the store's own number
    ("GX202610-0002", NUMBER, 0, "notice_number_other_store"),
    ("GX202610-0099", NUMBER, 0, "notice_number_unknown"),
    ("否", NUMBER, 0, None),
])
def test_a_notice_number_counts_where_it_is_the_stores(written, register, counted, warning):
    actual, warnings = _notices([visit(D(2026, 10, 9), "刘洋", L[0], notice=written)], register)
    assert actual == counted
    assert warnings == ([(warning, L[0])] if warning else [])


@pytest.mark.parametrize("written, counted, warning", [
    ("GX202610-0004", 1, None),                         # the notice issued again, under its new number
    ("GX202610-0003", 0, "notice_number_void"),
    ("GX202609-0001", 0, "notice_number_other_month"),
])
def test_a_void_or_old_number_is_no_notice_this_month(written, counted, warning):
    actual, warnings = _notices([visit(D(2026, 10, 9), "刘洋", L[2], notice=written)], NUMBER)
    assert actual == counted
    assert warnings == ([(warning, L[2])] if warning else [])


def test_the_warnings_say_whose_number_it_is():
    report = run([visit(D(2026, 10, 9), "刘洋", L[0], notice="GX202610-0002")], stores_=stores(3), register=NUMBER)
    (w,) = [w for w in report.warnings if w.code == "notice_number_other_store"]
    assert w.message == f"2026-10-09 拜访卖场 {L[0]} 店1：告知编号 GX202610-0002 是卖场 {L[1]}（店2）的告知书，不是这个卖场的，不算已告知。"
    assert WARNING_TITLES[w.code] == "告知编号属于别的卖场"


# --- from files: the notices workbook among the quota files -------------------------------------------
@pytest.fixture
def notice_department(write):
    st = [dict(r, staff_no=f"{k:04d}") for k, r in enumerate(staff())]
    return [write("staff", st), write("hq", [dict(h, **HQ_FILLER) for h in hqs()]),
            write("stores", [dict(s, contact="陈", category="便利店") for s in stores(3)])]


def test_quotas_check_numbers_against_the_notices_workbook(notice_department, write, tmp_path):
    alloc = write_allocation(tmp_path / "分配.xlsx", split=[(10, 2), (10, 1)], month=MONTH, licences=L)
    notices = issue_notices([alloc], tmp_path / "告知", pdf=False).months[0].workbook
    log = write("visits", [visit(D(2026, 10, 9), "刘洋", L[0], notice="GX202610-0001"),
                           visit(D(2026, 10, 9), "刘洋", L[1], notice="GX202610-0001"),
                           visit(D(2026, 10, 9), "刘洋", L[2], notice="是")])
    assert flat(validate([*notice_department, log, notices]).report) == []
    report = quotas([*notice_department, log, notices], MONTH, today=D(2026, 11, 1))
    r = result(report, "刘洋", "cm_scarce_notice")
    assert (r.actual, [s["licence"] for s in r.details["short"]]) == (2, [L[1]])
    assert [(w.code, w.target) for w in report.warnings if w.code in NOTICE_WARNINGS] == \
        [("notice_number_other_store", L[1])]
    without = quotas([*notice_department, log], MONTH, today=D(2026, 11, 1))
    assert result(without, "刘洋", "cm_scarce_notice").actual == 3
    assert any("没有给出告知登记" in n for n in without.notes)


@pytest.mark.parametrize("written, codes", [
    ("GX202610-0001", []),
    ("gx202610-1", ["notice_number_invalid"]),
    ("有", ["enum_invalid"]),
])
def test_the_visit_log_takes_yes_no_or_a_number(write, written, codes):
    log = write("visits", [visit(D(2026, 10, 9), "刘洋", L[0], notice=written)])
    problems = validate([log], today=D(2026, 11, 1)).report.problems
    assert [p.code for p in problems if p.column == "紧俏货源告知"] == codes
