"""Hand-typed workbooks, valid and invalid (issue 7, section 3): what careful clerks type
draws no remark; each planted mistake gives exactly its problem, at its cell."""

from __future__ import annotations

import datetime as dt

import pytest

from gcs_excel.validation import validate

from .conftest import TODAY, flat
from .handtyped import Sheet, rows_with, sales_csv, write_book, write_department, write_templates

CN_DATE = 'yyyy"年"m"月"d"日"'


def sheet(sheet_id: str, rows=None, **style):
    """A hand-typed sheet of the department's rows (rows(tables) when given)."""
    return lambda t: Sheet(sheet_id, rows(t) if rows else t[sheet_id], **style)


def book(*parts, hidden=(), suffix=None):
    """A writer of one hand-typed workbook made of sheets and (name, rows) extra sheets."""
    def writer(path, t):
        path = path.with_suffix(suffix) if suffix else path
        return write_book(path, *(p(t) if callable(p) else p for p in parts), hidden=hidden)
    return writer


NOTES = ("备注", [["10 月新开两家店，地址待补"], ["步步高八一路店下月装修\n暂停供货两周"]])
EXPLAINED = ("说明", [["本表由客户经理每月更新"], ["填表人", "陈静"], ["日期", dt.datetime(2026, 10, 31)]])
EMPTY = ("Sheet2", [])


def sales_writer(encoding, newline):
    return lambda path, t: sales_csv(path, t["sales"], encoding=encoding, newline=newline)


VALID = {
    # 人员名单
    "staff-title-mobiles-in-groups": {"staff": book(sheet("staff", lambda t: rows_with(
        t["staff"], r0={"mobile": "139 0731 1234"}, r1={"mobile": "139-7456-1234"}, r2={"mobile": "+86 158 7310 1234"}),
        title=("长沙市烟草公司营销中心 集团客户人员名单",)))},
    "staff-required-marks-and-a-note-sheet": {"staff": book(sheet("staff", headers={
        "staff_no": "工号*", "name": "姓名*", "role": "岗位*"}), EXPLAINED)},
    "staff-sheet-named-with-a-year": {"staff": book(sheet("staff", name="人员名单 2026"))},
    # 总部档案
    "hq-area-codes-in-brackets-chinese-dates": {"hq": book(sheet("hq", lambda t: rows_with(
        t["hq"], r0={"order_phone": "(0731)84561230"}, r1={"order_phone": "（0731）84561231"}),
        formats={"joined": CN_DATE}))},
    "hq-spaced-landline-extension-title-notes": {"hq": book(sheet("hq", lambda t: rows_with(
        t["hq"], r0={"order_phone": "0731-8456 1230"}, r2={"order_phone": "0731-84561232转801"}),
        title=("集团客户总部档案", "填报单位：营销中心第一营销部　　2026年10月"),
        extra={"备注": ["年度合作协议已续签\n联系人换了", None, "总部搬迁中"]}))},
    "hq-ext-and-dash-extension-number-formats": {"hq": book(sheet("hq", lambda t: rows_with(
        t["hq"], r0={"order_phone": "0731-84561230 ext.801"}, r1={"order_phone": "0731-84561231-802"}),
        formats={"planned_volume": "#,##0"}, widths={"address": 40, "name": 36}))},
    "hq-extra-sheets": {"hq": book(sheet("hq"), NOTES, EMPTY)},
    "hq-service-number-and-mobile-in-groups": {"hq": book(sheet("hq", lambda t: rows_with(
        t["hq"], r0={"order_phone": "400-123-4567"}, r1={"buyer_phone": "139 0731 1231"},
        r2={"buyer_phone": "139-0731-1232"})))},
    "hq-blank-rows-and-dates-with-times": {"hq": book(sheet("hq", lambda t: rows_with(
        t["hq"], r1={"joined": dt.datetime(2024, 3, 16, 9, 30)}), blank_after=(0, 1), formats={"joined": "yyyy/m/d h:mm"}))},
    "hq-long-ids-typed-as-text": {"hq": book(sheet("hq", widths={"legal_rep_id": 22, "bank_account": 24}, styled=False))},
    # 卖场明细表
    "stores-title-and-bracketed-area-codes": {"stores": book(sheet("stores", lambda t: rows_with(
        t["stores"], r0={"phone": "（0731）8456 7890"}, r2={"phone": "(0731)84567891"}),
        title=("2026 年 10 月卖场明细",)))},
    "stores-mobiles-in-groups-and-whole-numbers": {"stores": book(sheet("stores", lambda t: [
        dict(r, phone=f"{r['phone'][:3]} {r['phone'][3:7]} {r['phone'][7:]}", monthly_volume=float(r["monthly_volume"]))
        for r in t["stores"]]))},
    "stores-notes-column-and-explanation-sheet": {"stores": book(sheet("stores", extra={
        "备注": ["店长：王\n周三送货", None, "装修中\n下月恢复"]}), EXPLAINED)},
    "stores-blocks-by-district-unstyled": {"stores": book(sheet("stores", title=("卖场明细（按片区）",),
                                                               blank_after=(1, 3), styled=False))},
    "stores-hidden-draft-sheet": {"stores": book(sheet("stores"), ("草稿", [["临时", "不用管"]]), hidden=("草稿",))},
    "stores-sheet-named-sheet1": {"stores": book(sheet("stores", name="Sheet1"))},
    "stores-landline-extensions": {"stores": book(sheet("stores", lambda t: rows_with(
        t["stores"], r0={"phone": "0731-85123456-801"}, r1={"phone": "0731-85123457 转 8"},
        r3={"phone": "010-12345678"})))},
    "stores-wide-brackets-and-spaces": {"stores": book(sheet("stores", lambda t: rows_with(
        t["stores"], r0={"phone": "（0731） 8512 3456"}, r1={"phone": "+86 138 0731 5671"})))},
    # 卷烟规格
    "catalogue-title-and-price-formats": {"catalogue": book(sheet("catalogue", title=("卷烟规格目录（2026 版）",),
                                                                 formats={"wholesale_price": "0.00", "retail_guide": "0.00"}))},
    # 拜访计划
    "plan-multiline-purposes-chinese-dates": {"plan": book(sheet("plan", lambda t: rows_with(
        t["plan"], r0={"purpose": "约见采购负责人\n带上新品资料"}, r2={"purpose": "1. 回访缺货问题\n2. 核对价格"}),
        formats={"date": CN_DATE}))},
    "plan-month-day-dates-title-and-subtitle": {"plan": book(sheet("plan", formats={"date": 'm"月"d"日"'},
                                                                    title=("2026年10月拜访计划", "填表人：刘洋、陈静")))},
    "plan-sheet-named-by-month-with-notes": {"plan": book(sheet("plan", name="拜访计划(10月)"), EXPLAINED)},
    # 拜访记录 + 品牌采集
    "visits-bulleted-notes": {"visits": book(sheet("visits", lambda t: rows_with(
        t["visits"], r0={"content": "- 约见采购负责人\n- 递交新品资料", "issues": "- 库存偏高\n- 价签缺失"})),
        sheet("observations"))},
    "visits-numbered-notes-trailing-break-slash-dates": {"visits": book(sheet("visits", lambda t: rows_with(
        t["visits"], r1={"content": "1. 递交告知书\n2. 检查陈列\n"}), formats={"date": "yyyy/m/d"}),
        sheet("observations", formats={"date": "yyyy/m/d"}))},
    "visits-windows-line-breaks-title-prices": {"visits": book(sheet("visits", lambda t: rows_with(
        t["visits"], r2={"issues": "价格偏高\r\n陈列不足"}), title=("拜访记录（2026 年 10 月）",)),
        sheet("observations", formats={"retail_price": "0.00"}))},
    "visits-extra-sheets": {"visits": book(sheet("visits"), sheet("observations"), NOTES, ("Sheet3", []))},
    "visits-times-of-day": {"visits": book(sheet("visits", lambda t: rows_with(
        t["visits"], r0={"date": dt.datetime(2026, 10, 9, 14, 30)}), formats={"date": "yyyy-mm-dd hh:mm"}),
        sheet("observations", formats={"date": "yyyy-mm-dd hh:mm"}))},
    # 销售目标, 销售数据
    "targets-title-and-thousands": {"targets": book(sheet("targets", title=("2026 年 10 月销售目标",),
                                                         formats={"target_volume": "#,##0"}))},
    "sales-csv-utf8-bom-crlf": {"sales": sales_writer("utf-8-sig", "\r\n")},
    "sales-csv-gbk-lf": {"sales": sales_writer("gb18030", "\n")},
    "sales-workbook-title-and-amount-format": {"sales": book(sheet("sales", title=("订货系统导出",),
                                                                  formats={"amount": "#,##0.00"}), suffix=".xlsx")},
    # several sheets in one workbook
    "hq-and-staff-in-one-workbook": {"hq": book(sheet("hq"), sheet("staff"), EXPLAINED),
                                     "staff": lambda path, t: None},
    # 会议记录: names and codes separated as clerks separate them, headers by their aliases
    "meetings-names-and-codes-separated-every-way": {"meetings": book(sheet("meetings", lambda t: rows_with(
        t["meetings"], r0={"attendees": "王建国 刘洋"}, r1={"attendees": "王建国,刘洋；陈静;赵立新"},
        r2={"customers": "JT0001，JT0002; JT0003", "attendees": "王建国　刘洋\n陈静"}),
        title=("芙蓉片区 会议记录",)), sheet("meeting_items"))},
    "meetings-required-marks-chinese-dates-blank-rows": {"meetings": book(sheet("meetings", headers={
        "date": "会议日期*", "type": "会议类型*", "area": "片区*", "chair": "主持人*"}, formats={"date": CN_DATE},
        blank_after=(0,), extra={"记录人": ["刘洋", "刘洋", "陈静"]}), sheet("meeting_items", formats={
            "due": CN_DATE, "meeting_date": CN_DATE, "done_date": CN_DATE}), EXPLAINED)},
}


def _short_licence(t):
    for rows, key, i in ((t["plan"], "target_code", 1), (t["visits"], "target_code", 1), (t["observations"], "licence", 0)):
        rows[i][key] = "43010220011"


INVALID = {
    # (replaced workbooks, change to the rows, expected (sheet, cell, code), words the message holds)
    "header-in-full-width-brackets": ({"hq": book(sheet("hq", headers={"planned_volume": "计划销量（条/月）"}))}, None,
                                      ("总部档案", "K1", "header_renamed"), "用了全角字符「（）」"),
    "header-by-another-name": ({"hq": book(sheet("hq", headers={"uscc": "统一信用代码"}))}, None,
                               ("总部档案", "C1", "header_renamed"), "应写作「统一社会信用代码」"),
    "hq-code-missing-a-zero-in-stores": ({"stores": book(sheet("stores", lambda t: rows_with(
        t["stores"], r4={"customer": "JT003"}), title=("卖场明细",)))}, None,
        ("卖场明细表", "B7", "ref_missing"), "是不是「JT0003」（总部档案.xlsx「总部档案」A4，少了一位「0」）？"),
    "licence-one-digit-short-in-plan-log-and-brand-sheet": ({}, _short_licence, ("品牌采集", "C2", "licence_invalid"),
                                                             "同样的值还在：拜访计划.xlsx「拜访计划」E3；拜访记录.xlsx「拜访记录」E3。"),
    "hq-code-mistyped-in-the-hq-file": ({}, lambda t: t["hq"][0].update(code="JT00001"),
                                        ("总部档案", "A2", "pattern_mismatch"), "多半指的就是它"),
    "id-number-in-a-format-0-cell": ({"hq": book(sheet("hq", lambda t: rows_with(
        t["hq"], r0={"legal_rep_id": float(t["hq"][0]["legal_rep_id"][:17] + "1")}),
        formats={"legal_rep_id": "0"}, widths={"legal_rep_id": 24}))}, None,
        ("总部档案", "E2", "digits_lost"), "看上去位数齐全"),
    "licence-as-a-number": ({"stores": book(sheet("stores", lambda t: rows_with(
        t["stores"], r4={"licence": 430102200013.0}), widths={"licence": 14}))}, None,
        ("卖场明细表", "A6", "stored_as_number"), "（位数都还在）"),
    "staff-number-as-a-number-shown-with-zeros": ({"staff": book(sheet("staff", lambda t: rows_with(
        t["staff"], r1={"staff_no": 19.0}), formats={"staff_no": "0000"}))}, None,
        ("人员名单", "A3", "stored_as_number"), "存成了数字 19（单元格按数字格式「0000」显示为 0019），应按文本录入"),
    "landline-as-a-number": ({"stores": book(sheet("stores", lambda t: rows_with(
        t["stores"], r0={"phone": 73184561234.0})))}, None, ("卖场明细表", "H2", "leading_zeros_lost"), "开头的 0 已经丢了"),
    "landline-too-short": ({"stores": book(sheet("stores", lambda t: rows_with(
        t["stores"], r1={"phone": "0731-851234"})))}, None,
        ("卖场明细表", "H3", "phone_invalid"), "区号后的号码应为 7–8 位，现在是 6 位"),
    "mobile-in-groups-one-digit-short": ({"stores": book(sheet("stores", lambda t: rows_with(
        t["stores"], r1={"phone": "139-0731-123"})))}, None,
        ("卖场明细表", "H3", "phone_invalid"), "手机号应为 11 位，现在是 10 位"),
    "two-phones-in-one-cell": ({"hq": book(sheet("hq", lambda t: rows_with(
        t["hq"], r1={"order_phone": "0731-84561231/13907311231"})))}, None,
        ("总部档案", "G3", "phone_invalid"), "一格只能填一个号码"),
    "landline-as-a-mobile": ({"staff": book(sheet("staff", lambda t: rows_with(
        t["staff"], r2={"mobile": "0731-84561234"})))}, None,
        ("人员名单", "F4", "mobile_invalid"), "这像是座机号码"),
    "line-break-in-an-address": ({"stores": book(sheet("stores", lambda t: rows_with(
        t["stores"], r2={"address": "长沙市天心区\n某路 3 号"})))}, None, ("卖场明细表", "E4", "line_break"), None),
    "store-name-like-a-formula": ({"stores": book(sheet("stores", lambda t: rows_with(
        t["stores"], r4={"name": "=华润万家解放西路店"})))}, None, ("卖场明细表", "C6", "formula_like_text"), None),
    "columns-reordered": ({"stores": book(sheet("stores", order=[
        "licence", "customer", "name", "category", "address", "area", "contact", "phone", "monthly_volume",
        "status", "cm"]))}, None, ("卖场明细表", None, "header_order"), None),
    "serial-number-column-in-front": ({"stores": book(sheet("stores", front={"序号": [1, 2, 3, 4, 5]}))}, None,
                                      ("卖场明细表", "A1", "header_unknown"), None),
    "total-row-below-the-data": ({"stores": book(sheet("stores", lambda t: t["stores"] + [
        {"licence": "合计", "monthly_volume": 1700}]))}, None, ("卖场明细表", "A7", "total_row"), None),
    "store-entered-twice": ({"stores": book(sheet("stores", lambda t: t["stores"] + [dict(t["stores"][4])]))}, None,
                            ("卖场明细表", "A7", "duplicate_key"), None),
    "category-not-in-the-list": ({"stores": book(sheet("stores", lambda t: rows_with(
        t["stores"], r0={"category": "超市"})))}, None, ("卖场明细表", "D2", "enum_invalid"), None),
    "volume-with-its-unit": ({"stores": book(sheet("stores", lambda t: rows_with(
        t["stores"], r0={"monthly_volume": "300条"})))}, None, ("卖场明细表", "I2", "not_a_number"), None),
    "customer-manager-who-is-a-market-manager": ({"stores": book(sheet("stores", lambda t: rows_with(
        t["stores"], r0={"cm": "王建国"})))}, None, ("卖场明细表", "J2", "ref_mismatch"), None),
    "licence-in-full-width-digits": ({"stores": book(sheet("stores", lambda t: rows_with(
        t["stores"], r4={"licence": "４３０１０２２０００１３"})))}, None, ("卖场明细表", "A6", "fullwidth_chars"), None),
    "status-with-a-trailing-space": ({"hq": book(sheet("hq", lambda t: rows_with(
        t["hq"], r0={"status": "正常 "})))}, None, ("总部档案", "Q2", "stray_whitespace"), None),
    "uscc-last-character-mistyped": ({}, lambda t: t["hq"][0].update(
        uscc=t["hq"][0]["uscc"][:17] + ("1" if t["hq"][0]["uscc"][17] != "1" else "2")),
        ("总部档案", "C2", "uscc_checksum"), None),
    "email-without-at": ({"hq": book(sheet("hq", lambda t: rows_with(
        t["hq"], r0={"buyer_email": "buyer0example.cn"})))}, None, ("总部档案", "R2", "email_invalid"), None),
    "joined-in-the-future": ({"hq": book(sheet("hq", lambda t: rows_with(
        t["hq"], r2={"joined": dt.datetime(2027, 1, 5)}), formats={"joined": CN_DATE}))}, None,
        ("总部档案", "P4", "date_in_future"), None),
    "guide-price-below-wholesale": ({}, lambda t: t["catalogue"][0].update(retail_guide=300.0),
                                    ("卷烟规格", "E2", "less_than_field"), None),
    "plan-period-of-the-wrong-half": ({"plan": book(sheet("plan", lambda t: rows_with(
        t["plan"], r2={"period": "2026-10上"})))}, None, ("拜访计划", "I4", "plan_period_mismatch"), None),
    "hq-visit-without-appointment": ({"plan": book(sheet("plan", lambda t: rows_with(
        t["plan"], r0={"appointment": "否"})))}, None, ("拜访计划", "G2", "conditional_value"), None),
    "target-name-of-another-store": ({"plan": book(sheet("plan", lambda t: rows_with(
        t["plan"], r1={"target_name": "步步高八一路店"})))}, None, ("拜访计划", "F3", "name_mismatch"), None),
    "visit-date-typed-as-text": ({"visits": book(sheet("visits", lambda t: rows_with(
        t["visits"], r0={"date": "2026年10月9日"})), sheet("observations"))}, None,
        ("拜访记录", "A2", "date_as_text"), None),
    "visit-in-the-future": ({"visits": book(sheet("visits", lambda t: rows_with(
        t["visits"], r2={"date": dt.datetime(2026, 12, 1)})), sheet("observations"))}, None,
        ("拜访记录", "A4", "date_in_future"), None),
    "sku-in-full-width-brackets": ({"visits": book(sheet("visits"), sheet("observations", lambda t: rows_with(
        t["observations"], r0={"sku": "中华（硬）"})))}, None, ("品牌采集", "D2", "ref_missing"), "那里写作「中华(硬)」"),
    "month-turned-into-a-date": ({"targets": book(sheet("targets", lambda t: rows_with(
        t["targets"], r1={"month": dt.datetime(2026, 10, 1)})))}, None, ("销售目标", "A3", "month_as_date"), None),
    "symposium-customer-code-digits-swapped": ({"meetings": book(sheet("meetings", lambda t: rows_with(
        t["meetings"], r2={"customers": "JT0001、JT0020、JT0003"})), sheet("meeting_items"))}, None,
        ("会议记录", "H4", "ref_missing"), "是不是「JT0002」"),
    "symposium-customer-code-in-lower-case": ({"meetings": book(sheet("meetings", lambda t: rows_with(
        t["meetings"], r2={"customers": "JT0001、jt0002、JT0003"})), sheet("meeting_items"))}, None,
        ("会议记录", "H4", "ref_missing"), "那里写作「JT0002」"),
    "meeting-chair-not-on-staff": ({"meetings": book(sheet("meetings", lambda t: rows_with(
        t["meetings"], r0={"chair": "王建军"})), sheet("meeting_items"))}, None, ("会议记录", "D2", "ref_missing"), None),
    "action-item-due-before-its-meeting": ({"meetings": book(sheet("meetings"), sheet("meeting_items", lambda t: rows_with(
        t["meeting_items"], r0={"due": dt.datetime(2026, 10, 5)})))}, None,
        ("会议事项", "F2", "date_before_field"), "早于「会议日期」"),
    "action-item-done-before-its-meeting": ({"meetings": book(sheet("meetings"), sheet("meeting_items", lambda t: rows_with(
        t["meeting_items"], r0={"done_date": dt.datetime(2026, 10, 1)})))}, None,
        ("会议事项", "H2", "date_before_field"), None),
    "action-item-owner-not-on-staff": ({"meetings": book(sheet("meetings"), sheet("meeting_items", lambda t: rows_with(
        t["meeting_items"], r1={"owner": "赵立新"})))}, None, ("会议事项", "E3", "ref_missing"), None),
}


def _department(tmp_path, replaced, change=None):
    return write_department(tmp_path, replaced, change)


def test_there_are_enough_cases():
    assert len(VALID) >= 30 and len(INVALID) >= 30


def test_the_department_as_templates_and_as_plain_sheets_is_clean(tmp_path):
    for folder, write in (("templates", write_templates), ("plain", lambda d: write_department(d, {}))):
        (tmp_path / folder).mkdir()
        report = validate(write(tmp_path / folder), today=TODAY).report
        assert flat(report) == [] and report.notes == [], folder


@pytest.mark.parametrize("case", VALID)
def test_a_careful_clerks_workbook_draws_no_remark(tmp_path, case):
    report = validate(_department(tmp_path, VALID[case]), today=TODAY).report
    assert flat(report) == [] and report.exit_code == 0
    assert report.notes == []           # every reference could be checked


@pytest.mark.parametrize("case", INVALID)
def test_a_planted_mistake_gives_exactly_its_problem(tmp_path, case):
    replaced, change, expected, words = INVALID[case]
    report = validate(_department(tmp_path, replaced, change), today=TODAY).report
    assert flat(report) == [expected]
    if words:
        assert words in report.problems[0].message


def test_meeting_headers_typed_by_their_aliases_are_read_with_a_warning_each(tmp_path):
    aliases = {"date": "开会日期", "type": "会议类别", "area": "所属片区", "chair": "主持", "customers": "邀请客户"}
    replaced = {"meetings": book(sheet("meetings", headers=aliases), sheet("meeting_items", headers={"owner": "负责人"}))}
    report = validate(_department(tmp_path, replaced), today=TODAY).report
    assert flat(report) == [*(("会议记录", f"{c}1", "header_renamed") for c in "ABCDH"), ("会议事项", "E1", "header_renamed")]
    assert report.count("error") == 0


def test_notes_name_the_sheets_added_beside_the_data(tmp_path):
    report = validate(_department(tmp_path, VALID["hq-extra-sheets"]), today=TODAY).report
    notes = next(f.notes for f in report.files if f.file.endswith("总部档案.xlsx"))
    assert notes == ["没有校验这些工作表：备注（不是模板的表）、Sheet2（空的）"]


def test_fix_leaves_line_breaks_in_free_text_alone_and_writes_plain_phones(tmp_path):
    import openpyxl

    from gcs_excel.fix import fix_file

    src = write_book(tmp_path / "拜访记录.xlsx", Sheet("visits", rows_with(
        _rows("visits"), r0={"content": " 约见采购负责人\n带上新品资料", "issues": "1. 库存偏高\n2. 价签缺失"})),
        Sheet("observations", _rows("observations")))
    stores = write_book(tmp_path / "卖场明细表.xlsx", Sheet("stores", rows_with(
        _rows("stores"), r0={"phone": " （0731）8512 3456"}, r1={"phone": "１３９ ０７３１ １２３４"})))
    fixed = fix_file(src, tmp_path / "拜访记录_已修正.xlsx", today=TODAY)
    assert [(c.cell, c.new) for c in fixed.changes] == [("H2", "约见采购负责人\n带上新品资料")]
    ws = openpyxl.load_workbook(fixed.output)["拜访记录"]
    assert ws["I2"].value == "1. 库存偏高\n2. 价签缺失"
    fixed = fix_file(stores, tmp_path / "卖场明细表_已修正.xlsx", today=TODAY)
    assert [(c.cell, c.new) for c in fixed.changes] == [("H2", "0731-85123456"), ("H3", "13907311234")]


def _rows(sheet_id):
    from .handtyped import department
    return department()[sheet_id]
