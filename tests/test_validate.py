"""Validation end to end: round trips, every structural problem, references without
cascades, and the demo's typical mistakes found exactly once each."""

from __future__ import annotations

import collections
import datetime as dt

import pytest

from gcs_excel.validation import validate

from .conftest import TODAY, codes, flat

STORE = {"licence": "430102200045", "customer": "JT0001", "name": "步步高超市五一广场店",
         "category": "便利店", "address": "长沙市芙蓉区五一大道 389 号", "area": "芙蓉片区",
         "contact": "陈静", "phone": "13807315678", "monthly_volume": 320, "cm": "刘洋", "status": "正常"}


def stores(n=3, **changes):
    rows = []
    for k in range(n):
        row = dict(STORE, licence=f"43010220{k:04d}", name=f"店{k}")
        rows.append(row)
    for k, row in changes.items():
        rows[int(k[1:])].update(row)
    return rows


# --- round trips ---------------------------------------------------------------------
def test_template_filled_with_the_demo_department_gives_no_problems(clean_validation):
    report = clean_validation.report
    assert flat(report) == []
    assert report.exit_code == 0
    assert report.notes == []           # every reference could be checked
    per = {s["sheet"]: s["rows"] for f in report.summary()["per_file"] for s in f["sheets"]}
    assert per["卖场明细表"] == 150 and per["品牌采集"] > 500


def test_every_typical_mistake_is_found_exactly_once(mistake_validation, mistakes, specs):
    report = mistake_validation.report
    got = collections.Counter((specs.by_name[p.sheet].id, p.code) for p in report.problems)
    expected = collections.Counter((sheet, code) for sheet, code, _ in mistakes.expected)
    assert got == expected
    assert report.exit_code == 1


def test_tables_come_back_normalised_with_error_rows_marked(mistake_validation, department):
    v = mistake_validation
    stores = v.frame("stores", include_errors=True)
    original = department["stores"]
    assert stores.loc[0, "licence"] == original[0]["licence"]      # number made text
    assert stores.loc[1, "licence"] == original[1]["licence"]      # full-width folded
    assert bool(stores.loc[2, "has_error"]) is True                 # scientific notation
    assert bool(stores.loc[0, "has_error"]) is False                # a warning only
    clean = v.frame("stores")
    assert len(clean) == len(stores) - stores["has_error"].astype(bool).sum()
    assert list(clean.columns[:3]) == ["licence", "customer", "name"]


# --- recognising sheets and headers ------------------------------------------------------
def test_title_row_above_the_header(write):
    p = write("stores", stores(2))
    import openpyxl
    wb = openpyxl.load_workbook(p)
    ws = wb["卖场明细表"]
    ws.insert_rows(1)
    ws["A1"] = "2026 年 10 月卖场明细"
    wb.save(p)
    report = validate([p], today=TODAY).report
    assert flat(report) == []
    assert report.files[0].sheets[0].header_row == 2


def test_sheet_recognised_by_headers_under_another_name(write):
    import openpyxl
    p = write("stores", stores(2))
    wb = openpyxl.load_workbook(p)
    wb["卖场明细表"].title = "Sheet1"
    wb.save(p)
    report = validate([p], today=TODAY).report
    assert flat(report) == []
    assert report.files[0].sheets[0].recognised_as == "卖场明细表"
    assert any("按表头认作" in n for n in report.files[0].notes)


def test_unrecognised_sheet(tmp_path):
    import xlsxwriter
    p = tmp_path / "a.xlsx"
    wb = xlsxwriter.Workbook(str(p))
    ws = wb.add_worksheet("备忘")
    ws.write_row(0, 0, ["日期", "事项"])
    ws.write_row(1, 0, ["明天", "开会"])
    wb.add_worksheet("空表")
    wb.close()
    report = validate([p], today=TODAY).report
    assert flat(report) == [("备忘", None, "sheet_unrecognised")]
    assert any("空表" in n for n in report.files[0].notes)


def test_sheets_a_clerk_added_beside_the_data_are_one_note(tmp_path, write, specs):
    """备注, 说明 and an empty Sheet2 next to the store list: no problem, one note."""
    import openpyxl
    p = write("stores", stores(2))
    wb = openpyxl.load_workbook(p)
    wb.create_sheet("备注").append(["10 月新开了两家店，地址见下"])
    ws = wb.create_sheet("说明")
    ws.append(["填表人", "日期"])
    ws.append(["陈静", "2026-10-09"])
    wb.create_sheet("Sheet2")
    wb.save(p)
    report = validate([p], today=TODAY).report
    assert flat(report) == [] and report.exit_code == 0
    assert report.files[0].notes == ["没有校验这些工作表：备注（不是模板的表）、说明（不是模板的表）、Sheet2（空的）"]


def test_an_unrecognised_sheet_that_looks_like_data_is_still_a_problem(tmp_path, write, specs):
    import openpyxl
    p = write("stores", stores(2))
    wb = openpyxl.load_workbook(p)
    wb.create_sheet("名单").append(["客户名称", "法人代表", "备注"])      # two 总部档案 headers of 18
    wb.save(p)
    report = validate([p], today=TODAY).report
    assert flat(report) == [("名单", None, "sheet_unrecognised")]
    assert "最像「总部档案」，但只有 2 个表头对得上" in report.problems[0].message


def test_sheet_named_like_a_template_without_its_headers(tmp_path):
    import xlsxwriter
    p = tmp_path / "a.xlsx"
    wb = xlsxwriter.Workbook(str(p))
    wb.add_worksheet("总部档案").write_row(0, 0, ["甲", "乙"])
    wb.close()
    assert codes(validate([p]).report) == ["headers_not_found"]


def test_header_problems(write):
    p = write("stores", stores(2), headers={"licence": "许可证号", "area": "备注", "contact": "联系人"})
    # "许可证号" is an alias; "备注" is unknown and sits between template columns, so 所属片区 is
    # missing (required).
    assert flat(validate([p]).report) == [
        ("卖场明细表", None, "header_missing"),     # no cell: one problem, not one per row
        ("卖场明细表", "A1", "header_renamed"),
        ("卖场明细表", "F1", "header_unknown"),
    ]


@pytest.mark.parametrize("header, detail", [
    ("计划销量（条/月）", "（用了全角字符「（）」）"),
    ("计划销量 (条/月)", "（多了空格）"),
    ("计划销量(条每月)", "（单位写法不同）"),
    ("计划销量【条/月】", "（括号写法不同）"),
    ("计划销量\n(条/月)", "（有换行）"),
    ("计划销量(条/月)*", None),         # the required marker is no rewording
    ("*计划销量(条/月) *", None),
    ("计划销量(条/月) ", "（多了空格）"),
])
def test_a_header_written_another_way_is_read_and_said_once(write, header, detail):
    p = write("hq", [_hq(), _hq("JT0002")], headers={"planned_volume": header})
    report = validate([p, write("staff", STAFF)]).report
    if detail is None:
        assert flat(report) == []
        return
    assert flat(report) == [("总部档案", "K1", "header_renamed")]
    assert report.problems[0].message.startswith(f"表头「{header.replace(chr(10), '⏎')}」应写作「计划销量(条/月)」{detail}。")


def test_a_header_with_another_unit_is_not_taken_for_it(write):
    p = write("stores", stores(1), headers={"monthly_volume": "月销量(箱)"})
    assert ("卖场明细表", None, "header_missing") in flat(validate([p]).report)


def test_reworded_header_is_matched_and_reported(write):
    p = write("hq", [], headers={"buyer_email": "负责人的邮箱"})
    assert flat(validate([p]).report) == [("总部档案", "R1", "header_renamed")]


def test_missing_optional_column_duplicates_and_order(tmp_path, specs):
    import xlsxwriter
    sheet = specs.sheet("staff")
    headers = [sheet.header(f) for f in ("name", "staff_no", "role", "area", "email", "email")]
    p = tmp_path / "人员名单.xlsx"
    wb = xlsxwriter.Workbook(str(p))
    ws = wb.add_worksheet("人员名单")
    ws.write_row(0, 0, headers)
    ws.write_row(1, 0, ["刘洋", "0012", "客户经理", "芙蓉片区", "a@b.cn", "x@y.cn"])
    wb.close()
    assert sorted(codes(validate([p]).report)) == ["header_duplicate", "header_order",
                                                    "optional_header_missing"]


@pytest.mark.parametrize("ref, text", [("M3", "备用电话 13900000000"),
                                       ("Z500", "草稿")])     # far below and right of the table
def test_content_under_no_header_is_reported(write, ref, text):
    import openpyxl
    p = write("stores", stores(2))
    wb = openpyxl.load_workbook(p)
    wb["卖场明细表"][ref] = text
    wb.save(p)
    assert flat(validate([p]).report) == [("卖场明细表", ref, "data_without_header")]


def test_extra_columns_after_the_template_are_allowed(write):
    import openpyxl
    p = write("stores", stores(2))
    wb = openpyxl.load_workbook(p)
    wb["卖场明细表"]["L1"] = "备注"
    wb["卖场明细表"]["L2"] = "新开业"
    wb.save(p)
    assert flat(validate([p]).report) == []


# --- cells in context -------------------------------------------------------------------------
def test_required_cells_and_blank_rows(write):
    rows = stores(3, r1={"contact": None, "phone": None})
    rows.insert(1, {})       # a blank row in the middle is not a problem
    p = write("stores", rows)
    assert flat(validate([p]).report) == [("卖场明细表", "G4", "required_missing"),
                                          ("卖场明细表", "H4", "required_missing")]


def test_merged_cells_are_one_problem(write):
    rows = stores(4)
    for r in rows[1:4]:
        r.pop("customer")
    p = write("stores", rows, merges=[(2, 1, 4, 1, "JT0001")])
    assert flat(validate([p]).report) == [("卖场明细表", "B3", "merged_cells")]


def test_formula_and_error_cells(write):
    from gcs_excel.templates import Formula
    rows = stores(2, r0={"name": Formula('="步步高"&"一店"', "步步高一店")},
                  r1={"monthly_volume": Formula("=1/0", "#DIV/0!")})
    p = write("stores", rows)
    report = validate([p]).report
    assert flat(report) == [("卖场明细表", "C2", "formula_in_data"), ("卖场明细表", "I3", "error_value")]
    assert "#DIV/0!" in report.problems[1].message


def test_text_that_looks_like_a_formula_is_warned_about(write):
    p = write("stores", stores(2, r0={"name": "=步步高"}, r1={"address": "=cmd|'/c calc'!A1"}))
    report = validate([p]).report
    assert flat(report) == [("卖场明细表", "C2", "formula_like_text"), ("卖场明细表", "E3", "formula_like_text")]
    assert report.problems[0].severity == "warning" and "「=」开头" in report.problems[0].message


def test_cross_field_rules(write):
    from gcs_excel.templates import bundled_catalogue
    cat = [dict(r, wholesale_price=float(r["wholesale_price"]), retail_guide=float(r["retail_guide"]))
           for r in bundled_catalogue()]
    cat[0]["retail_guide"] = 300.0
    cat[1]["retail_guide"] = cat[1]["wholesale_price"]           # equal is fine
    p = write("catalogue", cat)
    assert flat(validate([p]).report) == [("卷烟规格", "E2", "less_than_field")]


def test_plan_rules(write):
    base = {"date": dt.date(2026, 10, 9), "person": "刘洋", "role": "客户经理", "target_type": "总部",
            "target_code": "JT0001", "appointment": "是", "period": "2026-10上"}
    rows = [dict(base), dict(base, appointment="否"), dict(base, appointment=None),
            dict(base, period="2026-10下"), dict(base, target_type="卖场", target_code="430102200045",
                                                  appointment=None),
            dict(base, period="2026-10")]
    p = write("plan", rows)
    assert flat(validate([p]).report) == [
        ("拜访计划", "G3", "conditional_value"), ("拜访计划", "G4", "conditional_value"),
        ("拜访计划", "I5", "plan_period_mismatch"), ("拜访计划", "I7", "plan_period_invalid"),
    ]


def test_today_decides_what_is_in_the_future(write):
    row = {"date": dt.date(2026, 11, 20), "person": "刘洋", "role": "客户经理", "target_type": "卖场",
           "target_code": "430102200045"}
    p = write("visits", [row])
    assert codes(validate([p], today=dt.date(2026, 11, 19)).report) == ["date_in_future"]
    assert codes(validate([p], today=dt.date(2026, 11, 20)).report) == []


# --- keys and references ----------------------------------------------------------------------
def test_duplicate_keys_within_and_across_files(write):
    a = write("stores", stores(3, r2={"licence": "430102200000"}), name="a.xlsx")
    b = write("stores", stores(1), name="b.xlsx")
    report = validate([a, b]).report
    assert flat(report, with_file=True) == [("a.xlsx", "卖场明细表", "A4", "duplicate_key"),
                                            ("b.xlsx", "卖场明细表", "A2", "duplicate_key")]
    assert "a.xlsx" in report.problems[1].message


def _hq(code="JT0001", **kw):
    row = {"code": code, "name": "湖南步步高连锁超市有限公司", "uscc": "91350200776049653A",
           "legal_rep": "张建华", "address": "长沙市岳麓区桐梓坡路 318 号", "order_phone": "0731-84561234",
           "order_frequency": "每周一次", "bank": "中国工商银行长沙芙蓉支行", "bank_account": "1901002309024512345",
           "planned_volume": 1200, "buyer": "李晓梅", "buyer_phone": "13907311234", "mm": "王建国",
           "cm": "刘洋", "status": "正常"}
    row.update(kw)
    return row


STAFF = [{"staff_no": "0012", "name": "王建国", "role": "市场经理"},
         {"staff_no": "0019", "name": "刘洋", "role": "客户经理"}]


def test_a_wrong_hq_code_is_one_problem_not_one_per_store(write):
    hq = write("hq", [_hq("JT0001")])
    st = write("stores", stores(5, r1={"customer": "JT0002"}, r2={"customer": "JT0002"},
                                r4={"customer": "JT0002"}))
    staff = write("staff", STAFF)
    report = validate([hq, st, staff]).report
    assert flat(report) == [("卖场明细表", "B3", "ref_missing")]
    p = report.problems[0]
    assert p.related == ("B4", "B6") and "共 3 行" in p.message


def test_an_hq_code_typed_wrongly_in_the_hq_file_does_not_cascade(write):
    hq = write("hq", [_hq("jt0001")])
    st = write("stores", stores(4))
    assert flat(validate([hq, st, write("staff", STAFF)]).report) == [("总部档案", "A2", "pattern_mismatch")]


def test_person_must_have_the_right_role(write):
    hq = write("hq", [_hq(mm="刘洋", cm="王建国")])
    report = validate([hq, write("staff", STAFF)]).report
    assert flat(report) == [("总部档案", "N2", "ref_mismatch"), ("总部档案", "O2", "ref_mismatch")]
    assert "市场经理" in report.problems[0].message


def test_visit_target_is_checked_against_hq_or_store_by_type(write):
    rows = [{"date": dt.date(2026, 10, 9), "person": "刘洋", "role": "客户经理", "target_type": t,
             "target_code": c} for t, c in (("总部", "JT0001"), ("卖场", "430102200001"),
                                             ("卖场", "JT0001"), ("总部", "430102200001"))]
    files = [write("visits", rows), write("hq", [_hq()]), write("stores", stores(2)), write("staff", STAFF)]
    assert flat(validate(files, today=TODAY).report) == [("拜访记录", "E4", "ref_missing"),
                                                          ("拜访记录", "E5", "ref_missing")]


def test_sales_row_store_must_belong_to_its_customer(tmp_path, write):
    from gcs_excel.demo import write_sales_csv
    sales = [{"month": m, "customer": c, "licence": "430102200001", "sku": "中华(硬)",
              "volume": 10, "amount": 3816}
             for m, c in (("2026-08", "JT0001"), ("2026-09", "JT0002"), ("2026-10", "JT0003"))]
    sales[2]["sku"] = "中华(软)"
    csv = write_sales_csv(sales, tmp_path / "销售数据.csv")
    files = [csv, write("hq", [_hq("JT0001"), _hq("JT0002", name="家润多")]),
             write("stores", stores(2)), write("staff", STAFF), write("catalogue", [
                 {"sku": "中华(硬)", "brand": "中华", "price_class": "一类", "wholesale_price": 381.6,
                  "retail_guide": 450.0}])]
    report = validate(files).report
    # row 3: JT0002 exists but the store is JT0001's; row 4: JT0003 missing (the store check
    # is then skipped, no cascade) and the SKU is not in the catalogue.
    assert flat(report) == [("销售数据", "C3", "ref_mismatch"), ("销售数据", "B4", "ref_missing"),
                            ("销售数据", "D4", "ref_missing")]


def test_reference_that_differs_only_in_width_gets_the_catalogue_spelling(write):
    obs = [{"date": dt.date(2026, 10, 9), "person": "刘洋", "licence": "430102200001", "sku": "芙蓉王（硬）",
            "on_shelf": "是"}]
    cat = [{"sku": "芙蓉王(硬)", "brand": "芙蓉王", "price_class": "一类", "wholesale_price": 218.36,
            "retail_guide": 250.0}]
    obs_file = write("observations", obs, name="拜访记录.xlsx")      # the visit log's 品牌采集 sheet
    report = validate([obs_file, write("catalogue", cat)], today=TODAY).report
    assert flat(report) == [("品牌采集", "D2", "ref_missing")]
    assert report.problems[0].suggestion == "芙蓉王(硬)"


def test_a_mistyped_code_is_said_once_with_its_near_match(tmp_path, write):
    """JT003 for JT0003 in the store list and again in the sales data: one problem at the
    first cell, naming JT0003 and where it is; the other cells listed under it."""
    from gcs_excel.demo import write_sales_csv
    hq = write("hq", [_hq("JT0001"), _hq("JT0003", name="家润多")])
    st = write("stores", stores(3, r1={"customer": "JT003"}, r2={"customer": "JT003"}))
    sales = write_sales_csv([{"month": "2026-10", "customer": "JT003", "licence": "430102200001",
                              "sku": "中华(硬)", "volume": 10, "amount": 3816}], tmp_path / "销售数据.csv")
    report = validate([hq, st, write("staff", STAFF), sales]).report
    assert flat(report) == [("卖场明细表", "B3", "ref_missing")]
    p = report.problems[0]
    assert p.related == ("B4",) and p.suggestion == "JT0003"
    assert "是不是「JT0003」（总部档案.xlsx「总部档案」A3，少了一位「0」）？" in p.message
    assert "同样的值还在：销售数据.csv「销售数据」B2。" in p.message


def _visit_files(write, code: str, stores_rows):
    plan = [{"date": dt.date(2026, 10, 9), "person": "刘洋", "role": "客户经理", "target_type": "卖场",
             "target_code": code, "period": "2026-10上"}]
    visit = [{"date": dt.date(2026, 10, 9), "person": "刘洋", "role": "客户经理", "target_type": "卖场",
              "target_code": code}]
    obs = [{"date": dt.date(2026, 10, 9), "person": "刘洋", "licence": code, "sku": "中华(硬)", "on_shelf": "是"}]
    from gcs_excel.templates import write_workbook
    from gcs_excel.spec import load_specs
    log = write_workbook(load_specs().template("visits"), write("staff", STAFF).parent / "拜访记录.xlsx",
                         data={"visits": visit, "observations": obs})
    return [write("stores", stores_rows), write("plan", plan), log]


def test_a_licence_one_digit_short_in_plan_log_and_brand_sheet_is_one_problem(write):
    files = _visit_files(write, "43010220001", stores(2))
    report = validate(files, today=TODAY).report
    assert flat(report) == [("品牌采集", "C2", "licence_invalid")]
    message = report.problems[0].message
    assert "「卖场明细表」里也没有它。是不是「430102200001」（卖场明细表.xlsx「卖场明细表」A3，少了一位「0」）？" in message
    assert "同样的值还在：拜访计划.xlsx「拜访计划」E2；拜访记录.xlsx「拜访记录」E2。" in message


def test_a_licence_mistyped_in_the_store_list_is_said_there_only(write):
    rows = stores(2, r1={"licence": "43010220001"})
    report = validate(_visit_files(write, "430102200001", rows), today=TODAY).report
    assert flat(report) == [("卖场明细表", "A3", "licence_invalid")]
    assert "另有 3 处引用写的是「430102200001」，与这里只差一处（这里少了一位「0」）" in report.problems[0].message


def test_near_matches_are_looked_up_never_scanned():
    """Cheap on 100,000 keys: every candidate is a dictionary lookup of a variant."""
    from gcs_excel.checks.references import near

    class Keys(dict):
        def __iter__(self):
            raise AssertionError("the keys were scanned")

    keys = Keys({f"4301022{k:05d}": None for k in range(0, 100_000, 2)})     # even serials
    assert near("430102300458", keys, "0123456789") == ["430102200458"]
    assert len(near("430102200459", keys, "0123456789")) == 5     # dense serials: such a match says nothing
    assert near("JT003", {"JT0003": 0, "JT0030": 0, "JT3": 0}, "JT03") == ["JT0003", "JT0030"]
    assert near("12", {"0012": 0}, "012") == ["0012"]          # leading zeros lost


def test_missing_reference_files_are_noted_not_reported(write):
    report = validate([write("stores", stores(2))]).report
    assert flat(report) == []
    assert any("人员名单" in n for n in report.notes) and any("总部档案" in n for n in report.notes)


def test_name_beside_a_code_must_match(write):
    plan = [{"date": dt.date(2026, 10, 9), "person": "刘洋", "role": "客户经理", "target_type": "卖场",
             "target_code": "430102200001", "target_name": name, "period": "2026-10上"}
            for name in ("店1", "店 1", "别的店")]
    report = validate([write("plan", plan), write("stores", stores(2))]).report
    assert flat(report) == [("拜访计划", "F4", "name_mismatch")]
    assert report.problems[0].suggestion == "店1"


# --- unreadable input -------------------------------------------------------------------------
def test_unreadable_files_are_reported_with_the_rest(write, tmp_path):
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"\x00\x01\x02 not a zip at all")
    report = validate([write("stores", stores(2, r1={"status": "关"})), bad]).report
    assert report.exit_code == 2
    assert codes(report) == ["enum_invalid"]
    assert report.unreadable[0].read_error.startswith("不是 Excel")


def test_progress_is_reported(write):
    seen = []
    validate([write("stores", stores(1))], progress=lambda d, t, n: seen.append((d, t)))
    assert seen == [(0, 1), (1, 1)]


def test_rows_that_are_not_data(write, specs):
    header = {f: specs.sheet("stores").header(f) for f in specs.sheet("stores").ids}
    rows = stores(4)
    rows.insert(2, dict(header))                                  # the header pasted again
    rows.insert(4, {"licence": "合计", "monthly_volume": 1280})   # a total row
    rows.insert(5, {"name": "  ", "contact": " "})                # nothing but spaces
    p = write("stores", rows)
    report = validate([p]).report
    assert flat(report) == [("卖场明细表", "A4", "repeated_header"), ("卖场明细表", "A6", "total_row"),
                            ("卖场明细表", "C7", "stray_whitespace"), ("卖场明细表", "G7", "stray_whitespace")]
    assert report.files[0].sheets[0].rows == 4


def test_rows_under_a_merge_are_left_out_of_counts(write):
    rows = stores(4)
    for r in rows[1:3]:
        r.pop("customer")
    p = write("stores", rows, merges=[(2, 1, 4, 1, "JT0001")])
    v = validate([p])
    assert flat(v.report) == [("卖场明细表", "B3", "merged_cells")]
    # B4 and B5 hold nothing (the value lives in B3 only): every row under the merge is
    # left out of counts until the merge is undone; the first store (row 2) is not
    assert v.tables[0].bad_rows() == {1, 2, 3}


def test_merge_beside_the_table_or_in_the_header_is_not_a_problem(write):
    import openpyxl
    p = write("stores", stores(2))
    wb = openpyxl.load_workbook(p)
    wb["卖场明细表"].merge_cells("N2:O3")
    wb.save(p)
    assert flat(validate([p]).report) == []


def test_a_row_holding_only_an_error_value_is_reported(write):
    from gcs_excel.templates import Formula
    rows = stores(2)
    rows.append({"licence": Formula("=NA()", "#N/A")})
    p = write("stores", rows)
    assert ("卖场明细表", "A4", "error_value") in flat(validate([p]).report)


def test_total_row_in_a_column_of_its_own(tmp_path, specs):
    """合计 typed in a 序号 column the user added in front of the template's columns."""
    import openpyxl
    sheet = specs.sheet("stores")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet.name
    ws.append(["序号", *(sheet.header(f) for f in sheet.ids)])
    for k, row in enumerate(stores(2), start=1):
        ws.append([k, *(row.get(f) for f in sheet.ids)])
    ws.append(["合计", *[None] * 8, 640])
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=2):
        row[0].data_type = "s"
    p = tmp_path / "卖场明细表.xlsx"
    wb.save(p)
    v = validate([p])
    assert flat(v.report) == [("卖场明细表", "A1", "header_unknown"), ("卖场明细表", "A4", "total_row")]
    assert len(v.tables[0]) == 2 and not v.tables[0].bad_rows()


# --- what the cell shows ---------------------------------------------------------------------
@pytest.mark.parametrize("number_format, width, seen", [
    ("0", 24, "单元格按数字格式「0」显示为 110105194912310000，看上去位数齐全"),
    ("0", 10, "列宽不够，单元格显示为 #########，编辑栏里是 110105194912310000"),
    ("General", 24, "单元格显示为 1.10105E+17，编辑栏里是 110105194912310000"),
    ("@", 24, "单元格显示为 1.10105E+17，编辑栏里是 110105194912310000"),
])
def test_a_long_id_stored_as_a_number_is_described_as_shown(write, number_format, width, seen):
    import openpyxl
    p = write("hq", [_hq()])
    wb = openpyxl.load_workbook(p)
    ws = wb["总部档案"]
    ws["E2"].value, ws["E2"].number_format = 110105194912310021, number_format
    ws.column_dimensions["E"].width = width
    wb.save(p)
    report = validate([p]).report
    assert flat(report) == [("总部档案", "E2", "digits_lost")]
    assert report.problems[0].message == (f"「法人身份证号」存成了数字：{seen}。Excel 只保留 15 位有效数字，"
                                          "最后 3 位已经变成 0，原来的号码无法恢复。请先把这一列设为文本，"
                                          "再对照原件重新录入完整号码。")
