"""分析与建议: the review's prose in the regulation's three parts (the market; the
customer's last period; suggestions), every sentence built from the numbers. A sentence
whose numbers are missing is left out, never filled with words."""

from __future__ import annotations

from typing import Any

from ..render import pct
from .analysis import falling

HIGH_COVER_DAYS = 45      # stock above this many days of sales: suggest ordering less
LOW_COVER_DAYS = 7        # below this: suggest restocking
LOW_DISTRIBUTION = 0.6    # a scarce or new SKU on fewer shelves than this: suggest placing it
MIN_VOLUME_FOR_TREND = 10  # SKUs with fewer cartons than this are not called growing or falling


# --- how numbers read in Chinese prose ---------------------------------------------
def signed(x: float | None) -> str:
    if x is None:
        return "—"
    if abs(x) < 0.0005:
        return "持平"
    return f"{'+' if x > 0 else '−'}{abs(x):.1%}"


def cartons(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def yuan(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x / 10000:,.2f} 万元" if abs(x) >= 10000 else f"{x:,.2f} 元"


def _change_words(mom: float | None, yoy: float | None) -> str:
    parts = []
    parts.append(f"环比{signed(mom)}" if mom is not None else "上月没有销量，无法算环比")
    parts.append(f"同比{signed(yoy)}" if yoy is not None else "去年同月没有销量，无法算同比")
    return "，".join(parts)


def _movers(skus: list[dict[str, Any]], n: int = 2) -> tuple[list[dict], list[dict]]:
    """Growing and falling SKUs among those with enough volume and a previous month."""
    ranked = [s for s in skus if s["mom"] is not None and max(s["volume"], s["volume"] - s["change"]) >= MIN_VOLUME_FOR_TREND]
    up = sorted((s for s in ranked if s["mom"] > 0), key=lambda s: (-s["mom"], s["sku"]))[:n]
    down = sorted((s for s in ranked if s["mom"] < 0), key=lambda s: (s["mom"], s["sku"]))[:n]
    return up, down


def market_part(m: dict[str, Any], month_words: str) -> list[str]:
    out = [f"{month_words}全部门卷烟销量 {cartons(m['volume'])} 条（{m['boxes']:,.1f} 箱），"
           f"{_change_words(m['mom'], m['yoy'])}；销售额 {yuan(m['amount'])}，"
           f"{_change_words(m['amount_mom'], m['amount_yoy'])}。"]
    classes = [c for c in m["classes"] if c["share"]]
    if classes:
        text = "、".join(f"{c['price_class']}占 {pct(c['share'])}" for c in classes)
        moved = [c for c in classes if c["share_prev"] is not None]
        sentence = f"按价类看，{text}"
        if moved:
            c = max(moved, key=lambda c: abs(c["share"] - c["share_prev"]))
            diff = (c["share"] - c["share_prev"]) * 100
            if abs(diff) >= 0.05:
                sentence += f"；{c['price_class']}占比较上月{'上升' if diff > 0 else '下降'} {abs(diff):.1f} 个百分点"
        out.append(sentence + "。")
    up, down = _movers(m["top_skus"])
    if up or down:
        parts = []
        if up:
            parts.append("增长最快的规格是" + "、".join(f"{s['sku']}（环比{signed(s['mom'])}）" for s in up))
        if down:
            parts.append("下降最多的是" + "、".join(f"{s['sku']}（环比{signed(s['mom'])}）" for s in down))
        out.append("；".join(parts) + "。")
    for p in m["new_products"]:
        if p["first_month"]:
            out.append(f"新品 {p['sku']} 自 {p['first_month']} 起有销量，本月 {cartons(p['volume'])} 条"
                       f"（上市第 {p['months_on_sale']} 个月）。")
        else:
            out.append(f"新品 {p['sku']} 到本月还没有销量。")
    return out


def customer_part(c: dict[str, Any], name: str, month_words: str, store_names: dict[str, str],
                  terminal: dict[str, Any] | None) -> list[str]:
    out = [f"{name}{month_words}销量 {cartons(c['volume'])} 条（{c['boxes']:,.1f} 箱），"
           f"{_change_words(c['mom'], c['yoy'])}；销售额 {yuan(c['amount'])}"
           + (f"，条均价 {c['avg_price']:,.2f} 元" if c["avg_price"] is not None else "")
           + (f"（上月 {c['avg_price_prev']:,.2f} 元）" if c["avg_price_prev"] is not None and c["avg_price"] is not None else "")
           + "。"]
    if c["target"]:
        gap = c["volume"] - c["target"]
        out.append(f"本月目标 {cartons(c['target'])} 条，完成 {pct(c['attainment'])}"
                   f"（{'超出' if gap >= 0 else '还差'} {cartons(abs(gap))} 条）。")
    gaps = [k for k in c["classes"] if k["share"] is not None and k["market_share"] is not None]
    if gaps:
        k = max(gaps, key=lambda k: abs(k["share"] - k["market_share"]))
        diff = (k["share"] - k["market_share"]) * 100
        if abs(diff) >= 0.05:
            out.append(f"{k['price_class']}占贵公司销量的 {pct(k['share'])}，比全部门（{pct(k['market_share'])}）"
                       f"{'高' if diff > 0 else '低'} {abs(diff):.1f} 个百分点。")
    skus = c["top_skus"]
    if skus and skus[0]["volume"] > 0:
        top = skus[0]
        sentence = f"销量最大的规格是 {top['sku']}（{cartons(top['volume'])} 条，占 {pct(top['share'])}）"
        up, down = _movers(skus, 1)
        if up:
            sentence += f"；增长最多的是 {up[0]['sku']}（环比{signed(up[0]['mom'])}）"
        if down:
            sentence += f"；下降最多的是 {down[0]['sku']}（环比{signed(down[0]['mom'])}）"
        out.append(sentence + "。")
    stores = c["stores"]
    if stores and stores[0]["volume"] > 0:
        best = stores[0]
        sentence = (f"{len(stores)} 家门店中，{store_names.get(best['licence'], best['licence'])} 销量最高"
                    f"（{cartons(best['volume'])} 条）")
        fell = falling(stores, 2)
        if fell:
            sentence += "；下降最多的是" + "、".join(
                f"{store_names.get(s['licence'], s['licence'])}（减少 {cartons(-s['change'])} 条，环比{signed(s['mom'])}）"
                for s in fell)
        out.append(sentence + "。")
    if terminal and terminal["stores_surveyed"]:
        t = terminal
        sentence = f"本月走访采集了 {t['stores_surveyed']} 家门店：价格执行率 {pct(t['compliance'])}"
        if t["price_index"] is not None:
            sentence += f"，零售价格指数 {t['price_index']:.1f}"
        low = [s for s in t["skus"] if s["distribution"] is not None]
        if low:
            worst = min(low, key=lambda s: (s["distribution"], s["sku"]))
            sentence += f"；铺货率最低的规格是 {worst['sku']}（{pct(worst['distribution'])}）"
        out.append(sentence + "。")
    if terminal is not None and terminal["not_visited"]:
        names = "、".join(s["name"] for s in terminal["not_visited"][:5])
        more = f"等 {len(terminal['not_visited'])} 家" if len(terminal["not_visited"]) > 5 else ""
        out.append(f"本月没有拜访记录的门店：{names}{more}。")
    return out


def suggestions(c: dict[str, Any], m: dict[str, Any], store_names: dict[str, str],
                terminal: dict[str, Any] | None) -> list[str]:
    out = []
    fell = falling(c["stores"], 3)
    if fell:
        out.append("重点关注" + "、".join(store_names.get(s["licence"], s["licence"]) for s in fell)
                   + "：销量分别减少 " + "、".join(f"{cartons(-s['change'])} 条" for s in fell)
                   + "，建议了解原因（缺货、陈列、周边竞争），据实调整要货。")
    if c["target"] and c["attainment"] is not None and c["attainment"] < 1:
        up, _ = _movers(c["top_skus"], 2)
        lean = f"，要货可向{'、'.join(s['sku'] for s in up)}等增长规格倾斜" if up else ""
        out.append(f"本月目标完成 {pct(c['attainment'])}，比目标少 {cartons(c['target'] - c['volume'])} 条{lean}。")
    mine = {s["sku"]: s for s in c["top_skus"]}
    market_up, _ = _movers(m["top_skus"], 3)
    for s in market_up:
        own = mine.get(s["sku"])
        if own is None or own["volume"] == 0:
            out.append(f"{s['sku']} 在全部门环比{signed(s['mom'])}，贵公司本月还没有销售，可考虑引进。")
        elif own["mom"] is not None and own["mom"] < s["mom"]:
            out.append(f"{s['sku']} 在全部门环比{signed(s['mom'])}，贵公司环比{signed(own['mom'])}，可加大推荐。")
    if terminal:
        skus = terminal["skus"]
        for s in skus:
            if (s["scarce"] or s["new"]) and s["distribution"] is not None and s["distribution"] < LOW_DISTRIBUTION:
                kind = "紧俏规格" if s["scarce"] else "新品"
                out.append(f"{kind} {s['sku']} 铺货率只有 {pct(s['distribution'])}（{s['stores_stocking']}/"
                           f"{s['stores_surveyed']} 家调查门店上柜），建议在未上柜的门店补上。")
        off = [s for s in skus if s["compliance"] is not None and s["compliance"] < 1 and s["avg_price"] is not None]
        if off:
            out.append("这些规格有采集到的售价偏离指导价超过 5%：" + "、".join(
                f"{s['sku']} {s['observations'] - s['compliant']} 次（平均 {s['avg_price']:,.2f} 元，"
                f"指导价 {s['guide']:,.2f} 元）" for s in off) + "，请按指导价销售。")
        high = [s for s in skus if s["days_of_cover"] is not None and s["days_of_cover"] > HIGH_COVER_DAYS]
        if high:
            out.append("库存偏高、建议控制进货的规格：" + "、".join(
                f"{s['sku']}（库存 {cartons(s['stock'])} 条，可销 {s['days_of_cover']:.0f} 天）" for s in high) + "。")
        low = [s for s in skus if s["days_of_cover"] is not None and s["days_of_cover"] < LOW_COVER_DAYS]
        if low:
            out.append(f"库存不够 {LOW_COVER_DAYS} 天销售、建议及时补货的规格：" + "、".join(
                f"{s['sku']}（可销 {s['days_of_cover']:.1f} 天）" for s in low) + "。")
        if terminal["not_visited"]:
            out.append(f"{len(terminal['not_visited'])} 家门店本月没有拜访记录，客户经理下月优先安排拜访。")
    if not out:
        out.append("本月门店销量、目标、价格和库存都没有发现需要调整的地方，保持现有做法。")
    return out
