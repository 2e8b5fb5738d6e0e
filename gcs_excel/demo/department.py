"""A realistic, seeded department for the demo and the tests: staff, HQs with valid USCCs,
stores with licence numbers, a month of visit plans and visits with brand observations,
three years of sales over the catalogue's SKUs, and targets. Rows are keyed by field id;
every enum label comes from the spec."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from ..festivals import spring_festival_in
from ..spec import Specs, load_specs
from ..templates import bundled_catalogue
from ..values import month_of, months_ending, shift_month
from .people import DISTRICTS, Ids

CHAINS = [
    # (HQ name, short name, number of stores, store categories)
    ("湖南步步高连锁超市有限公司", "步步高超市", 22, ("hypermarket", "supermarket")),
    ("长沙家润多超市有限公司", "家润多", 18, ("hypermarket", "supermarket")),
    ("华润万家生活超市（长沙）有限公司", "华润万家", 16, ("hypermarket", "supermarket")),
    ("湖南友阿购物中心有限公司", "友阿", 15, ("hypermarket", "supermarket", "minimarket")),
    ("湖南新佳宜便利连锁有限公司", "新佳宜", 14, ("convenience",)),
    ("芙蓉兴盛连锁超市（长沙）有限公司", "芙蓉兴盛", 12, ("minimarket", "convenience")),
    ("湖南快乐惠便利店连锁有限公司", "快乐惠", 12, ("convenience",)),
    ("长沙美宜佳便利店有限公司", "美宜佳", 10, ("convenience",)),
    ("湖南罗森便利店有限公司", "罗森", 10, ("convenience",)),
    ("中国石化销售股份有限公司湖南长沙石油分公司", "易捷便利店", 9, ("convenience",)),
    ("中国石油天然气股份有限公司湖南长沙销售分公司", "昆仑好客", 7, ("convenience", "other")),
    ("长沙佳惠百货连锁有限公司", "佳惠超市", 5, ("supermarket", "minimarket")),
]
BANKS = ["中国工商银行长沙芙蓉支行", "中国建设银行长沙华兴支行", "中国农业银行长沙岳麓支行",
         "中国银行长沙开福支行", "长沙银行雨花支行", "交通银行湖南省分行"]
EMAIL_DOMAINS = ["bbg.com.cn", "jrd.cn", "crv.com.cn", "friendhm.com", "xinjiayi.cn", "frxs.com",
                 "klh.cn", "meiyijia.com.cn", "lawson.com.cn", "sinopec.com", "petrochina.com.cn", "jiahui.cn"]
STAFF = [("王建国", "mm"), ("李红梅", "mm"), ("刘洋", "cm"), ("陈静", "cm"), ("张伟", "cm"),
         ("赵敏", "cm"), ("周杰", "cm")]
PINYIN = {"王建国": "wangjianguo", "李红梅": "lihongmei", "刘洋": "liuyang", "陈静": "chenjing",
          "张伟": "zhangwei", "赵敏": "zhaomin", "周杰": "zhoujie"}
VISIT_CONTENT = ["告知本月紧俏货源，检查明码标价", "了解动销情况，核对库存", "宣传新品，收集消费者反馈",
                 "检查陈列和价签，提醒按指导价销售", "回访上次反馈的问题"]
VISIT_ISSUES = ["", "", "", "", "芙蓉王(硬)库存偏高", "中华(硬)断货 3 天", "价签未及时更新",
                "收银员不清楚新品价格"]
NEW_PRODUCT = "芙蓉王(硬中支)"
SALES_MONTHS = 36      # three years: the forecast's backtest against seasonal naive and its Spring Festival check
# What a customer manager notes for the 专卖 staff (the weekly pack's 专卖事项 picks these out by keyword).
COMPLIANCE_FINDINGS = ["未明码标价，已当场提醒整改", "店员说有人上门推销私烟，未收货"]
HQ_CONTENT = ["与购销负责人沟通本月订货计划", "通报货源和新品政策，听取客户意见",
              "核对上月销售和本月需求预测"]


@dataclass
class Department:
    """A generated department: rows by field id for each sheet of the templates."""
    month: str
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)   # sheet id -> rows

    def __getitem__(self, sheet_id: str) -> list[dict[str, Any]]:
        return self.tables[sheet_id]


class _Builder:
    def __init__(self, month: str, seed: int, today: dt.date, specs: Specs):
        self.month, self.today, self.specs = month, today, specs
        self.rng = random.Random(seed)
        self.ids = Ids(self.rng)
        self.dep = Department(month)

    def label(self, sheet: str, field_id: str, value_id: str) -> str:
        return self.specs.label(sheet, field_id, value_id)

    def build(self) -> Department:
        self.staff()
        self.hq()
        self.stores()
        self.dep.tables["catalogue"] = [self.catalogue_row(r) for r in bundled_catalogue(self.specs)]
        self.dep.tables["catalogue"].append(self.new_product())
        self.plan_and_visits()
        self.sales_and_targets()
        return self.dep

    def new_product(self) -> dict[str, Any]:
        """A demo new product (not in DOMAIN.md's list), on sale for the last three months."""
        def label(f, v):
            return self.label("catalogue", f, v)
        return {"sku": NEW_PRODUCT, "brand": "芙蓉王", "price_class": label("price_class", "class1"),
                "wholesale_price": 260.0, "retail_guide": 300.0, "scarce": label("scarce", "no"),
                "new": label("new", "yes")}

    def catalogue_row(self, row: dict[str, str]) -> dict[str, Any]:
        return {**row, "wholesale_price": float(row["wholesale_price"]),
                "retail_guide": float(row["retail_guide"])}

    def staff(self) -> None:
        rows = []
        for n, (name, role) in enumerate(STAFF):
            rows.append({
                "staff_no": f"{12 + n * 7:04d}", "name": name, "role": self.label("staff", "role", role),
                "area": DISTRICTS[n % len(DISTRICTS)][2], "email": f"{PINYIN[name]}@cs-tobacco.cn",
                "mobile": self.ids.mobile(),
            })
        self.dep.tables["staff"] = rows
        self.mms = [n for n, r in STAFF if r == "mm"]
        self.cms = [n for n, r in STAFF if r == "cm"]

    def hq(self) -> None:
        rows = []
        rng = self.rng
        for n, (name, _, _, _) in enumerate(CHAINS):
            district = DISTRICTS[n % len(DISTRICTS)]
            road = rng.choice(district[3])
            rows.append({
                "code": f"JT{n + 1:04d}", "name": name, "uscc": self.ids.uscc(district[0]),
                "legal_rep": self.ids.name(3), "legal_rep_id": self.ids.resident_id(district[0]),
                "address": f"长沙市{district[1]}{road}{rng.randrange(1, 600)}号",
                "order_phone": self.ids.landline(),
                "order_frequency": self.label("hq", "order_frequency",
                                              rng.choice(("twice_weekly", "weekly", "weekly", "biweekly"))),
                "bank": rng.choice(BANKS), "bank_account": self.ids.bank_account(),
                "planned_volume": 0, "buyer": self.ids.name(), "buyer_phone": self.ids.mobile(),
                "mm": self.mms[n % len(self.mms)], "cm": self.cms[n % len(self.cms)],
                "joined": dt.date(2018 + n % 7, 1 + n % 12, 1 + (n * 3) % 28),
                "status": self.label("hq", "status", "paused" if n == 11 else "active"),
                "buyer_email": f"purchase{n + 1:02d}@{EMAIL_DOMAINS[n]}",
            })
        self.dep.tables["hq"] = rows

    def stores(self) -> None:
        rows = []
        rng = self.rng
        for hq, (_, short, count, kinds) in zip(self.dep["hq"], CHAINS):
            total = 0
            for k in range(count):
                district = DISTRICTS[(k + len(rows)) % len(DISTRICTS)]
                road = rng.choice(district[3])
                volume = rng.randrange(60, 900) if kinds[0] != "convenience" else rng.randrange(40, 300)
                total += volume
                rows.append({
                    "licence": self.ids.licence(district[0], "2"), "customer": hq["code"],
                    "name": f"{short}{road}{'店' if k % 3 else '分店'}{k + 1}号",
                    "category": self.label("stores", "category", kinds[k % len(kinds)]),
                    "address": f"长沙市{district[1]}{road}{rng.randrange(1, 800)}号",
                    "area": district[2], "contact": self.ids.name(), "phone": self.ids.mobile(),
                    "monthly_volume": volume, "cm": hq["cm"],
                    "status": self.label("stores", "status", "paused" if len(rows) % 53 == 7 else "active"),
                })
            hq["planned_volume"] = round(total * 1.1, -1)
        self.dep.tables["stores"] = rows

    # -- a month of plans (by the planner) and of visits that mostly follow them --------
    def plan_and_visits(self) -> None:
        from ..dept import department_from_rows
        from ..planner import Planner
        from ..rules import load_rules

        dept = department_from_rows({k: self.dep[k] for k in ("staff", "hq", "stores")}, self.specs)
        planner = Planner(dept, self.month, load_rules())
        plan = [r for p in dept.roster() for r in planner.plan(p)]
        visits, obs = [], []
        store = self.label("visits", "target_type", "store")
        cm = self.label("visits", "role", "cm")
        for row in plan:
            if row["date"] > self.today:
                continue
            visits.append(self._visit_row(row))
            if row["role"] == cm and row["target_type"] == store:
                obs.extend(self._observations(row))
        self._deviations(plan, visits)
        self.dep.tables["plan"] = plan
        self.dep.tables["visits"] = visits
        self.dep.tables["observations"] = obs

    def _deviations(self, plan: list[dict], visits: list[dict]) -> None:
        """What happens in a real month, so that the quota check has something to say:
        visits missed, a notice not handed over, an HQ visit without appointment, a short
        trip day, a visit outside the plan, two findings for the 专卖 staff in the week the
        weekly pack reviews. (Business findings, not data mistakes.)"""
        from ..weekly_pack import meeting_week, parse_week

        store = self.label("visits", "target_type", "store")
        hq = self.label("visits", "target_type", "hq")
        no = self.label("visits", "scarce_notice", "no")
        cms = sorted(self.cms)
        mine = lambda name, kind: [v for v in visits if v["person"] == name and v["target_type"] == kind]  # noqa: E731
        for v in mine(cms[0], store)[-2:]:            # two stores not visited
            visits.remove(v)
        mine(cms[1], store)[3]["scarce_notice"] = no   # a notice not handed over
        mine(cms[2], hq)[0]["appointment"] = self.label("visits", "appointment", "no")
        trip_day = min(v["date"] for v in mine(sorted(self.mms)[-1], store))
        short = [v for v in mine(sorted(self.mms)[-1], store) if v["date"] == trip_day]
        for v in short[9:]:                             # that trip reaches only 9 stores
            visits.remove(v)
        extra = mine(cms[3], store)[0]
        later = [d for d in sorted({v["date"] for v in visits}) if d.day > 15 and d > extra["date"]]
        if later:
            visits.append({**extra, "date": later[0]})    # a second, unplanned visit
        visits.sort(key=lambda v: (v["date"], v["person"], v["target_code"]))
        week = parse_week(meeting_week(self.month))     # the week gcs demo's weekly pack reviews
        seen = [v for v in visits if v["target_type"] == store and week.monday <= v["date"] <= week.sunday]
        for v, text in zip(seen[5::20], COMPLIANCE_FINDINGS):
            v["issues"] = text

    def _visit_row(self, plan: dict[str, Any]) -> dict[str, Any]:
        hq = plan["target_type"] == self.label("visits", "target_type", "hq")
        cm = plan["role"] == self.label("visits", "role", "cm")
        yes, no = self.label("visits", "scarce_notice", "yes"), self.label("visits", "scarce_notice", "no")
        return {
            "date": plan["date"], "person": plan["person"], "role": plan["role"],
            "target_type": plan["target_type"], "target_code": plan["target_code"],
            "appointment": self.label("visits", "appointment", "yes") if hq else None,
            "scarce_notice": None if hq else (yes if cm else no),
            "content": self.rng.choice(HQ_CONTENT if hq else VISIT_CONTENT),
            "issues": None if hq else (self.rng.choice(VISIT_ISSUES) or None),
        }

    def _observations(self, plan: dict[str, Any]) -> list[dict[str, Any]]:
        skus = self.rng.sample(self.dep["catalogue"], self.rng.randrange(3, 7))
        yes, no = self.label("observations", "on_shelf", "yes"), self.label("observations", "on_shelf", "no")
        rows = []
        for sku in skus:
            on_shelf = self.rng.random() < 0.9
            guide = sku["retail_guide"]
            price = round(guide * self.rng.choice((1, 1, 1, 1, 0.98, 1.02, 1.08)), 0)
            rows.append({
                "date": plan["date"], "person": plan["person"], "licence": plan["target_code"],
                "sku": sku["sku"], "on_shelf": yes if on_shelf else no,
                "retail_price": price if on_shelf else None, "stock": self.rng.randrange(0, 40) if on_shelf else 0,
            })
        return rows

    # -- three years of sales (a forecast's backtest and its Spring Festival check need
    # them; the reviews use the last 13 months), and targets ---------------------------
    def sales_and_targets(self) -> None:
        months = months_ending(self.month, SALES_MONTHS)
        rows, per_hq = [], {}
        skus = self.dep["catalogue"]
        regular = [k for k in skus if k["sku"] != NEW_PRODUCT]
        launch = months[-3]
        for s in self.dep["stores"]:
            stocked = self.rng.sample(regular, self.rng.randrange(5, len(regular) + 1))
            if self.rng.random() < 0.6:
                stocked.append(next(k for k in skus if k["sku"] == NEW_PRODUCT))
            weights = [self.rng.uniform(0.5, 2.0) for _ in stocked]
            trend = self.rng.uniform(-0.02, 0.03)
            for k, month in enumerate(months):
                season = 1.35 if spring_festival_in(month) else 1.1 if month.endswith("-09") else 1.0
                for sku, w in zip(stocked, weights):
                    if sku["sku"] == NEW_PRODUCT and month < launch:
                        continue
                    base = s["monthly_volume"] * w / sum(weights)
                    volume = max(0, round(base * season * (1 + trend) ** k * self.rng.uniform(0.85, 1.15)))
                    if volume == 0:
                        continue
                    rows.append({"month": month, "customer": s["customer"], "licence": s["licence"],
                                 "sku": sku["sku"], "volume": volume,
                                 "amount": round(volume * sku["wholesale_price"], 2)})
                    per_hq[(month, s["customer"])] = per_hq.get((month, s["customer"]), 0) + volume
        self.dep.tables["sales"] = rows
        self.dep.tables["targets"] = [     # targets set ahead of time: some months beaten, some missed
            {"month": m, "customer": h["code"],
             "target_volume": round(per_hq.get((m, h["code"]), 0) * self.rng.uniform(0.92, 1.1), -1)}
            for m in months for h in self.dep["hq"]
        ]
        rest = [shift_month(self.month, k) for k in range(1, 13 - int(self.month[5:]))]
        self.dep.tables["targets"] += [     # the rest of the year's targets, from the same month last year
            {"month": m, "customer": h["code"],
             "target_volume": round(per_hq.get((shift_month(m, -12), h["code"]), 0) * self.rng.uniform(1.0, 1.1), -1)}
            for m in rest for h in self.dep["hq"]
        ]


def generate(month: str, *, seed: int = 2026, today: dt.date | None = None,
             specs: Specs | None = None) -> Department:
    """A whole department for `month` (YYYY-MM), reproducible from the seed."""
    today = today or dt.date.today()
    return _Builder(month, seed, today, specs or load_specs()).build()


def previous_month(today: dt.date) -> str:
    """The month before today's, as YYYY-MM (the demo's default month)."""
    return shift_month(month_of(today), -1)
