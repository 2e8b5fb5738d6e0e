"""Workbooks typed by hand, as careful clerks keep them: test data made in code.

A small department (staff, three chains, five stores, a month's plan and visits, targets
and sales) is written once plainly by the template writer. A case replaces one or more of
its workbooks with a hand-typed one (openpyxl, in styles unlike the demo's): title rows
above the header, headers with a required-marker, phones written in groups or with the
area code in brackets, notes with line breaks, dates as real dates in Chinese formats,
blank rows between blocks, sheets added beside the data, an extra column at the end.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from gcs_excel.demo import write_sales_csv
from gcs_excel.demo.people import Ids
from gcs_excel.spec import load_specs
from gcs_excel.templates import bundled_catalogue, write_workbook

MONTH = "2026-10"
D = dt.datetime


def department() -> dict[str, list[dict[str, Any]]]:
    """The clean small department, rows by field id per sheet id."""
    ids = Ids(random.Random(7))
    staff = [
        {"staff_no": "0012", "name": "王建国", "role": "市场经理", "area": "芙蓉片区",
         "email": "wangjg@cs-tobacco.cn", "mobile": "13907311234"},
        {"staff_no": "0019", "name": "刘洋", "role": "客户经理", "area": "芙蓉片区",
         "email": "liuyang@cs-tobacco.cn", "mobile": "13974561234"},
        {"staff_no": "0023", "name": "陈静", "role": "客户经理", "area": "天心片区",
         "email": "chenjing@cs-tobacco.cn", "mobile": "15873101234"},
    ]
    chains = (("JT0001", "湖南步步高连锁超市有限公司", "刘洋"), ("JT0002", "湖南家润多超市有限公司", "陈静"),
              ("JT0003", "华润万家生活超市（长沙）有限公司", "刘洋"))
    hq = [{"code": code, "name": name, "uscc": ids.uscc("430102"), "legal_rep": ids.name(3),
           "legal_rep_id": ids.resident_id("430102"), "address": f"长沙市芙蓉区五一大道 {300 + k} 号",
           "order_phone": f"0731-8456{1230 + k}", "order_frequency": "每周一次", "bank": "中国工商银行长沙芙蓉支行",
           "bank_account": ids.bank_account(), "planned_volume": 1200 + 100 * k, "buyer": ids.name(3),
           "buyer_phone": f"1390731{1230 + k}", "mm": "王建国", "cm": cm, "joined": D(2024, 3, 15 + k),
           "status": "正常", "buyer_email": f"buyer{k}@example.cn"}
          for k, (code, name, cm) in enumerate(chains)]
    shops = (("430102200011", "JT0001", "步步高五一广场店", "芙蓉片区", "刘洋"),
             ("430102200012", "JT0001", "步步高八一路店", "芙蓉片区", "刘洋"),
             ("430103200021", "JT0002", "家润多书院路店", "天心片区", "陈静"),
             ("430103100022", "JT0002", "家润多友谊路店", "天心片区", "陈静"),
             ("430102200013", "JT0003", "华润万家解放西路店", "芙蓉片区", "刘洋"))
    stores = [{"licence": lic, "customer": c, "name": name, "category": "便利店",
               "address": f"长沙市{area[:2]}区某路 {k + 1} 号", "area": area, "contact": ids.name(2),
               "phone": f"1380731{5670 + k}", "monthly_volume": 300 + 20 * k, "cm": cm, "status": "正常"}
              for k, (lic, c, name, area, cm) in enumerate(shops)]
    catalogue = [dict(r, wholesale_price=float(r["wholesale_price"]), retail_guide=float(r["retail_guide"]))
                 for r in bundled_catalogue()]
    plan = [
        {"date": D(2026, 10, 9), "person": "刘洋", "role": "客户经理", "target_type": "总部", "target_code": "JT0001",
         "target_name": "湖南步步高连锁超市有限公司", "appointment": "是", "purpose": "约见采购负责人", "period": "2026-10上"},
        {"date": D(2026, 10, 12), "person": "刘洋", "role": "客户经理", "target_type": "卖场",
         "target_code": "430102200011", "target_name": "步步高五一广场店", "appointment": "否",
         "purpose": "递交紧俏货源告知书", "period": "2026-10上"},
        {"date": D(2026, 10, 20), "person": "陈静", "role": "客户经理", "target_type": "卖场",
         "target_code": "430103200021", "target_name": "家润多书院路店", "appointment": "否",
         "purpose": "回访上次发现的问题", "period": "2026-10下"},
    ]
    visits = [
        {"date": D(2026, 10, 9), "person": "刘洋", "role": "客户经理", "target_type": "总部", "target_code": "JT0001",
         "appointment": "是", "scarce_notice": "否", "content": "约见采购负责人", "issues": "无"},
        {"date": D(2026, 10, 12), "person": "刘洋", "role": "客户经理", "target_type": "卖场",
         "target_code": "430102200011", "appointment": "否", "scarce_notice": "是", "content": "递交告知书",
         "issues": "无"},
        {"date": D(2026, 10, 21), "person": "王建国", "role": "市场经理", "target_type": "卖场",
         "target_code": "430103200021", "appointment": "否", "scarce_notice": "否", "content": "抽查",
         "issues": "无"},
    ]
    observations = [
        {"date": D(2026, 10, 12), "person": "刘洋", "licence": "430102200011", "sku": "中华(硬)", "on_shelf": "是",
         "retail_price": 450.0, "stock": 12},
        {"date": D(2026, 10, 12), "person": "刘洋", "licence": "430102200011", "sku": "芙蓉王(硬)", "on_shelf": "否",
         "stock": 0},
        {"date": D(2026, 10, 21), "person": "王建国", "licence": "430103200021", "sku": "利群(新版)", "on_shelf": "是",
         "retail_price": 160.0, "stock": 30},
    ]
    targets = [{"month": MONTH, "customer": c, "target_volume": 1000 + 100 * k}
               for k, (c, _, _) in enumerate(chains)]
    sales = [{"month": MONTH, "customer": s["customer"], "licence": s["licence"], "sku": sku,
              "volume": 10 + k, "amount": round((10 + k) * price, 2)}
             for k, s in enumerate(stores) for sku, price in (("中华(硬)", 381.6), ("利群(新版)", 136.0))]
    meetings = [
        {"date": D(2026, 10, 9), "type": "日例会", "area": "芙蓉片区", "chair": "王建国", "attendees": "王建国、刘洋",
         "topics": "近日工作重点", "minutes": "刘洋本周递交紧俏货源告知书"},
        {"date": D(2026, 10, 9), "type": "周会", "area": "芙蓉片区", "chair": "王建国",
         "attendees": "王建国、刘洋、陈静、赵立新", "monopoly": "是", "monopoly_staff": "赵立新",
         "topics": "上周销售和问题\n下周工作安排", "minutes": "步步高八一路店价签缺失，专卖下周检查"},
        {"date": D(2026, 10, 23), "type": "座谈会", "area": "集团客户部", "chair": "王建国",
         "attendees": "王建国、刘洋、陈静", "customers": "JT0001、JT0002、JT0003", "topics": "半年业务总结",
         "minutes": "客户希望紧俏货源提前告知"},
    ]
    meeting_items = [
        {"meeting_date": D(2026, 10, 9), "meeting_type": "周会", "area": "芙蓉片区",
         "item": "步步高八一路店价签整改回访", "owner": "刘洋", "due": D(2026, 10, 16), "done": "是",
         "done_date": D(2026, 10, 15)},
        {"meeting_date": D(2026, 10, 23), "meeting_type": "座谈会", "area": "集团客户部",
         "item": "紧俏货源提前一周告知各总部", "owner": "陈静", "due": D(2026, 11, 30), "done": "否"},
    ]
    return {"staff": staff, "hq": hq, "stores": stores, "catalogue": catalogue, "plan": plan, "visits": visits,
            "observations": observations, "targets": targets, "sales": sales, "meetings": meetings,
            "meeting_items": meeting_items}


# --- the hand-typed workbook ----------------------------------------------------------------
THIN = Side(style="thin", color="FF999999")


@dataclass
class Sheet:
    """One sheet as a clerk typed it. rows: by field id, values as typed."""
    sheet_id: str
    rows: list[dict[str, Any]]
    name: str | None = None                         # default: the template's sheet name
    title: tuple[str, ...] = ()                     # lines above the header; the first merged across
    headers: dict[str, str] = field(default_factory=dict)   # field id -> header as typed
    order: list[str] | None = None                  # field ids, left to right
    front: dict[str, list] = field(default_factory=dict)    # columns typed before the template's
    extra: dict[str, list] = field(default_factory=dict)    # columns appended after the template's
    formats: dict[str, str] = field(default_factory=dict)   # field id -> number format
    widths: dict[str, float] = field(default_factory=dict)  # field id -> column width
    blank_after: tuple[int, ...] = ()               # a blank row after these data rows (0-based)
    styled: bool = True                             # fonts, fills, borders, freeze panes, filter
    hidden: bool = False


def write_book(path: Path, *sheets: Sheet | tuple[str, list[list[Any]]], hidden: tuple[str, ...] = ()) -> Path:
    """A workbook of hand-typed sheets; a (name, rows) tuple is a sheet the clerk added."""
    specs = load_specs()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        if isinstance(sheet, tuple):
            name, rows = sheet
            ws = wb.create_sheet(name)
            for row in rows:
                ws.append(row)
            if name in hidden:
                ws.sheet_state = "hidden"
            continue
        _write_sheet(wb, sheet, specs.sheet(sheet.sheet_id))
    wb.save(path)
    return path


def _write_sheet(wb, s: Sheet, spec) -> None:
    ws = wb.create_sheet(s.name or spec.name)
    order = s.order or list(spec.ids)
    columns = [(h, None, vals) for h, vals in s.front.items()]
    columns += [(s.headers.get(fid, spec.header(fid)), spec.field(fid), fid) for fid in order]
    columns += [(h, None, vals) for h, vals in s.extra.items()]
    r = 1
    for k, line in enumerate(s.title):
        ws.cell(row=r, column=1, value=line)
        if k == 0:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(columns))
            ws.cell(row=r, column=1).font = Font(bold=True, size=14)
            ws.cell(row=r, column=1).alignment = Alignment(horizontal="center")
        r += 1
    header_row = r
    for c, (head, _, _) in enumerate(columns, start=1):
        cell = ws.cell(row=r, column=c, value=head)
        if s.styled:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="FFDDEBF7")
            cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    for i, row in enumerate(s.rows):
        r += 1
        for c, (_, f, source) in enumerate(columns, start=1):
            value = row.get(source) if f is not None else (source[i] if i < len(source) else None)
            _put(ws.cell(row=r, column=c), value, f, s.formats.get(f.id) if f is not None else None)
        if i in s.blank_after:
            r += 1
    for c, (_, f, _) in enumerate(columns, start=1):
        width = s.widths.get(f.id) if f is not None else None
        ws.column_dimensions[get_column_letter(c)].width = width or (f.width + 2 if f is not None else 16)
    if s.styled:
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{max(r, header_row + 1)}"
    if s.hidden:
        ws.sheet_state = "hidden"


def _put(cell, value, f, number_format: str | None) -> None:
    if value is None:
        return
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"            # typed text, whatever it starts with
        if "\n" in value:
            cell.alignment = Alignment(wrap_text=True)
    if isinstance(value, (dt.date, dt.datetime)):
        cell.number_format = number_format or "yyyy-mm-dd"
    elif number_format:
        cell.number_format = number_format
    elif f is not None and (f.code or f.type == "text") and isinstance(value, str):
        cell.number_format = "@"        # a careful clerk formats code columns as text


# --- a department on disk with some workbooks replaced -----------------------------------------
WORKBOOKS = {"staff": "人员名单.xlsx", "hq": "总部档案.xlsx", "stores": "卖场明细表.xlsx",
             "catalogue": "卷烟规格.xlsx", "plan": "拜访计划.xlsx", "visits": "拜访记录.xlsx",
             "targets": "销售目标.xlsx", "sales": "销售数据.csv", "meetings": "会议记录.xlsx"}
Writer = Callable[[Path, dict[str, list[dict[str, Any]]]], Path]


def write_department(folder: Path, replaced: dict[str, Writer], change: Callable[[dict], None] | None = None) -> list[Path]:
    """The department in folder: each workbook plain (one sheet per template sheet, no
    styling), or written by its replacement, which gets the path and the department's
    rows and may return None (its sheets live in another workbook). change edits the
    rows first."""
    tables = department()
    if change is not None:
        change(tables)
    specs = load_specs()
    paths = []
    for template_id, name in WORKBOOKS.items():
        path = folder / name
        if template_id in replaced:
            path = replaced[template_id](path, tables)
        elif template_id == "sales":
            path = write_sales_csv(tables["sales"], path)
        else:
            path = write_book(path, *(Sheet(s.id, tables[s.id], styled=False)
                                      for s in specs.template(template_id).sheets))
        if path is not None:
            paths.append(path)
    return paths


def write_templates(folder: Path) -> list[Path]:
    """The same department written by the template writer (gcs templates with data)."""
    tables = department()
    specs = load_specs()
    paths = [write_sales_csv(tables["sales"], folder / WORKBOOKS["sales"])]
    for t in specs.templates:
        if t.id != "sales":
            paths.append(write_workbook(t, folder / WORKBOOKS[t.id], data={s.id: tables[s.id] for s in t.sheets}))
    return paths


def rows_with(rows: list[dict], **by_index: dict) -> list[dict]:
    """A copy of rows with some rows changed: rows_with(rows, r1={"phone": ...})."""
    out = copy.deepcopy(rows)
    for key, changes in by_index.items():
        out[int(key[1:])].update(changes)
    return out


def sales_csv(path: Path, rows: list[dict], *, encoding: str = "utf-8-sig", newline: str = "\r\n") -> Path:
    """Sales as an ordering system exports them, in the given encoding and line ends."""
    spec = load_specs().sheet("sales")
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, lineterminator=newline)
        w.writerow(spec.headers)
        for r in rows:
            w.writerow([r[f] for f in spec.ids])
    return path
