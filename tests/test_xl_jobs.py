"""The Excel buttons end to end on the demo department, through MemoryBook (the test
implementation of the Book protocol): each button does what its gcs command does, clears
only its own marks, asks before changing or sending, and ends in one or two lines."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gcs_excel.annotate import result_rows
from gcs_excel.buttons import load_buttons
from gcs_excel.fix import fix_file
from gcs_excel.planner import make_plan
from gcs_excel.quota_check import quotas
from gcs_excel.quota_workbook import write_quota_workbook
from gcs_excel.readers import read
from gcs_excel.reporting.run import monthly
from gcs_excel.sheetnames import CHANGES, LISTS, RESULTS
from gcs_excel.spec import load_specs
from gcs_excel.templates import write_workbook
from gcs_excel.validation import validate
from gcs_excel.xl import jobs
from gcs_excel.a1 import a1
from gcs_excel.xl.book import MARK_HEADERS, Look, clear_marks, digest, put_marks, read_marks
from gcs_excel.xl.jobs import run_job
from gcs_excel.xl.memory import MemoryBook

from .conftest import MONTH, MONTHLY_MONTH, TODAY
from .xlsx_compare import differences

OPS = load_buttons().operations
START = 11          # the mark record's first column in 校验结果 (after the 10 result columns and a gap)
USER_FILL, USER_NOTE = "#00B0F0", "我自己的备注"


def named(files, name: str) -> Path:
    return next(Path(f) for f in files if Path(f).name == name)


def with_operations(book: MemoryBook, month: str = "", person: str = "", customer: str = "") -> MemoryBook:
    """The 操作 sheet of an .xlsm: month C4, person C5, customer C6."""
    book.sheets = {OPS.sheet: [[], [], [], ["", "", month], ["", "", person], ["", "", customer]], **book.sheets}
    return book


def marks_of(book: MemoryBook) -> dict:
    return {k: v for k, v in book.looks.items() if k[0] != RESULTS}


def one_message(book: MemoryBook) -> list[str]:
    assert len(book.messages) == 1
    lines = book.messages[0].split("\n")
    assert 1 <= len(lines) <= 2 and "Traceback" not in book.messages[0]
    return lines


# --- 校验本表 -------------------------------------------------------------------------------------
def test_validate_marks_what_gcs_validate_finds_and_links_each_row(mistake_files):
    stores = named(mistake_files, "卖场明细表.xlsx")
    book = MemoryBook.from_file(stores)
    lines = run_job("validate", book, today=TODAY)
    siblings = [named(mistake_files, n) for n in ("人员名单.xlsx", "总部档案.xlsx")]
    expected = [p for p in validate([stores, *siblings], today=TODAY).report.problems if p.file == str(stores)]
    rows = book.read(RESULTS)
    assert [tuple(r[:10]) for r in rows[1:len(expected) + 1]] == result_rows(expected)
    assert book.sheet_names()[0] == RESULTS
    assert [(link.row, link.sheet, link.cell) for link in book.links[RESULTS]] == \
        [(n, p.sheet, p.cell) for n, p in enumerate(expected, start=1) if p.cell]
    errors = sum(p.severity == "error" for p in expected)
    assert lines[0].startswith(f"校验本表：发现 {errors} 个错误、{len(expected) - errors} 个警告")
    assert lines[1] == "同时读取了同一文件夹里的人员名单.xlsx、总部档案.xlsx。"
    marked = {(s, r, c) for s, r, c in marks_of(book)}
    assert {("卖场明细表", *_rc(p.cell)) for p in expected if p.cell} <= marked
    assert book.hidden_from[RESULTS] == START
    assert book.statuses[-1] is None            # the status bar is given back


def _rc(ref: str) -> tuple[int, int]:
    from gcs_excel.a1 import parse_a1

    col, row = parse_a1(ref)
    return row - 1, col


def test_validate_twice_gives_the_same_marks_and_keeps_the_users_own(mistake_files):
    book = MemoryBook.from_file(named(mistake_files, "卖场明细表.xlsx"))
    run_job("validate", MemoryBook.from_file(named(mistake_files, "卖场明细表.xlsx")), today=TODAY)
    probe = MemoryBook.from_file(named(mistake_files, "卖场明细表.xlsx"))
    run_job("validate", probe, today=TODAY)
    (sheet, r, c) = next(iter(marks_of(probe)))                  # a cell the check marks
    book.mark(sheet, r, c, Look(USER_FILL, USER_NOTE))            # ... that the user had coloured and noted
    book.mark(sheet, 0, 30, Look("#92D050", "表外的说明"))          # and a cell it never marks
    run_job("validate", book, today=TODAY)
    first, results = marks_of(book), book.read(RESULTS)
    run_job("validate", book, today=TODAY)
    assert marks_of(book) == first and book.read(RESULTS) == results
    assert book.look(sheet, 0, 30) == Look("#92D050", "表外的说明")
    assert book.look(sheet, r, c).note.startswith(USER_NOTE + "\n——\n【")
    # once the problems are gone, the user's own look comes back
    clear_marks(book, read_marks(book.read(RESULTS), START))
    assert book.look(sheet, r, c) == Look(USER_FILL, USER_NOTE)
    assert marks_of(book) == {(sheet, r, c): Look(USER_FILL, USER_NOTE), (sheet, 0, 30): Look("#92D050", "表外的说明")}


@pytest.mark.parametrize("changed, expected", [
    (Look("#92D050", None), Look("#92D050", None)),          # recoloured after our run: the user's colour stays
    (Look("#FF7C80", "他改写的批注"), Look(None, "他改写的批注")),  # our fill goes, the note the user rewrote stays
    (None, Look()),                                            # untouched: cleared
])
def test_clearing_puts_back_only_our_own_marks(mistake_files, changed, expected):
    book = MemoryBook.from_file(named(mistake_files, "卷烟规格.xlsx"))
    run_job("validate", book, today=TODAY)
    ((sheet, r, c), ours), = marks_of(book).items()
    if changed is not None:
        book.mark(sheet, r, c, changed)
    clear_marks(book, read_marks(book.read(RESULTS), START))
    assert book.look(sheet, r, c) == expected and ours.fill == "#FF7C80"


def test_a_clean_workbook_gets_an_empty_result_sheet(clean_files):
    book = MemoryBook.from_file(named(clean_files, "人员名单.xlsx"))
    assert run_job("validate", book, today=TODAY) == ["校验本表：没有发现问题。"]
    assert book.read(RESULTS)[1][8] == "没有发现问题。" and marks_of(book) == {}


def test_validate_without_the_siblings_says_what_was_not_checked(mistake_files, tmp_path):
    shutil.copy(named(mistake_files, "卖场明细表.xlsx"), tmp_path)
    book = MemoryBook.from_file(tmp_path / "卖场明细表.xlsx")
    lines = run_job("validate", book, today=TODAY)
    assert lines[1] == "同一文件夹里没有人员名单.xlsx、总部档案.xlsx，和它们之间的核对没有做。"


# --- 安全修正 -------------------------------------------------------------------------------------
def test_fix_changes_nothing_when_the_user_says_no(mistake_files):
    book = MemoryBook.from_file(named(mistake_files, "卖场明细表.xlsx"), answers=[False])
    before = {k: [r[:] for r in v] for k, v in book.sheets.items()}
    assert run_job("fix", book, today=TODAY) == ["安全修正：没有修改任何内容。"]
    assert book.sheets == before and CHANGES not in book.sheets
    assert book.questions[0].startswith("安全修正要改 ") and book.questions[0].endswith("要修改吗？")


def test_fix_makes_gcs_fixs_changes_and_lists_each(mistake_files, tmp_path):
    path = named(mistake_files, "卖场明细表.xlsx")
    book = MemoryBook.from_file(path, answers=[True])
    lines = run_job("fix", book, today=TODAY)
    expected = [ch for ch in fix_file(path, tmp_path / "out.xlsx", today=TODAY).changes
                if ch.reasons != ["数字格式显示的开头 0 保留为文本"]]      # needs the number format: gcs fix only
    log = book.read(CHANGES)
    assert log[0] == ["工作表", "单元格", "列", "原值", "新值", "原因"]
    assert [tuple(r) for r in log[1:]] == [ch.log_row() for ch in expected]
    for ch in expected:
        assert book.cell(ch.sheet, ch.cell) == ch.new
    assert lines[0] == f"安全修正：改了 {len(expected)} 处（" + lines[0].split("（", 1)[1]
    assert lines[0].endswith("每一处都列在“修改记录”表。")


def test_fix_with_nothing_to_fix(clean_files):
    book = MemoryBook.from_file(named(clean_files, "卖场明细表.xlsx"))
    assert run_job("fix", book, today=TODAY) == ["安全修正：没有可以安全修正的内容。"] and book.questions == []


# --- 校验拜访指标 ---------------------------------------------------------------------------------
def _values(rows) -> list[list]:
    """Rows compared as shown: empty cells dropped at the end, whole numbers as ints."""
    out = []
    for r in rows:
        r = [int(v) if isinstance(v, float) and v.is_integer() else ("" if v is None else v) for v in r]
        while r and r[-1] == "":
            r.pop()
        out.append(r)
    while out and not out[-1]:
        out.pop()
    return out


def test_quotas_writes_the_numbers_of_gcs_quotas(clean_files, tmp_path):
    log = named(clean_files, f"拜访记录_{MONTH}.xlsx")
    book = with_operations(MemoryBook.from_file(log), month=MONTH)
    lines = run_job("quotas", book, today=TODAY)
    inputs = [named(clean_files, n) for n in ("人员名单.xlsx", "总部档案.xlsx", "卖场明细表.xlsx", f"拜访计划_{MONTH}.xlsx")] + [log]
    report = quotas(inputs, MONTH, today=TODAY)
    out = write_quota_workbook(report, tmp_path / "指标.xlsx")
    sheets = {s.name: s for s in read(out).sheets}
    for name in jobs.QUOTA_SHEETS:
        ours = _values(book.read(name))
        theirs = _values([values for _, values in sheets[name].rows])
        assert ours == theirs[:len(ours)] and len(ours) > 1, name
        assert all(len(r) <= 1 for r in theirs[len(ours):]), name          # only the note under the table
    people = {r.person for r in report.results}
    short = {r.person for r in report.results if not r.ok}
    assert lines[0].startswith(f"{MONTH} 拜访指标：{len(people)} 人中 {len(people) - len(short)} 人全部达标")
    green = [k for k, v in book.looks.items() if k[0] == "指标汇总" and v.fill == "#C6EFCE"]
    assert green                                            # 达标 cells are green as in the workbook


def test_quotas_takes_last_month_when_no_month_is_chosen(clean_files):
    book = with_operations(MemoryBook.from_file(named(clean_files, f"拜访记录_{MONTH}.xlsx")))
    lines = run_job("quotas", book, today=TODAY + dt.timedelta(days=10))       # 2026-12-07: last month is 11
    assert lines[0].startswith("2026-11 拜访指标")


# --- 生成拜访计划 ---------------------------------------------------------------------------------
def test_plan_keeps_typed_rows_as_gcs_plan_into_does(clean_files, tmp_path, department):
    plan_file = named(clean_files, f"拜访计划_{MONTH}.xlsx")
    person = next(r["name"] for r in department.tables["staff"] if r["role"] == "客户经理")
    book = with_operations(MemoryBook.from_file(plan_file), month="2026-11", person=person)
    typed = [r[:] for r in book.sheets["拜访计划"]]
    lines = run_job("plan", book, today=TODAY)
    others = [named(clean_files, n) for n in ("人员名单.xlsx", "总部档案.xlsx", "卖场明细表.xlsx", "卷烟规格.xlsx")]
    cli = make_plan(others, "2026-11", person=person, into=plan_file, out=tmp_path / "计划.xlsx", today=TODAY)
    ours = _values(book.read("拜访计划"))
    assert ours[:len(_values(typed))] == _values(typed)                # typed rows kept exactly
    theirs = _values([v for _, v in next(s for s in read(cli.output).sheets if s.name == "拜访计划").rows])
    assert [[_day(v) for v in r] for r in ours] == [[_day(v) for v in r] for r in theirs]
    assert lines[0] == f"已给{person}排出 2026-11 的拜访计划：新增 {len(cli.rows)} 行，原有 {cli.kept} 行保留。"
    assert len(cli.rows) > 0


def _day(v):
    return v.date() if isinstance(v, dt.datetime) else v


# --- 生成月度分析 ---------------------------------------------------------------------------------
@pytest.fixture
def sales_folder(clean_files, department, tmp_path):
    """The demo department with its sales as a workbook (销售数据.xlsx) instead of the CSV."""
    for f in clean_files:
        if Path(f).suffix == ".xlsx":
            shutil.copy(f, tmp_path)
    write_workbook(load_specs().template("sales"), tmp_path / "销售数据.xlsx", data={"sales": department.tables["sales"]})
    return tmp_path


def test_monthly_writes_the_workbooks_of_gcs_monthly(sales_folder, tmp_path_factory):
    book = with_operations(MemoryBook.from_file(sales_folder / "销售数据.xlsx"), month=MONTH, customer="全部")
    lines = run_job("monthly", book, today=TODAY)
    ours = sales_folder / f"销售回顾_{MONTH}"
    names = ("销售数据.xlsx", "卷烟规格.xlsx", "总部档案.xlsx", "卖场明细表.xlsx", "销售目标.xlsx", f"拜访记录_{MONTH}.xlsx")
    cli = monthly([sales_folder / n for n in names], MONTH, tmp_path_factory.mktemp("cli"), today=TODAY)
    written = sorted(p.name for p in ours.glob("*.xlsx"))
    assert written == sorted(p.name for p in cli.folder.glob("*.xlsx")) and len(written) == len(cli.reviews) + 1
    for name in written:
        assert differences(ours / name, cli.folder / name) == [], name
    assert book.opened == [ours / cli.report.name]
    assert lines[0] == f"已写出 {len(cli.reviews)} 本销售回顾和部门销售报表，在「销售回顾_{MONTH}」文件夹；已打开 {cli.report.name}。"
    assert any(s and s.startswith("生成月度分析：") for s in book.statuses)


def test_monthly_for_one_customer_opens_its_review(sales_folder, department):
    code = next(r["code"] for r in department.tables["hq"] if r["status"] == "正常")
    book = with_operations(MemoryBook.from_file(sales_folder / "销售数据.xlsx"), month=MONTH, customer=code)
    run_job("monthly", book, today=TODAY)
    (opened,) = book.opened
    assert opened.parent.name == f"销售回顾_{MONTH}" and opened.name.startswith("销售回顾_") and code not in opened.name


# --- the 操作 sheet's dropdowns -------------------------------------------------------------------
def test_every_run_refreshes_the_operations_lists(clean_files, department):
    book = MemoryBook.from_file(named(clean_files, "卷烟规格.xlsx"))
    book.sheets[LISTS] = [["卷烟规格", "操作-人员", "操作-客户"], ["x", "旧名字", "旧编码"]]
    run_job("validate", book, today=TODAY)
    rows = book.read(LISTS)
    assert len(rows) == 1001 and rows[1][0] == "x"
    people = [r[1] for r in rows[1:] if r[1]]
    assert sorted(people) == sorted(r["name"] for r in department.tables["staff"])
    assert [r[2] for r in rows[1:] if r[2]] == ["全部", *sorted(r["code"] for r in department.tables["hq"])]


def test_lists_are_left_alone_without_the_staff_list(clean_files, tmp_path):
    shutil.copy(named(clean_files, "卷烟规格.xlsx"), tmp_path)
    book = MemoryBook.from_file(tmp_path / "卷烟规格.xlsx")
    book.sheets[LISTS] = [["操作-人员", "操作-客户"], ["旧名字", "旧编码"]]
    run_job("validate", book, today=TODAY)
    assert book.read(LISTS) == [["操作-人员", "操作-客户"], ["旧名字", "旧编码"]]


# --- every failure is one Chinese line ------------------------------------------------------------
@pytest.mark.parametrize("job, month, person, expected", [
    ("plan", MONTH, "", "没有完成：请先在操作表 C5 选一个人员，再点“生成拜访计划”"),
    ("plan", MONTH, "不存在的人", "没有完成：人员名单里没有「不存在的人」"),
    ("quotas", "2026/10", "", "没有完成：操作表 C4 的月份「2026/10」请写成 YYYY-MM，如 2026-10（不填就是上个月）"),
    ("mail", MONTH, "", "没有完成：同一文件夹里没有「销售回顾_2026-10」：请先点“生成月度分析”"),
    ("nosuch", MONTH, "", "没有完成：没有叫 nosuch 的按钮功能：请用 gcs build-workbooks 重新生成工作簿"),
])
def test_a_failure_is_one_line(clean_files, job, month, person, expected):
    book = with_operations(MemoryBook.from_file(named(clean_files, f"拜访计划_{MONTH}.xlsx")), month=month, person=person)
    assert run_job(job, book, today=TODAY) == [expected]
    assert one_message(book) == [expected] and book.statuses[-1] is None


def test_a_missing_file_is_named(clean_files, tmp_path):
    shutil.copy(named(clean_files, f"拜访记录_{MONTH}.xlsx"), tmp_path)
    book = with_operations(MemoryBook.from_file(tmp_path / f"拜访记录_{MONTH}.xlsx"), month=MONTH)
    lines = run_job("quotas", book, today=TODAY)
    assert lines[0].startswith("没有完成：") and "人员名单" in lines[0]
    assert lines[1] == f"同一文件夹里没有找到人员名单.xlsx、总部档案.xlsx、卖场明细表.xlsx、拜访计划_{MONTH}.xlsx（按标准文件名找）。"


def test_an_unsaved_workbook_is_asked_to_be_saved(clean_files):
    book = MemoryBook.from_file(named(clean_files, f"拜访记录_{MONTH}.xlsx"))
    book.path = None
    assert run_job("quotas", book, today=TODAY) == ["没有完成：请先保存工作簿：同一文件夹里的人员名单、总部档案等文件要从它旁边找"]


def test_a_bug_is_one_line_and_a_log_file(clean_files, tmp_path, monkeypatch):
    monkeypatch.setattr(jobs, "LOG_DIR", tmp_path / "logs")
    monkeypatch.setitem(jobs.JOBS, "validate", lambda ctx: 1 / 0)
    book = MemoryBook.from_file(named(clean_files, "人员名单.xlsx"))
    lines = run_job("validate", book, today=TODAY)
    log = tmp_path / "logs" / jobs.LOG_FILE
    assert lines == ["出了意外的错误，没有完成。", f"详细情况已写入 {log}，请把它发给维护者。"]
    assert one_message(book) == lines
    assert "ZeroDivisionError" in log.read_text("utf-8") and "Traceback" in log.read_text("utf-8")


def test_a_bug_with_no_place_for_the_log_still_ends_in_a_line(clean_files, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setattr(jobs, "LOG_DIR", blocker / "logs")         # cannot be made
    monkeypatch.setitem(jobs.JOBS, "validate", lambda ctx: 1 / 0)
    book = MemoryBook.from_file(named(clean_files, "人员名单.xlsx"))
    assert run_job("validate", book, today=TODAY) == ["出了意外的错误，没有完成。", "请把操作步骤告诉维护者。"]


def test_every_button_has_a_job():
    assert [j.id for j in load_buttons().jobs] == list(jobs.JOBS)


# --- 发送报表 -------------------------------------------------------------------------------------
@pytest.fixture
def mail_folder(monthly_files, monthly_result, tmp_path):
    for f in monthly_files:
        shutil.copy(f, tmp_path)
    shutil.copytree(monthly_result.folder, tmp_path / f"销售回顾_{MONTHLY_MONTH}")
    return tmp_path


def test_mail_asks_first_and_sends_once_per_recipient(mail_folder, server_port):
    port, inbox = server_port
    (mail_folder / jobs.MAIL_CONFIG).write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nfrom = "jtkh@cs-tobacco.cn"\n', "utf-8")

    def book(answer: bool) -> MemoryBook:
        b = MemoryBook.from_file(mail_folder / "总部档案.xlsx", answers=[answer])
        return with_operations(b, month=MONTHLY_MONTH)

    no = book(False)
    assert run_job("mail", no, today=TODAY) == ["发送报表：没有发送任何邮件。"] and inbox.messages == []
    question = no.questions[0]
    assert question.startswith(f"将把 {MONTHLY_MONTH} 的销售回顾发给 3 个客户：\n甲连锁有限公司 → buyer1@example.cn")
    assert question.endswith(f"发件人 jtkh@cs-tobacco.cn，服务器 127.0.0.1:{port}。现在发送吗？")
    yes = book(True)
    lines = run_job("mail", yes, today=TODAY)
    assert lines == [f"发送报表：已发送 3 封，发送记录在「销售回顾_{MONTHLY_MONTH}」文件夹的 发送记录_{MONTHLY_MONTH}.jsonl。"]
    assert sorted(r for _, rcpts, _ in inbox.messages for r in rcpts) == \
        ["buyer1@example.cn", "buyer2@example.cn", "buyer3@example.cn"]
    again = book(True)
    assert run_job("mail", again, today=TODAY) == [f"发送报表：{MONTHLY_MONTH} 没有要发送的邮件，都已经发过了。"]
    assert len(inbox.messages) == 3 and again.questions == []


def test_mail_password_from_the_credential_store(monkeypatch):
    import sys
    import types

    from gcs_excel.mail import PASSWORD_ENV, load_settings

    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    store = types.SimpleNamespace(get_password=lambda service, user: f"{service}:{user}:secret")
    monkeypatch.setitem(sys.modules, "keyring", store)
    assert load_settings(user="jtkh").password == "gcs_excel:jtkh:secret"
    monkeypatch.setenv(PASSWORD_ENV, "from-env")
    assert load_settings(user="jtkh").password == "from-env"         # the environment first
    monkeypatch.delenv(PASSWORD_ENV)
    monkeypatch.setitem(sys.modules, "keyring", None)                 # not installed
    assert load_settings(user="jtkh").password == ""


@pytest.fixture
def server_port():
    from aiosmtpd.controller import Controller

    from .test_mail import Inbox, free_port

    inbox, port = Inbox(), free_port()
    c = Controller(inbox, hostname="127.0.0.1", port=port)
    c.start()
    yield port, inbox
    c.stop()


def test_marks_are_bounded_and_the_rest_only_listed(mistake_files, monkeypatch):
    """Each mark is a call to Excel: beyond MARKS_MOST cells the problems are only listed."""
    monkeypatch.setattr(jobs, "MARKS_MOST", 3)
    book = MemoryBook.from_file(named(mistake_files, "卖场明细表.xlsx"))
    lines = run_job("validate", book, today=TODAY)
    problems = len(book.read(RESULTS)) - 1
    assert len(marks_of(book)) == 3 and len(book.links[RESULTS]) == 3 and problems > 3
    assert "，3 个单元格已标色加批注（单元格太多，另有 " in lines[0]
    assert any(s and s.startswith("校验本表：标记单元格 0/3") for s in book.statuses)


def test_monthly_into_a_read_only_folder_is_one_line(sales_folder):
    from .faults import read_only

    book = with_operations(MemoryBook.from_file(sales_folder / "销售数据.xlsx"), month=MONTH)
    with read_only(sales_folder):
        lines = run_job("monthly", book, today=TODAY)
    assert len(lines) == 1 and lines[0].startswith("没有完成：") and "销售回顾" in lines[0]
    assert one_message(book) == lines and book.opened == []


# --- the mark record, as a property -----------------------------------------------------------------
CELLS = st.tuples(st.integers(0, 4), st.integers(0, 4))
LOOKS = st.builds(Look, st.sampled_from([None, "#FF7C80", "#FFC000", "#00B0F0"]), st.none() | st.text(min_size=1, max_size=8))


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(CELLS, LOOKS), st.sets(CELLS, min_size=1), st.dictionaries(CELLS, LOOKS, max_size=3))
def test_marking_then_clearing_gives_back_the_users_looks(user, problem_cells, later):
    """Whatever the user had, marking then clearing (through the record the sheet keeps)
    gives it back; whatever the user changes after marking stays."""
    book = MemoryBook("a.xlsx", {"S": [[""] * 5 for _ in range(5)]})
    for (r, c), look in user.items():
        book.mark("S", r, c, look)
    before = dict(book.looks)
    notes = {("S", a1(c, r + 1)): ("error", f"问题{r}{c}") for r, c in problem_cells}
    marks = put_marks(book, notes, {"error": "#FF7C80"})
    assert all(book.look("S", r, c).fill == "#FF7C80" for r, c in problem_cells)
    for (r, c), look in later.items():            # the user's own changes after the run
        book.mark("S", r, c, look)
    record = [list(MARK_HEADERS), *(m.row() for m in marks)]
    assert read_marks([[""] * START + row for row in record], START) == marks
    ours = {(m.sheet, m.cell): m for m in marks}
    clear_marks(book, marks)
    for r in range(5):
        for c in range(5):
            had = before.get(("S", r, c), Look())
            if (r, c) not in later:
                assert book.look("S", r, c) == had, (r, c)
                continue
            now, mark = later[(r, c)], ours.get(("S", a1(c, r + 1)))
            # a fill or note the user gave that is the very one we set cannot be told from ours
            fill = had.fill if mark and now.fill == mark.fill else now.fill
            note = had.note if mark and now.note and digest(now.note) == mark.note_digest else now.note
            assert book.look("S", r, c) == Look(fill, note), (r, c)


# --- 合并副本 -------------------------------------------------------------------------------------
def test_merge_button_gives_the_master_of_gcs_merge(clean_files, department, tmp_path):
    """合并副本 on the store list: the copies in 客户经理副本 beside it merged against the
    workbook as saved, the master written beside it and opened, the conservation check in
    the message; the same master as `gcs merge --base`."""
    from gcs_excel.demo.copies import write_copies
    from gcs_excel.merging import merge

    for f in clean_files:
        if Path(f).suffix == ".xlsx":
            shutil.copy(f, tmp_path)
    copies = write_copies(department.tables, tmp_path / jobs.COPIES, MONTH)
    book = MemoryBook.from_file(tmp_path / "卖场明细表.xlsx")
    lines = run_job("merge", book, today=TODAY)
    master = tmp_path / jobs.MASTER.format(day=TODAY.isoformat())
    assert book.opened == [master] and master.is_file()
    assert lines[0].startswith(f"已把 {len(copies)} 个副本合并成 {master.name}") and "✓" in lines[0] and "✗" not in lines[0]
    cli = merge(sorted(copies), tmp_path / "cli.xlsx", base=tmp_path / "卖场明细表.xlsx", today=TODAY)
    assert all(f"{t.sheet} 读入 {t.rows_in} = 进入总表 {t.rows_out}" in lines[0] for t in cli.templates)
    assert not differences(master, cli.output)


def test_merge_button_without_copies_says_where_to_put_them(clean_files, tmp_path):
    for f in clean_files:
        if Path(f).suffix == ".xlsx":
            shutil.copy(f, tmp_path)
    book = MemoryBook.from_file(tmp_path / "卖场明细表.xlsx")
    (line,) = run_job("merge", book, today=TODAY)
    assert "客户经理副本" in line and line.startswith("没有完成") and not book.opened
