"""分析与建议: the review's prose in the regulation's three parts (the market; the
customer's last period; suggestions). Every sentence is built from the numbers; a
sentence whose numbers are missing, or rest on too small a base, is left out, never
filled with words. Suggestions come from the findings through the rule table
(monthly.toml), so each names the data that triggered it."""

from __future__ import annotations

from typing import Any

from ..festivals import known_year, spring_festival_in, spring_festivals
from .analysis import Period
from .config import Finding, MonthlyConfig
from .findings import movers
from .names import month_words
from .words import cartons, month_day, pct, signed, yuan


def _change_words(mom: float | None, yoy: float | None, data: dict[str, Any]) -> str:
    parts = []
    if mom is not None:
        parts.append(f"环比{signed(mom)}")
    elif data.get("prev_given", True):
        parts.append("上月没有销量，无法算环比")
    if yoy is not None:
        parts.append(f"同比{signed(yoy)}")
    elif data.get("last_year_given", True):
        parts.append("去年同月没有销量，无法算同比")
    return "，".join(parts) or "所给数据没有上月和去年同月，无法算环比、同比"


def festival_sentence(month: str, base: str, change: float | None, cfg: MonthlyConfig, what: str) -> str | None:
    """A sentence naming the Spring Festival when exactly one of the two months (this one
    and base: the same month last year for 同比, the previous month for 环比) holds it and
    the change goes the way the festival pushes it, by at least season_change."""
    if change is None or not (known_year(int(month[:4])) and known_year(int(base[:4]))):
        return None
    now, then = spring_festival_in(month), spring_festival_in(base)
    yoy = what == "同比"
    if now and not then and change >= cfg.season_change:
        before = spring_festivals()[int(base[:4])]
        other = f"去年同月没有春节（去年春节在{month_day(before)}）" if yoy else "上月没有春节"
        return f"{what}{signed(change)}里有春节的因素：今年春节在本月（{month_day(now)}），{other}。"
    if then and not now and change <= -cfg.season_change:
        this_year = spring_festivals()[int(month[:4])]
        other = f"去年同月有春节（{then.year}年{month_day(then)}）" if yoy else f"上月有春节（{month_day(then)}）"
        later = f"（今年春节在{month_day(this_year)}）" if yoy else ""
        return f"{what}{signed(change)}里有春节的因素：{other}，本月没有{later}。"
    return None


def _seasons(data: dict[str, Any], period: Period, cfg: MonthlyConfig) -> list[str]:
    out = []
    for base, change, what in ((period.last_year, data["yoy"], "同比"), (period.prev, data["mom"], "环比")):
        s = festival_sentence(period.month, base, change, cfg, what)
        if s:
            out.append(s)
    return out


def market_part(m: dict[str, Any], words: str, period: Period, cfg: MonthlyConfig) -> list[str]:
    """一、the department's month: volume, price classes, movers, new products."""
    out = [f"{words}全部门卷烟销量 {cartons(m['volume'])} 条（{m['boxes']:,.1f} 箱），"
           f"{_change_words(m['mom'], m['yoy'], m)}；销售额 {yuan(m['amount'])}"
           + (f"，{_change_words(m['amount_mom'], m['amount_yoy'], m)}" if m["amount_mom"] is not None
              or m["amount_yoy"] is not None else "") + "。"]
    out += _seasons(m, period, cfg)
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
    up, down = movers(m["top_skus"], cfg, 2)
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


def customer_part(c: dict[str, Any], name: str, words: str, period: Period, store_names: dict[str, str],
                  terminal: dict[str, Any] | None, cfg: MonthlyConfig) -> list[str]:
    """二、the customer's month: volume, target, classes, SKUs, stores, the terminal."""
    out = [f"{name}{words}销量 {cartons(c['volume'])} 条（{c['boxes']:,.1f} 箱），"
           f"{_change_words(c['mom'], c['yoy'], c)}；销售额 {yuan(c['amount'])}"
           + (f"，条均价 {c['avg_price']:,.2f} 元" if c["avg_price"] is not None else "")
           + (f"（上月 {c['avg_price_prev']:,.2f} 元）" if c["avg_price_prev"] is not None and c["avg_price"] is not None else "")
           + "。"]
    out += _seasons(c, period, cfg)
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
        up, down = movers(skus, cfg, 1)
        for label, moved in (("增长最多", up), ("下降最多", down)):
            if moved and moved[0] is top:
                sentence += f"，环比{signed(top['mom'])}，也是{label}的规格"
            elif moved:
                sentence += f"；{label}的是 {moved[0]['sku']}（环比{signed(moved[0]['mom'])}）"
        out.append(sentence + "。")
    selling = [s for s in c["stores"] if s["volume"] > 0]
    if selling:
        best = selling[0]
        sentence = (f"本月有销量的 {len(selling)} 家门店中，{store_names.get(best['licence'], best['licence'])} 销量最高"
                    f"（{cartons(best['volume'])} 条）")
        if c["sell_rate"] is not None:
            sentence += f"；{c['active_stores']} 家正常营业的门店里 {c['selling_stores']} 家有销量（动销率 {pct(c['sell_rate'])}）"
        out.append(sentence + "。")
    if terminal and terminal["stores_surveyed"]:
        out.append(_terminal_sentence(terminal, cfg))
    return out


def _terminal_sentence(t: dict[str, Any], cfg: MonthlyConfig) -> str:
    sentence = f"本月走访采集了 {t['stores_surveyed']} 家门店、{t['observations']} 次售价"
    if t["compliance"] is not None:
        sentence += (f"：价格执行率 {pct(t['compliance'])}（{t['observations'] - t['off']}/{t['observations']} 次"
                     f"与指导价相差不超过 {cfg.price_tolerance:.0%}）")
    elif t["off"]:
        sentence += f"，其中 {t['off']} 次与指导价相差超过 {cfg.price_tolerance:.0%}"
    if t["price_index"] is not None:
        sentence += f"，零售价格指数 {t['price_index']:.1f}"
    rated = [s for s in t["skus"] if s["distribution"] is not None]
    if rated:
        worst = min(rated, key=lambda s: (s["distribution"], s["sku"]))
        sentence += f"；铺货率最低的规格是 {worst['sku']}（{pct(worst['distribution'])}，{worst['on_shelf']}/{worst['surveyed']} 家）"
    return sentence + "。"


def suggestions(c: dict[str, Any], terminal: dict[str, Any] | None, findings: list[Finding],
                cfg: MonthlyConfig) -> list[str]:
    """三、the suggestions: one sentence per rule the findings set off (monthly.toml)."""
    out = [text for _, text in cfg.advise(findings)]
    if not out:
        checked = ["门店销量"] + (["目标"] if c["target"] else [])
        if terminal and any(s["distribution"] is not None or s["days_of_cover"] is not None or s["compliance"] is not None
                            for s in terminal["skus"]):
            checked.append("采集到的铺货、价格和库存")
        out.append(f"本月{'、'.join(checked)}都没有发现需要调整的地方，保持现有做法。")
    return out


def forecast_sentence(f: dict[str, Any]) -> str:
    """Next month's demand as gcs forecast puts it (the sum of the customer's SKUs, with
    the 80 % range), as a suggestion for ordering."""
    low, high = f["low"], f["high"]
    around = f"（大致在 {cartons(low)}–{cartons(high)} 条之间）" if high > low else ""
    return (f"按历年同期和近几个月的走势预测，{month_words(f['month'])}贵公司需求约 {cartons(f['forecast'])} 条"
            f"{around}，可据此安排订货。")
