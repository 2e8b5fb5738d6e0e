"""The typical mistakes people make in these workbooks, injected into a copy of the demo
department. Each mistake is expected to give exactly one problem of a known code: the
demo shows them, and a test checks that validation finds each one and nothing else."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..spec import Specs, load_specs
from ..templates import Formula
from .department import Department


@dataclass
class Mistakes:
    """The department with typical mistakes planted, and the (sheet, code, what) each must give."""
    tables: dict[str, list[dict[str, Any]]]
    merges: dict[str, list[tuple]] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    expected: list[tuple[str, str, str]] = field(default_factory=list)   # (sheet id, code, what)


def _row_of(rows: list[dict], pred) -> int:
    return next(i for i, r in enumerate(rows) if pred(r))


def inject(dep: Department, *, today: dt.date, specs: Specs | None = None) -> Mistakes:
    """Copy the department's rows and plant the typical mistakes, each recorded as expected."""
    specs = specs or load_specs()
    t = copy.deepcopy(dep.tables)
    m = Mistakes(t)

    def expect(sheet: str, code: str, what: str) -> None:
        m.expected.append((sheet, code, what))

    label = specs.label
    hq, stores, staff = t["hq"], t["stores"], t["staff"]
    # --- 总部档案 ------------------------------------------------------------------
    m.headers["hq"] = {"uscc": "统一信用代码"}
    expect("hq", "header_renamed", "表头写成了“统一信用代码”")
    u = hq[0]["uscc"]
    hq[0]["uscc"] = u[:10] + "O" + u[11:] if u[10] != "O" else u[:10] + "I" + u[11:]
    expect("hq", "uscc_invalid", "统一社会信用代码里把 0 打成了字母 O")
    u = hq[1]["uscc"]
    hq[1]["uscc"] = u[:17] + ("1" if u[17] != "1" else "2")
    expect("hq", "uscc_checksum", "统一社会信用代码最后一位抄错")
    i = _row_of(hq, lambda r: r["legal_rep_id"][-1] != "X")
    hq[i]["legal_rep_id"] = float(hq[i]["legal_rep_id"])
    expect("hq", "digits_lost", "身份证号存成了数字，后 3 位丢失")
    a = hq[3]["bank_account"]
    hq[3]["bank_account"] = " ".join(a[k:k + 4] for k in range(0, len(a), 4))
    expect("hq", "stray_whitespace", "银行帐号每 4 位加了空格")
    hq[4]["code"] = hq[4]["code"].lower()
    expect("hq", "pattern_mismatch", "客户编码用了小写字母（卖场仍能对上，不连带报错）")
    hq[5]["order_phone"] = hq[5]["order_phone"] + "/" + hq[5]["buyer_phone"]
    expect("hq", "phone_invalid", "订货电话一格填了两个号码")
    hq[6]["buyer_email"] = hq[6]["buyer_email"].replace("@", "")
    expect("hq", "email_invalid", "邮箱漏了 @")
    hq[7]["mm"] = "王建军"
    expect("hq", "ref_missing", "市场经理不在人员名单里")
    hq[8]["status"] = hq[8]["status"] + " "
    expect("hq", "stray_whitespace", "状态后面多了空格")
    j = hq[9]["joined"]
    hq[9]["joined"] = f"{j.year}年{j.month}月{j.day}日"
    expect("hq", "date_as_text", "入网日期写成了文字")
    hq[10]["order_frequency"] = "每周1次"
    expect("hq", "enum_invalid", "订货频率不是下拉列表里的写法")

    # --- 卖场明细表 (all stores below belong to the first HQ, which has 22) -------------
    stores[0]["licence"] = float(stores[0]["licence"])
    expect("stores", "stored_as_number", "专卖证号存成了数字（位数还在）")
    stores[1]["licence"] = stores[1]["licence"].translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    expect("stores", "fullwidth_chars", "专卖证号用了全角数字")
    stores[2]["licence"] = f"{float(stores[2]['licence']):.5E}"
    expect("stores", "scientific_notation_text", "专卖证号是科学计数法文本，后几位已丢失")
    stores.append(copy.deepcopy(stores[4]))
    expect("stores", "duplicate_key", "同一个卖场录了两遍")
    stores[5]["customer"] = "JT0099"
    expect("stores", "ref_missing", "客户编码在总部档案里不存在")
    stores[6]["category"] = "超市"
    expect("stores", "enum_invalid", "客户类别不是下拉列表里的写法")
    col = specs.sheet("stores").ids.index("customer")
    m.merges["stores"] = [(8, col, 10, col, stores[7]["customer"])]   # rows 9–11 (Excel)
    for k in (7, 8, 9):
        stores[k].pop("customer")
    expect("stores", "merged_cells", "客户编码合并了单元格")
    stores[10]["phone"] = float("731" + "84561234")
    expect("stores", "leading_zeros_lost", "座机号码存成数字，开头的 0 丢了")
    stores[11]["monthly_volume"] = "300条"
    expect("stores", "not_a_number", "月销量写成了“300条”")
    stores[12]["monthly_volume"] = f"{1200:,}"
    expect("stores", "number_as_text", "月销量是文本形式的数字")
    stores[13]["cm"] = next(r["name"] for r in staff if r["role"] == label("staff", "role", "mm"))
    expect("stores", "ref_mismatch", "客户经理填成了一位市场经理")
    addr = stores[14]["address"]
    stores[14]["address"] = addr[:6] + "\n" + addr[6:]
    expect("stores", "line_break", "地址里有 Alt+Enter 换行")

    # --- 人员名单 ---------------------------------------------------------------------
    staff[0]["staff_no"] = float(staff[0]["staff_no"])
    expect("staff", "stored_as_number", "工号存成了数字，开头的 0 丢了")
    staff[2]["mobile"] = staff[2]["mobile"][:10]
    expect("staff", "mobile_invalid", "手机号少了一位")

    # --- 拜访计划 ---------------------------------------------------------------------
    plan = t["plan"]
    hq_label = label("plan", "target_type", "hq")
    i = _row_of(plan, lambda r: r["date"].day > 15 and r["target_type"] != hq_label)
    plan[i]["period"] = plan[i]["period"].replace("下", "上")
    expect("plan", "plan_period_mismatch", "下半月的计划写成了上半月")
    i = _row_of(plan, lambda r: r["target_type"] == hq_label)
    plan[i]["appointment"] = label("plan", "appointment", "no")
    expect("plan", "conditional_value", "总部拜访没有预约")
    i = _row_of(plan, lambda r: r["target_type"] != hq_label and r["date"].day > 3)
    plan[i]["target_name"] = plan[i]["target_name"][:-2] + "新店"
    expect("plan", "name_mismatch", "对象名称与卖场明细表不一致")

    # --- 拜访记录 / 品牌采集 ---------------------------------------------------------------
    visits = t["visits"]
    store_label = label("visits", "target_type", "store")
    stores_of_visits = [k for k, r in enumerate(visits) if r["target_type"] == store_label]
    visits[stores_of_visits[0]]["date"] = today + dt.timedelta(days=30)
    expect("visits", "date_in_future", "拜访日期晚于今天")
    d = visits[stores_of_visits[1]]["date"]
    visits[stores_of_visits[1]]["date"] = f"{d.year}.{d.month}.{d.day}"
    expect("visits", "date_as_text", "拜访日期写成了“年.月.日”文字")
    v = visits[stores_of_visits[2]]
    v["target_code"] = Formula("=VLOOKUP(B5,卖场明细表!A:C,1,FALSE)", v["target_code"])
    expect("visits", "formula_in_data", "对象编码是 VLOOKUP 公式")
    visits[stores_of_visits[3]]["target_code"] = Formula("=VLOOKUP(B6,卖场明细表!A:C,1,FALSE)", "#N/A")
    expect("visits", "error_value", "对象编码是 #N/A")
    k = next(k for k in stores_of_visits[4:] if visits[k]["role"] == label("visits", "role", "cm"))
    visits[k]["role"] = label("visits", "role", "mm")
    expect("visits", "ref_mismatch", "客户经理的拜访把岗位写成了市场经理")
    obs = t["observations"]
    i = _row_of(obs, lambda r: r["sku"] == "中华(硬)")
    obs[i]["sku"] = "中华（硬）"
    expect("observations", "ref_missing", "卷烟规格用了全角括号，和目录对不上")
    i = _row_of(obs, lambda r: r["retail_price"])
    obs[i]["retail_price"] = 0
    expect("observations", "out_of_range", "零售价填了 0")

    # --- 卷烟规格、销售目标、销售数据 ------------------------------------------------------
    cat = t["catalogue"]
    cat[-1]["retail_guide"] = cat[-1]["wholesale_price"] - 4.5
    expect("catalogue", "less_than_field", "零售指导价低于批发价")
    tg = t["targets"]
    y, mo = map(int, tg[-1]["month"].split("-"))
    tg[-1]["month"] = dt.date(y, mo, 1)
    expect("targets", "month_as_date", "月份被 Excel 转成了日期")
    sales = t["sales"]
    other_hq = hq[2]["code"]
    i = _row_of(sales, lambda r: r["customer"] == hq[1]["code"])
    sales[i]["customer"] = other_hq
    expect("sales", "ref_mismatch", "销售行的客户编码与卖场所属客户不一致")
    i = _row_of(sales, lambda r: r["customer"] == hq[3]["code"])
    sales[i]["volume"] = -5
    expect("sales", "out_of_range", "销量是负数")
    sales.append(dict(sales[_row_of(sales, lambda r: r["customer"] == hq[6]["code"])]))
    expect("sales", "duplicate_key", "同一卖场同一规格同一月份出现两行")
    return m
