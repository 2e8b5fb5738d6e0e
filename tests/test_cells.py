"""One cell against its field: (sheet, field, raw) -> (value, codes, suggestion)."""

import datetime as dt

import pytest

from gcs_excel.checks.cells import CellChecker
from gcs_excel.spec import load_specs

from .conftest import TODAY


def check(sheet, field, raw, csv=False):
    f = load_specs().sheet(sheet).field(field)
    value, found = CellChecker(f, csv=csv, today=TODAY)(raw)
    return value, [x.code for x in found], (found[0].suggestion if found else None)


CASES = [
    # clean values pass untouched
    ("stores", "licence", "430102200045", "430102200045", [], None),
    ("stores", "status", "正常", "正常", [], None),
    ("stores", "address", "长沙市芙蓉区五一大道 389 号", "长沙市芙蓉区五一大道 389 号", [], None),
    ("hq", "name", "华润万家生活超市（长沙）有限公司", "华润万家生活超市（长沙）有限公司", [], None),
    ("stores", "monthly_volume", 320.0, 320, [], None),
    ("visits", "date", dt.datetime(2026, 10, 9), dt.date(2026, 10, 9), [], None),
    ("sales", "month", "2026-10", "2026-10", [], None),
    # an ID stored as a number: all digits kept -> safe to make text
    ("stores", "licence", 430102200045.0, "430102200045", ["stored_as_number"], "430102200045"),
    # 16 digits or more: the tail is gone, never guessed
    ("hq", "legal_rep_id", 1.1010519491231002e17, None, ["digits_lost"], None),
    ("hq", "bank_account", 6.222021234567891e18, None, ["digits_lost"], None),
    # a landline stored as a number lost its leading 0
    ("stores", "phone", 73184561234.0, None, ["leading_zeros_lost"], None),
    # a mobile stored as a number is complete
    ("stores", "phone", 13800138000.0, "13800138000", ["stored_as_number"], "13800138000"),
    # a code with no fixed format: cannot know whether zeros were lost, says so
    ("staff", "staff_no", 12.0, "12", ["stored_as_number"], "12"),
    ("staff", "staff_no", 12.5, None, ["wrong_type"], None),
    # scientific notation copied as text
    ("stores", "licence", "4.30102E+11", None, ["scientific_notation_text"], None),
    ("hq", "legal_rep_id", "1.10105E+17", None, ["scientific_notation_text"], None),
    # full-width digits, letters and spaces
    ("stores", "licence", "４３０１０２２０００４５", "430102200045", ["fullwidth_chars"], "430102200045"),
    ("hq", "code", "ＪＴ０００１", "JT0001", ["fullwidth_chars"], "JT0001"),
    ("hq", "buyer_email", "limei＠bbg.com.cn", "limei@bbg.com.cn", ["fullwidth_chars"], "limei@bbg.com.cn"),
    ("stores", "status", "正常\u3000", "正常", ["fullwidth_chars", "stray_whitespace"], "正常"),
    # stray spaces and line breaks
    ("stores", "licence", " 430102200045", "430102200045", ["stray_whitespace"], "430102200045"),
    # phones as people write them are valid; the value is the plain form, which fix writes
    ("stores", "phone", "0731 8456 1234", "0731-84561234", [], None),
    ("stores", "phone", "（0731）85123456", "0731-85123456", [], None),
    ("stores", "phone", "139-0731-1234", "13907311234", [], None),
    ("stores", "phone", "0731-85123456转801", "0731-85123456-801", [], None),
    ("stores", "phone", "１３９０７３１１２３４", "13907311234", ["fullwidth_chars"], "13907311234"),
    ("stores", "phone", " 139 0731 1234", "13907311234", ["stray_whitespace"], "13907311234"),
    ("stores", "phone", "0731-8512\n3456", "0731-85123456", ["line_break"], "0731-85123456"),
    ("staff", "mobile", "139 0731 1234", "13907311234", [], None),
    ("stores", "name", "步步高超市 ", "步步高超市", ["stray_whitespace"], "步步高超市"),
    ("stores", "address", "长沙市芙蓉区\n五一大道", "长沙市芙蓉区五一大道", ["line_break"], "长沙市芙蓉区五一大道"),
    ("stores", "contact", "Li\nMing", "Li Ming", ["line_break"], "Li Ming"),
    # free text (the spec's free_text): line breaks are normal, even at its ends
    ("visits", "content", "看了陈列\n递交了告知书", "看了陈列\n递交了告知书", [], None),
    ("visits", "issues", "1. 缺货\r\n2. 价格偏高\n", "1. 缺货\r\n2. 价格偏高", [], None),
    ("plan", "purpose", "预约总部\n带上新品资料", "预约总部\n带上新品资料", [], None),
    ("visits", "content", "- 缺货\n- 价格偏高", "- 缺货\n- 价格偏高", [], None),     # bullets are no formula
    ("visits", "content", "  看了陈列\n递交了告知书", "看了陈列\n递交了告知书", ["stray_whitespace"],
     "看了陈列\n递交了告知书"),
    # names and addresses a spreadsheet would run as a formula
    ("stores", "name", "=步步高", "=步步高", ["formula_like_text"], None),
    ("hq", "name", "=cmd|'/c calc'!A1", "=cmd|'/c calc'!A1", ["formula_like_text"], None),
    ("stores", "address", "@长沙市", "@长沙市", ["formula_like_text"], None),
    ("stores", "contact", "+陈静", "+陈静", ["formula_like_text"], None),
    ("stores", "area", "-5", "-5", [], None),
    ("stores", "status", "   ", None, ["required_missing"], None),
    ("hq", "legal_rep_id", "  ", None, ["stray_whitespace"], ""),
    # dates typed as text, and numbers where dates belong
    ("visits", "date", "2026年3月5日", dt.date(2026, 3, 5), ["date_as_text"], dt.date(2026, 3, 5)),
    ("visits", "date", "2026.3.5", dt.date(2026, 3, 5), ["date_as_text"], dt.date(2026, 3, 5)),
    ("visits", "date", "2026/3/5", dt.date(2026, 3, 5), ["date_as_text"], dt.date(2026, 3, 5)),
    ("visits", "date", "2026-03-05", dt.date(2026, 3, 5), ["date_as_text"], dt.date(2026, 3, 5)),
    ("visits", "date", "2026-02-30", None, ["not_a_date"], None),
    ("visits", "date", "上周三", None, ["not_a_date"], None),
    ("visits", "date", 46086.0, dt.date(2026, 3, 5), ["date_as_number"], dt.date(2026, 3, 5)),
    ("visits", "date", 20260305.0, dt.date(2026, 3, 5), ["date_as_number"], dt.date(2026, 3, 5)),
    ("visits", "date", 12.0, None, ["not_a_date"], None),
    ("visits", "date", dt.date(2026, 11, 28), dt.date(2026, 11, 28), ["date_in_future"], None),
    ("visits", "date", dt.date(2026, 11, 27), dt.date(2026, 11, 27), [], None),
    ("plan", "date", dt.date(2027, 1, 4), dt.date(2027, 1, 4), [], None),     # plans may be ahead
    # months
    ("sales", "month", dt.date(2026, 3, 1), "2026-03", ["month_as_date"], "2026-03"),
    ("sales", "month", "2026/3", "2026-03", ["month_format"], "2026-03"),
    ("sales", "month", "2026年3月", "2026-03", ["month_format"], "2026-03"),
    ("sales", "month", "202603", "2026-03", ["month_format"], "2026-03"),
    ("sales", "month", 202603.0, "2026-03", ["month_format"], "2026-03"),
    ("sales", "month", 2026.03, "2026-03", ["month_format"], "2026-03"),
    ("sales", "month", 2026.1, None, ["not_a_month"], None),    # January, or October minus its 0?
    ("sales", "month", "2026-13", None, ["not_a_month"], None),
    # numbers
    ("stores", "monthly_volume", "1,200", 1200, ["number_as_text"], 1200),
    ("stores", "monthly_volume", "１２０", 120, ["fullwidth_chars", "number_as_text"], 120),
    ("stores", "monthly_volume", "300条", None, ["not_a_number"], None),
    ("stores", "monthly_volume", 12.5, None, ["not_an_integer"], None),
    ("stores", "monthly_volume", -3.0, -3, ["out_of_range"], None),
    ("observations", "retail_price", 0.0, 0, ["out_of_range"], None),
    ("observations", "retail_price", 249.5, 249.5, [], None),
    ("stores", "monthly_volume", True, None, ["wrong_type"], None),
    # enums
    ("stores", "category", "超市", None, ["enum_invalid"], None),
    ("stores", "category", 1.0, None, ["enum_invalid"], None),
    ("stores", "status", dt.date(2026, 1, 1), None, ["wrong_type"], None),
    # text Excel turned into a date
    ("stores", "area", dt.datetime(2026, 3, 1), None, ["text_became_date"], None),
    # patterns and named checks
    ("hq", "code", "jt0001", "jt0001", ["pattern_mismatch"], "JT0001"),
    ("hq", "code", "JT001", "JT001", ["pattern_mismatch"], None),
    ("stores", "licence", "43010220004", "43010220004", ["licence_invalid"], None),
    ("plan", "period", "2026年10月上", "2026年10月上", ["plan_period_invalid"], "2026-10上"),
]


@pytest.mark.parametrize("sheet, field, raw, value, codes, suggestion", CASES)
def test_cell(sheet, field, raw, value, codes, suggestion):
    assert check(sheet, field, raw) == (value, codes, suggestion)


@pytest.mark.parametrize("sheet, field, raw, value", [
    ("sales", "volume", "36", 36),
    ("sales", "amount", "13737.6", 13737.6),
    ("sales", "amount", "1,374.50", 1374.5),
    ("sales", "month", "202610", "2026-10"),
    ("sales", "month", "2026/10", "2026-10"),
    ("visits", "date", "2026/10/9", dt.date(2026, 10, 9)),
])
def test_csv_text_is_how_numbers_dates_and_months_arrive(sheet, field, raw, value):
    """A CSV cannot hold anything but text: parsing it is not a problem."""
    assert check(sheet, field, raw, csv=True) == (value, [], None)


def test_csv_still_reports_real_mistakes():
    assert check("sales", "volume", "36条", csv=True)[1] == ["not_a_number"]
    assert check("sales", "licence", "4.30102E+11", csv=True)[1] == ["scientific_notation_text"]


def test_every_safe_finding_of_a_cell_carries_the_same_final_value():
    f = load_specs().sheet("stores").field("licence")
    _, found = CellChecker(f)(" ４３０１０２２０００４５\n")
    assert [x.code for x in found] == ["line_break", "fullwidth_chars", "stray_whitespace"]
    assert {x.suggestion for x in found} == {"430102200045"}


def test_message_of_digits_lost_shows_what_excel_shows():
    from gcs_excel.problems import make_problem
    f = load_specs().sheet("hq").field("legal_rep_id")
    _, (found,) = CellChecker(f)(1.1010519491231002e17)
    p = make_problem(found, file="x.xlsx", column="法人身份证号")
    assert "110105194912310000" in p.message and "1.10105E+17" in p.message


ID_18 = 4.3010419810722001e17       # 430104198107220011 typed into a number cell


@pytest.mark.parametrize("code, width, seen", [
    ("General", 21, "单元格显示为 4.30104E+17，编辑栏里是 430104198107220000"),
    ("General", 8.43, "单元格显示为 4.3E+17，编辑栏里是 430104198107220000"),      # default column width
    ("@", 21, "单元格显示为 4.30104E+17，编辑栏里是 430104198107220000"),
    ("0", 21, "单元格按数字格式「0」显示为 430104198107220000，看上去位数齐全"),
    ("0", 8.43, "列宽不够，单元格显示为 ########，编辑栏里是 430104198107220000"),
    ("0.00", 25, "单元格显示为 430104198107220000.00，编辑栏里是 430104198107220000"),
    ("#,##0", 25, "单元格显示为 430,104,198,107,220,000，编辑栏里是 430104198107220000"),
    ('[Red]"ID "0', 25, "单元格显示为 ID 430104198107220000，编辑栏里是 430104198107220000"),
    ("yyyy-mm-dd", 12, "列宽不够，单元格显示为 ############，编辑栏里是 430104198107220000"),
    ("# ?/?", 25, "单元格按数字格式「# ?/?」显示，编辑栏里是 430104198107220000"),
])
def test_a_long_number_is_described_as_its_cell_shows_it(code, width, seen):
    """Format 0 shows an 18-digit ID digit for digit (the last 3 already zeros), General
    as 4.30104E+17, a narrow column as ####: the message says what the user sees."""
    from gcs_excel.readers.styles import CellFormat
    check = CellChecker(load_specs().sheet("hq").field("legal_rep_id"))
    _, found = check(ID_18)
    assert check.needs_format(ID_18, found)
    value, (f,) = check.with_format(ID_18, CellFormat(code, width))
    assert (value, f.code, f.params["seen"], f.params["lost"]) == (None, "digits_lost", seen, 3)


@pytest.mark.parametrize("raw, code, width, value, codes, seen", [
    # a 12-digit licence: General shows it in scientific notation, format 0 digit for digit
    (430102200045.0, "General", 14, "430102200045", ["stored_as_number"], "（单元格显示为 4.30102E+11）"),
    (430102200045.0, "0", 14, "430102200045", ["stored_as_number"], ""),
    (430102200045.0, "0", 8.43, "430102200045", ["stored_as_number"], "（列宽不够，单元格显示为 ########）"),
    # a format that shows the leading zero: nothing is lost, the shown text is the value
    (73184561234.0, "000000000000", 14, "073184561234", ["stored_as_number"],
     "（单元格按数字格式「000000000000」显示为 073184561234）"),
    (73184561234.0, "General", 14, None, ["leading_zeros_lost"], ""),
])
def test_codes_stored_as_numbers_say_how_they_look(raw, code, width, value, codes, seen):
    from gcs_excel.readers.styles import CellFormat
    check = CellChecker(load_specs().sheet("stores").field("licence" if raw > 1e11 and raw != 73184561234.0 else "phone"))
    got, found = check.with_format(raw, CellFormat(code, width))
    assert (got, [f.code for f in found], found[0].params["seen"]) == (value, codes, seen)


@pytest.mark.parametrize("sheet, field, raw, needed", [
    ("hq", "legal_rep_id", ID_18, True),             # digits lost: what does the cell show?
    ("stores", "phone", 73184561234.0, True),        # a format may still show the leading 0
    ("staff", "staff_no", 12.0, True),               # no fixed format: zeros may be lost, or shown
    ("stores", "phone", 13800138000.0, False),       # whole, fixed format: nothing to look up
    ("stores", "licence", 430102200045.0, False),
    ("stores", "monthly_volume", 320.0, False),      # not a code
])
def test_which_numbers_need_their_cell_format(sheet, field, raw, needed):
    check = CellChecker(load_specs().sheet(sheet).field(field))
    assert check.needs_format(raw, check(raw)[1]) is needed


def test_a_zero_padded_format_keeps_the_zeros_it_shows():
    from gcs_excel.readers.styles import CellFormat
    check = CellChecker(load_specs().sheet("staff").field("staff_no"))
    value, (f,) = check.with_format(12.0, CellFormat("0000", 8.43))
    assert (value, f.code, f.suggestion, f.params["detail"]) == (
        "0012", "stored_as_number", "0012", "（开头的 0 还显示在屏幕上，按显示的样子改成文本）")


def test_a_birth_date_is_judged_against_the_day_given():
    """--today decides what lies in the future, for birth dates in IDs as for visit dates."""
    f = load_specs().sheet("hq").field("legal_rep_id")
    born_2026_11_20 = "110105202611200019"
    codes_on = {day: [x.code for x in CellChecker(f, today=day)(born_2026_11_20)[1]]
                for day in (dt.date(2026, 11, 1), dt.date(2026, 11, 27))}
    assert codes_on == {dt.date(2026, 11, 1): ["resident_id_invalid"], dt.date(2026, 11, 27): []}
