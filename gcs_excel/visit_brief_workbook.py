"""The day's visit briefs as a workbook 拜访准备_<date>[_<person>].xlsx: a cover sheet
listing the visits in plan order, then one sheet per visit, each exactly one A4 portrait
page (lists cut to brief.toml's limits with 另有 n 项, long texts cut with …, so that the
page never needs shrinking below what reads)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .visit_brief import KIND_WORDS, Brief, BriefResult, PastVisit, SkuMonths
from .quota_check import role_labels
from .reporting.words import signed
from .reporting.analysis import ratio
from .sheetnames import BRIEF_INDEX
from .textwidth import row_height, wrapped_lines
from .writing import atomic_output
from .xlsx_style import A4_INCHES, Formats, new_workbook, page_header, print_setup

WIDTHS = (14, 9, 10, 9, 14, 9, 9, 8)          # 8 columns: two halves of 4
LAST = len(WIDTHS) - 1
FONT = 10
MARGINS = {"left": 0.5, "right": 0.5, "top": 0.7, "bottom": 0.6}
SECTION_FILL, LABEL_FILL, HEAD_FILL = "#1F4E78", "#F2F2F2", "#D9E1F2"
PRICE_WORDS = {"changed": "调价", "new": "新增", "withdrawn": "停供"}
# the cover's columns (a sheet's name starts with the visit's 序号)
INDEX_COLUMNS = (("序号", 6), ("人员", 9), ("岗位", 9), ("对象", 6), ("编码", 14), ("名称", 34))


def write_brief_workbook(result: BriefResult, path: str | Path) -> Path:
    """Write the workbook atomically (cover, then a sheet per visit); returns its path."""
    path = Path(path)
    with atomic_output(path) as tmp:
        wb = new_workbook(tmp)
        fmt = Formats(wb)
        _index(wb.add_worksheet(BRIEF_INDEX), result, fmt)
        for b in result.briefs:
            _Page(wb.add_worksheet(b.sheet), b, result, fmt, fitting_limits(b, result, fmt)).write()
        wb.worksheets()[0].activate()
        wb.close()
    return path


def _day(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _fit(text: str, first: int, last: int, lines: int = 2, size: float = FONT) -> str:
    """text cut with … to at most lines lines in columns first..last (a page has no room for more)."""
    width = (sum(WIDTHS[first:last + 1]) - 1) * 11 / size
    while wrapped_lines(text, width) > lines and len(text) > 1:
        text = text[:-2] + "…"
    return text


def _index(ws, result: BriefResult, fmt: Formats) -> None:
    roles = role_labels()
    who = result.person or "全部人员"
    ws.merge_range(0, 0, 0, len(INDEX_COLUMNS) - 1, f"拜访准备 {_day(result.date)}（{who}）",
                   fmt.get(bold=True, font_size=16, align="center", valign="vcenter"))
    ws.set_row(0, 30)
    head = fmt.get(bold=True, bg_color=HEAD_FILL, border=1, align="center", valign="vcenter")
    cell = fmt.get(border=1, valign="top", text_wrap=True, num_format="@")
    for c, (title, width) in enumerate(INDEX_COLUMNS):
        ws.set_column(c, c, width)
        ws.write_string(1, c, title, head)
    for r, b in enumerate(result.briefs, start=2):
        values = (str(r - 1), b.person, roles.get(b.role, b.role), KIND_WORDS[b.kind], b.code, b.name)
        lines = 1
        for c, v in enumerate(values):
            ws.write_string(r, c, v, cell)
            lines = max(lines, wrapped_lines(v, INDEX_COLUMNS[c][1] - 1))
        ws.set_row(r, row_height(lines))
    row = len(result.briefs) + 3
    for note in result.notes:
        ws.merge_range(row, 0, row, len(INDEX_COLUMNS) - 1, f"· {note}", fmt.get(text_wrap=True, valign="top"))
        ws.set_row(row, row_height(wrapped_lines(note, sum(w for _, w in INDEX_COLUMNS) - 4)))
        row += 1
    print_setup(ws, widths=[w for _, w in INDEX_COLUMNS], repeat=1, margins=MARGINS,
                header=page_header(left=who, right=result.date.isoformat()))


# A page's rows may be this tall (points) before the page prints below READABLE percent:
# A4's height less the margins, at that scale.
READABLE = 75
PAGE_POINTS = (A4_INCHES[1] - MARGINS["top"] - MARGINS["bottom"]) * 72 * 100 / READABLE
SHRINKS = ("top_skus", "supply", "price_changes", "cm_visits", "follow_ups")   # the lists a page may cut further


class _Rows:
    """A stand-in worksheet that only keeps the rows' heights: a page laid out on it measures itself."""

    def __init__(self):
        self.heights: dict[int, float] = {}

    def set_row(self, row: int, height: float, *args) -> None:
        self.heights[row] = height

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def fitting_limits(b: Brief, result: BriefResult, fmt: Formats) -> dict[str, int]:
    """brief.toml's list limits, lowered one item at a time (the longest list shown first)
    until the page's rows fit PAGE_POINTS: a crowded page cuts its lists, it does not shrink
    below READABLE percent. Lists of one item and the fixed parts are never cut."""
    limits = dict(result.settings["limits"])
    shown = {"top_skus": lambda: max(min(len(b.top), limits["top_skus"]), min(len(b.fallen), limits["fallen_skus"])),
             "supply": lambda: min(len(b.supply), limits["supply"]),
             "price_changes": lambda: min(len(result.prices or ()), limits["price_changes"]),
             "cm_visits": lambda: min(len(b.cm_visits or ()), limits["cm_visits"]),
             "follow_ups": lambda: min(len(b.follow_ups), limits["follow_ups"])}
    while True:
        rows = _Rows()
        _Page(rows, b, result, fmt, limits).write()
        longest = max(SHRINKS, key=lambda k: shown[k]())
        if sum(rows.heights.values()) <= PAGE_POINTS or shown[longest]() <= 1:
            return limits
        n = shown[longest]() - 1
        limits[longest] = n
        if longest == "top_skus":
            limits["fallen_skus"] = min(limits["fallen_skus"], n)


class _Page:
    """One visit's page, written top to bottom."""

    def __init__(self, ws, b: Brief, result: BriefResult, fmt: Formats, limits: dict[str, int]):
        self.ws, self.b, self.result, self.fmt = ws, b, result, fmt
        self.limits = limits
        self.row = 0

    def style(self, **props) -> Any:
        return self.fmt.get(**{"font_size": FONT, "valign": "vcenter", **props})

    # -- building blocks
    def line(self, text: str, first: int = 0, last: int = LAST, *, height: float | None = None, **props) -> None:
        """A text over columns first..last of the current row, the row as tall as it wraps."""
        f = self.style(text_wrap=True, **props)
        if last > first:
            self.ws.merge_range(self.row, first, self.row, last, text, f)
        else:
            self.ws.write_string(self.row, first, text, f)
        width = sum(WIDTHS[first:last + 1]) - 1
        size = props.get("font_size", FONT)
        self.ws.set_row(self.row, height or row_height(wrapped_lines(text, width * 11 / size), size) + 2)
        self.row += 1

    def section(self, title: str) -> None:
        self.gap(4)
        self.line(title, bold=True, font_color="#FFFFFF", bg_color=SECTION_FILL, indent=1)

    def gap(self, points: float = 6) -> None:
        self.ws.set_row(self.row, points)
        self.row += 1

    def cells(self, spans: list[tuple[int, int, Any, Any]]) -> None:
        """One table row: (first column, last column, value, format) each; height from the tallest text."""
        lines = 1
        for first, last, value, f in spans:
            if isinstance(value, (int, float)):
                if last > first:
                    self.ws.merge_range(self.row, first, self.row, last, "", f)
                self.ws.write_number(self.row, first, value, f)
                continue
            text = "" if value is None else str(value)
            if last > first:
                self.ws.merge_range(self.row, first, self.row, last, text, f)
            else:
                self.ws.write_string(self.row, first, text, f)
            lines = max(lines, wrapped_lines(text, (sum(WIDTHS[first:last + 1]) - 1) * 11 / FONT))
        self.ws.set_row(self.row, row_height(lines, FONT) + 2)
        self.row += 1

    def more(self, shown: int, total: int) -> None:
        if total > shown:
            self.line(f"另有 {total - shown} 项未列出", font_color="#595959", italic=True)

    @property
    def head(self):
        return self.style(bold=True, bg_color=HEAD_FILL, border=1, align="center", text_wrap=True)

    @property
    def text(self):
        return self.style(border=1, text_wrap=True, num_format="@")

    def number(self, fmt: str = "#,##0"):
        return self.style(border=1, num_format=fmt)

    def count(self, x: float):
        """条: whole numbers as they are, a fraction with its decimal (never rounded away)."""
        return self.number("#,##0" if float(x).is_integer() else "#,##0.0")

    # -- the page
    def write(self) -> None:
        b, ws = self.b, self.ws
        for c, w in enumerate(WIDTHS):
            ws.set_column(c, c, w)
        roles = role_labels()
        self.line(_fit(f"拜访准备：{b.name or b.code}", 0, LAST, 1, 16), height=30, bold=True, font_size=16,
                  align="center")
        self.line(f"{_day(b.date)} · {b.person}（{roles.get(b.role, b.role)}）· {KIND_WORDS[b.kind]}拜访",
                  align="center", font_color="#404040")
        if b.purpose:
            self.line(_fit(f"拜访事项：{b.purpose}", 0, LAST), bold=True)
        self.facts()
        self.sales()
        self.skus()
        self.supply()
        self.prices()
        self.history()
        if b.market_manager_store:
            self.cm_visits()
            self.inspection()
        self.tools()
        ws.print_area(0, 0, self.row - 1, LAST)
        print_setup(ws, widths=WIDTHS, landscape=False, margins=MARGINS,
                    header=page_header(left=f"{b.person} {b.date.isoformat()}", right=b.name or b.code),
                    footer=page_header(center=f"拜访准备 · {b.sheet}"))
        ws.fit_to_pages(1, 1)                  # one page, whatever the lists hold
        ws.center_horizontally()

    def facts(self) -> None:
        self.gap(4)
        label = self.style(bold=True, bg_color=LABEL_FILL, border=1, align="center", text_wrap=True)
        facts = self.b.facts
        (lab, val), rest = facts[0], facts[1:]           # the name on a row of its own: it may be long
        self.cells([(0, 0, lab, label), (1, LAST, _fit(val, 1, LAST, 3), self.text)])
        for k in range(0, len(rest), 2):
            pair = rest[k:k + 2]
            spans = []
            for (lab, val), first in zip(pair, (0, 4)):
                end = first + 3 if len(pair) == 2 else LAST
                spans += [(first, first, lab, label), (first + 1, end, _fit(val, first + 1, end), self.text)]
            self.cells(spans)

    def sales(self) -> None:
        r, b = self.result, self.b
        if not r.sales_months:
            self.section("近 3 个月销售")
            self.line("没有可用的销售数据（见目录页的说明）")
            return
        summed = "；其卖场合计" if b.kind == "hq" else ""
        self.section(f"近 3 个月销售（截至 {r.sales_months[-1]}{summed}）")
        months = b.sales
        self.cells([(0, 0, "月份", self.head)] + [(1 + 2 * k, 2 + 2 * k, m.month, self.head) for k, m in enumerate(months)]
                   + [(7, 7, "末月环比", self.head)])
        whole = all(m.volume is None or float(m.volume).is_integer() for m in months)
        for what, attr, fmt in (("销量(条)", "volume", "#,##0" if whole else "#,##0.0"),
                                ("销售额(元)", "amount", "#,##0.00")):
            spans = [(0, 0, what, self.style(bold=True, border=1, bg_color=LABEL_FILL, align="center"))]
            for k, m in enumerate(months):
                value = getattr(m, attr)
                spans.append((1 + 2 * k, 2 + 2 * k, "—" if value is None else value, self.number(fmt)))
            last, prev = getattr(months[-1], attr), getattr(months[-2], attr)
            spans.append((7, 7, signed(ratio(last, prev)), self.style(border=1, align="right")))
            self.cells(spans)
        self.line(f"趋势：{b.trend}", bold=True)

    def skus(self) -> None:
        r, b = self.result, self.b
        if not r.sales_months:
            return
        last, prev = (f"{int(m[5:])}月" for m in r.sales_months[:-3:-1])
        n_top, n_fall = self.limits["top_skus"], self.limits["fallen_skus"]
        self.section(f"销量最高的规格（{last}）与环比下降最多的规格（{prev}→{last}）")
        self.cells([(0, 0, "规格", self.head), (1, 1, "销量(条)", self.head), (2, 2, "销售额(元)", self.head),
                    (3, 3, "环比", self.head), (4, 4, "规格", self.head), (5, 5, prev + "(条)", self.head),
                    (6, 6, last + "(条)", self.head), (7, 7, "减少(条)", self.head)])
        top, fallen = b.top[:n_top], b.fallen[:n_fall]
        blank = self.style(border=1)
        for k in range(max(len(top), len(fallen), 1)):
            spans: list = []
            t: SkuMonths | None = top[k] if k < len(top) else None
            f: SkuMonths | None = fallen[k] if k < len(fallen) else None
            if t:
                spans += [(0, 0, _fit(t.sku, 0, 0), self.text), (1, 1, t.volume, self.count(t.volume)),
                          (2, 2, t.amount, self.number("#,##0")),
                          (3, 3, signed(ratio(t.volume, t.prev_volume)), self.style(border=1, align="right"))]
            else:
                spans += [(0, 0, "（没有销量）" if k == 0 else "", blank)] + [(c, c, "", blank) for c in (1, 2, 3)]
            if f:
                spans += [(4, 4, _fit(f.sku, 4, 4), self.text), (5, 5, f.prev_volume, self.count(f.prev_volume)),
                          (6, 6, f.volume, self.count(f.volume)), (7, 7, -f.change, self.count(f.change))]
            else:
                spans += [(4, 4, "（没有下降的规格）" if k == 0 else "", blank)] + [(c, c, "", blank) for c in (5, 6, 7)]
            self.cells(spans)
        extra = [f"销量最高的另有 {len(b.top) - n_top} 个规格" if len(b.top) > n_top else "",
                 f"下降的另有 {len(b.fallen) - n_fall} 个规格" if len(b.fallen) > n_fall else ""]
        if any(extra):
            self.line("；".join(e for e in extra if e) + "未列出", font_color="#595959", italic=True)

    def supply(self) -> None:
        b, r = self.b, self.result
        month = b.date.strftime("%Y-%m")
        self.section(f"新品、紧俏规格与紧俏货源（{month}）")
        if b.supply:
            last = f"{int(r.sales_months[-1][5:])}月销量" if r.sales_months else "上月销量"
            self.cells([(0, 0, "规格", self.head), (1, 1, "类别", self.head), (2, 2, "批发价(元/条)", self.head),
                        (3, 3, "零售指导价", self.head), (4, 4, last + "(条)", self.head),
                        (5, 5, "本月分配(条)", self.head), (6, 7, "告知编号", self.head)])
            limit = self.limits["supply"]
            for s in b.supply[:limit]:
                kind = "、".join(w for w, yes in (("紧俏", s.scarce), ("新品", s.new)) if yes) or "分配"
                self.cells([(0, 0, _fit(s.sku, 0, 0), self.text), (1, 1, kind, self.text),
                            (2, 2, "—" if s.wholesale is None else s.wholesale, self.number("#,##0.00")),
                            (3, 3, "—" if s.guide is None else s.guide, self.number("#,##0.00")),
                            (4, 4, s.last_volume, self.count(s.last_volume)),
                            (5, 5, "未给分配" if s.allotted is None else s.allotted, self.number()),
                            (6, 7, s.notice or "—", self.text)])
            self.more(limit, len(b.supply))
        else:
            self.line("卷烟规格里没有新品或紧俏规格，也没有分给它的货源")
        self.line(f"书面告知：{b.notice}", bold=True)

    def prices(self) -> None:
        r = self.result
        if r.prices is None:
            self.section("价格变化")
            self.line("没有给出上次的卷烟规格（--previous-catalogue），未比较价格变化")
            return
        self.section(f"价格变化（与 {r.previous_catalogue} 相比）")
        if not r.prices:
            self.line("批发价、零售指导价都没有变化，没有新增或停供的规格")
            return
        self.cells([(0, 1, "规格", self.head), (2, 2, "变化", self.head), (3, 5, "批发价(元/条)", self.head),
                    (6, 7, "零售指导价(元/条)", self.head)])
        limit = self.limits["price_changes"]

        def move(a, b) -> str:
            if a is None:
                return f"{b:,.2f}"
            if b is None:
                return f"{a:,.2f}（停供）"
            return f"{a:,.2f} → {b:,.2f}" if abs(a - b) >= 0.005 else f"{a:,.2f}（不变）"
        for p in r.prices[:limit]:
            self.cells([(0, 1, _fit(p.sku, 0, 1), self.text), (2, 2, PRICE_WORDS[p.kind], self.text),
                        (3, 5, move(p.old_wholesale, p.new_wholesale), self.text),
                        (6, 7, move(p.old_guide, p.new_guide), self.text)])
        self.more(limit, len(r.prices))

    def visit_words(self, x: PastVisit, what: str) -> str:
        limit = self.limits["problem_chars"]
        text = getattr(x, what) or "（未填写）"
        return f"{x.date.month}月{x.date.day}日 {x.person}：{_short(text, limit)}"

    def history(self) -> None:
        b = self.b
        self.section("上次发现的问题与跟进")
        if not self.result.visits_given:
            self.line("没有给出拜访记录：上次拜访和发现的问题不详")
            return
        if b.last_visit is None:
            self.line("拜访记录里没有这次以前对它的拜访")
            return
        self.line("上次拜访：" + self.visit_words(b.last_visit, "content"))
        if b.problem is None:
            self.line("以前的拜访没有记下发现的问题")
            return
        self.line("发现问题：" + self.visit_words(b.problem, "issues"), bold=True)
        if not b.follow_ups:
            self.line("跟进：之后还没有拜访过，尚未跟进——本次拜访请跟进", font_color="#C00000")
            return
        shown = b.follow_ups[:self.limits["follow_ups"]]
        for x in shown:
            self.line("跟进：" + self.visit_words(x, "content"))
        self.more(len(shown), len(b.follow_ups))

    def cm_visits(self) -> None:
        b = self.b
        self.section(f"客户经理本月对本店的拜访（{b.date.month}月{b.date.day}日以前）")
        if not self.result.visits_given:
            self.line("没有给出拜访记录：客户经理本月的拜访不详")
            return
        if not b.cm_visits:
            self.line("本月客户经理还没有拜访过本店", font_color="#C00000")
            return
        self.cells([(0, 0, "日期", self.head), (1, 1, "客户经理", self.head), (2, 5, "拜访内容", self.head),
                    (6, 7, "书面告知", self.head)])
        limit = self.limits["cm_visits"]
        for x in b.cm_visits[:limit]:
            self.cells([(0, 0, x.date.isoformat(), self.text), (1, 1, x.person, self.text),
                        (2, 5, _fit(x.content or "（未填写）", 2, 5), self.text),
                        (6, 7, x.notice or "否", self.text)])
        self.more(limit, len(b.cm_visits))

    def inspection(self) -> None:
        form = self.result.settings["market_manager"]
        self.section("客户意见")
        write_here = self.style(bottom=1)
        for _ in range(form["opinion_lines"]):
            self.ws.merge_range(self.row, 0, self.row, LAST, "", write_here)
            self.ws.set_row(self.row, 20)
            self.row += 1
        self.section("客户经理服务检查（见附表）")
        for item in form["inspection"]:
            self.cells([(0, 3, item, self.style(text_wrap=True, valign="bottom")), (4, LAST, "", write_here)])
            self.ws.set_row(self.row - 1, max(20, row_height(wrapped_lines(item, (sum(WIDTHS[:4]) - 1) * 11 / FONT),
                                                             FONT) + 2))

    def tools(self) -> None:
        self.section("携带工具（出发前逐项勾选）")
        boxes = "    ".join(f"□ {t}" for t in self.result.settings["tools"])
        self.line(boxes, font_size=11)

