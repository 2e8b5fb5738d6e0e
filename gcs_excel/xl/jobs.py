"""One function per button (the job ids of buttons.toml), each calling the core function
of the matching gcs command on the workbook in front of the user and ending in one or two
Chinese lines. run_job shows them in a message box, whatever happens: a GcsError is its
own line, anything else one line and a log file; never a traceback.

The workbook is read as it is on screen (book.as_workbook: unsaved edits count); the
department's other files are found beside it by their standard names (人员名单.xlsx,
拜访计划_2026-10.xlsx ...), or taken from Excel when they are open there."""

from __future__ import annotations

import datetime as dt
import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..a1 import parse_a1
from ..buttons import load_buttons
from ..errors import ConfigError, GcsError
from ..readers import Workbook
from ..sheetnames import CHANGES, LISTS, RESULTS
from ..spec import load_specs
from ..values import MONTH_RE, month_of, shift_month
from .book import MARK_GAP, MARK_HEADERS, Book, Link, as_workbook, clear_marks, put_marks, read_marks

LOG_DIR = Path.home() / ".gcs_excel"
LOG_FILE = "按钮出错记录.log"
REVIEWS = "销售回顾_{month}"            # the folder 生成月度分析 writes and 发送报表 sends from
MAIL_CONFIG = "邮件设置.toml"           # beside the workbook: gcs mail --config's file
LIST_PEOPLE, LIST_CUSTOMERS, LIST_ROWS = "操作-人员", "操作-客户", 1000
SHOWN = 12                              # recipients listed in 发送报表's question
MONTHLY_FILES = ("plan", "visits")      # kept a file per month: 拜访计划_2026-10.xlsx
MARKS_MOST = 5000                       # cells 校验本表 marks and links (each one call to Excel)


@dataclass
class Context:
    """A button's run: the book, today, and what was read beside it (for the message)."""
    book: Book
    today: dt.date
    used: list[str] = field(default_factory=list)          # other files read
    missing: list[str] = field(default_factory=list)       # standard files not found

    # --- the 操作 sheet -----------------------------------------------------------------
    def _choice(self, attr: str) -> Any:
        ops = load_buttons().operations
        if ops.sheet not in self.book.sheet_names():
            return None
        col, row = parse_a1(getattr(ops, attr))
        rows = self.book.read(ops.sheet)
        value = rows[row - 1][col] if row - 1 < len(rows) and col < len(rows[row - 1]) else None
        return value.strip() if isinstance(value, str) else value

    def month(self) -> str:
        """操作!C4 as YYYY-MM (a date Excel made of it is taken too); empty: last month."""
        value = self._choice("month_cell")
        if value in (None, ""):
            return shift_month(month_of(self.today), -1)
        if isinstance(value, dt.date):
            return month_of(value)
        if isinstance(value, str) and MONTH_RE.match(value):
            return value
        raise ConfigError(f"操作表 {load_buttons().operations.month_cell} 的月份「{value}」请写成 YYYY-MM，如 2026-10（不填就是上个月）")

    def person(self) -> str:
        """操作!C5: the person to plan for (required)."""
        value = self._choice("person_cell")
        if not value:
            raise ConfigError(f"请先在操作表 {load_buttons().operations.person_cell} 选一个人员，再点“生成拜访计划”")
        return str(value)

    def customers(self) -> tuple[str, ...]:
        """操作!C6: one customer code, or () for 全部 (and when empty)."""
        value = self._choice("customer_cell")
        return () if value in (None, "", load_buttons().operations.all_customers) else (str(value),)

    # --- the department's other files ---------------------------------------------------
    def folder(self) -> Path:
        """The folder the workbook is saved in (its siblings are read from there)."""
        if self.book.path is None:
            if not self.book.can_ask:       # xlwings Lite: no file system
                raise ConfigError("xlwings Lite 读不到同一文件夹里的其他文件：这个按钮请在经典方式（Excel 加 Python）里用；"
                                  "“校验本表”和“安全修正”在 Lite 里也能用")
            raise ConfigError("请先保存工作簿：同一文件夹里的人员名单、总部档案等文件要从它旁边找")
        return self.book.path.parent

    def siblings(self, template_ids, month: str | None = None, *, required: bool = True) -> list[Any]:
        """The department's files of these templates beside the workbook (never the
        workbook itself), each as its path, or its values when it is open in Excel."""
        specs = load_specs()
        try:
            folder = self.folder()
        except ConfigError:
            if required:
                raise
            return []
        own = self.book.path.name.casefold() if self.book.path else ""
        out: list[Any] = []
        for tid in template_ids:
            stem = specs.template(tid).workbook
            names = [f"{stem}_{month}", stem] if month else [stem]
            found = next((folder / f"{n}{ext}" for n in names for ext in (".xlsm", ".xlsx", ".csv")
                          if (folder / f"{n}{ext}").is_file() and f"{n}{ext}".casefold() != own), None)
            if found is None:       # named as the demo and the templates name it
                self.missing.append(f"{names[0] if tid in MONTHLY_FILES else stem}.xlsx")
                continue
            self.used.append(found.name)
            other = self.book.open_book(found)
            out.append(as_workbook(other) if other is not None else found)
        return out

    def read_note(self) -> str:
        """The sentence saying which other files were read."""
        if self.used:
            return f"同时读取了同一文件夹里的{'、'.join(self.used)}。"
        return ""

    def progress(self, label: str) -> Callable[[int, int, str], None]:
        """A core progress callback that shows itself in the status bar."""
        def show(done: int, total: int, name: str) -> None:
            self.book.status(f"{label}：{done}/{total} {Path(name).name if name else ''}".rstrip())
        return show


# --- 校验本表 ----------------------------------------------------------------------------------
def _fills() -> dict[str, str]:
    from ..annotate import FILLS

    return {k: "#" + f.fgColor.rgb[-6:] for k, f in FILLS.items()}


def _references(book_templates: set[str]) -> list[str]:
    """The templates whose sheets the given templates' fields refer to (for the cross-file
    checks), in spec order, the given ones left out."""
    specs = load_specs()
    sheet_template = {s.id: t.id for t in specs.templates for s in t.sheets}
    wanted = set()
    for t in specs.templates:
        if t.id in book_templates:
            for s in t.sheets:
                for f in s.fields:
                    wanted |= {sheet_template[target.split(".")[0]] for target in f.targets()}
    return [t.id for t in specs.templates if t.id in wanted - book_templates]


def _templates_of(grid: Workbook) -> set[str]:
    """The templates whose sheets the workbook has (by sheet name)."""
    specs = load_specs()
    names = {s.name for s in grid.sheets}
    return {t.id for t in specs.templates if any(s.name in names for s in t.sheets)}


def validate(ctx: Context) -> list[str]:
    """校验本表: clear our previous marks, validate the open workbook (with its siblings
    for the cross-file checks), mark every problem cell and write 校验结果 with links."""
    from ..annotate import NO_PROBLEMS, RESULT_COLUMNS, cell_notes, result_rows
    from ..validation import validate as check

    book = ctx.book
    ctx.book.status("校验本表：读取工作簿……")
    grid = as_workbook(book)
    month = _month_in_name(book.name)
    others = ctx.siblings(_references(_templates_of(grid)), month, required=False)
    report = check([grid, *others], today=ctx.today, progress=ctx.progress("校验本表")).report
    problems = [p for p in report.problems if p.file == grid.path]
    names = set(book.sheet_names())
    start = len(RESULT_COLUMNS) + MARK_GAP
    marks, unmarked = [], 0
    if book.can_mark:
        book.status("校验本表：清除上次的标记……")
        if RESULTS in names:
            clear_marks(book, read_marks(book.read(RESULTS), start))
        notes = cell_notes(problems, lambda sheet, ref: (sheet, ref) if sheet in names else None)
        wanted = dict(list(notes.items())[:MARKS_MOST])     # one call to Excel each: a bound on the wait
        unmarked = len(notes) - len(wanted)
        marks = put_marks(book, {k: (sev, text) for k, (sev, text, _) in wanted.items()}, _fills(),
                          lambda n, total: book.status(f"校验本表：标记单元格 {n}/{total}"))
    titles = [t for t, _ in RESULT_COLUMNS]
    rows: list[list[Any]] = [titles, *map(list, result_rows(problems))]
    if not problems:
        rows.append([""] * (len(titles) - 2) + [NO_PROBLEMS, ""])
    if marks:
        rows = _beside(rows, [list(MARK_HEADERS), *(m.row() for m in marks)], start)
    where = titles.index("单元格")
    links = [Link(r, where, p.sheet, p.cell) for r, p in enumerate(problems, start=1)
             if p.cell and p.sheet in names][:MARKS_MOST]
    fills = _fills()
    book.replace_sheet(RESULTS, rows, links=links, fills={(r, 0): fills[p.severity] for r, p in enumerate(problems, start=1)},
                       hide_from=start if marks else None, first=True)
    errors = sum(p.severity == "error" for p in problems)
    first = (f"校验本表：发现 {errors} 个错误、{len(problems) - errors} 个警告"
             + (f"，{len(marks)} 个单元格已标色加批注" if marks else "")
             + (f"（单元格太多，另有 {unmarked} 个只列在表里）" if unmarked else "") + "，每一条都列在“校验结果”表，点单元格地址可跳过去。"
             if problems else "校验本表：没有发现问题。")
    second = ctx.read_note()
    if ctx.missing and book.path is not None:
        second += f"同一文件夹里没有{'、'.join(ctx.missing)}，和它们之间的核对没有做。"
    elif book.path is None and _references(_templates_of(grid)):
        second += "没有读取其他文件（工作簿未保存或在 xlwings Lite 里），跨文件的核对没有做。"
    return [first, second] if second else [first]


def _beside(rows: list[list[Any]], more: list[list[Any]], start: int) -> list[list[Any]]:
    """Two tables side by side: more from column start on."""
    out = []
    for k in range(max(len(rows), len(more))):
        left = rows[k] if k < len(rows) else []
        out.append([*left, *([""] * (start - len(left))), *(more[k] if k < len(more) else [])])
    return out


def _month_in_name(name: str) -> str | None:
    """The month a file's name carries (拜访记录_2026-10.xlsm), if any."""
    stem = Path(name).stem
    tail = stem.rsplit("_", 1)[-1]
    return tail if MONTH_RE.match(tail) else None


# --- 安全修正 ----------------------------------------------------------------------------------
def fix(ctx: Context) -> list[str]:
    """安全修正: gcs fix's safe normalisations of the open workbook, after asking; each
    change listed in 修改记录."""
    from ..fix import CHANGE_COLUMNS, safe_changes
    from ..validation import validate as check

    book = ctx.book
    book.status("安全修正：检查……")
    grid = as_workbook(book)
    before = check([grid], today=ctx.today).report
    changes = [ch for ch in safe_changes([p for p in before.problems if p.file == grid.path], grid) if ch.new is not None]
    if not changes:
        return ["安全修正：没有可以安全修正的内容。"]
    kinds: dict[str, int] = {}
    for ch in changes:
        for r in ch.reasons:
            kinds[r] = kinds.get(r, 0) + 1
    summary = "、".join(f"{k} {n} 处" for k, n in kinds.items())
    examples = "\n".join(f"{ch.sheet}!{ch.cell}：{ch.log_row()[3]} → {ch.log_row()[4]}" for ch in changes[:5])
    more = f"\n……共 {len(changes)} 处" if len(changes) > 5 else ""
    if not book.message(f"安全修正要改 {len(changes)} 处（{summary}）：\n{examples}{more}\n\n要修改吗？", ask=True):
        return ["安全修正：没有修改任何内容。" if book.can_ask else
                "安全修正：以上是要改的地方，还没有修改；勾选“确认修改”再运行一次就会修改。"]
    for ch in changes:
        col, row = parse_a1(ch.cell)
        book.write(ch.sheet, row - 1, col, [[ch.new]])
    book.replace_sheet(CHANGES, [[t for t, _ in CHANGE_COLUMNS], *(list(ch.log_row()) for ch in changes)])
    after = check([as_workbook(book)], today=ctx.today).report
    left = [p for p in after.problems if p.file == grid.path]
    lines = [f"安全修正：改了 {len(changes)} 处（{summary}），每一处都列在“修改记录”表。"]
    if left:
        lines.append(f"还有 {len(left)} 个问题需要人工处理：点“校验本表”查看。")
    return lines


# --- 校验拜访指标 ------------------------------------------------------------------------------
QUOTA_SHEETS = ("指标汇总", "明细", "计划执行")
MARK_FILLS = {"ok": "#C6EFCE", "bad": "#FFC7CE"}


def quotas(ctx: Context) -> list[str]:
    """校验拜访指标: gcs quotas for the 操作 sheet's month, from this visit log or plan and
    the department's files beside it; writes or refreshes 指标汇总, 明细 and 计划执行."""
    from ..quota_check import quotas as check
    from ..quota_workbook import tables

    ctx.folder()                    # the other files first: nothing works without them
    book, month = ctx.book, ctx.month()
    grid = as_workbook(book)
    own = _templates_of(grid)
    others = ctx.siblings([t for t in ("staff", "hq", "stores", "plan", "visits") if t not in own], month)
    book.status(f"校验拜访指标：{month}……")
    report = check([grid, *others], month, today=ctx.today)
    if report.validation is not None and report.validation.unreadable:
        bad = report.validation.unreadable[0]
        raise ConfigError(f"{Path(bad.file).name} 无法读取：{bad.read_error}")
    for table in tables(report):
        if table.name in QUOTA_SHEETS:
            rows = [[c.title for c in table.columns], *(values for values, _ in table.rows)]
            if not table.rows and table.empty:
                rows.append([table.empty])
            fills = {(r, c): MARK_FILLS[m] for r, (_, marks) in enumerate(table.rows, start=1)
                     for c, m in enumerate(marks) if m in MARK_FILLS}
            book.replace_sheet(table.name, rows, fills=fills)
    people = {r.person for r in report.results}
    short = {r.person for r in report.results if not r.ok}
    first = (f"{month} 拜访指标：{len(people)} 人中 {len(people) - len(short)} 人全部达标"
             + (f"，{len(short)} 人未达标，缺什么列在“明细”表。" if short else "。")
             + (f"有 {len(report.excluded)} 行因填写错误没有计入。" if report.excluded else ""))
    return [first, ctx.read_note()] if ctx.used else [first]


# --- 生成拜访计划 ------------------------------------------------------------------------------
def plan(ctx: Context) -> list[str]:
    """生成拜访计划: gcs plan --into for the 操作 sheet's person and month; the new rows go
    under the rows already typed, which stay as they are."""
    from ..planner import plan_month

    ctx.folder()
    book, month, person = ctx.book, ctx.month(), ctx.person()
    grid = as_workbook(book)
    others = ctx.siblings(("staff", "hq", "stores", "catalogue"), month)
    book.status(f"生成拜访计划：{person} {month}……")
    planned = plan_month(others, month, person=person, into=grid, today=ctx.today)
    table, rows = planned.existing, planned.result.rows
    start = max([table.header_row, *table.rows])         # 1-based last row = 0-based first free row
    for fid, col in table.columns.items():
        book.write(table.sheet, start, col, [[r.get(fid)] for r in rows])
    first = f"已给{person}排出 {month} 的拜访计划：新增 {len(rows)} 行，原有 {planned.result.kept} 行保留。"
    notes = planned.result.notes[:1]
    return [first, *notes] if notes else [first, ctx.read_note()]


# --- 生成月度分析 ------------------------------------------------------------------------------
def monthly(ctx: Context) -> list[str]:
    """生成月度分析: gcs monthly from this sales workbook and the files beside it, for the
    操作 sheet's customer or all, into 销售回顾_<月份> beside it; opens the one asked for."""
    from ..reporting.run import monthly as run

    ctx.folder()
    book, month, customers = ctx.book, ctx.month(), ctx.customers()
    grid = as_workbook(book)
    own = _templates_of(grid)
    want = [t for t in ("catalogue", "hq", "stores", "targets", "visits") if t not in own]
    others = ctx.siblings(want, month)
    out = ctx.folder() / REVIEWS.format(month=month)
    result = run([grid, *others], month, out, customers=customers, today=ctx.today, progress=ctx.progress("生成月度分析"))
    if result.exit_code == 2:
        bad = result.validation.unreadable[0]
        raise ConfigError(f"{Path(bad.file).name} 无法读取：{bad.read_error}")
    shown = result.reviews[0].path if customers and result.reviews else result.report
    if shown is not None:
        book.open_file(shown)
    first = (f"已写出 {len(result.reviews)} 本销售回顾和部门销售报表，在「{out.name}」文件夹"
             + (f"；已打开 {shown.name}。" if shown is not None else "。"))
    return [first, result.notes[0] if result.notes else ctx.read_note()]


# --- 发送报表 ----------------------------------------------------------------------------------
def mail(ctx: Context) -> list[str]:
    """发送报表: gcs mail for the month's reviews: who gets what first, then, when the user
    says yes, sent exactly once per recipient (the send log in the reviews folder)."""
    from ..mail import load_settings, send_reviews

    folder = ctx.folder()
    book, month = ctx.book, ctx.month()
    reviews = folder / REVIEWS.format(month=month)
    if not reviews.is_dir():
        raise ConfigError(f"同一文件夹里没有「{reviews.name}」：请先点“生成月度分析”")
    config = folder / MAIL_CONFIG
    settings = load_settings(config if config.is_file() else None)
    grid = as_workbook(book)
    own = _templates_of(grid)
    paths = [*([grid] if own & {"hq", "staff"} else []), *ctx.siblings([t for t in ("hq", "staff") if t not in own])]
    planned = send_reviews(paths, month, reviews, settings=settings, dry_run=True)
    if not planned.planned:
        why = "都已经发过了" if planned.already else "没有可以发送的回顾（没有负责人邮箱或没有回顾文件）"
        return [f"发送报表：{month} 没有要发送的邮件，{why}。"]
    lines = [f"{x.name} → {'、'.join(x.envelope)}" for x in planned.planned[:SHOWN]]
    if len(planned.planned) > SHOWN:
        lines.append(f"……共 {len(planned.planned)} 封")
    if not book.message(f"将把 {month} 的销售回顾发给 {len(planned.planned)} 个客户：\n" + "\n".join(lines)
                        + f"\n\n发件人 {settings.sender}，服务器 {settings.host}:{settings.port}。现在发送吗？", ask=True):
        return ["发送报表：没有发送任何邮件。"]
    result = send_reviews(paths, month, reviews, settings=settings, progress=ctx.progress("发送报表"))
    sent = len(result.sent) + len(result.resent)
    first = f"发送报表：已发送 {sent} 封，发送记录在「{reviews.name}」文件夹的 {result.log.name}。"
    missed = len(result.refused) + len(result.failed) + len(result.unconfirmed) + len(result.no_address) \
        + len(result.missing_files) + len(result.unknown)
    if missed:
        return [first, f"有 {missed} 个客户或收件人没有收到，详见发送记录；再点一次只发给还没收到的人。"]
    return [first]


# --- the 下拉列表 sheet's lists of the 操作 sheet -------------------------------------------------
def refresh_lists(ctx: Context) -> None:
    """The 操作 sheet's dropdowns (staff names; 全部 and customer codes), refreshed from
    the staff list and HQ file beside the workbook; a workbook without them is left alone."""
    from ..dept import load_department
    from ..validation import validate as check

    book = ctx.book
    if LISTS not in book.sheet_names():
        return
    header = (book.read(LISTS) or [[]])[0]
    cols = {h: c for c, h in enumerate(header) if h in (LIST_PEOPLE, LIST_CUSTOMERS)}
    if not cols:
        return
    grid = as_workbook(book)
    own = _templates_of(grid)
    quiet = Context(book, ctx.today)
    sources = [*([grid] if own & {"hq", "staff"} else []),
               *quiet.siblings([t for t in ("staff", "hq") if t not in own], required=False)]
    dept = load_department(check(sources, today=ctx.today))
    values = {LIST_PEOPLE: [p.name for p in dept.roster()] if "staff" in dept.present else None,
              LIST_CUSTOMERS: [load_buttons().operations.all_customers, *sorted(dept.hqs)] if "hq" in dept.present else None}
    for head, col in cols.items():
        items = values[head]
        if items is not None:
            items = items[:LIST_ROWS]
            book.write(LISTS, 1, col, [[v] for v in items + [""] * (LIST_ROWS - len(items))])


# --- running a job ---------------------------------------------------------------------------
# --- 合并副本 ----------------------------------------------------------------------------------
COPIES = "客户经理副本"           # the folder beside the master where each manager's copy is put
MASTER = "合并总表_{day}.xlsx"


def merge(ctx: Context) -> list[str]:
    """合并副本: gcs merge --base of the copies in 客户经理副本 beside the workbook, with the
    workbook as saved as the base; the master is written beside it and opened."""
    from ..merging import merge as run

    folder = ctx.folder()
    copies = folder / COPIES
    files = sorted(p for p in copies.glob("*") if p.suffix.lower() in (".xlsx", ".xlsm", ".csv")
                   and not p.name.startswith("~$")) if copies.is_dir() else []
    if not files:
        raise ConfigError(f"「{COPIES}」文件夹里没有工作簿：把各人的副本放进本工作簿旁边的「{COPIES}」文件夹再点")
    out = folder / MASTER.format(day=ctx.today.isoformat())
    result = run(files, out, base=ctx.book.path, today=ctx.today, progress=ctx.progress("合并副本"))
    ctx.book.open_file(result.output)
    counts = "；".join(f"{t.sheet} 读入 {t.rows_in} = 进入总表 {t.rows_out} + 重复 {t.duplicates} + 冲突未采用 "
                      f"{t.conflicts_resolved}{' ✓' if t.balanced else ' ✗'}" for t in result.templates)
    pending = len(result.open_conflicts)
    return [f"已把 {len(files)} 个副本合并成 {out.name}（以本工作簿保存的内容为基准）并打开：{counts}。",
            f"有 {pending} 处冲突待定，见总表的“冲突”表。" if pending else "没有待定的冲突；每行的来源写在总表里。"]


JOBS: dict[str, Callable[[Context], list[str]]] = {
    "validate": validate, "fix": fix, "quotas": quotas, "plan": plan, "monthly": monthly, "mail": mail,
    "merge": merge,
}


def run_job(job_id: str, book: Book, *, today: dt.date | None = None) -> list[str]:
    """Run one button's job on the book and show its one or two lines in a message box;
    every failure becomes a line too (a GcsError its own, anything else a line and the
    log file with the details). Returns the lines shown."""
    ctx = Context(book, today or dt.date.today())
    try:
        job = JOBS.get(job_id)
        if job is None:
            raise ConfigError(f"没有叫 {job_id} 的按钮功能：请用 gcs build-workbooks 重新生成工作簿")
        lines = [line for line in job(ctx) if line]
        try:
            refresh_lists(ctx)
        except Exception:           # the dropdowns are a convenience: the job's own result stands
            log_failure(f"{job_id}（刷新下拉列表）")
    except GcsError as e:
        lines = [f"没有完成：{' '.join(str(e).split())}"]
        if ctx.missing:         # what the job needed may be a file it did not find
            lines.append(f"同一文件夹里没有找到{'、'.join(ctx.missing)}（按标准文件名找）。")
    except Exception:
        where = log_failure(job_id)
        lines = ["出了意外的错误，没有完成。",
                 f"详细情况已写入 {where}，请把它发给维护者。" if where else "请把操作步骤告诉维护者。"]
    finally:
        book.status(None)
    book.message("\n".join(lines))
    return lines


def log_failure(job_id: str) -> Path | None:
    """Append the current exception's traceback to the log file; its path, or None when
    it cannot be written (then only the one line is shown)."""
    try:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        path = LOG_DIR / LOG_FILE
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')} {job_id} (pid {os.getpid()})\n")
            f.write(traceback.format_exc())
        return path
    except OSError:
        return None
