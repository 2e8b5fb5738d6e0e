"""LibreOffice headless is our real spreadsheet client. Every kind of output we write prints
on A4 readably: each sheet's pages, orientation and the scale LibreOffice really prints at
are measured (printcheck.py) and asserted. Our workbooks also recalculate to gcs's own
numbers and keep their data and charts when LibreOffice saves them again."""

from __future__ import annotations

import re
import shutil
import zipfile
from html import unescape
from pathlib import Path

import pytest

from gcs_excel.validation import validate
from gcs_excel.xlsx_style import MIN_SCALE

from .conftest import MONTH, TODAY, flat
from .printcheck import LibreOffice, SheetPrint, column_texts, predicted_scale, print_sheets

pytestmark = pytest.mark.libreoffice

SAVE_AS_XLSX = "xlsx:Calc MS Excel 2007 XML"


@pytest.fixture(scope="session")
def office(soffice, tmp_path_factory):
    """LibreOffice with a profile of this test session's own (see printcheck.LibreOffice)."""
    return LibreOffice(soffice, tmp_path_factory.mktemp("lo-profile"))


# --- every output on paper --------------------------------------------------------------------
@pytest.fixture(scope="session")
def printed(office, tmp_path_factory, clean_files, mistake_files, annotated_mistakes, demo_reviews) \
        -> dict[tuple[str, str], SheetPrint]:
    """Every kind of output of the demo department, printed by LibreOffice in one run:
    (book, sheet) -> what came out. The books are named <kind>-<file>; the PDFs stay in
    the session's temporary folder <...>/printed/, to be looked at."""
    from gcs_excel.fix import fix_file
    from gcs_excel.planner import make_plan
    from gcs_excel.quota_workbook import write_quota_workbook
    from gcs_excel.quota_check import quotas
    from gcs_excel.templates import build_templates

    work = tmp_path_factory.mktemp("printed")
    made = work / "made"
    books: dict[str, Path] = {}

    def add(kind: str, path: Path) -> Path:
        books[f"{kind}-{path.name}"] = Path(path)
        return path

    for t in build_templates(made / "templates"):
        add("模板", t)
    for a in annotated_mistakes.annotated:
        if Path(a.file).name in ("卖场明细表.xlsx", "总部档案.xlsx", "销售数据.csv"):
            add("标注", a.output)
    stores = next(p for p in mistake_files if p.name == "卖场明细表.xlsx")
    add("修正", fix_file(stores, made / "卖场明细表_已修正.xlsx", today=TODAY).output)
    xlsx = [p for p in clean_files if p.suffix == ".xlsx"]
    report = quotas(xlsx, MONTH, today=TODAY)
    add("指标", write_quota_workbook(report, made / "拜访指标.xlsx"))
    base = [p for p in clean_files if p.name.startswith(("人员名单", "总部档案", "卖场明细表", "拜访记录", "卷烟规格"))]
    add("计划", make_plan(base, "2026-11", everyone=True, out=made / "拜访计划.xlsx").output)
    log = add("记录", next(p for p in clean_files if p.name.startswith("拜访记录")))
    biggest = max(demo_reviews.reviews, key=lambda r: r.summary["volume"])
    add("回顾", biggest.path)
    add("报表", demo_reviews.report)
    copies = {name: shutil.copy(path, work / name) for name, path in books.items()}
    csv_data = next(n for n in copies if n.startswith("标注-销售数据"))
    only = {Path(copies["记录-" + log.name]): {"指标"},            # the visit log's data sheets are the templates'
            Path(copies[csv_data]): {"校验结果"}}                   # 13,000 sales rows: their width is tested in code
    prints = print_sheets(office, [Path(p) for p in copies.values()], work, only)
    return {(p.book, p.sheet): p for p in prints}


# (book, sheet, pages, orientation): the demo department's outputs as LibreOffice prints them.
# "横" landscape, "竖" portrait; "横×2" a sheet too wide for one page at MIN_SCALE, on landscape
# pages side by side (its key and name columns on each).
OUTPUTS = [
    ("模板-人员名单.xlsx", "人员名单", 1, "竖"),
    ("模板-人员名单.xlsx", "填表说明", 1, "横"),
    ("模板-总部档案.xlsx", "总部档案", 2, "横×2"),
    ("模板-总部档案.xlsx", "填表说明", 2, "横"),
    ("模板-卖场明细表.xlsx", "卖场明细表", 1, "横"),
    ("模板-卖场明细表.xlsx", "填表说明", 1, "横"),
    ("模板-卷烟规格.xlsx", "卷烟规格", 1, "竖"),
    ("模板-卷烟规格.xlsx", "填表说明", 1, "横"),
    ("模板-销售目标.xlsx", "销售目标", 1, "竖"),
    ("模板-销售目标.xlsx", "填表说明", 1, "横"),
    ("模板-拜访计划.xlsx", "拜访计划", 1, "横"),
    ("模板-拜访计划.xlsx", "填表说明", 1, "横"),
    ("模板-拜访记录.xlsx", "拜访记录", 1, "横"),
    ("模板-拜访记录.xlsx", "品牌采集", 1, "竖"),
    ("模板-拜访记录.xlsx", "指标", 1, "横"),
    ("模板-拜访记录.xlsx", "参照-人员名单", 1, "竖"),
    ("模板-拜访记录.xlsx", "参照-总部档案", 2, "横×2"),
    ("模板-拜访记录.xlsx", "参照-卖场明细表", 1, "横"),
    ("模板-拜访记录.xlsx", "参照-拜访计划", 1, "横"),
    ("模板-拜访记录.xlsx", "填表说明", 1, "横"),
    ("模板-销售数据.xlsx", "销售数据", 1, "竖"),
    ("模板-销售数据.xlsx", "填表说明", 1, "横"),
    ("模板-会议记录.xlsx", "会议记录", 1, "横"),
    ("模板-会议记录.xlsx", "会议事项", 1, "横"),
    ("模板-会议记录.xlsx", "填表说明", 1, "横"),
    ("标注-卖场明细表.xlsx", "校验结果", 1, "横"),
    ("标注-卖场明细表.xlsx", "卖场明细表", 4, "横"),
    ("标注-卖场明细表.xlsx", "填表说明", 1, "横"),
    ("标注-总部档案.xlsx", "校验结果", 1, "横"),
    ("标注-总部档案.xlsx", "总部档案", 3, "横×3"),
    ("标注-总部档案.xlsx", "填表说明", 2, "横"),
    ("标注-销售数据.xlsx", "校验结果", 1, "横"),
    ("修正-卖场明细表_已修正.xlsx", "卖场明细表", 4, "横"),
    ("修正-卖场明细表_已修正.xlsx", "填表说明", 1, "横"),
    ("修正-卖场明细表_已修正.xlsx", "修改记录", 1, "横"),
    ("指标-拜访指标.xlsx", "指标汇总", 1, "横"),
    ("指标-拜访指标.xlsx", "明细", 1, "横"),
    ("指标-拜访指标.xlsx", "计划执行", 1, "横"),
    ("指标-拜访指标.xlsx", "拜访提醒", 1, "横"),
    ("指标-拜访指标.xlsx", "会议检查", 1, "竖"),       # no register given: says so
    ("计划-拜访计划.xlsx", "拜访计划", 14, "横"),
    ("计划-拜访计划.xlsx", "填表说明", 1, "横"),
    (f"记录-拜访记录_{MONTH}.xlsx", "指标", 1, "横"),
]


def _across(book: Path, sheet: str) -> int:
    """Pages side by side the sheet asks for: its manual column breaks, plus one."""
    import openpyxl
    ws = openpyxl.load_workbook(book)[sheet]
    return len(ws.col_breaks.brk) + 1


@pytest.mark.parametrize("book, sheet, pages, orientation", OUTPUTS)
def test_every_sheet_prints_readable_on_a4(printed, book, sheet, pages, orientation):
    p = printed[(book, sheet)]
    landscape, _, across = orientation.partition("×")
    assert p.scale is not None and p.scale >= MIN_SCALE, str(p)
    assert (p.pages, "横" if p.landscape else "竖") == (pages, landscape), str(p)
    if across:      # pages side by side: fixed scale, manual column breaks, key columns repeated
        assert not p.one_page_wide and _across(Path(p.path), sheet) == int(across), str(p)
    else:
        assert p.one_page_wide, str(p)


def test_the_layout_arithmetic_predicts_the_printed_scale(printed):
    """xlsx_style.layout (column widths in 等线 digits, A4, margins) says within 5% what
    scale LibreOffice prints a sheet at: the writers can trust it to keep MIN_SCALE. (The
    stand-in font's digit is 8.16 pixels where 等线's is 8: LibreOffice prints up to 2%
    smaller than Excel would; the word widths measured carry a point of noise.)"""
    fitted = [printed[(book, sheet)] for book, sheet, _, orientation in OUTPUTS if "×" not in orientation]
    off = [(str(p), predicted_scale(Path(p.path), p.sheet)) for p in fitted
           if abs(p.scale / predicted_scale(Path(p.path), p.sheet) - 1) > 0.05]
    assert off == []


def test_every_printed_sheet_of_ours_is_in_the_table(printed):
    """A new sheet in an output cannot slip by unprinted (the monthly outputs are tested apart)."""
    ours = {key for key in printed if not key[0].startswith(("回顾-", "报表-"))}
    assert ours == {(book, sheet) for book, sheet, _, _ in OUTPUTS}


def _readable(printed, kind: str) -> list[str]:
    """The sheets of one kind of output that print below MIN_SCALE or wider than a page."""
    sheets = [p for (book, _), p in printed.items() if book.startswith(kind)]
    assert sheets
    return [str(p) for p in sheets if p.scale is None or p.scale < MIN_SCALE or not p.one_page_wide]


def test_monthly_review_prints_readable_on_a4(printed):
    assert _readable(printed, "回顾-") == []


def test_department_report_prints_readable_on_a4(printed):
    assert _readable(printed, "报表-") == []


def test_monthly_sheets_take_the_pages_their_layout_computed(printed, demo_reviews):
    """The client adds no page break of its own to a review or the report: each sheet
    prints on the pages monthly's layout worked out (a heading kept with its table)."""
    books = {p.name: p for p in (demo_reviews.report, *(r.path for r in demo_reviews.reviews))}
    seen = [p for (book, _), p in printed.items() if book.startswith(("回顾-", "报表-"))]
    assert seen
    for p in seen:
        computed = demo_reviews.layout[books[p.book.split("-", 1)[1]].name][p.sheet][1]
        assert p.pages == computed, str(p)


def test_names_are_whole_on_paper(printed, department, demo_reviews):
    """Every store of the review's ranking and every customer of the report is printed
    whole (maybe wrapped, never cut at a column's edge)."""
    def text(prefix: str) -> str:
        return "|".join(t for (book, _), p in printed.items() if book.startswith(prefix) for t in column_texts(p.pdf))
    review = max(demo_reviews.reviews, key=lambda r: r.summary["volume"])
    names = {s["licence"]: s["name"] for s in department["stores"]}
    printed_review = text("回顾-")
    for s in review.summary["data"]["stores"]:
        assert names[s["licence"]] in printed_review, names[s["licence"]]
    printed_report = text("报表-")
    for c in demo_reviews.customers:
        assert c["name"] in printed_report, c["name"]


# --- LibreOffice recalculates and saves what we write -------------------------------------------
def test_data_survives_a_save_in_libreoffice(office, clean_files, clean_validation, tmp_path):
    """Open our filled workbooks, save them as .xlsx again: still valid, nothing changed."""
    books = [p for p in clean_files if p.suffix == ".xlsx"]
    saved = office.convert(books, tmp_path / "saved", SAVE_AS_XLSX)
    others = [p for p in clean_files if p.suffix != ".xlsx"]
    copies = [shutil.copy(p, tmp_path / "saved" / p.name) for p in others]
    report = validate([*saved, *map(Path, copies)], today=TODAY).report
    assert flat(report) == []
    assert sum(s.rows for f in report.files for s in f.sheets) == \
        sum(s.rows for f in clean_validation.report.files for s in f.sheets)


def test_live_quota_sheet_equals_gcs_quotas(office, clean_files, tmp_path):
    """The visit log's 指标 sheet, recalculated by LibreOffice, gives exactly the numbers of
    gcs quotas for the same month and files."""
    import python_calamine as pc

    from gcs_excel.a1 import col_index
    from gcs_excel.livesheet import FIRST_PERSON_ROW, ok_column, rule_columns
    from gcs_excel.quota_check import quotas

    log = next(p for p in clean_files if p.name.startswith("拜访记录"))
    (saved,) = office.convert([log], tmp_path / "calc", SAVE_AS_XLSX)
    sheet = pc.CalamineWorkbook.from_path(str(saved)).get_sheet_by_name("指标").to_python(skip_empty_area=False)
    report = quotas(clean_files, MONTH, today=TODAY)
    assert not report.all_ok          # the demo month has shortfalls: the comparison means something
    cols = rule_columns()
    rows = {r[0]: r for r in sheet[FIRST_PERSON_ROW - 1:] if r[0]}
    assert set(rows) == {p.name for p in report.people}
    for r in report.results:
        actual, required = (rows[r.person][col_index(c) - 1] for c in cols[r.rule])
        assert (actual, required) == (r.actual, r.required), (r.person, r.rule)
    for p in report.people:
        ok = all(r.ok for r in report.of(p.name))
        assert rows[p.name][col_index(ok_column()) - 1] == ("达标" if ok else "未达标")


def _charts(path: Path) -> int:
    with zipfile.ZipFile(path) as z:
        return sum(1 for n in z.namelist() if n.startswith("xl/charts/chart") and n.endswith(".xml"))


def test_reviews_keep_their_charts_in_libreoffice(office, demo_reviews, tmp_path):
    """LibreOffice reads every chart of every review: it keeps them all when it saves the
    workbook again."""
    reviews = [r.path for r in demo_reviews.reviews]
    saved = office.convert(reviews, tmp_path / "saved", SAVE_AS_XLSX)
    for original, again in zip(reviews, saved):
        assert _charts(original) >= 6
        assert _charts(again) == _charts(original), original.name


# --- gcs notices: the PDF as the store receives it; the visit log counting notice numbers -------------
def test_notices_print_one_a4_portrait_page_each_after_the_register(soffice, tmp_path):
    """The PDF gcs notices writes: the register's pages (as its column breaks say), then
    one A4 portrait page per notice, whole down to its last line, at full size."""
    import subprocess

    import openpyxl

    from gcs_excel.notice_issue import issue_notices
    from gcs_excel.office_pdf import to_pdf

    from .allocations import write_allocation

    a = write_allocation(tmp_path / "a.xlsx")
    b = write_allocation(tmp_path / "b.xlsx", "黄鹤楼(软蓝)", [(30, 5), (20, 3), (0, 0), (10, 2)])
    m = issue_notices([a, b], tmp_path / "out", pdf=False).months[0]
    pdf = to_pdf(m.workbook, soffice=soffice)
    across = len(openpyxl.load_workbook(m.workbook)["告知登记"].col_breaks.brk) + 1
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S)
    assert across == 2 and len(pages) == across + len(m.notices) == 6
    for n, (width, height, body) in zip(m.notices, pages[across:]):
        assert (round(float(width)), round(float(height))) == (595, 842)          # A4 portrait
        words = {unescape(t): float(y1) - float(y0) for y0, y1, t in
                 re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>', body)}
        text = "".join(words)
        for expected in (n.number, n.licence, n.name, "规则版本", "12313", "签收日期", "递交日期", "各执一份"):
            assert expected in text, (n.number, expected)
        assert words["本告知书一式两份，卖场和客户经理各执一份。"] >= 12        # 10-point text, printed at 100%


def test_live_quota_sheet_counts_notice_numbers_as_gcs_quotas_does(office, department, tmp_path):
    """With notice numbers typed into 紧俏货源告知 instead of 是, the 指标 sheet recalculated
    by LibreOffice still gives gcs quotas' numbers."""
    import python_calamine as pc

    from gcs_excel.a1 import col_index
    from gcs_excel.demo import write_department
    from gcs_excel.livesheet import FIRST_PERSON_ROW, rule_columns
    from gcs_excel.quota_check import quotas

    tables = dict(department.tables)
    yes = [k for k, r in enumerate(tables["visits"]) if r.get("scarce_notice") == "是"]
    visits = list(tables["visits"])
    for n, k in enumerate(yes[::2], start=1):            # every other 是 becomes a notice number
        visits[k] = dict(visits[k], scarce_notice=f"GX{MONTH.replace('-', '')}-{n:04d}")
    tables["visits"] = visits
    files = write_department(tables, tmp_path / "dept", MONTH)
    log = next(p for p in files if p.name.startswith("拜访记录"))
    (saved,) = office.convert([log], tmp_path / "calc", SAVE_AS_XLSX)
    sheet = pc.CalamineWorkbook.from_path(str(saved)).get_sheet_by_name("指标").to_python(skip_empty_area=False)
    report = quotas(files, MONTH, today=TODAY)
    assert sum(1 for r in visits if str(r.get("scarce_notice")).startswith("GX")) > 10
    rows = {r[0]: r for r in sheet[FIRST_PERSON_ROW - 1:] if r[0]}
    actual, required = rule_columns()["cm_scarce_notice"]
    for r in report.results:
        if r.rule == "cm_scarce_notice":
            assert (rows[r.person][col_index(actual) - 1], rows[r.person][col_index(required) - 1]) == \
                (r.actual, r.required), r.person
    assert any(r.rule == "cm_scarce_notice" and r.actual for r in report.results)
