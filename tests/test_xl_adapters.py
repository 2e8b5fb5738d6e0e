"""The xlwings side of the buttons without Excel: XlwingsBook and LiteBook over a small fake
of the xlwings objects they use, the RunPython entry point, the Lite main.py (its @script
decorators pass through on Linux). What gcs_excel.xl may import: tests/test_layers.py."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest

from gcs_excel.a1 import parse_a1
from gcs_excel.sheetnames import CHANGES, RESULTS
from gcs_excel.xl import jobs
from gcs_excel.xl.book import Link, Look
from gcs_excel.xl.memory import MemoryBook
from gcs_excel.xl.xlwings_book import LiteBook, XlwingsBook

from .conftest import ROOT, TODAY

LITE_MAIN = ROOT / "gcs_excel" / "xl" / "lite" / "main.py"


# --- a fake of the few xlwings objects the adapters touch ------------------------------------
class FakeNote:
    def __init__(self, cells, key):
        self.cells, self.key = cells, key

    @property
    def text(self):
        return self.cells.notes[self.key]

    def delete(self):
        del self.cells.notes[self.key]


class FakeFont:
    bold = False


class FakeRange:
    def __init__(self, sheet, r1, c1, r2=None, c2=None):
        self.sheet, self.r1, self.c1 = sheet, r1, c1
        self.r2, self.c2 = r2 or r1, c2 or c1
        self.font = FakeFont()

    # where
    row = property(lambda self: self.r1)
    column = property(lambda self: self.c1)
    last_cell = property(lambda self: FakeRange(self.sheet, self.r2, self.c2))

    def _merges(self):
        return [m for m in self.sheet.merged if m[0] <= self.r2 and self.r1 <= m[2] and m[1] <= self.c2 and self.c1 <= m[3]]

    @property
    def merge_cells(self):
        return bool(self._merges())

    @property
    def merge_area(self):
        (r1, c1, r2, c2), = self._merges()
        return FakeRange(self.sheet, r1, c1, r2, c2)

    def options(self, **kw):
        return self

    def resize(self, rows, cols):
        return FakeRange(self.sheet, self.r1, self.c1, self.r1 + rows - 1, self.c1 + cols - 1)

    def __getitem__(self, rc):
        return FakeRange(self.sheet, self.r1 + rc[0], self.c1 + rc[1])

    # content
    @property
    def value(self):
        return [[self.sheet.values.get((r, c), "") for c in range(self.c1, self.c2 + 1)] for r in range(self.r1, self.r2 + 1)]

    @value.setter
    def value(self, rows):
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                self.sheet.values[(self.r1 + i, self.c1 + j)] = v

    @property
    def formula(self):
        return [[self.sheet.formulas.get((r, c), str(self.sheet.values.get((r, c), ""))) for c in range(self.c1, self.c2 + 1)]
                for r in range(self.r1, self.r2 + 1)]

    @property
    def color(self):
        return self.sheet.colors.get((self.r1, self.c1))

    @color.setter
    def color(self, value):
        if value is None:
            self.sheet.colors.pop((self.r1, self.c1), None)
        else:
            h = value.lstrip("#")
            self.sheet.colors[(self.r1, self.c1)] = tuple(int(h[k:k + 2], 16) for k in (0, 2, 4))

    @property
    def note(self):
        return FakeNote(self.sheet, (self.r1, self.c1)) if (self.r1, self.c1) in self.sheet.notes else None

    def add_note(self, text):
        assert self.note is None
        self.sheet.notes[(self.r1, self.c1)] = text

    def add_hyperlink(self, address, text_to_display=None):
        self.sheet.links[(self.r1, self.c1)] = address

    @property
    def number_format(self):
        return self.sheet.number_formats.get((self.r1, self.c1), "General")

    @number_format.setter
    def number_format(self, value):
        for r in range(self.r1, self.r2 + 1):
            for c in range(self.c1, self.c2 + 1):
                self.sheet.number_formats[(r, c)] = value

    @property
    def column_width(self):
        return None

    @column_width.setter
    def column_width(self, width):
        for c in range(self.c1, self.c2 + 1):
            self.sheet.widths[c] = width


class FakeSheet:
    def __init__(self, name, values=None, formulas=None):
        self.name, self.visible = name, True
        self.values = dict(values or {})
        self.formulas = dict(formulas or {})
        self.colors, self.notes, self.links, self.widths = {}, {}, {}, {}
        self.merged = []            # (r1, c1, r2, c2), 1-based
        self.number_formats = {}
        self.cleared = 0

    @property
    def used_range(self):
        keys = [k for k, v in self.values.items() if v not in ("", None)] or [(1, 1)]
        return FakeRange(self, 1, 1, max(r for r, _ in keys), max(c for _, c in keys))

    def range(self, a, b=None):
        r1, c1 = a if isinstance(a, tuple) else (parse_a1(a)[1], parse_a1(a)[0] + 1)
        if b is None:
            return FakeRange(self, r1, c1)
        return FakeRange(self, r1, c1, *b)

    def clear(self):
        self.cleared += 1
        self.values.clear()
        self.colors.clear()
        self.links.clear()

    def autofit(self, axis=None):
        pass


class FakeSheets(list):
    def __getitem__(self, key):
        return next(s for s in self if s.name == key) if isinstance(key, str) else list.__getitem__(self, key)

    def add(self, name, before=None, after=None):
        s = FakeSheet(name)
        self.insert(self.index(before) if before is not None else len(self), s)
        return s


class FakeApp:
    def __init__(self, answers=()):
        self.alerts, self.answers, self.status_bar = [], list(answers), None
        self.statuses = []
        self.books = FakeBooks()

    def alert(self, prompt, title=None, buttons="ok", mode=None):
        self.alerts.append((prompt, title, buttons))
        if buttons == "yes_no":
            return self.answers.pop(0)
        return None if buttons == "ok" and self.answers == ["lite"] else "ok"

    def __setattr__(self, name, value):
        if name == "status_bar" and hasattr(self, "statuses"):
            self.statuses.append(value)
        object.__setattr__(self, name, value)


class FakeBooks(list):
    def open(self, path):
        self.append(path)


class FakeBook:
    def __init__(self, fullname, sheets, answers=()):
        self.fullname, self.name = str(fullname), Path(fullname).name
        self.sheets = FakeSheets(sheets)
        self.app = FakeApp(answers)


def fake_from(book: MemoryBook, answers=()) -> FakeBook:
    """The same workbook as xlwings would show it."""
    sheets = []
    for name, rows in book.sheets.items():
        s = FakeSheet(name, {(r + 1, c + 1): v for r, row in enumerate(rows) for c, v in enumerate(row)})
        s.visible = not book.hidden(name)
        s.merged = [(r1 + 1, c1 + 1, r2 + 1, c2 + 1) for r1, c1, r2, c2 in book.details(name).merged]
        s.formulas = {(r + 1, c + 1): "=" + f for (r, c), f in book.details(name).formulas.items()}
        sheets.append(s)
    return FakeBook(book.path, sheets, answers)


# --- XlwingsBook -----------------------------------------------------------------------------
@pytest.mark.parametrize("value, text", [
    ("0123", True), ("430102200001", True), ("2026-10", True), ("=1+1", True), ("-5", True), ("TRUE", True),
    ("1,200", True), (" 12 ", True), ("便利店", False), ("2026-10下", False), ("", False), (None, False), (12.5, False),
])
def test_text_excel_would_convert_is_written_into_text_cells(value, text):
    sheet = FakeSheet("表")
    XlwingsBook(FakeBook("/data/a.xlsx", [sheet])).write("表", 1, 2, [["便利店", value]])
    assert sheet.values[(2, 4)] == ("" if value is None else value)         # the value itself, never an apostrophe
    assert sheet.number_formats == ({(2, 4): "@"} if text else {})


def test_dates_are_written_as_datetimes():
    sheet = FakeSheet("表")
    XlwingsBook(FakeBook("/data/a.xlsx", [sheet])).write("表", 0, 0, [[dt.date(2026, 10, 3)]])
    assert sheet.values[(1, 1)] == dt.datetime(2026, 10, 3)


def test_xlwings_book_reads_writes_and_marks_cells():
    sheet = FakeSheet("卖场明细表", {(1, 1): "专卖证号", (1, 2): "名称", (2, 1): "430102", (3, 2): "#N/A"},
                      formulas={(3, 2): "=VLOOKUP(A3,X!A:B,2,0)"})
    book = XlwingsBook(FakeBook("/data/卖场明细表.xlsx", [sheet, FakeSheet("说明")]))
    assert book.path == Path("/data/卖场明细表.xlsx") and book.sheet_names() == ["卖场明细表", "说明"]
    assert book.read("卖场明细表") == [["专卖证号", "名称"], ["430102", ""], ["", ""]]
    details = book.details("卖场明细表")
    assert details.formulas == {(2, 1): "VLOOKUP(A3,X!A:B,2,0)"} and details.errors == {(2, 1): "#N/A"}
    book.write("卖场明细表", 1, 0, [["0430102", dt.date(2026, 1, 2)]])
    assert sheet.values[(2, 1)] == "0430102" and sheet.number_formats[(2, 1)] == "@"
    assert sheet.values[(2, 2)] == dt.datetime(2026, 1, 2)
    assert book.look("卖场明细表", 1, 0) == Look()
    book.mark("卖场明细表", 1, 0, Look("#FF7C80", "【错误】……"))
    assert book.look("卖场明细表", 1, 0) == Look("#FF7C80", "【错误】……") and sheet.colors[(2, 1)] == (255, 124, 128)
    book.mark("卖场明细表", 1, 0, Look("#00B0F0", None))
    assert book.look("卖场明细表", 1, 0) == Look("#00B0F0", None) and sheet.notes == {}


def test_xlwings_book_replaces_sheets_in_place_with_links_and_hidden_record():
    first = FakeSheet("数据", {(1, 1): "x"})
    fake = FakeBook("/data/a.xlsx", [first])
    book = XlwingsBook(fake)
    book.replace_sheet(RESULTS, [["序号", "单元格"], ["1", "A1"]], links=[Link(1, 1, "数据", "A1")],
                       fills={(1, 0): "#FF7C80"}, hide_from=3, first=True)
    results = fake.sheets[0]
    assert results.name == RESULTS and results.links == {(2, 2): "#'数据'!A1"} and results.colors == {(2, 1): (255, 124, 128)}
    assert results.widths == {4: 0, 5: 0, 6: 0, 7: 0, 8: 0, 9: 0}         # the six record columns hidden
    book.replace_sheet(RESULTS, [["序号"]])
    assert results.cleared == 1 and [s.name for s in fake.sheets] == [RESULTS, "数据"]
    assert results.values == {(1, 1): "序号"}
    book.replace_sheet(CHANGES, [["工作表"]])
    assert [s.name for s in fake.sheets] == [RESULTS, "数据", CHANGES]


def test_xlwings_book_messages_status_and_files():
    fake = FakeBook("Book1", [FakeSheet("Sheet1")], answers=["yes", "no"])
    book = XlwingsBook(fake)
    assert book.path is None                                    # never saved
    assert book.message("要修改吗？", ask=True) is True and book.message("要修改吗？", ask=True) is False
    assert book.message("完成") is True
    assert fake.app.alerts[-1] == ("完成", "集团客户", "ok")
    book.status("校验本表：1/3")
    book.status(None)
    assert fake.app.statuses == ["校验本表：1/3", False]          # False gives the bar back to Excel
    book.open_file(Path("/data/销售报表.xlsx"))
    assert fake.app.books == ["/data/销售报表.xlsx"]


def test_a_button_through_xlwings_book_marks_like_memory_book(mistake_files):
    path = next(p for p in mistake_files if p.name == "卖场明细表.xlsx")
    memory = MemoryBook.from_file(path)
    fake = fake_from(memory)
    jobs.run_job("validate", memory, today=TODAY)
    jobs.run_job("validate", XlwingsBook(fake), today=TODAY)
    sheet = fake.sheets["卖场明细表"]
    ours = {(r + 1, c + 1): look.note for (s, r, c), look in memory.looks.items() if s == "卖场明细表"}
    assert sheet.notes == ours
    assert fake.app.alerts[-1][0] == memory.messages[-1] and fake.app.statuses[-1] is False


# --- LiteBook --------------------------------------------------------------------------------
def test_lite_book_marks_nothing_and_answers_with_its_argument():
    fake = FakeBook("/data/a.xlsx", [FakeSheet("数据", {(1, 1): "x"})], answers=["lite"])
    book = LiteBook(fake, confirmed=True)
    assert book.path is None and not book.can_mark and not book.can_ask
    assert book.message("要修改吗？", ask=True) is True and fake.app.alerts == [("要修改吗？", "集团客户", "ok")]
    assert LiteBook(fake).message("要修改吗？", ask=True) is False
    book.status("x")
    assert fake.app.statuses == []
    assert book.open_book(Path("/data/b.xlsx")) is None


# --- the RunPython entry point ---------------------------------------------------------------
def test_entry_runs_the_job_on_the_calling_book(mistake_files, monkeypatch):
    import xlwings as xw

    from gcs_excel.xl import entry

    path = next(p for p in mistake_files if p.name == "卷烟规格.xlsx")
    fake = fake_from(MemoryBook.from_file(path))
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: fake))
    monkeypatch.setattr(jobs.dt, "date", _Today)
    entry.run("validate")
    ((text, title, buttons),) = fake.app.alerts
    assert text.startswith("校验本表：发现 1 个错误") and title == "集团客户" and buttons == "ok"
    assert fake.sheets[0].name == RESULTS


class _Today(dt.date):
    @classmethod
    def today(cls):
        return TODAY


def test_entry_never_raises_even_without_excel(tmp_path, monkeypatch):
    import xlwings as xw

    from gcs_excel.xl import entry

    monkeypatch.setattr(jobs, "LOG_DIR", tmp_path)

    def no_excel(cls):
        raise RuntimeError("no Excel")
    monkeypatch.setattr(xw.Book, "caller", classmethod(no_excel))
    entry.run("validate")
    assert "no Excel" in (tmp_path / jobs.LOG_FILE).read_text("utf-8")


# --- xlwings Lite: main.py ---------------------------------------------------------------------
def lite_main():
    spec = importlib.util.spec_from_file_location("gcs_lite_main", LITE_MAIN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lite_scripts_each_run_on_a_test_book(mistake_files, monkeypatch):
    monkeypatch.setattr(jobs.dt, "date", _Today)
    main = lite_main()
    path = next(p for p in mistake_files if p.name == "卖场明细表.xlsx")
    memory = MemoryBook.from_file(path)

    book = fake_from(memory)
    main.validate_book(book)
    (text, _, _), = book.app.alerts
    assert text.startswith("校验本表：发现 ") and "没有读取其他文件" in text
    assert book.sheets[0].name == RESULTS and book.sheets["卖场明细表"].notes == {} and book.sheets["卖场明细表"].colors == {}

    book = fake_from(memory)
    before = dict(book.sheets["卖场明细表"].values)
    main.safe_fix(book)                                   # 确认修改 not ticked: lists, changes nothing
    assert book.sheets["卖场明细表"].values == before and book.app.alerts[-1][0].endswith("勾选“确认修改”再运行一次就会修改。")
    main.safe_fix(book, True)
    assert book.sheets["卖场明细表"].values != before and CHANGES in [s.name for s in book.sheets]

    for script in (main.check_quotas, main.make_plan, main.monthly_review):
        book = fake_from(memory)
        script(book)
        (text, _, _), = book.app.alerts
        assert text.startswith("没有完成：xlwings Lite 读不到同一文件夹里的其他文件") and "\n" not in text
    book = fake_from(memory)
    main.send_reports(book)
    assert "只能在经典方式" in book.app.alerts[0][0]


def test_lite_main_has_one_script_per_button():
    text = LITE_MAIN.read_text("utf-8")
    for job in jobs.JOBS:
        assert f'"{job}"' in text or job == "mail"
    assert "xlwings.pro" not in text and "xlwings.server" not in text
    reqs = (LITE_MAIN.parent / "requirements.txt").read_text("utf-8").split()
    assert "gcs_excel" in reqs and "click" not in reqs
