"""A small department for gcs brief, made in code in styles unlike the demo's: the plan in
two files (one per person), the sales as a UTF-8 CSV with half cartons, a store that sold
nothing one month, a visit after the brief's day (it must not count), a long name.

The rows are returned too, so that tests compute what a page must say on their own."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

from gcs_excel.demo import write_sales_csv
from gcs_excel.spec import load_specs
from gcs_excel.templates import write_workbook

DAY = dt.date(2026, 10, 20)
TODAY = dt.date(2026, 11, 27)
MONTHS = ("2026-06", "2026-07", "2026-08", "2026-09", "2026-10")   # 10: the visit's month, not in its window
LONG = "湖南省长沙市芙蓉区五一大道与八一路交汇处东南角步步高超市旗舰店（二十四小时营业）"
STORES = {  # licence -> customer, name, contact, customer manager
    "430102200001": ("JT0001", LONG, "江娜英", "刘洋"),
    "430102200002": ("JT0001", "步步高八一路店", "付静", "刘洋"),
    "430102200003": ("JT0002", "家润多韶山路店", "杨佳雪", "陈静"),
}
SKUS = {  # sku -> wholesale, guide, scarce, new
    "甲(硬)": (100.0, 120.0, "是", "否"),
    "乙(软)": (80.0, 90.0, "否", "否"),
    "丙(细支)": (60.0, 70.0, "否", "否"),
    "丁(硬)": (40.0, 50.0, "否", "否"),
    "新(中支)": (200.0, 240.0, "否", "是"),
}
# the catalogue the last visit saw: 甲 cheaper, 乙 a lower guide price, 戊 since withdrawn, 新 not yet there
PREVIOUS = {"甲(硬)": (95.0, 120.0, "是", "否"), "乙(软)": (80.0, 88.0, "否", "否"), "丙(细支)": (60.0, 70.0, "否", "否"),
            "丁(硬)": (40.0, 50.0, "否", "否"), "戊(软)": (30.0, 35.0, "否", "否")}


@dataclass
class BriefDept:
    """The files written and the rows behind them."""
    folder: Path
    files: list[Path]
    sales: list[dict]
    previous: Path
    extra: list[Path] = field(default_factory=list)     # allocation and notices workbooks, when made


def visit(day, person, role, kind, code, *, notice="否", content="", issues="") -> dict:
    """A visit-log row by field id."""
    return {"date": day, "person": person, "role": role, "target_type": kind, "target_code": code,
            "appointment": "是" if kind == "总部" else None, "scarce_notice": notice, "content": content,
            "issues": issues}


VISITS = [
    visit(dt.date(2026, 9, 25), "刘洋", "客户经理", "总部", "JT0001", content="商定十月订货", issues="订货频率偏低"),
    visit(dt.date(2026, 10, 8), "刘洋", "客户经理", "卖场", "430102200001", content="核对库存",
          issues="价签未及时更新"),
    visit(dt.date(2026, 10, 12), "刘洋", "客户经理", "卖场", "430102200001", notice="是", content="复查价签，递交告知"),
    visit(dt.date(2026, 10, 13), "王建国", "市场经理", "卖场", "430102200001", content="抽查服务"),
    visit(dt.date(2026, 10, 25), "刘洋", "客户经理", "卖场", "430102200001", content="月底复查", issues="不算：晚于拜访日"),
    visit(dt.date(2026, 10, 5), "陈静", "客户经理", "卖场", "430102200003", content="了解动销", issues="乙(软)断货"),
]


def plan(day, person, role, kind, code) -> dict:
    """A plan row by field id."""
    return {"date": day, "person": person, "role": role, "target_type": kind, "target_code": code,
            "appointment": "是" if kind == "总部" else None, "period": f"2026-10{'上' if day.day <= 15 else '下'}"}


def sales_rows(seed: int) -> list[dict]:
    """Every store × SKU × month, random volumes (some half cartons); 店2 sells nothing in 2026-08."""
    rng = random.Random(seed)
    rows = []
    for month in MONTHS:
        for licence, (customer, *_rest) in STORES.items():
            if licence == "430102200002" and month == "2026-08":
                continue
            for sku, (wholesale, *_p) in SKUS.items():
                if sku == "新(中支)" and month < "2026-09":
                    continue
                volume = rng.randint(0, 60) + (0.5 if rng.random() < 0.2 else 0)
                rows.append({"month": month, "customer": customer, "licence": licence, "sku": sku,
                             "volume": volume, "amount": round(volume * wholesale, 2)})
    return rows


def write_brief_department(folder: Path, seed: int = 7) -> BriefDept:
    """The department's files in folder."""
    tpl = load_specs().template
    folder.mkdir(parents=True, exist_ok=True)
    staff = [{"staff_no": "01", "name": "王建国", "role": "市场经理"}, {"staff_no": "02", "name": "刘洋", "role": "客户经理"},
             {"staff_no": "03", "name": "陈静", "role": "客户经理"}]
    hq_base = {"uscc": "91350200776049653A", "legal_rep": "张建华", "address": "长沙市芙蓉区五一大道1号",
               "order_phone": "0731-84561234", "order_frequency": "每周一次", "bank": "工行",
               "bank_account": "1901002309024512345", "planned_volume": 100, "buyer": "李晓梅",
               "buyer_phone": "13907311234", "mm": "王建国", "status": "正常"}
    hq = [dict(hq_base, code="JT0001", name="湖南步步高连锁超市有限公司", cm="刘洋"),
          dict(hq_base, code="JT0002", name="长沙家润多超市有限公司", cm="陈静", buyer="顾秀海")]
    stores = [{"licence": k, "customer": c, "name": n, "category": "便利店", "address": f"长沙市芙蓉区八一路{i}号",
               "area": "芙蓉片区", "contact": who, "phone": "13807315678", "monthly_volume": 100, "cm": cm,
               "status": "正常"} for i, (k, (c, n, who, cm)) in enumerate(STORES.items(), start=1)]
    mine = [dict(plan(DAY, "刘洋", "客户经理", "卖场", "430102200001"), purpose="复查价签，\n递交告知书"),
            plan(DAY, "刘洋", "客户经理", "总部", "JT0001"),
            plan(dt.date(2026, 10, 8), "刘洋", "客户经理", "卖场", "430102200001")]
    theirs = [plan(DAY, "王建国", "市场经理", "卖场", "430102200001"), plan(DAY, "陈静", "客户经理", "卖场", "430102200003")]
    catalogue = [{"sku": k, "brand": k[0], "price_class": "二类", "wholesale_price": w, "retail_guide": g,
                  "scarce": s, "new": n} for k, (w, g, s, n) in SKUS.items()]
    previous = [{"sku": k, "brand": k[0], "price_class": "二类", "wholesale_price": w, "retail_guide": g,
                 "scarce": s, "new": n} for k, (w, g, s, n) in PREVIOUS.items()]
    rows = sales_rows(seed)
    files = [
        write_workbook(tpl("staff"), folder / "人员名单.xlsx", data={"staff": staff}),
        write_workbook(tpl("hq"), folder / "总部档案.xlsx", data={"hq": hq}),
        write_workbook(tpl("stores"), folder / "卖场明细表.xlsx", data={"stores": stores}),
        write_workbook(tpl("plan"), folder / "刘洋_拜访计划.xlsx", data={"plan": mine}),
        write_workbook(tpl("plan"), folder / "拜访计划_其他人.xlsx", data={"plan": theirs}),
        write_workbook(tpl("visits"), folder / "拜访记录.xlsx", data={"visits": VISITS}),
        write_workbook(tpl("catalogue"), folder / "卷烟规格.xlsx", data={"catalogue": catalogue}),
        write_sales_csv(rows, folder / "销售数据.csv", encoding="utf-8"),
    ]
    (folder / "上次").mkdir(exist_ok=True)
    prev = write_workbook(tpl("catalogue"), folder / "上次" / "卷烟规格.xlsx", data={"catalogue": previous})
    return BriefDept(folder, files, rows, prev)
