"""What the data show about one customer, as findings for the advice rules
(monthly.toml): each finding names its subject (a SKU, a store, the customer) and the
numbers that triggered it, already written as words. Only rates on a sufficient base
(analysis.rate) can trigger a finding."""

from __future__ import annotations

from typing import Any, Callable

from .analysis import falling
from .config import Finding, MonthlyConfig
from .words import cartons, days, listing, pct, signed

Changes = Callable[[str], list[tuple[str, float, float]]]     # licence -> (sku, now, prev), falls first


def movers(skus: list[dict[str, Any]], cfg: MonthlyConfig, n: int) -> tuple[list[dict], list[dict]]:
    """Growing and falling SKUs among those with enough volume and a previous month."""
    ranked = [s for s in skus if s["mom"] is not None
              and max(s["volume"], s["volume_prev"]) >= cfg.min_trend_volume]
    up = sorted((s for s in ranked if s["mom"] > 0), key=lambda s: (-s["mom"], s["sku"]))[:n]
    down = sorted((s for s in ranked if s["mom"] < 0), key=lambda s: (s["mom"], s["sku"]))[:n]
    return up, down


def _kind(s: dict) -> str:
    return "紧俏规格" if s["scarce"] else "新品"


def terminal_findings(t: dict[str, Any], names: dict[str, str], cfg: MonthlyConfig) -> list[Finding]:
    """Stock, distribution and price findings per SKU from the store observations."""
    out = []
    name = lambda lic: names.get(lic, lic)     # noqa: E731
    for s in t["skus"]:
        sku = s["sku"]
        d = s["days_of_cover"]
        if d is not None and d > cfg.high_cover_days:
            high = sorted((x for x in s["per_store"] if x["stock"] > 0 and (x["days"] is None or x["days"] > cfg.high_cover_days)),
                          key=lambda x: (-(x["days"] or float("inf")), x["licence"]))
            out.append(Finding("overstock", sku, {
                "sku": sku, "days": days(d), "base": str(s["cover_base"]),
                "stores": listing([f"{name(x['licence'])}（{_store_days(x)}）" for x in high], cfg.names_listed)}))
        elif d is not None and d < cfg.low_cover_days:
            low = sorted((x for x in s["per_store"] if x["sales"] > 0 and x["days"] is not None and x["days"] < cfg.low_cover_days),
                         key=lambda x: (x["days"], x["licence"]))
            out.append(Finding("low_stock", sku, {
                "sku": sku, "days": days(d), "base": str(s["cover_base"]),
                "stores": listing([f"{name(x['licence'])}（{_store_days(x)}）" for x in low], cfg.names_listed)}))
        if (s["scarce"] or s["new"]) and s["distribution"] is not None and s["distribution"] < cfg.low_distribution:
            out.append(Finding("distribution_gap", sku, {
                "sku": sku, "kind": _kind(s), "dist_rate": pct(s["distribution"]), "on_shelf": str(s["on_shelf"]),
                "surveyed": str(s["surveyed"]), "missing": listing([name(x) for x in s["missing"]], cfg.names_listed)}))
    return out


def price_findings(t: dict[str, Any], names: dict[str, str], cfg: MonthlyConfig) -> list[Finding]:
    """Observations whose price is off the guide price by more than the tolerance, each
    judged on its own: the SKUs with such observations and how many, and the worst ones."""
    off = [dict(o, sku=s["sku"]) for s in t["skus"] for o in s["off"]]
    if not off:
        return []
    skus = "、".join(f"{s['sku']} {len(s['off'])}/{s['observations']} 次" for s in t["skus"] if s["off"])
    worst = sorted(off, key=lambda o: (-abs(o["deviation"]), o["sku"], o["licence"]))[:cfg.names_listed]
    return [Finding("price_off", "", {
        "count": str(len(off)), "observations": str(t["observations"]), "tolerance": f"{cfg.price_tolerance:.0%}",
        "skus": skus,
        "worst": "、".join(f"{names.get(o['licence'], o['licence'])}的 {o['sku']} {o['price']:,.2f} 元"
                          f"（{signed(o['deviation'])}）" for o in worst)})]


def _store_days(x: dict) -> str:
    if x["days"] is None:
        return f"库存 {cartons(x['stock'])} 条，本月没有销量"
    return f"{days(x['days'])} 天"


def selling_findings(c: dict[str, Any], catalogue: dict, cfg: MonthlyConfig) -> list[Finding]:
    """Scarce and new SKUs the customer sells in too few of its active stores (动销率)."""
    out = []
    for s in c["top_skus"]:
        cat = catalogue.get(s["sku"])
        if cat and (cat.scarce or cat.new) and s["selling"] and s["sell_rate"] is not None \
                and s["sell_rate"] < cfg.low_selling:
            out.append(Finding("selling_gap", s["sku"], {
                "sku": s["sku"], "kind": "紧俏规格" if cat.scarce else "新品", "sell_rate": pct(s["sell_rate"]),
                "selling": str(s["selling"]), "active": str(s["active"])}))
    return out


def market_findings(c: dict[str, Any], market: dict[str, Any], cfg: MonthlyConfig) -> list[Finding]:
    """The department's fastest-growing SKUs that this customer does not sell, sold last
    month but not this month, or sells with less growth."""
    out = []
    mine = {s["sku"]: s for s in c["top_skus"]}
    up, _ = movers(market["top_skus"], cfg, cfg.market_movers)
    for s in up:
        own = mine.get(s["sku"])
        if own is not None and own["volume"] == 0 and own["volume_prev"] > 0:
            out.append(Finding("market_dropped", s["sku"], {"sku": s["sku"], "market_mom": signed(s["mom"]),
                                                            "last": cartons(own["volume_prev"])}))
        elif own is None or own["volume"] == 0:
            out.append(Finding("market_new", s["sku"], {"sku": s["sku"], "market_mom": signed(s["mom"])}))
        elif own["mom"] is not None and own["mom"] < s["mom"]:
            out.append(Finding("market_lagging", s["sku"], {"sku": s["sku"], "market_mom": signed(s["mom"]),
                                                            "own_mom": signed(own["mom"])}))
    return out


def store_findings(c: dict[str, Any], t: dict[str, Any] | None, names: dict[str, str], changes: Changes,
                   cfg: MonthlyConfig) -> list[Finding]:
    """The stores that lost most against last month, each with the SKUs that fell most
    there and, among those, the ones seen off the shelf on a visit this month."""
    missing = {(lic, s["sku"]) for s in (t["skus"] if t else ()) for lic in s["missing"]}
    stores, out = [], []
    for st in falling(c["stores"], cfg.falling_stores, cfg.min_store_drop, cfg.min_store_drop_share):
        lic = st["licence"]
        store = names.get(lic, lic)
        drops = [(sku, now, prev) for sku, now, prev in changes(lic) if now < prev][:2]
        drivers = "、".join(f"{sku} {cartons(prev)} → {cartons(now)} 条" for sku, now, prev in drops)
        stores.append(f"{store}（{cartons(st['volume_prev'])} → {cartons(st['volume'])} 条，环比{signed(st['mom'])}"
                      + (f"；减少最多的是 {drivers}" if drivers else "") + "）")
        out += [f"{store}的 {sku}" for sku, _, _ in drops if (lic, sku) in missing]
    if not stores:
        return []
    found = [Finding("stores_falling", "", {"stores": "、".join(stores)})]
    if out:
        found.append(Finding("stores_out", "", {"out": "、".join(out)}))
    return found


def target_findings(c: dict[str, Any], cfg: MonthlyConfig) -> list[Finding]:
    """A target missed, and the customer's own growing SKUs to lean on."""
    if not c["target"] or c["attainment"] is None or c["attainment"] >= 1:
        return []
    out = [Finding("target_missed", "", {"attainment": pct(c["attainment"]),
                                         "gap": cartons(c["target"] - c["volume"])})]
    up, _ = movers(c["top_skus"], cfg, 2)
    if up:
        out.append(Finding("own_rising", "", {"rising": "、".join(f"{s['sku']}（环比{signed(s['mom'])}）" for s in up)}))
    return out


def customer_findings(c: dict[str, Any], market: dict[str, Any], t: dict[str, Any] | None, names: dict[str, str],
                      catalogue: dict, changes: Changes, cfg: MonthlyConfig) -> list[Finding]:
    """Everything the advice rules may speak about for one customer."""
    return [*target_findings(c, cfg), *store_findings(c, t, names, changes, cfg),
            *(terminal_findings(t, names, cfg) + price_findings(t, names, cfg) if t else []),
            *selling_findings(c, catalogue, cfg),
            *market_findings(c, market, cfg)]
