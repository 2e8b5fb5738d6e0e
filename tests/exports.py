"""Exports of other systems, made in code as those systems write them (for `gcs fill`):
the ordering system's sales detail and the company's retailer list. GBK CSV with a title
line above the headers, 箱 and 件 units, yyyymm months and yyyy/m/d dates, extra columns."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Mapping

SALES_HEADERS = ["序号", "统计月份", "连锁编码", "许可证号", "零售户名称", "卷烟编码", "卷烟名称",
                 "销量(箱)", "单价(元/条)", "金额(元)"]
RETAILER_HEADERS = ["序号", "许可证号", "零售户名称", "经营业态", "经营地址", "所属市场部", "负责人", "联系电话",
                    "月均订货量(件)", "连锁企业编码", "客户经理", "许可证状态", "发证日期", "档位"]
# the template's 客户类别 and 状态 as the retailer list writes them (the shipped mapping's inverse)
CATEGORY = {"大型商超": "商场", "中型超市": "超市", "小型超市": "食杂店", "便利店": "便利店", "其他": "其他"}
STATUS = {"正常": "有效", "暂停": "暂停经营", "退出": "注销"}


def in_units(count: Any, per: int) -> str:
    """A count of 条 in a bigger unit, written exactly (36 条 = 0.144 箱)."""
    return f"{(Decimal(count) / per).normalize():f}"


def write_export(path: Path, title: str, headers: list[str], rows: Iterable[list[Any]],
                 encoding: str = "gbk") -> Path:
    """A CSV as these systems write it: a title line, the headers, the rows."""
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow([title])
        w.writerow(headers)
        w.writerows(rows)
    return path


def sales_rows(sales: list[Mapping[str, Any]], names: Mapping[str, str]) -> list[list[Any]]:
    """Sales rows (by field id) as the ordering system's columns."""
    return [[n, r["month"].replace("-", ""), r["customer"], r["licence"], names.get(r["licence"], ""),
             f"69{n:011d}", r["sku"], in_units(r["volume"], 250),
             f"{r['amount'] / r['volume']:.2f}", f"{r['amount']:.2f}"]
            for n, r in enumerate(sales, start=1)]


def write_sales_export(path: Path, sales: list[Mapping[str, Any]], names: Mapping[str, str] | None = None,
                       encoding: str = "gbk") -> Path:
    """The ordering system's 零售户卷烟销售明细 of some sales rows."""
    month = sales[0]["month"] if sales else "2026-10"
    return write_export(path, f"长沙市烟草公司 零售户卷烟销售明细（{month[:4]}年{int(month[5:])}月）",
                        SALES_HEADERS, sales_rows(sales, names or {}), encoding)


def retailer_rows(stores: list[Mapping[str, Any]]) -> list[list[Any]]:
    """Store rows (by field id) as the retailer list's columns."""
    return [[n, s["licence"], s["name"], CATEGORY[s["category"]], s["address"], s["area"], s["contact"],
             s["phone"], in_units(s["monthly_volume"], 50), s["customer"], s["cm"], STATUS[s["status"]],
             f"{2015 + n % 10}/{n % 12 + 1}/{n % 28 + 1}", f"{n % 30 + 1}档"]
            for n, s in enumerate(stores, start=1)]


def write_retailer_list(path: Path, stores: list[Mapping[str, Any]], encoding: str = "gbk") -> Path:
    """The company's 零售户名单 of some stores."""
    today = dt.date(2026, 11, 1)
    return write_export(path, f"长沙市烟草专卖局 零售户名单（导出时间 {today.year}/{today.month}/{today.day}）",
                        RETAILER_HEADERS, retailer_rows(stores), encoding)
