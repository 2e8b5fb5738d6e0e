"""The department's sales report (销售报表_<YYYY-MM>.xlsx): all customers side by side —
volume, amount, MoM, YoY, target, attainment, rank — with subtotals per customer manager
and market manager and a grand total (ratios of subtotals from their sums)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..writing import atomic_output
from ..xlsx_style import header_row, new_workbook, print_setup
from .analysis import CARTONS_PER_CASE, divide, ratio
from .names import month_words
from .sheets import NUMBER_FORMATS, Formats

COLUMNS = [("市场经理", 10, "text"), ("客户经理", 10, "text"), ("客户编码", 10, "text"), ("客户名称", 30, "text"),
           ("销量(条)", 12, "int"), ("销量(箱)", 10, "box"), ("销售额(元)", 16, "yuan"), ("环比", 9, "signed"),
           ("同比", 9, "signed"), ("目标(条)", 12, "int"), ("达成率", 9, "pct"), ("排名", 6, "int")]


KEYS = ["volume", "boxes", "amount", "mom", "yoy", "target", "attainment", "rank"]
SUBTOTAL_CM, SUBTOTAL_MM, TOTAL = "#DDEBF7", "#BDD7EE", "#9BC2E6"


def _sum(rows: list[dict[str, Any]]) -> dict[str, Any]:
    v = sum(r["volume"] for r in rows)
    vp = sum(r["volume_prev"] for r in rows)
    vy = sum(r["volume_last_year"] for r in rows)
    targets = [r["target"] for r in rows if r["target"]]
    target = sum(targets) if targets else None
    return {"volume": v, "boxes": v / CARTONS_PER_CASE, "amount": sum(r["amount"] for r in rows),
            "mom": ratio(v, vp), "yoy": ratio(v, vy), "target": target,
            "attainment": divide(v, target) if len(targets) == len(rows) else None}


def ranked(customers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rank by volume (1 = the largest); equal volumes share a rank."""
    order = sorted(customers, key=lambda r: -r["volume"])
    rank, last = 0, None
    for k, r in enumerate(order, start=1):
        if r["volume"] != last:
            rank, last = k, r["volume"]
        r["rank"] = rank
    return customers


def write_report(path: Path, customers: list[dict[str, Any]], month: str, inputs=()) -> Path:
    """customers: dicts with customer, name, cm, mm, volume, volume_prev, volume_last_year,
    amount, boxes, mom, yoy, target, attainment, rank."""
    with atomic_output(path, inputs) as tmp:
        wb = new_workbook(tmp)
        fmt = Formats(wb)
        ws = wb.add_worksheet("客户汇总")
        ws.write_string(0, 0, f"{month_words(month)} 集团客户销售报表", fmt.get(bold=True, font_size=16))
        ws.write_string(1, 0, "按市场经理、客户经理分组；小计和合计的环比、同比、达成率按合计数计算。",
                        fmt.get(font_color="#595959", italic=True))
        head = 3
        header_row(ws, head, [(title, width) for title, width, _ in COLUMNS], fmt.head)
        row = head + 1

        def line(values: dict[str, Any], labels: tuple[str, str, str, str], fill: str | None = None) -> None:
            nonlocal row
            text = fmt.cell("text") if fill is None else _style(fmt, fill, "text")
            for c, label in enumerate(labels):
                ws.write_string(row, c, label, text)
            for c, key in enumerate(KEYS, start=len(labels)):
                v = values.get(key)
                kind = COLUMNS[c][2]
                if v is None:
                    ws.write_string(row, c, "" if key == "rank" else "—",
                                    fmt.missing if fill is None else _style(fmt, fill, "text"))
                else:
                    ws.write_number(row, c, v, fmt.cell(kind) if fill is None else _style(fmt, fill, kind))
            row += 1

        by_mm: dict[str, dict[str, list[dict]]] = {}
        for r in sorted(customers, key=lambda r: (r["mm"] or "", r["cm"] or "", r["customer"])):
            by_mm.setdefault(r["mm"] or "", {}).setdefault(r["cm"] or "", []).append(r)
        for mm, by_cm in by_mm.items():
            for cm, rows in by_cm.items():
                for r in rows:
                    line(r, (mm, cm, r["customer"], r["name"]))
                line(_sum(rows), ("", f"{cm} 小计", "", ""), SUBTOTAL_CM)
            line(_sum([r for rows in by_cm.values() for r in rows]), (f"{mm} 小计", "", "", ""), SUBTOTAL_MM)
        line(_sum(customers), ("合计", "", "", f"{len(customers)} 个集团客户"), TOTAL)
        ws.freeze_panes(head + 1, 4)
        ws.autofilter(head, 0, row - 1, len(COLUMNS) - 1)
        print_setup(ws, repeat=head)
        wb.close()
    return path


def _style(fmt: Formats, fill: str, kind: str):
    """A subtotal row's cell: bold on a fill, with the column's number format."""
    return fmt.get(bold=True, num_format=NUMBER_FORMATS[kind], bg_color=fill, border=1, border_color="#BFBFBF")
